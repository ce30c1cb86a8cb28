"""Structured logging: one JSON object per line, and no NIK ever written whole.

The filter sits on the handler, so it covers every logger (Django's, Celery's, ours); the
formatter masks again after exception text is added, since a traceback can quote a NIK.
"""

import json
import logging
import re

from ktpportal.nik import mask_nik

# Sixteen digits not touching other digits: a NIK, possibly inside a longer message.
_NIK_IN_TEXT = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_niks_in(text: str) -> str:
    return _NIK_IN_TEXT.sub(lambda m: mask_nik(m.group(0)), text)


class MaskNIKFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_niks_in(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                event[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            event["exc_info"] = self.formatException(record.exc_info)
        return mask_niks_in(json.dumps(event, ensure_ascii=False, default=str))
