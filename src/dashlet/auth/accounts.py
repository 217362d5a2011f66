"""Signing in and changing a password: the flows the sign-in API and the sign-in page share.

Both write the audit log of every organization the user belongs to (``login.succeeded``,
``login.failed``, ``password.changed``), with the client address for sign-ins. A failed sign-in
says only that the email or password is wrong, and takes as long for an unknown email.
"""

from __future__ import annotations

import datetime as dt
import functools

from dashlet.auth.login_limits import LoginLimits, claim_attempt
from dashlet.auth.passwords import hash_password, verify_password
from dashlet.auth.sessions import NewSession, SignedIn, start_session
from dashlet.errors import AccessDenied, ConfigError
from dashlet.store import members
from dashlet.store.audit import record_event
from dashlet.store.database import Database
from dashlet.store.login_attempts import forget_account, forget_attempt
from dashlet.store.sessions import delete_user_sessions
from dashlet.store.users import normalize_email

WRONG_CREDENTIALS = "The email or password is wrong."


@functools.cache
def _unknown_user_hash() -> str:
    """Checked when the email is unknown, so that answer takes as long as a wrong password."""
    return hash_password("no user has this password")


def _audit_everywhere(
    db: Database, user_id: int, actor: str, action: str, detail: dict[str, str]
) -> None:
    for organization in members.organizations_of(db, user_id):
        record_event(db, organization.slug, actor, action, detail)


def _account_key(email: str) -> str:
    """The account an email names, as the limits count it (a malformed email is still counted)."""
    try:
        return normalize_email(email)
    except ConfigError:
        return email.strip().lower()[:320]


def log_in(
    db: Database,
    email: str,
    password: str,
    *,
    address: str,
    limits: LoginLimits,
    now: dt.datetime,
    replacing: str | None = None,
) -> NewSession:
    """Check the credentials and start a session (ending the ``replacing`` one).

    Raises TooManyAttempts past a limit, AccessDenied (``unauthorized``) on a wrong email or
    password.
    """
    key = _account_key(email)
    attempt = claim_attempt(db, limits, key, address[:64], now)
    account = members.find_account(db, key)
    matches = verify_password(account.password_hash if account else _unknown_user_hash(), password)
    if account is None or not matches:
        if account is not None:
            _audit_everywhere(db, account.id, account.email, "login.failed", {"address": address})
        raise AccessDenied(WRONG_CREDENTIALS, code="unauthorized")
    forget_attempt(db, attempt)
    forget_account(db, account.email)
    session = start_session(db, account.id, now=now, replacing=replacing)
    _audit_everywhere(db, account.id, account.email, "login.succeeded", {"address": address})
    return session


def change_password(
    db: Database,
    signed_in: SignedIn,
    current_password: str,
    new_password: str,
    *,
    cookie_value: str,
    address: str,
    limits: LoginLimits,
    now: dt.datetime,
) -> NewSession:
    """Set a new password after checking the current one; every session of the user ends and
    this browser gets a fresh one.

    A wrong current password counts against the sign-in limits, so a borrowed session cannot
    be used to guess it.
    """
    account = members.get_account(db, signed_in.user_id)
    attempt = claim_attempt(db, limits, account.email, address[:64], now)
    if not verify_password(account.password_hash, current_password):
        raise AccessDenied("The current password is wrong.", code="forbidden")
    forget_attempt(db, attempt)
    members.set_password_hash(db, account.id, hash_password(new_password))
    session = start_session(db, account.id, now=now, replacing=cookie_value)
    delete_user_sessions(db, account.id, keep_id=session.signed_in.session_id)
    _audit_everywhere(db, account.id, account.email, "password.changed", {})
    return session
