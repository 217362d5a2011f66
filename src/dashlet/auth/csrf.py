"""CSRF protection for requests made with the session cookie.

The token is bound to the session: an HMAC of the session's cookie value, so it changes whenever
the session does (sign-in, password change) and needs no storage. Pages put it in a hidden form
field (``csrf_token``), scripts in the ``X-CSRF-Token`` header. A browser's ``Origin`` header,
when sent, must also name this server: that covers the sign-in form itself, which has no
session yet.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

from dashlet.errors import AccessDenied

CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PURPOSE = b"dashlet csrf v1"


def csrf_token(cookie_value: str) -> str:
    """The CSRF token of the session whose cookie holds ``cookie_value``."""
    return hmac.new(cookie_value.encode(), _PURPOSE, hashlib.sha256).hexdigest()


def check_csrf(cookie_value: str, presented: str | None) -> None:
    """Raise AccessDenied (``csrf_failed``) unless ``presented`` is this session's token."""
    if not presented or not hmac.compare_digest(
        presented.encode(), csrf_token(cookie_value).encode()
    ):
        raise AccessDenied(code="csrf_failed")


def check_origin(origin: str | None, hosts: Iterable[str]) -> None:
    """Raise AccessDenied (``csrf_failed``) when a browser says the request came from elsewhere.

    ``origin`` is the ``Origin`` header (absent from most non-browser clients, which is fine:
    they carry no ambient cookie). ``hosts`` are this server's ``host[:port]`` names; the scheme
    is not compared, so a TLS-terminating proxy in front changes nothing.
    """
    if origin is None:
        return
    netloc = urlsplit(origin).netloc.lower() if origin != "null" else ""
    if not netloc or netloc not in {host.lower() for host in hosts}:
        raise AccessDenied(
            "This request came from another site; it was refused to protect your session.",
            code="csrf_failed",
        )
