"""The migration's HTTP client of tukku's public API (or of any endpoint that speaks the same
wire contract): a bearer token, bounded concurrency, `429` answered by waiting `Retry-After`,
transient failures (connection errors, 500, 502, 503, 504) retried with exponential backoff, and
every other refusal raised with the API's own message."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

TRANSIENT = frozenset({500, 502, 503, 504})
RETRY_AFTER_MAX = 120.0


class ApiError(Exception):
    """The API refused a request (or kept failing): its status and message, for the report."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        where = path.split("?")[0]
        super().__init__(f"{method} {where}: {status or 'no answer'} {message}".strip())
        self.status = status
        self.message = message


class _Retryable(Exception):
    def __init__(self, error: ApiError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        errors = body.get("errors")
        parts = [str(body.get("message") or "")]
        if isinstance(errors, list):
            parts += [str(e.get("description", e)) for e in errors if isinstance(e, dict)]
        return "; ".join(p for p in parts if p) or response.text[:200]
    return response.text[:200]


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers.get("Retry-After", "1")), 0.0), RETRY_AFTER_MAX)
    except ValueError:
        return 1.0


@dataclass
class Counters:
    """What the client did besides answering: for the summary."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0


class ApiClient:
    """Requests to one deployment, at most `concurrency` at a time."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        concurrency: int = 8,
        attempts: int = 6,
        timeout: float = 60.0,
        backoff_max: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._attempts = attempts
        self._backoff = wait_exponential_jitter(multiplier=0.5, max=backoff_max, jitter=0.5)
        self.counters = Counters()

    async def close(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    def _wait(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        self.counters.retries += 1
        if isinstance(failure, _Retryable) and failure.retry_after is not None:
            return failure.retry_after
        return float(self._backoff(state))

    async def _once(self, method: str, path: str, body: Any) -> httpx.Response:
        async with self._slots:
            self.counters.requests += 1
            try:
                response = await self._http.request(method, path, json=body)
            except httpx.TransportError as exc:
                raise _Retryable(ApiError(method, path, None, type(exc).__name__)) from exc
        if response.status_code == 429:
            self.counters.throttled += 1
            error = ApiError(method, path, 429, _message(response))
            raise _Retryable(error, _retry_after(response))
        if response.status_code in TRANSIENT:
            raise _Retryable(ApiError(method, path, response.status_code, _message(response)))
        return response

    async def request(
        self, method: str, path: str, body: Any = None, *, allow: frozenset[int] = frozenset()
    ) -> httpx.Response:
        """The answer to one request: 2xx or a status in `allow`; ApiError otherwise."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._once(method, path, body)
        except _Retryable as exc:
            raise exc.error from None
        if response.is_success or response.status_code in allow:
            return response
        raise ApiError(method, path, response.status_code, _message(response))

    async def json(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        """The JSON object a request answers ({} for an empty answer)."""
        response = await self.request(method, path, body)
        if not response.content:
            return {}
        data = response.json()
        return data if isinstance(data, dict) else {"items": data}
