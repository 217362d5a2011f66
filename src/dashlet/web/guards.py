"""Who is asking: API keys and the session cookie turned into a ``Principal``, for API and pages.

Credentials are read in one order: an ``Authorization: Bearer dk_...`` header (an API key; no
CSRF token needed, a browser never sends it on its own), else the ``dashlet_session`` cookie, in
which case every state-changing request must carry the session's CSRF token and must not come
from another site. Then the role table decides (``Principal.require``). Admin pages call
``signed_in_user`` and ``caller`` directly; API routes declare ``authorize(action)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Path
from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.api_keys import authenticate_api_key
from dashlet.auth.csrf import CSRF_HEADER, SAFE_METHODS, check_csrf, check_origin
from dashlet.auth.principals import Principal, api_key_principal, member_principal
from dashlet.auth.roles import Action
from dashlet.auth.sessions import (
    SESSION_COOKIE,
    SESSION_LIFETIME,
    NewSession,
    SignedIn,
    cookie_is_secure,
    resume_session,
)
from dashlet.config import Settings
from dashlet.errors import AccessDenied
from dashlet.store.organizations import SLUG
from dashlet.web.embed_routes import services

NOT_SIGNED_IN = "Sign in first, or send an API key as Authorization: Bearer dk_..."
OrgSlug = Annotated[
    str, Path(max_length=64, pattern=SLUG.pattern, description="Organization slug.")
]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def client_address(request: Request) -> str:
    """The address sign-in limits count against (the peer, or what a trusted proxy set)."""
    return request.client.host if request.client else "unknown"


def check_same_site(request: Request) -> None:
    """Refuse (``csrf_failed``) a browser request that another site made."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise AccessDenied("This request came from another site.", code="csrf_failed")
    hosts = (request.headers.get("host", ""), urlsplit(services(request).settings.base_url).netloc)
    check_origin(request.headers.get("origin"), hosts)


def session_cookie(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def set_session_cookie(response: Response, session: NewSession, settings: Settings) -> None:
    """Hand the browser its new session: HttpOnly, SameSite=Lax, Secure over https."""
    response.set_cookie(
        SESSION_COOKIE,
        session.cookie_value,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        secure=cookie_is_secure(settings.base_url),
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=cookie_is_secure(settings.base_url),
        httponly=True,
        samesite="lax",
    )


def signed_in_session(request: Request, *, csrf: str | None = None) -> tuple[SignedIn, str]:
    """The request's live session and its cookie value; AccessDenied (``unauthorized``) without.

    On a state-changing method the CSRF token must match: ``csrf`` (a form field, for pages)
    or else the ``X-CSRF-Token`` header.
    """
    cookie = session_cookie(request)
    signed_in = resume_session(services(request).db, cookie, now=now())
    if signed_in is None or cookie is None:
        raise AccessDenied(NOT_SIGNED_IN, code="unauthorized")
    if request.method not in SAFE_METHODS:
        check_same_site(request)
        check_csrf(cookie, csrf if csrf is not None else request.headers.get(CSRF_HEADER))
    return signed_in, cookie


def signed_in_user(request: Request, *, csrf: str | None = None) -> SignedIn:
    """The request's live session (see ``signed_in_session``)."""
    return signed_in_session(request, csrf=csrf)[0]


def bearer_key(request: Request) -> str | None:
    """The API key of an ``Authorization`` header; AccessDenied when the header is not one."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise AccessDenied("Send the API key as Authorization: Bearer dk_...", code="unauthorized")
    return key.strip()


def caller(request: Request, org_slug: str, *, csrf: str | None = None) -> Principal:
    """The principal acting in ``org_slug``: by API key, else by session (CSRF-checked)."""
    db = services(request).db
    key = bearer_key(request)
    if key is not None:
        return api_key_principal(authenticate_api_key(db, key, now=now()), org_slug)
    return member_principal(db, signed_in_user(request, csrf=csrf), org_slug)


class Authorize:
    """The dependency ``authorize`` makes; ``action`` tells docs and tests what it checks."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def __call__(self, request: Request, org: OrgSlug) -> Principal:
        return caller(request, org).require(self.action)


def authorize(action: Action) -> Any:
    """A FastAPI dependency: the caller for the route's ``{org}``, allowed to do ``action``."""
    return Depends(Authorize(action))
