"""Sign-in attempts that still count against an account's and an address's limits.

Every process writes here, so a limit holds however many workers serve the sign-in form. An
attempt is inserted (and committed) before it is counted: of any number of simultaneous
attempts, the last to count sees them all, so no burst slips past the limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from dashlet.store.database import Database
from dashlet.store.models import LoginAttempt


@dataclass(frozen=True)
class AttemptCounts:
    """The attempts in the window for one account and one address, with their oldest times."""

    attempt_id: int
    account: int
    address: int
    oldest_account: dt.datetime | None
    oldest_address: dt.datetime | None


def add_attempt(
    db: Database, email: str, address: str, *, now: dt.datetime, since: dt.datetime
) -> AttemptCounts:
    """Record an attempt, then count those after ``since`` (this one included)."""
    with db.session() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= since))
        attempt = LoginAttempt(email=email, address=address, attempted_at=now)
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    with db.session() as session:
        counts = {}
        for column, value in ((LoginAttempt.email, email), (LoginAttempt.address, address)):
            counts[column.key] = session.execute(
                select(func.count(), func.min(LoginAttempt.attempted_at)).where(
                    column == value, LoginAttempt.attempted_at > since
                )
            ).one()
    (account, oldest_account), (by_address, oldest_address) = counts["email"], counts["address"]
    return AttemptCounts(attempt_id, int(account), int(by_address), oldest_account, oldest_address)


def forget_attempt(db: Database, attempt_id: int) -> None:
    """Stop counting one attempt (it was refused before any password check, or it succeeded)."""
    with db.session() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))


def forget_account(db: Database, email: str) -> None:
    """Clear an account's failed attempts (from any address) after it signed in."""
    with db.session() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
