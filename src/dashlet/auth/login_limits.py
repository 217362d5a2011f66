"""Limits on failed sign-ins, per account and per address, shared by every worker process.

Each attempt is counted in the metadata store before its password is checked (so the limit also
spares the server the argon2 work). A refused attempt does not count; a successful one clears
its account's failures. Unknown accounts are limited exactly like known ones, so the limit tells
nobody which emails exist.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from dashlet.errors import AccessDenied
from dashlet.store.database import Database
from dashlet.store.login_attempts import add_attempt, forget_attempt


@dataclass(frozen=True)
class LoginLimits:
    """At most ``per_account`` failures per account and ``per_address`` per client address
    within ``window``."""

    per_account: int = 5
    per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)


class TooManyAttempts(AccessDenied):
    """Sign-in refused before the password is checked; ``retry_after`` is in seconds."""

    default_code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__()


def claim_attempt(
    db: Database, limits: LoginLimits, email: str, address: str, now: dt.datetime
) -> int:
    """Count one attempt and return its id; raises TooManyAttempts past either limit."""
    since = now - limits.window
    counts = add_attempt(db, email, address, now=now, since=since)
    over = []
    if counts.account > limits.per_account and counts.oldest_account is not None:
        over.append(counts.oldest_account)
    if counts.address > limits.per_address and counts.oldest_address is not None:
        over.append(counts.oldest_address)
    if not over:
        return counts.attempt_id
    forget_attempt(db, counts.attempt_id)
    # A limit lifts when its oldest counted failure leaves the window; both must have lifted.
    wait = (max(over) + limits.window - now).total_seconds()
    raise TooManyAttempts(max(1, math.ceil(wait)))
