"""Signing in and out, changing the password, ``/`` and the organization switcher."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth import accounts
from dashlet.auth.csrf import CSRF_FORM_FIELD
from dashlet.auth.login_limits import LoginLimits
from dashlet.auth.sessions import end_session
from dashlet.errors import AccessDenied, DashletError, NotFound
from dashlet.store.members import organizations_of
from dashlet.store.organizations import SLUG
from dashlet.web import guards
from dashlet.web.admin_pages import admin_view, form_fields, page, redirect
from dashlet.web.embed_routes import services

LIMITS = LoginLimits()
MIN_PASSWORD = 8


def _local_path(target: str) -> str:
    """Where to go after signing in: a path on this server only (no open redirect)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@admin_view
async def home(request: Request) -> Response:
    """``/``: the first organization's dashboards, or the sign-in page."""
    signed_in = guards.signed_in_user(request)
    memberships = organizations_of(services(request).db, signed_in.user_id)
    if not memberships:
        raise AccessDenied("Your account belongs to no organization yet; ask an owner.")
    return redirect(f"/o/{memberships[0].slug}/dashboards")


@admin_view
async def switch_organization(request: Request) -> Response:
    """The header's switcher: go to the chosen organization's dashboards (membership checked there)."""
    guards.signed_in_user(request)
    slug = request.query_params.get("org", "")
    if not SLUG.match(slug):
        raise NotFound()
    return redirect(f"/o/{slug}/dashboards")


@admin_view
async def login_page(request: Request) -> Response:
    context = {"next": _local_path(request.query_params.get("next", "/")), "email": ""}
    return page(request, "login.html", context)


@admin_view
async def login(request: Request) -> Response:
    """Check the credentials, start a new session (never the one the browser brought)."""
    guards.check_same_site(request)
    form = await form_fields(request)
    found = services(request)
    email, target = form.get("email", ""), _local_path(form.get("next", "/"))
    try:
        session = accounts.log_in(
            found.db,
            email,
            form.get("password", "")[:1024],
            address=guards.client_address(request),
            limits=LIMITS,
            now=guards.now(),
            replacing=guards.session_cookie(request),
        )
    except AccessDenied as error:
        context = {"next": target, "email": email, "problem": error.message}
        return page(request, "login.html", context, error.status)
    response = redirect(target)
    guards.set_session_cookie(response, session, found.settings)
    return response


@admin_view
async def logout(request: Request) -> Response:
    form = await form_fields(request)
    _, cookie = guards.signed_in_session(request, csrf=form.get(CSRF_FORM_FIELD, ""))
    found = services(request)
    end_session(found.db, cookie)
    response = redirect("/login")
    guards.clear_session_cookie(response, found.settings)
    return response


@admin_view
async def password_page(request: Request) -> Response:
    signed_in = guards.signed_in_user(request)
    return page(request, "password.html", {"csrf_token": signed_in.csrf_token})


@admin_view
async def change_password(request: Request) -> Response:
    """Check the current password, set the new one, renew this browser's session."""
    form = await form_fields(request)
    signed_in, cookie = guards.signed_in_session(request, csrf=form.get(CSRF_FORM_FIELD, ""))
    new_password = form.get("new_password", "")
    found = services(request)
    try:
        if not MIN_PASSWORD <= len(new_password) <= 1024:
            raise DashletError(
                f"The new password needs {MIN_PASSWORD} to 1,024 characters.",
                code="invalid_request",
            )
        session = accounts.change_password(
            found.db,
            signed_in,
            form.get("current_password", "")[:1024],
            new_password,
            cookie_value=cookie,
            address=guards.client_address(request),
            limits=LIMITS,
            now=guards.now(),
        )
    except DashletError as error:
        context = {"csrf_token": signed_in.csrf_token, "problem": error.message}
        return page(request, "password.html", context, error.status)
    response = redirect("/account/password", "password_changed")
    guards.set_session_cookie(response, session, found.settings)
    return response
