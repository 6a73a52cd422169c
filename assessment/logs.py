"""The application's log: one line of JSON per event, with its time, level, logger and fields.

Values are JSON strings, so a line break or a terminal escape sent in a form (a login e-mail,
say) is written escaped and cannot forge a further line. The `assessment` logger is set up
before anything else, so that every line from the first on has its time.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LOGGER = "assessment"
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})
#: Attributes every LogRecord has; anything else passed in `extra` is an event's field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time (UTC), level, logger, message, fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record's line."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({key: value for key, value in vars(record).items() if key not in _STANDARD})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        text = json.dumps(line, ensure_ascii=False, default=str)
        # JSON leaves these as they are, yet readers split lines at them.
        return text.translate(_LINE_BREAKS)


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the standard error stream of the moment (a test may have replaced it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(level: int = logging.INFO) -> logging.Logger:
    """Give the `assessment` logger its JSON lines on standard error (once per process)."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(handler, _StandardError) for handler in logger.handlers):
        handler = _StandardError()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(level)
    return logger


def log_event(logger: logging.Logger, level: int, event: str, **fields: Any) -> None:
    """Log one event with its fields (who, from where, what came of it)."""
    logger.log(level, event, extra=fields)
