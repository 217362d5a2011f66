"""Keeping embed tokens out of every log line (access logs included)."""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# A token in a query string, an Authorization header, or a 1.0 URL path segment (three base64url
# parts separated by dots).
_QUERY_TOKEN = re.compile(r"(embed_token=)[^&\s\"']*")
_BEARER = re.compile(r"(Bearer\s+)[^\s\"']+", re.IGNORECASE)
_PATH_TOKEN = re.compile(r"(/d/[^/\s?\"']+(?:/[^/\s?\"']+)?/)[\w-]+\.[\w-]+\.[\w=-]*")


def redact(text: str) -> str:
    """``text`` with every embed token replaced by ``[redacted]``."""
    if "." not in text and "embed_token" not in text and "earer" not in text:
        return text
    text = _QUERY_TOKEN.sub(rf"\g<1>{REDACTED}", text)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    return _PATH_TOKEN.sub(rf"\g<1>embed_token={REDACTED}", text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts tokens in the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_redaction() -> None:
    """Attach the filter to the loggers and handlers that can carry request URLs."""
    token_filter = RedactTokens()
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error", "dashlet"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(token_filter)
        for handler in logger.handlers:
            if not any(isinstance(f, RedactTokens) for f in handler.filters):
                handler.addFilter(token_filter)
