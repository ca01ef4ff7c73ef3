"""Log output: one JSON object per line (production) or plain text, each with its request id."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from telemetry import request_ids

FORMATS = ("text", "json")
TEXT_FORMAT = "%(levelname)s %(name)s [%(request_id)s] %(message)s"
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "request_id", "taskName"}
)
"""Attributes every record has; anything else was passed in `extra=` and is logged too."""


def stamp_request_ids() -> None:
    """Give every log record the request id current where it is made (``-`` outside any).

    Stamped when the record is made, not when a handler writes it, so the id is that of
    the request or message the logging code was working for. Idempotent.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "stamps_request_ids", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_ids.current() or "-"
        return record

    make_record.stamps_request_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, extras, error."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "-")
        if request_id != "-":
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    """The formatter for a `log_format` setting: ``json`` or ``text``."""
    if log_format == "json":
        return JsonFormatter()
    if log_format == "text":
        return logging.Formatter(TEXT_FORMAT)
    raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {log_format!r}")


def configure(level: str, log_format: str) -> None:
    """Send the root logger's records to stderr (or to the handlers already there, restyled)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    stamp_request_ids()
    for handler in root.handlers:
        handler.setFormatter(formatter(log_format))
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()  # uvicorn's own handlers would print a second, plain line
        logger.propagate = True
