"""Structured logs: one JSON object per line, carrying the tracking ID of the request or job.

Also the context a request runs in (its tracking ID and where it came from), which logs and the
audit log read without every function passing it along.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

tracking_id_var: ContextVar[str | None] = ContextVar("tracking_id", default=None)


@dataclass(frozen=True)
class RequestSource:
    """Where a request came from: the client's address (as forwarded by a trusted proxy) and
    its User-Agent, each as sent and cut to a sane length."""

    address: str | None
    user_agent: str | None


request_source_var: ContextVar[RequestSource | None] = ContextVar("request_source", default=None)

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Render records as JSON lines so log pipelines can index them without parsing text."""

    def format(self, record: logging.LogRecord) -> str:
        """The record, its process ID (several processes may share a stream), its extra fields
        and the current tracking ID as one JSON line."""
        entry = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        tracking_id = tracking_id_var.get()
        if tracking_id:
            entry["trackingId"] = tracking_id
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    """Send every tukku and uvicorn log line to stderr as JSON.

    Records do not look up the caller's source file and line, nor the thread and process
    names, which the JSON lines leave out: each such lookup is paid on every request's access
    line (the logging HOWTO's "Optimization" section names these switches).
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("alembic").setLevel(logging.WARNING)
