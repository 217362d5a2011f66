"""Every refusal of the SPEC against the live embed routes: exact status, exact code, no leaks.

A case is data: how to build the token (and what to change in the world first), which route
receives it, and the status and code the SPEC gives. Every refusal body is checked for the token,
the organization's secrets and a stack trace. A 500 would surface here as the app's exception.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import select
import socket
import textwrap
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import pytest

from dashlet.config import Settings
from dashlet.embed.tokens import token_digest
from dashlet.errors import NotFound
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import set_embed_settings
from dashlet.store.database import open_database
from dashlet.store.organizations import (
    create_organization,
    reset_secret,
    rotate_secret,
    set_legacy_enabled,
)
from dashlet.store.revocations import add_revocation
from dashlet.web.services import build_services
from tests.embed import forge, segment
from tests.security import SPEC_CODES
from tests.web import conftest as web
from tests.web.conftest import EmbedWorld

# The live embedding world of the web tests (pytest finds fixtures through these names).
make_world, world = web.make_world, web.world

Route = Literal["page", "legacy", "legacy_id", "json"]
Via = Literal["bearer", "query", "both"]
TokenBuilder = Callable[[EmbedWorld], "str | None"]
HS256 = '{"alg":"HS256","typ":"JWT"}'
HS512 = '{"alg":"HS512","typ":"JWT"}'
ABSENT: Any = ...  # a claim given as ABSENT is left out of the payload
DAY = 86_400
LONG_NAME = "V" * 5_000
UNICODE_NAME = "RÉGION_地域"
ATTACKER_KEY = "attacker-chosen-key-Qm4Zx8Lp2Vn6Tb1Rc9Wd3Hk7"
PAGE_CODE = re.compile(r'data-code="([a-z_]+)"')


def clock() -> float:
    return time.time()


def claims(world: EmbedWorld, changes: dict[str, Any]) -> dict[str, Any]:
    """The world's valid claims (tenant 1) with some replaced, or removed when ABSENT."""
    payload = world.claims()
    payload.update(changes)
    return {name: value for name, value in payload.items() if value is not ABSENT}


def token(
    world: EmbedWorld, *, header: str = HS256, secret: str | None = None, **changes: Any
) -> str:
    """An HS256 token whose payload is exactly these claims (keyed with the world's secret)."""
    payload = json.dumps(claims(world, changes))
    return forge(header=header, payload=payload, secret=secret or world.secret)


def with_members(world: EmbedWorld, members: str) -> str:
    """A signed token whose payload is the valid claims followed by raw JSON ``members``."""
    text = json.dumps(claims(world, {}))
    return forge(payload=f"{text[:-1]}, {members}}}", secret=world.secret)


def unsigned(world: EmbedWorld) -> str:
    return forge(header='{"alg":"none"}', payload=json.dumps(claims(world, {})), secret=None)


def hs512(world: EmbedWorld) -> str:
    """A token correctly signed with the organization's secret, but with HMAC-SHA512."""
    signing_input = f"{segment(HS512)}.{segment(json.dumps(claims(world, {})))}"
    mac = hmac.new(world.secret.encode(), signing_input.encode(), hashlib.sha512).digest()
    return f"{signing_input}.{segment(mac)}"


def tampered(world: EmbedWorld) -> str:
    """Tenant 1's signature on a payload rewritten to tenant 2."""
    header, _, signature = world.sign().split(".")
    return f"{header}.{segment(json.dumps(claims(world, {'env': {'TENANT': 2}})))}.{signature}"


def valid(world: EmbedWorld) -> str:
    return world.sign()


def replayed_after_reset(world: EmbedWorld) -> str:
    issued = world.sign()
    reset_secret(world.db, world.org.slug)
    return issued


def revoked_by_jti(world: EmbedWorld) -> str:
    add_revocation(world.db, world.org.slug, "jti", jti="order-42")
    return token(world, jti="order-42")


def revoked_by_digest(world: EmbedWorld) -> str:
    issued = world.sign()
    add_revocation(world.db, world.org.slug, "token", token_digest=token_digest(issued))
    return issued


def revoked_by_digest_spelled_padded(world: EmbedWorld) -> str:
    """The same token with its signature's base64 padding: one token, revoked once."""
    return revoked_by_digest(world) + "="


def revoked_by_env_value(world: EmbedWorld) -> str:
    add_revocation(world.db, world.org.slug, "env", env_name="TENANT", env_value=1)
    return world.sign()


def revoked_as_issued_before(world: EmbedWorld) -> str:
    issued = token(world, iat=clock() - 120)
    cutoff = dt.datetime.now(dt.UTC)
    add_revocation(
        world.db, world.org.slug, "issued_before", dashboard_slug="sales", issued_before=cutoff
    )
    return issued


def embedding_off(world: EmbedWorld) -> None:
    set_embed_settings(
        world.db, world.org.slug, "sales", enabled=False, allow_viewer_variables=False
    )


def viewer_variables_off(world: EmbedWorld) -> None:
    set_embed_settings(
        world.db, world.org.slug, "sales", enabled=True, allow_viewer_variables=False
    )


def legacy_off(world: EmbedWorld) -> None:
    set_legacy_enabled(world.db, world.org.slug, False)


@dataclass(frozen=True)
class Case:
    """One request, and the status and code the SPEC gives it (200 and "" when accepted)."""

    name: str
    token: TokenBuilder
    route: Route
    status: int
    code: str
    via: Via = "bearer"  # json: where the token travels
    scheme: str = "Bearer"  # json: the Authorization scheme
    params: tuple[tuple[str, str], ...] = ()
    arrange: Callable[[EmbedWorld], None] | None = None
    org: str | None = None
    dashboard: str = "sales"
    chart: str = "by_region"
    dashboard_id: str | None = None  # legacy_id: another id than the sales dashboard's


def page(name: str, build: TokenBuilder, status: int, code: str, **more: Any) -> Case:
    return Case(name, build, "page", status, code, **more)


def data(name: str, build: TokenBuilder, status: int, code: str, **more: Any) -> Case:
    return Case(name, build, "json", status, code, **more)


def var(name: str, value: str) -> tuple[tuple[str, str], ...]:
    return ((f"var.{name}", value),)


# fmt: off
CASES = [
    # Presence and size
    page("page-without-token", lambda w: None, 401, "token_missing"),
    page("page-with-empty-token", lambda w: "", 401, "token_missing"),
    data("data-without-token", lambda w: None, 401, "token_missing"),
    data("data-bearer-without-token", lambda w: "", 401, "token_missing"),
    data("data-non-bearer-authorization", valid, 401, "token_missing", via="both", scheme="Basic"),
    page("page-token-over-8-kib", lambda w: "a" * 8193, 413, "token_too_large"),
    data("data-signed-token-over-8-kib", lambda w: token(w, pad="x" * 9000), 413, "token_too_large"),
    Case("legacy-token-over-8-kib", lambda w: "a." * 4100 + "b", "legacy", 413, "token_too_large"),
    # Shape
    page("not-a-token", lambda w: "not-a-token", 400, "token_malformed"),
    page("bad-base64-characters", lambda w: "ey$J.ab!c.d*ef", 400, "token_malformed"),
    page("impossible-base64-length", lambda w: "abcde.abcd.abcd", 400, "token_malformed"),
    page("base64-of-not-json", lambda w: "aGVsbG8.d29ybGQ.c2ln", 400, "token_malformed"),
    page("extra-segment", lambda w: w.sign() + ".abcd", 400, "token_malformed"),
    page("two-segments", lambda w: w.sign().rsplit(".", 1)[0], 400, "token_malformed"),
    page("wrong-signature-padding", lambda w: w.sign() + "==", 400, "token_malformed"),
    # Header
    page("header-not-an-object", lambda w: token(w, header="[]"), 400, "token_malformed"),
    page("header-duplicate-alg", lambda w: token(w, header='{"alg":"HS256","alg":"none"}'), 400, "token_malformed"),
    page("header-crit", lambda w: token(w, header='{"alg":"HS256","crit":["exp"]}'), 400, "token_malformed"),
    page("alg-none-unsigned", unsigned, 400, "token_algorithm"),
    page("alg-hs512-with-the-right-secret", hs512, 400, "token_algorithm"),
    page("alg-rs256-shaped-header", lambda w: token(w, header='{"alg":"RS256","typ":"JWT"}'), 400, "token_algorithm"),
    data("data-alg-missing", lambda w: token(w, header='{"typ":"JWT"}'), 400, "token_algorithm"),
    # Signature, checked before any claim
    page("another-secret", lambda w: w.sign(secret=ATTACKER_KEY), 403, "token_bad_signature"),
    page("payload-tampered-to-tenant-2", tampered, 403, "token_bad_signature"),
    page("expired-and-badly-signed", lambda w: token(w, secret=ATTACKER_KEY, exp=clock() - 3600), 403, "token_bad_signature"),
    page("malformed-claim-and-badly-signed", lambda w: token(w, secret=ATTACKER_KEY, organization=True), 403, "token_bad_signature"),
    page("empty-signature", lambda w: w.sign().rsplit(".", 1)[0] + ".", 403, "token_bad_signature"),
    page("replay-after-reset", replayed_after_reset, 403, "token_bad_signature"),
    data("data-query-token-badly-signed", tampered, 403, "token_bad_signature", via="query"),
    # Payload parsing
    page("duplicate-organization", lambda w: with_members(w, '"organization": 1'), 400, "token_malformed"),
    page("duplicate-exp", lambda w: with_members(w, '"exp": 1'), 400, "token_malformed"),
    page("nan-claim", lambda w: with_members(w, '"nbf": NaN'), 400, "token_malformed"),
    page("infinity-claim", lambda w: with_members(w, '"iat": -Infinity'), 400, "token_malformed"),
    page("float-beyond-double", lambda w: with_members(w, '"iat": 1e400'), 400, "token_malformed"),
    page("payload-a-list", lambda w: forge(payload="[1, 2]", secret=w.secret), 400, "token_malformed"),
    page("payload-not-utf8", lambda w: forge(payload=b'{"a": "\xff"}', secret=w.secret), 400, "token_malformed"),
    # organization and dashboard
    page("wrong-organization", lambda w: token(w, organization=w.org.id + 1000), 403, "token_wrong_organization"),
    page("organization-true", lambda w: token(w, organization=True), 400, "token_malformed"),
    page("organization-float", lambda w: token(w, organization=float(w.org.id)), 400, "token_malformed"),
    page("organization-spaced-digits", lambda w: token(w, organization=f" {w.org.id}"), 400, "token_malformed"),
    page("organization-exponent-string", lambda w: token(w, organization="1e3"), 400, "token_malformed"),
    page("organization-missing", lambda w: token(w, organization=ABSENT), 400, "token_malformed"),
    page("wrong-dashboard", lambda w: token(w, dashboard=w.dashboard().id + 1000), 403, "token_wrong_dashboard"),
    page("dashboard-true", lambda w: token(w, dashboard=True), 400, "token_malformed"),
    data("data-dashboard-as-object", lambda w: token(w, dashboard={"id": 1}), 400, "token_malformed"),
    # exp, nbf, iat
    page("expired", lambda w: token(w, exp=clock() - 3600), 401, "token_expired"),
    page("exp-missing", lambda w: token(w, exp=ABSENT), 400, "token_exp_missing"),
    page("exp-null", lambda w: token(w, exp=None), 400, "token_exp_missing"),
    page("exp-as-digit-string", lambda w: token(w, exp=str(int(clock()) + 600)), 400, "token_malformed"),
    page("exp-true", lambda w: token(w, exp=True), 400, "token_malformed"),
    page("exp-two-days-ahead", lambda w: token(w, exp=clock() + 2 * DAY), 400, "token_exp_too_far"),
    page("exp-in-milliseconds", lambda w: token(w, exp=int(clock() * 1000)), 400, "token_exp_too_far"),
    page("exp-1e20", lambda w: token(w, exp=1e20), 400, "token_exp_too_far"),
    page("exp-huge-integer", lambda w: token(w, exp=10**40), 400, "token_exp_too_far"),
    page("nbf-in-the-future", lambda w: token(w, nbf=clock() + 3600), 401, "token_not_yet_valid"),
    data("data-iat-in-the-future", lambda w: token(w, iat=clock() + 3600), 401, "token_not_yet_valid"),
    page("nbf-as-string", lambda w: token(w, nbf="0"), 400, "token_malformed"),
    # Switches of the dashboard and the organization
    page("embedding-disabled", valid, 403, "embedding_disabled", arrange=embedding_off),
    data("data-embedding-disabled", valid, 403, "embedding_disabled", arrange=embedding_off),
    Case("legacy-path-disabled", valid, "legacy", 410, "legacy_disabled", arrange=legacy_off),
    Case("legacy-id-disabled", valid, "legacy_id", 410, "legacy_disabled", arrange=legacy_off),
    # Revocation
    page("revoked-jti", revoked_by_jti, 403, "token_revoked"),
    page("revoked-digest", revoked_by_digest, 403, "token_revoked"),
    page("revoked-digest-spelled-with-padding", revoked_by_digest_spelled_padded, 403, "token_revoked"),
    data("data-revoked-env-value", revoked_by_env_value, 403, "token_revoked"),
    data("data-revoked-issued-before", revoked_as_issued_before, 403, "token_revoked"),
    # env
    page("env-unknown-variable", lambda w: token(w, env={"TENANT": 1, "NOPE": 1}), 400, "unknown_variable"),
    page("env-unicode-name", lambda w: token(w, env={"TENANT": 1, UNICODE_NAME: "x"}), 400, "unknown_variable"),
    page("env-very-long-name", lambda w: token(w, env={"TENANT": 1, LONG_NAME: "x"}), 400, "unknown_variable"),
    page("env-as-list", lambda w: token(w, env=[{"TENANT": 1}]), 400, "token_malformed"),
    page("env-null", lambda w: token(w, env=None), 400, "token_malformed"),
    page("env-value-null", lambda w: token(w, env={"TENANT": None}), 400, "invalid_variable_value"),
    page("env-value-nested-object", lambda w: token(w, env={"TENANT": {"$gt": 0}}), 400, "invalid_variable_value"),
    page("env-list-for-single-variable", lambda w: token(w, env={"TENANT": [1, 2]}), 400, "invalid_variable_value"),
    page("env-integer-as-true", lambda w: token(w, env={"TENANT": True}), 400, "invalid_variable_value"),
    page("env-integer-beyond-int64", lambda w: token(w, env={"TENANT": 2**70}), 400, "invalid_variable_value"),
    page("env-integer-as-sql", lambda w: token(w, env={"TENANT": "1 OR 1=1"}), 400, "invalid_variable_value"),
    data("data-env-multi-nested-list", lambda w: token(w, env={"TENANT": 1, "REGION": [["north"]]}), 400, "invalid_variable_value"),
    page("env-empty", lambda w: token(w, env={}), 400, "missing_variable"),
    data("data-env-absent", lambda w: token(w, env=ABSENT), 400, "missing_variable"),
    # Viewer variables (var.NAME)
    data("viewer-sets-hidden-variable", valid, 403, "variable_locked", params=var("TENANT", "2")),
    data("viewer-overrides-env", lambda w: token(w, env={"TENANT": 1, "REGION": ["north"]}), 403, "variable_locked", params=var("REGION", "south")),
    data("viewer-variables-off", valid, 403, "variable_locked", params=var("REGION", "south"), arrange=viewer_variables_off),
    data("viewer-unknown-variable", valid, 400, "unknown_variable", params=var("NOPE", "1")),
    data("viewer-unicode-name", valid, 400, "unknown_variable", params=var(UNICODE_NAME, "1")),
    data("viewer-very-long-name", valid, 400, "unknown_variable", params=var(LONG_NAME, "1")),
    data("viewer-number-as-text", valid, 400, "invalid_variable_value", params=var("MIN_AMOUNT", "abc")),
    data("viewer-number-nan", valid, 400, "invalid_variable_value", params=var("MIN_AMOUNT", "NaN")),
    data("viewer-single-variable-twice", valid, 400, "invalid_variable_value", params=var("MIN_AMOUNT", "1") * 2),
    data("viewer-string-with-nul", valid, 400, "invalid_variable_value", params=var("REGION", "north\x00")),
    # Nothing there
    page("unknown-organization", valid, 404, "not_found", org="ghost"),
    page("unknown-dashboard", valid, 404, "not_found", dashboard="ghost"),
    page("organization-slug-with-nul", valid, 404, "not_found", org="ac%00me"),
    data("data-unknown-chart", valid, 404, "not_found", chart="ghost"),
    data("data-dashboard-slug-with-nul", valid, 404, "not_found", dashboard="sa%00les"),
    Case("legacy-unknown-dashboard-slug", valid, "legacy", 404, "not_found", dashboard="ghost"),
    Case("legacy-unknown-dashboard-id", valid, "legacy_id", 404, "not_found", dashboard_id="999999"),
    Case("legacy-id-beyond-int64", valid, "legacy_id", 404, "not_found", dashboard_id="9" * 30),
    Case("legacy-id-in-superscript-digits", valid, "legacy_id", 404, "not_found", dashboard_id="²"),
]
# fmt: on


def request_for(world: EmbedWorld, case: Case, sent: str | None) -> httpx.Request:
    """The HTTP request a case describes, carrying the token ``sent`` (if any)."""
    org = case.org or world.org.slug
    params = list(case.params)
    headers: dict[str, str] = {}
    if case.route == "page":
        path = f"/d/{org}/{case.dashboard}"
        if sent is not None:
            params.append(("embed_token", sent))
    elif case.route == "legacy":
        path = f"/d/{org}/{case.dashboard}/{sent}"
    elif case.route == "legacy_id":
        path = f"/d/{case.dashboard_id or world.dashboard().id}/{sent}"
    else:
        path = f"/d/{org}/{case.dashboard}/charts/{case.chart}.json"
        if sent is not None and case.via in ("bearer", "both"):
            headers["Authorization"] = f"{case.scheme} {sent}"
        if sent is not None and case.via in ("query", "both"):
            params.append(("embed_token", sent))
    return world.client.build_request("GET", path, params=params, headers=headers)


def refusal_code(response: httpx.Response, route: Route) -> str:
    """The machine code of a refusal, from the HTML page or the JSON error shape."""
    if route != "json":
        assert response.headers["content-type"].startswith("text/html")
        (code,) = PAGE_CODE.findall(response.text)
        return code
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    code: str = body["error"]["code"]
    return code


def assert_leaks_nothing(response: httpx.Response, sent: str | None, secrets: set[str]) -> None:
    body = response.text
    assert "Traceback" not in body
    for secret in secrets:
        assert secret not in body
    if sent and len(sent) >= 16:
        assert sent not in body


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
async def test_refusal(world: EmbedWorld, case: Case) -> None:
    secrets = {world.secret}
    if case.arrange is not None:
        case.arrange(world)
    sent = case.token(world)
    secrets.add(world.secret)
    response = await world.client.send(request_for(world, case, sent))
    assert (response.status_code, refusal_code(response, case.route)) == (case.status, case.code)
    assert_leaks_nothing(response, sent, secrets)


def test_the_table_covers_every_refusal_code_of_the_spec() -> None:
    assert {case.code for case in CASES} == SPEC_CODES
    assert len({case.name for case in CASES}) == len(CASES) >= 40


@pytest.mark.postgres
def test_a_slug_no_dashboard_can_have_never_reaches_postgresql(
    settings: Settings, postgres_database: str
) -> None:
    db = open_database(settings.model_copy(update={"database_url": postgres_database}))
    create_organization(db, "acme")
    services = build_services(settings, db)
    try:
        for org, slug in (("ac\x00me", "sales"), ("acme", "sa\x00les")):
            with pytest.raises(NotFound):
                services.gate.dashboard(org, slug)
    finally:
        services.engine.close()
        db.dispose()


# --- What the strict parser must still accept ---------------------------------------------------


def other_tenant_after_env_revocation(world: EmbedWorld) -> str:
    revoked_by_env_value(world)
    return token(world, env={"TENANT": 2})


def accepted(name: str, build: TokenBuilder, route: Route = "page", **more: Any) -> Case:
    return Case(name, build, route, 200, "", **more)


# fmt: off
ACCEPTED = [
    accepted("float-exp-in-the-future", lambda w: token(w, exp=clock() + 600.25)),
    accepted("javascript-float-exp", lambda w: token(w, exp=time.time_ns() / 1e9 + 300), "json"),
    accepted("organization-as-digit-string", lambda w: token(w, organization=str(w.org.id))),
    accepted("dashboard-as-digit-string", lambda w: token(w, dashboard=str(w.dashboard().id)), "json"),
    accepted("exp-just-past-within-leeway", lambda w: token(w, exp=clock() - 30)),
    accepted("exp-24-hours-ahead-within-leeway", lambda w: token(w, exp=clock() + DAY + 30)),
    accepted("unknown-claims-and-odd-jti-ignored", lambda w: token(w, sub="u", admin=True, jti={"id": 7})),
    accepted("empty-crit-header", lambda w: token(w, header='{"alg":"HS256","crit":[]}')),
    accepted("signature-with-its-padding", lambda w: w.sign() + "="),
    accepted("lowercase-bearer-scheme", valid, "json", scheme="bearer"),
    accepted("data-token-in-query", valid, "json", via="query"),
    accepted("legacy-id", valid, "legacy_id"),
    accepted("env-revocation-spares-other-tenants", other_tenant_after_env_revocation, "json"),
]
# fmt: on


def token_tenant(sent: str) -> int:
    """The TENANT a token's env locks: the only tenant_id its rows may carry."""
    payload = sent.split(".")[1]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tenant: int = decoded["env"]["TENANT"]
    return tenant


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in ACCEPTED])
async def test_accepted(world: EmbedWorld, case: Case) -> None:
    sent = case.token(world)
    assert sent is not None
    response = await world.client.send(request_for(world, case, sent))
    assert response.status_code == 200
    if case.route == "json":
        rows = response.json()["rows"]
        assert rows
        assert {row[-1] for row in rows} == {token_tenant(sent)}
    else:
        assert 'data-chart="by_region"' in response.text


# --- Another organization with a dashboard of the same slug -------------------------------------


@pytest.fixture
async def other(world: EmbedWorld, make_world: Callable[..., Any]) -> AsyncIterator[EmbedWorld]:
    """A second organization, ``other``, with its own ``sales`` dashboard and its own secret."""
    async for built in make_world("other"):
        yield built


Pair = Callable[[EmbedWorld, EmbedWorld], str]


def acme_signed_claims_of_other(acme: EmbedWorld, other: EmbedWorld) -> str:
    return token(acme, organization=other.org.id, dashboard=other.dashboard().id)


def other_signed_acme_dashboard(acme: EmbedWorld, other: EmbedWorld) -> str:
    return token(acme, secret=other.secret, organization=other.org.id, dashboard=acme.dashboard().id)  # fmt: skip


# fmt: off
CROSS_ORGANIZATION = [
    # name, token(acme, other), where it is sent, status, code
    ("others-token-at-acme", lambda a, o: o.sign(), "acme-page", 403, "token_bad_signature"),
    ("others-token-at-acme-data", lambda a, o: o.sign(), "acme-data", 403, "token_bad_signature"),
    ("acme-signed-claims-of-other", acme_signed_claims_of_other, "acme-page", 403, "token_wrong_organization"),
    ("acme-claims-others-dashboard-id", lambda a, o: token(a, dashboard=o.dashboard().id), "acme-page", 403, "token_wrong_dashboard"),
    ("other-signed-acmes-dashboard-id", other_signed_acme_dashboard, "other-page", 403, "token_wrong_dashboard"),
    ("acme-token-at-other", lambda a, o: a.sign(), "other-page", 403, "token_bad_signature"),
    ("acme-token-at-others-legacy-id", lambda a, o: a.sign(), "other-legacy-id", 403, "token_bad_signature"),
]
# fmt: on


def cross_request(acme: EmbedWorld, other: EmbedWorld, where: str, sent: str) -> httpx.Request:
    target = acme if where.startswith("acme") else other
    if where.endswith("-data"):
        url, headers = target.chart_url("by_region"), {"Authorization": f"Bearer {sent}"}
        return acme.client.build_request("GET", url, headers=headers)
    if where.endswith("-legacy-id"):
        return acme.client.build_request("GET", f"/d/{target.dashboard().id}/{sent}")
    return acme.client.build_request("GET", target.page_url(sent))


@pytest.mark.parametrize(
    ("build", "where", "status", "code"),
    [pytest.param(*rest, id=name) for name, *rest in CROSS_ORGANIZATION],
)
async def test_refusal_across_organizations(
    world: EmbedWorld, other: EmbedWorld, build: Pair, where: str, status: int, code: str
) -> None:
    sent = build(world, other)
    response = await world.client.send(cross_request(world, other, where, sent))
    route: Route = "json" if where.endswith("-data") else "page"
    assert (response.status_code, refusal_code(response, route)) == (status, code)
    assert_leaks_nothing(response, sent, {world.secret, other.secret})


# --- Key-location headers are never followed ----------------------------------------------------


async def test_kid_jku_x5u_jwk_headers_are_ignored_and_never_fetched(world: EmbedWorld) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        base = f"http://127.0.0.1:{listener.getsockname()[1]}"
        headers = {
            "kid": f"{base}/keys/1",
            "jku": f"{base}/jwks.json",
            "x5u": f"{base}/cert.pem",
            "jwk": {"kty": "oct", "k": segment(ATTACKER_KEY)},
        }
        honest = await world.client.get(world.page_url(world.sign(headers=headers)))
        forged = await world.client.get(world.page_url(world.sign(ATTACKER_KEY, headers=headers)))
        # Nothing may have tried to connect, during the requests or shortly after.
        ready, _, _ = select.select([listener], [], [], 0.3)
    assert honest.status_code == 200
    assert (forged.status_code, refusal_code(forged, "page")) == (403, "token_bad_signature")
    assert ready == []


# --- Rotate and Reset ---------------------------------------------------------------------------


async def test_rotate_accepts_old_and_new_secrets_within_the_grace_window(
    world: EmbedWorld,
) -> None:
    before = world.sign()
    after = world.sign(rotate_secret(world.db, world.org.slug, dt.timedelta(hours=1)))
    for sent in (before, after):
        assert (await world.client.get(world.page_url(sent))).status_code == 200


async def test_rotate_refuses_the_old_secret_once_the_grace_window_closes(
    world: EmbedWorld,
) -> None:
    before = world.sign()
    rotate_secret(world.db, world.org.slug, dt.timedelta(milliseconds=300))
    assert (await world.client.get(world.page_url(before))).status_code == 200
    await asyncio.sleep(0.35)
    response = await world.client.get(world.page_url(before))
    assert (response.status_code, refusal_code(response, "page")) == (403, "token_bad_signature")


async def test_reset_during_a_grace_window_ends_it_at_once(world: EmbedWorld) -> None:
    before = world.sign()
    rotate_secret(world.db, world.org.slug, dt.timedelta(hours=1))
    reset_secret(world.db, world.org.slug)
    response = await world.client.get(world.page_url(before))
    assert (response.status_code, refusal_code(response, "page")) == (403, "token_bad_signature")


async def test_a_used_token_is_refused_after_reset(world: EmbedWorld) -> None:
    bearer = {"Authorization": f"Bearer {world.sign()}"}
    assert (await world.client.get(world.chart_url("total"), headers=bearer)).status_code == 200
    reset_secret(world.db, world.org.slug)
    response = await world.client.get(world.chart_url("total"), headers=bearer)
    assert (response.status_code, refusal_code(response, "json")) == (403, "token_bad_signature")


# --- Where the token travels, what a refusal echoes ---------------------------------------------


async def test_a_bearer_header_wins_over_the_query_token(world: EmbedWorld) -> None:
    response = await world.client.get(
        world.chart_url("total") + f"?embed_token={world.sign()}",
        headers={"Authorization": f"Bearer {tampered(world)}"},
    )
    assert (response.status_code, refusal_code(response, "json")) == (403, "token_bad_signature")


async def test_a_refused_value_is_never_rendered_as_markup(world: EmbedWorld) -> None:
    sent = token(world, env={"TENANT": 1, "MIN_AMOUNT": "<script>alert(1)</script>"})
    response = await world.client.get(world.page_url(sent))
    assert (response.status_code, refusal_code(response, "page")) == (400, "invalid_variable_value")
    assert "<script>alert" not in response.text


# --- SQL text in every variable type ------------------------------------------------------------

TYPES_YAML = """
slug: types
title: Every variable type
source: warehouse
cache_ttl: 0
embed: {enabled: true, allow_viewer_variables: true}
variables:
  - {name: TENANT, type: integer, hidden: true, required: true}
  - {name: S, type: string}
  - {name: I, type: integer}
  - {name: N, type: number}
  - {name: B, type: boolean}
  - {name: D, type: date}
  - {name: T, type: datetime}
charts:
  - slug: rows
    title: Rows
    type: table
    sql: |
      SELECT region, amount, tenant_id FROM orders WHERE tenant_id = :TENANT
      [[ AND region = :S ]] [[ AND amount >= :I ]] [[ AND amount >= :N ]]
      [[ AND :B IS NOT NULL ]] [[ AND :D IS NOT NULL ]] [[ AND :T IS NOT NULL ]]
      ORDER BY region, amount
"""
# Per type: SQL text it must refuse, and a well-typed value it must accept.
TYPED = {
    "I": ("1 OR 1=1", "10"),
    "N": ("0) OR (1=1", "10.5"),
    "B": ("true OR 1=1", "true"),
    "D": ("2024-01-01' OR '1'='1", "2024-01-31"),
    "T": ("2024-01-01T00:00:00' OR '1'='1", "2024-01-31T08:00:00Z"),
}
STRING_SQL = ["north' OR '1'='1", "x'; DROP TABLE orders; --", "') UNION SELECT 1, 2, 3 --"]
VIAS = ("viewer", "env")


@pytest.fixture
def types_url(world: EmbedWorld) -> str:
    """A ``types`` dashboard with one viewer-settable variable of every type; its chart's URL."""
    (world.workspace / "dashboards" / "types.yaml").write_text(textwrap.dedent(TYPES_YAML))
    apply_folder(world.db, world.workspace, world.org.slug)
    return world.chart_url("rows", "types")


async def set_variable(
    world: EmbedWorld, url: str, name: str, value: str, via: str
) -> httpx.Response:
    """Tenant 1's request for ``url`` with ``name=value`` from the viewer or from the env."""
    env: dict[str, object] = {"TENANT": 1}
    params = {f"var.{name}": value} if via == "viewer" else {}
    if via == "env":
        env[name] = value
    sent = token(world, dashboard=world.dashboard("types").id, env=env)
    return await world.client.get(url, params=params, headers={"Authorization": f"Bearer {sent}"})


@pytest.mark.parametrize("name", sorted(TYPED))
async def test_sql_text_is_refused_by_every_typed_variable(
    world: EmbedWorld, types_url: str, name: str
) -> None:
    sql_text, well_typed = TYPED[name]
    for via in VIAS:
        refused = await set_variable(world, types_url, name, sql_text, via)
        assert (refused.status_code, refusal_code(refused, "json")) == (
            400,
            "invalid_variable_value",
        )
        allowed = await set_variable(world, types_url, name, well_typed, via)
        assert allowed.status_code == 200
        assert {row[-1] for row in allowed.json()["rows"]} == {1}


@pytest.mark.parametrize("text", STRING_SQL)
async def test_sql_text_in_a_string_is_only_ever_compared_as_text(
    world: EmbedWorld, types_url: str, text: str
) -> None:
    for via in VIAS:
        response = await set_variable(world, types_url, "S", text, via)
        assert response.status_code == 200
        assert response.json()["rows"] == []
        # The table is intact and the query unchanged: tenant 1 sees exactly its north rows.
        north = await set_variable(world, types_url, "S", "north", via)
        assert north.json()["rows"] == [["north", 10.0, 1], ["north", 20.5, 1]]


@pytest.mark.parametrize("via", VIAS)
async def test_sql_text_in_a_multi_string_matches_nothing(world: EmbedWorld, via: str) -> None:
    values = ["north') OR ('1'='1", "south"]
    if via == "env":
        sent, params = token(world, env={"TENANT": 1, "REGION": values}), {}
    else:
        sent, params = world.sign(), {"var.REGION": values}
    response = await world.client.get(
        world.chart_url("by_region"), params=params, headers={"Authorization": f"Bearer {sent}"}
    )
    assert response.json()["rows"] == [["south", 30.5, 1]]
