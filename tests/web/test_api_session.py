"""Signing in and out through ``/api/v1/session``: cookies, fixation, CSRF, limits, passwords."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest

from dashlet.auth.sessions import SESSION_COOKIE
from dashlet.config import Settings
from dashlet.store.audit import list_events
from dashlet.store.database import open_database
from dashlet.store.login_attempts import add_attempt
from dashlet.web.app import create_app
from dashlet.web.services import build_services
from tests.auth.members import PASSWORD
from tests.web.api_world import ApiWorld, Caller
from tests.web.conftest import EmbedWorld

REVEAL = "/api/v1/orgs/acme/secret/reveal"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


def set_cookie_of(response: httpx.Response) -> str:
    (header,) = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    return header


async def test_signing_in_sets_an_httponly_samesite_lax_session_cookie(api: ApiWorld) -> None:
    owner = api.member("owner")
    response = await api.sign_in(owner.email)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == owner.email
    assert body["organizations"] == [{"slug": "acme", "name": "acme", "role": "owner"}]
    cookie = set_cookie_of(response)
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # the test server's base URL is plain http


async def test_the_cookie_is_secure_when_the_server_is_https(
    api: ApiWorld, settings: Settings
) -> None:
    https = settings.model_copy(update={"base_url": "https://dashboards.example.com"})
    services = build_services(https, api.db)
    owner = api.member("owner")
    transport = httpx.ASGITransport(app=create_app(https, services=services))
    async with httpx.AsyncClient(
        transport=transport, base_url="https://dashboards.example.com"
    ) as client:
        response = await client.post(
            "/api/v1/session", json={"email": owner.email, "password": PASSWORD}
        )
    services.engine.close()
    assert "Secure" in set_cookie_of(response)


async def test_signing_in_replaces_a_planted_session_id(api: ApiWorld) -> None:
    victim = api.member("owner")
    planted = api.session_caller("viewer")  # a session the attacker knows the cookie of
    planted_cookie = planted.headers["Cookie"].split("=", 1)[1]
    api.client.cookies.set(SESSION_COOKIE, planted_cookie)
    response = await api.sign_in(victim.email)
    new_cookie = response.cookies[SESSION_COOKIE]
    assert new_cookie != planted_cookie
    stale = await api.call(
        Caller("attacker", {"Cookie": f"{SESSION_COOKIE}={planted_cookie}"}),
        "GET",
        "/api/v1/session",
    )
    assert stale.status_code == 401
    fresh = await api.call(
        Caller("victim", {"Cookie": f"{SESSION_COOKIE}={new_cookie}"}), "GET", "/api/v1/session"
    )
    assert fresh.json()["user"]["email"] == victim.email


async def test_signing_out_ends_the_session_on_the_server(api: ApiWorld) -> None:
    caller = api.session_caller("owner")
    response = await api.call(caller, "DELETE", "/api/v1/session")
    assert response.status_code == 204
    assert 'dashlet_session=""' in set_cookie_of(response)
    assert (await api.call(caller, "GET", "/api/v1/session")).status_code == 401


async def test_a_change_without_the_csrf_token_is_refused(api: ApiWorld) -> None:
    caller = api.session_caller("owner")
    without = Caller("no token", {"Cookie": caller.headers["Cookie"]})
    response = await api.call(without, "POST", REVEAL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert (await api.call(caller, "POST", REVEAL)).status_code == 200


async def test_the_csrf_token_of_another_session_is_refused(api: ApiWorld) -> None:
    mine, theirs = api.session_caller("owner"), api.session_caller("owner")
    mixed = Caller(
        "mixed", {"Cookie": mine.headers["Cookie"], "X-CSRF-Token": theirs.headers["X-CSRF-Token"]}
    )
    response = await api.call(mixed, "POST", REVEAL)
    assert response.json()["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize(
    "headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}]
)
async def test_a_change_sent_from_another_site_is_refused_even_with_the_token(
    api: ApiWorld, headers: dict[str, str]
) -> None:
    response = await api.call(api.session_caller("owner"), "POST", REVEAL, **headers)
    assert response.json()["error"]["code"] == "csrf_failed"


async def test_a_change_from_our_own_origin_passes(api: ApiWorld) -> None:
    caller = api.session_caller("owner")
    response = await api.call(caller, "POST", REVEAL, Origin="http://dashlet.test")
    assert response.status_code == 200


async def test_reading_needs_no_csrf_token(api: ApiWorld) -> None:
    caller = api.session_caller("viewer")
    plain = Caller("cookie only", {"Cookie": caller.headers["Cookie"]})
    assert (await api.call(plain, "GET", "/api/v1/orgs/acme/dashboards")).status_code == 200


async def test_an_api_key_needs_no_csrf_token(api: ApiWorld) -> None:
    assert (await api.call(api.key_caller("owner"), "POST", REVEAL)).status_code == 200


async def test_signing_in_from_another_site_is_refused(api: ApiWorld) -> None:
    owner = api.member("owner")
    response = await api.sign_in(owner.email, Origin="https://evil.example")
    assert response.json()["error"]["code"] == "csrf_failed"
    assert SESSION_COOKIE not in response.cookies


async def test_a_sign_in_form_post_is_not_accepted_as_json(api: ApiWorld) -> None:
    owner = api.member("owner")
    response = await api.client.post(
        "/api/v1/session",
        content=f'{{"email": "{owner.email}", "password": "{PASSWORD}"}}',
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


async def test_wrong_passwords_are_refused_and_audited(api: ApiWorld) -> None:
    owner = api.member("owner")
    refused = await api.sign_in(owner.email, "wrong password")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    await api.sign_in(owner.email)
    actions = [(e.actor, e.action) for e in list_events(api.db, "acme")]
    assert actions == [(owner.email, "login.succeeded"), (owner.email, "login.failed")]


@pytest.fixture
async def second_client(api: ApiWorld, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Another server process on the same metadata database (its own engine and app)."""
    services = build_services(settings, open_database(settings, migrate=False))
    transport = httpx.ASGITransport(app=create_app(settings, services=services))
    async with httpx.AsyncClient(transport=transport, base_url="http://dashlet.test") as client:
        yield client
    services.engine.close()
    services.db.dispose()


async def test_the_account_limit_holds_across_server_processes(
    api: ApiWorld, second_client: httpx.AsyncClient
) -> None:
    owner = api.member("owner")
    attempt = {"email": owner.email, "password": "wrong password"}
    for number in range(5):
        client = api.client if number % 2 else second_client
        assert (await client.post("/api/v1/session", json=attempt)).status_code == 401
    locked = await second_client.post(
        "/api/v1/session", json={"email": owner.email, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= 900


async def test_the_address_limit_holds_across_server_processes(
    api: ApiWorld, second_client: httpx.AsyncClient
) -> None:
    now = dt.datetime.now(dt.UTC)
    for number in range(19):  # earlier failures, each for another account
        add_attempt(
            api.db,
            f"guess{number}@x.test",
            "127.0.0.1",
            now=now,
            since=now - dt.timedelta(minutes=15),
        )
    first = await api.client.post(
        "/api/v1/session", json={"email": "guess@x.test", "password": "wrong password"}
    )
    assert first.status_code == 401
    owner = api.member("owner")
    locked = await second_client.post(
        "/api/v1/session", json={"email": owner.email, "password": PASSWORD}
    )
    assert locked.status_code == 429


async def test_a_password_change_renews_this_session_and_ends_the_others(api: ApiWorld) -> None:
    owner = api.member("owner")
    elsewhere = (await api.sign_in(owner.email)).cookies[SESSION_COOKIE]
    api.client.cookies.clear()
    signed_in = await api.sign_in(owner.email)
    here = Caller(
        "here",
        {
            "Cookie": f"{SESSION_COOKIE}={signed_in.cookies[SESSION_COOKIE]}",
            "X-CSRF-Token": signed_in.json()["csrf_token"],
        },
    )
    changed = await api.call(
        here,
        "PUT",
        "/api/v1/session/password",
        json={"current_password": PASSWORD, "new_password": "a brand new password"},
    )
    assert changed.status_code == 200
    renewed = changed.cookies[SESSION_COOKIE]
    for old in (elsewhere, signed_in.cookies[SESSION_COOKIE]):
        gone = await api.call(
            Caller("old", {"Cookie": f"{SESSION_COOKIE}={old}"}), "GET", "/api/v1/session"
        )
        assert gone.status_code == 401
    kept = await api.call(
        Caller("new", {"Cookie": f"{SESSION_COOKIE}={renewed}"}), "GET", "/api/v1/session"
    )
    assert kept.status_code == 200
    assert (await api.sign_in(owner.email, "a brand new password")).status_code == 200


async def test_a_password_change_needs_the_current_password(api: ApiWorld) -> None:
    response = await api.call(
        api.session_caller("viewer"),
        "PUT",
        "/api/v1/session/password",
        json={"current_password": "not it", "new_password": "a brand new password"},
    )
    assert response.status_code == 403


async def test_a_new_password_needs_eight_characters(api: ApiWorld) -> None:
    response = await api.call(
        api.session_caller("viewer"),
        "PUT",
        "/api/v1/session/password",
        json={"current_password": PASSWORD, "new_password": "short"},
    )
    assert response.status_code == 422
    assert "new_password" in response.json()["error"]["message"]
