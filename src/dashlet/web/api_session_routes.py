"""``/api/v1/session``: sign in, see who is signed in, sign out, change the password.

Thin: the flows live in ``dashlet.auth.accounts`` and ``dashlet.auth.sessions``. A browser
script signs in here, keeps the returned ``csrf_token`` and sends it as ``X-CSRF-Token``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth import accounts
from dashlet.auth.login_limits import LoginLimits
from dashlet.auth.sessions import SignedIn, end_session
from dashlet.store.database import Database
from dashlet.store.members import organizations_of
from dashlet.web.api_models import LoginIn, MembershipOut, PasswordChangeIn, SessionOut, UserOut
from dashlet.web.embed_routes import services
from dashlet.web.guards import (
    check_same_site,
    clear_session_cookie,
    client_address,
    now,
    session_cookie,
    set_session_cookie,
    signed_in_session,
    signed_in_user,
)

LIMITS = LoginLimits()


def session_out(db: Database, signed_in: SignedIn) -> SessionOut:
    return SessionOut(
        user=UserOut(id=signed_in.user_id, email=signed_in.email),
        csrf_token=signed_in.csrf_token,
        expires_at=signed_in.expires_at,
        organizations=[
            MembershipOut.model_validate(membership)
            for membership in organizations_of(db, signed_in.user_id)
        ],
    )


def log_in(request: Request, response: Response, body: LoginIn) -> SessionOut:
    """Sign in with email and password; sets the session cookie (a new one, always)."""
    check_same_site(request)
    found = services(request)
    session = accounts.log_in(
        found.db,
        body.email,
        body.password,
        address=client_address(request),
        limits=LIMITS,
        now=now(),
        replacing=session_cookie(request),
    )
    set_session_cookie(response, session, found.settings)
    return session_out(found.db, session.signed_in)


def current_session(request: Request) -> SessionOut:
    """Who is signed in, their organizations and roles, and the CSRF token."""
    return session_out(services(request).db, signed_in_user(request))


def log_out(request: Request, response: Response) -> None:
    """Sign out: the session ends on the server too."""
    _, cookie = signed_in_session(request)
    found = services(request)
    end_session(found.db, cookie)
    clear_session_cookie(response, found.settings)


def change_password(request: Request, response: Response, body: PasswordChangeIn) -> SessionOut:
    """Change the password: every other session of the user ends; this one is renewed."""
    signed_in, cookie = signed_in_session(request)
    found = services(request)
    session = accounts.change_password(
        found.db,
        signed_in,
        body.current_password,
        body.new_password,
        cookie_value=cookie,
        address=client_address(request),
        limits=LIMITS,
        now=now(),
    )
    set_session_cookie(response, session, found.settings)
    return session_out(found.db, session.signed_in)
