"""Keeping embed tokens out of every log line (access logs included)."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

REDACTED = "[redacted]"
TOKEN_PARAMETER = "embed_token"  # noqa: S105 (a parameter name)
# A token in a query string, an Authorization header, or a 1.0 URL path segment (three base64url
# parts separated by dots).
_QUERY = re.compile(r"(?<=\?)[^\s\"'#]*")
_PAIR = re.compile(r"([^&=]*)=([^&]*)")
_BEARER = re.compile(r"(Bearer\s+)[^\s\"']+", re.IGNORECASE)
_PATH_TOKEN = re.compile(r"(/d/[^/\s?\"']+(?:/[^/\s?\"']+)?/)[\w-]+\.[\w-]+\.[\w=-]*")


def redact(text: str) -> str:
    """``text`` with every embed token replaced by ``[redacted]``."""
    if "." not in text and "?" not in text and "earer" not in text:
        return text
    text = _QUERY.sub(_redact_query, text)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    return _PATH_TOKEN.sub(rf"\g<1>embed_token={REDACTED}", text)


def _redact_pair(match: re.Match[str]) -> str:
    # Starlette decodes parameter names, so ``embed%5Ftoken=`` is a token too.
    if unquote_plus(match[1]).lower() == TOKEN_PARAMETER:
        return f"{match[1]}={REDACTED}"
    return match[0]


def _redact_query(match: re.Match[str]) -> str:
    return _PAIR.sub(_redact_pair, match[0])


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
