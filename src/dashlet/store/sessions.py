"""Server-side sign-in sessions: rows keyed by the SHA-256 of the cookie value.

The cookie value itself is never stored, so a copy of the database lets nobody sign in. The
rules (lifetimes, rotation at sign-in, CSRF) live in ``dashlet.auth.sessions``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select

from dashlet.store.database import Database
from dashlet.store.models import AuthSession, User


@dataclass(frozen=True)
class SessionRow:
    id: int
    user_id: int
    email: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


def insert_session(
    db: Database,
    token_hash: str,
    user_id: int,
    *,
    now: dt.datetime,
    expires_at: dt.datetime,
    replacing_hash: str | None = None,
) -> SessionRow:
    """Store a new session; the one ``replacing_hash`` names (if any) is deleted with it."""
    with db.session() as session:
        if replacing_hash is not None:
            session.execute(delete(AuthSession).where(AuthSession.token_hash == replacing_hash))
        session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
        user = session.get_one(User, user_id)
        row = AuthSession(
            token_hash=token_hash,
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
        session.add(row)
        session.flush()
        return SessionRow(row.id, user.id, user.email, now, now, expires_at)


def find_session(db: Database, token_hash: str) -> SessionRow | None:
    """The session stored under ``token_hash``, expired or not (the caller decides)."""
    with db.session() as session:
        found = session.execute(
            select(AuthSession, User.email)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.token_hash == token_hash)
        ).first()
        if found is None:
            return None
        row, email = found
        return SessionRow(
            row.id, row.user_id, email, row.created_at, row.last_seen_at, row.expires_at
        )


def touch_session(db: Database, session_id: int, now: dt.datetime) -> None:
    """Note that the session was just used (keeps it from idling out)."""
    with db.session() as session:
        row = session.get(AuthSession, session_id)
        if row is not None:
            row.last_seen_at = now


def delete_session(db: Database, token_hash: str) -> None:
    with db.session() as session:
        session.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash))


def delete_user_sessions(db: Database, user_id: int, *, keep_id: int | None = None) -> int:
    """End every session of a user (but ``keep_id``); returns how many ended."""
    with db.session() as session:
        statement = delete(AuthSession).where(AuthSession.user_id == user_id)
        if keep_id is not None:
            statement = statement.where(AuthSession.id != keep_id)
        return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
