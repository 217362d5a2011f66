"""Owner tools through the API: the secret, revocation, usage, token explain, the audit log."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from dashlet.cli.owner_commands import usage_json
from dashlet.embed.tokens import token_digest
from dashlet.store.audit import list_events
from dashlet.store.organizations import reveal_secret
from dashlet.store.usage import usage_report
from tests.web.api_world import ApiWorld
from tests.web.conftest import EmbedWorld

ORG = "/api/v1/orgs/acme"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


async def test_revealing_the_secret_is_audited_with_who(api: ApiWorld) -> None:
    owner = api.session_caller("owner")
    response = await api.call(owner, "POST", f"{ORG}/secret/reveal")
    assert response.json() == {"secret": reveal_secret(api.db, "acme"), "secret_version": 1}
    (event,) = list_events(api.db, "acme")
    assert (event.actor, event.action) == (owner.name, "secret.revealed")


async def test_a_reset_breaks_every_existing_embed_at_once(api: ApiWorld) -> None:
    old = api.world.sign()
    assert (await api.client.get(api.world.page_url(old))).status_code == 200
    owner = api.key_caller("owner")
    reset = await api.call(owner, "POST", f"{ORG}/secret/reset")
    assert reset.json() == {"secret_version": 2, "previous_valid_until": None}
    refused = await api.client.get(api.world.page_url(old))
    assert refused.status_code == 403
    assert "token_bad_signature" in refused.text
    signed = await api.call(
        owner, "POST", f"{ORG}/dashboards/sales/sign", json={"env": {"TENANT": 1}}
    )
    assert (await api.client.get(signed.json()["url"])).status_code == 200
    assert list_events(api.db, "acme")[0].action == "secret.reset"


async def test_a_rotation_keeps_the_old_secret_for_the_grace_window(api: ApiWorld) -> None:
    old = api.world.sign()
    rotated = await api.call(
        api.key_caller("owner"), "POST", f"{ORG}/secret/rotate", json={"grace_seconds": 600}
    )
    body = rotated.json()
    assert body["secret_version"] == 2
    until = dt.datetime.fromisoformat(body["previous_valid_until"])
    assert abs((until - dt.datetime.now(dt.UTC)).total_seconds() - 600) < 30
    assert (await api.client.get(api.world.page_url(old))).status_code == 200
    event = list_events(api.db, "acme")[0]
    assert (event.action, event.detail) == ("secret.rotated", {"version": 2, "grace_seconds": 600})


async def test_a_grace_window_past_a_day_is_refused(api: ApiWorld) -> None:
    response = await api.call(
        api.key_caller("owner"), "POST", f"{ORG}/secret/rotate", json={"grace_seconds": 86_401}
    )
    assert response.json()["error"]["code"] == "invalid_request"


async def test_revoking_one_token_refuses_it_and_removing_the_rule_restores_it(
    api: ApiWorld,
) -> None:
    owner = api.key_caller("owner")
    token = api.world.sign()
    added = await api.call(
        owner, "POST", f"{ORG}/revocations", json={"kind": "token", "token": token}
    )
    assert added.status_code == 201
    rule = added.json()
    assert rule["token_digest"] == token_digest(token)
    listed = await api.call(owner, "GET", f"{ORG}/revocations")
    assert token not in listed.text
    refused = await api.client.get(api.world.page_url(token))
    assert "token_revoked" in refused.text
    removed = await api.call(owner, "DELETE", f"{ORG}/revocations/{rule['id']}")
    assert removed.status_code == 204
    assert (await api.client.get(api.world.page_url(token))).status_code == 200
    assert [e.action for e in list_events(api.db, "acme")][:2] == [
        "revocation.removed",
        "revocation.added",
    ]


async def test_revoking_a_churned_customer_refuses_their_tokens_only(api: ApiWorld) -> None:
    rule = {"kind": "env", "env_name": "TENANT", "env_value": 2}
    await api.call(api.key_caller("owner"), "POST", f"{ORG}/revocations", json=rule)
    churned = api.world.sign(env={"TENANT": 2})
    assert "token_revoked" in (await api.client.get(api.world.page_url(churned))).text
    assert (await api.client.get(api.world.page_url(api.world.sign()))).status_code == 200


async def test_a_rule_missing_its_value_is_an_invalid_request(api: ApiWorld) -> None:
    response = await api.call(
        api.key_caller("owner"), "POST", f"{ORG}/revocations", json={"kind": "jti"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


async def test_usage_is_the_json_of_dashlet_usage(api: ApiWorld) -> None:
    await api.client.get(api.world.page_url(api.world.sign()))
    api.world.services.usage.flush()
    response = await api.call(api.key_caller("owner"), "GET", f"{ORG}/usage")
    expected = {"dashboards": [usage_json(usage) for usage in usage_report(api.db, "acme")]}
    assert response.json() == expected
    assert response.json()["dashboards"][0]["loads"] == 1


async def test_explain_lists_every_check_and_never_the_secret(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    good = await api.call(owner, "POST", f"{ORG}/tokens/explain", json={"token": api.world.sign()})
    assert good.json()["valid"] is True
    assert {"size", "signature", "exp"} <= {check["name"] for check in good.json()["checks"]}
    forged = api.world.sign(secret="not-the-secret-" + "x" * 30, exp=int(time.time()) - 10)
    bad = await api.call(owner, "POST", f"{ORG}/tokens/explain", json={"token": forged})
    checks = {check["name"]: check["ok"] for check in bad.json()["checks"]}
    assert bad.json()["valid"] is False
    assert checks["signature"] is False
    assert reveal_secret(api.db, "acme") not in good.text + bad.text


async def test_the_audit_log_pages_back_newest_first(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    for _ in range(3):
        await api.call(owner, "POST", f"{ORG}/secret/reveal")
    first = (await api.call(owner, "GET", f"{ORG}/audit?limit=2")).json()
    assert [e["action"] for e in first["events"]] == ["secret.revealed"] * 2
    assert all(e["actor"] == owner.name for e in first["events"])
    rest = (
        await api.call(owner, "GET", f"{ORG}/audit?limit=2&before={first['next_before']}")
    ).json()
    # the reveal left, then the key's own creation
    assert [e["action"] for e in rest["events"]] == ["secret.revealed", "api_key.created"]
    last = await api.call(owner, "GET", f"{ORG}/audit?limit=2&before={rest['next_before']}")
    assert last.json() == {"events": [], "next_before": None}


async def test_the_organization_shows_the_callers_role(api: ApiWorld) -> None:
    response = await api.call(api.key_caller("viewer"), "GET", ORG)
    body = response.json()
    assert (body["slug"], body["role"], body["legacy_enabled"]) == ("acme", "viewer", True)


async def test_frame_ancestors_are_set_checked_and_audited(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    change = {"frame_ancestors": ["https://app.example.com"], "legacy_enabled": False}
    response = await api.call(owner, "PATCH", f"{ORG}/embedding", json=change)
    assert response.json()["frame_ancestors"] == ["https://app.example.com"]
    assert response.json()["legacy_enabled"] is False
    assert list_events(api.db, "acme")[0].detail == change
    bad = await api.call(
        owner, "PATCH", f"{ORG}/embedding", json={"frame_ancestors": ["javascript:x"]}
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_request"
