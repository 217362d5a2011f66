"""Server-side sessions: a random cookie value, stored only as its SHA-256, with two lifetimes.

The cookie ``dashlet_session`` is HttpOnly, SameSite=Lax and Secure whenever the server's base
URL is https. Signing in always makes a new session and ends the one the browser had, so a
session id planted before sign-in is worth nothing after it (no session fixation). A session
ends 12 hours after sign-in, or after 2 hours without a request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from dashlet.auth.csrf import csrf_token
from dashlet.store import sessions as stored
from dashlet.store.database import Database

SESSION_COOKIE = "dashlet_session"
SESSION_LIFETIME = dt.timedelta(hours=12)
IDLE_TIMEOUT = dt.timedelta(hours=2)
# Writing last_seen_at on every request would make each one a database write.
TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class SignedIn:
    """A live session: who it is, until when, and the CSRF token its forms must carry."""

    session_id: int
    user_id: int
    email: str
    expires_at: dt.datetime
    csrf_token: str


@dataclass(frozen=True)
class NewSession:
    """A session just made: the value to set in the cookie (shown nowhere else) and its user."""

    cookie_value: str = field(repr=False)
    signed_in: SignedIn


def token_hash(cookie_value: str) -> str:
    """What the store keeps of a cookie value: its SHA-256, in hex."""
    return hashlib.sha256(cookie_value.encode()).hexdigest()


def cookie_is_secure(base_url: str) -> bool:
    """Whether the cookie gets the Secure flag: when the server is reached over https."""
    return base_url.lower().startswith("https://")


def start_session(
    db: Database, user_id: int, *, now: dt.datetime, replacing: str | None = None
) -> NewSession:
    """A new session for ``user_id``; the session of cookie value ``replacing`` ends with it."""
    cookie_value = secrets.token_urlsafe(32)
    row = stored.insert_session(
        db,
        token_hash(cookie_value),
        user_id,
        now=now,
        expires_at=now + SESSION_LIFETIME,
        replacing_hash=token_hash(replacing) if replacing else None,
    )
    signed_in = SignedIn(row.id, row.user_id, row.email, row.expires_at, csrf_token(cookie_value))
    return NewSession(cookie_value, signed_in)


def resume_session(db: Database, cookie_value: str | None, *, now: dt.datetime) -> SignedIn | None:
    """The live session of a cookie value, else None (unknown, expired or idle too long)."""
    if not cookie_value:
        return None
    row = stored.find_session(db, token_hash(cookie_value))
    if row is None:
        return None
    if now >= row.expires_at or now >= row.last_seen_at + IDLE_TIMEOUT:
        stored.delete_session(db, token_hash(cookie_value))
        return None
    if now >= row.last_seen_at + TOUCH_EVERY:
        stored.touch_session(db, row.id, now)
    return SignedIn(row.id, row.user_id, row.email, row.expires_at, csrf_token(cookie_value))


def end_session(db: Database, cookie_value: str) -> None:
    """Sign out: the session is deleted server-side, so a copied cookie stops working too."""
    stored.delete_session(db, token_hash(cookie_value))
