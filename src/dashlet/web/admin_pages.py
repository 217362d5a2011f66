"""What every admin page shares: the signed-in member in one organization, rendering, refusals.

Pages are server-rendered and never framed (``app_html_headers``). A refusal is a page in the
error shape (code, sentence, HTTP status); a request without a session is sent to ``/login``.
Every form carries the session's CSRF token, checked by ``guards`` on each POST.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dashlet.auth.csrf import CSRF_FORM_FIELD
from dashlet.auth.principals import Principal, member_principal
from dashlet.auth.roles import Action, allows
from dashlet.auth.sessions import SignedIn
from dashlet.errors import ConfigError, DashletError
from dashlet.store.members import OrganizationRole, organizations_of
from dashlet.web import guards
from dashlet.web.embed_routes import services
from dashlet.web.headers import app_html_headers
from dashlet.web.templating import render

MAX_FORM_BYTES = 64 * 1024
Form = Mapping[str, str]
Handler = Callable[[Request], Awaitable[Response]]

# The sentences a page shows after a POST redirected to it with ``?notice=NAME``.
NOTICES = {
    "password_changed": "Your password was changed; your other sessions have ended.",
    "secret_reset": "The secret was reset: every embed signed with the old one fails now.",
    "secret_rotated": "The secret was rotated: the old one keeps working for the grace window.",
    "revocation_added": "The revocation rule applies now.",
    "revocation_removed": "The revocation rule was removed.",
    "embedding_saved": "Embedding settings were saved.",
    "embed_saved": "This dashboard's embed settings were saved.",
    "dashboard_deleted": "The dashboard was deleted; its embeds are refused from now on.",
    "member_added": "The member was added.",
    "member_changed": "The member's role was changed.",
    "member_removed": "The member was removed.",
    "api_key_revoked": "The API key was revoked: requests with it are refused from now on.",
}


@dataclass(frozen=True)
class Member:
    """The signed-in user acting in one organization, with what the header needs."""

    signed_in: SignedIn
    principal: Principal
    organizations: list[OrganizationRole]

    @property
    def org(self) -> str:
        return self.principal.organization

    def may(self, action: Action) -> bool:
        return allows(self.principal.role, action)


async def form_fields(request: Request) -> dict[str, str]:
    """The urlencoded form of a POST (the last value of a repeated field wins)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise DashletError(code="request_too_large")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def member(request: Request, action: Action, form: Form | None = None) -> Member:
    """The signed-in member of the URL's organization, allowed ``action`` (CSRF-checked on POST)."""
    csrf = form.get(CSRF_FORM_FIELD, "") if form is not None else None
    db = services(request).db
    signed_in = guards.signed_in_user(request, csrf=csrf)
    principal = member_principal(db, signed_in, request.path_params["org"]).require(action)
    return Member(signed_in, principal, organizations_of(db, signed_in.user_id))


def page(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> Response:
    """A rendered admin page with the never-framed headers."""
    body = render(
        f"admin/{template}",
        {
            "notice": request.query_params.get("notice"),
            "notices": NOTICES,
            **context,
        },
    )
    return Response(body, status, headers=app_html_headers(), media_type="text/html")


def redirect(url: str, notice: str | None = None) -> Response:
    """See-other after a POST (``notice`` names a sentence the next page shows)."""
    target = f"{url}?{urlencode({'notice': notice})}" if notice else url
    return RedirectResponse(target, 303, headers=app_html_headers())


def refusal(request: Request, error: DashletError) -> Response:
    """A refusal as a friendly page; without a session on a GET, the sign-in page instead."""
    if error.code == "unauthorized" and request.method == "GET":
        return redirect_to_login(request)
    context = {"status": error.status, "code": error.code, "message": error.message}
    return page(request, "refusal.html", context, error.status)


def redirect_to_login(request: Request) -> Response:
    target = "/login?" + urlencode({"next": request.url.path})
    return RedirectResponse(target, 303, headers=app_html_headers())


def admin_view(handler: Handler) -> Handler:
    """Wrap a page handler so every deliberate error becomes a refusal page."""

    @functools.wraps(handler)
    async def view(request: Request) -> Response:
        try:
            return await handler(request)
        except ConfigError as error:  # a store's "this input is not valid", not a server fault
            return refusal(request, DashletError(error.message, code="invalid_request"))
        except DashletError as error:
            return refusal(request, error)

    return view
