"""Ports to the systems outside tukku, and the implementations a process's settings chose.

Each external system is a `Protocol` in the domain that uses it, named by a `Port` beside it.
`tukku.backends.for_settings` chooses every implementation in one place; the app and the worker
hold the result, routes receive it as `BackendsDep` and jobs as `ctx.backends`.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class Port(Generic[T]):
    """Names one external system's interface `T`; `Backends.get` answers its implementation."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Port({self.name!r})"


class Backends:
    """The implementation chosen for each port (an empty one serves jobs that need none)."""

    def __init__(self) -> None:
        self._chosen: dict[Port[Any], object] = {}

    def use(self, port: Port[T], implementation: T) -> Backends:
        """Choose `implementation` for `port`, replacing any earlier choice."""
        self._chosen[port] = implementation
        return self

    def get(self, port: Port[T]) -> T:
        """The implementation chosen for `port`; LookupError if the process chose none."""
        try:
            return cast(T, self._chosen[port])
        except KeyError:
            raise LookupError(
                f"no implementation chosen for {port.name}: build the process's backends with "
                "tukku.backends.for_settings"
            ) from None
