"""Dashboards through the API: read, apply (as `dashlet apply`), embed settings, signed URLs."""

from __future__ import annotations

import textwrap

import pytest

from dashlet.cli.spec_commands import dashboard_json
from dashlet.store.audit import list_events
from dashlet.store.dashboards import list_dashboards
from tests.web.api_world import ApiWorld
from tests.web.conftest import EmbedWorld

ORG = "/api/v1/orgs/acme"
APPLY = f"{ORG}/dashboards/apply"

UNSAFE_YAML = """
slug: leaky
title: Leaky
source: warehouse
variables:
  - {name: TENANT, type: integer, hidden: true, required: true}
charts:
  - slug: everyone
    title: Everyone's orders
    type: table
    sql: SELECT * FROM orders
"""


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


def folder(api: ApiWorld, **dashboards: str) -> dict[str, str]:
    """The world's workspace as the API takes it (the warehouse by absolute path)."""
    warehouse = (api.world.workspace / "warehouse.sqlite").resolve()
    files = {
        "sources.yaml": f"sources:\n  - {{name: warehouse, url: 'sqlite:///{warehouse}'}}\n",
        "dashboards/sales.yaml": (api.world.workspace / "dashboards" / "sales.yaml").read_text(),
    }
    files.update(
        {f"dashboards/{name}.yaml": textwrap.dedent(text) for name, text in dashboards.items()}
    )
    return files


async def test_the_list_has_the_shape_of_dashlet_dashboards_list(api: ApiWorld) -> None:
    response = await api.call(api.key_caller("viewer"), "GET", f"{ORG}/dashboards")
    (listed,) = response.json()
    (cli,) = [dashboard_json(d) for d in list_dashboards(api.db, "acme")]
    assert {key: listed[key] for key in cli} | {"embed": cli["embed"]} == cli
    assert listed["embed"] == {**cli["embed"], "allow_csv": True}  # fields are only added


async def test_one_dashboard_is_read_by_slug(api: ApiWorld) -> None:
    response = await api.call(api.key_caller("viewer"), "GET", f"{ORG}/dashboards/sales")
    assert [c["slug"] for c in response.json()["charts"]] == ["by_region", "total", "broken"]
    missing = await api.call(api.key_caller("viewer"), "GET", f"{ORG}/dashboards/nope")
    assert missing.json()["error"]["code"] == "not_found"


async def test_applying_a_folder_creates_and_then_changes_nothing(api: ApiWorld) -> None:
    editor = api.key_caller("editor")
    extra = UNSAFE_YAML.replace(
        "SELECT * FROM orders", "SELECT * FROM orders WHERE tenant_id = :TENANT"
    )
    first = await api.call(editor, "POST", APPLY, json={"files": folder(api, leaky=extra)})
    assert first.status_code == 200
    assert first.json()["dashboards"]["created"] == ["leaky"]
    assert first.json()["changed"] is True
    again = await api.call(editor, "POST", APPLY, json={"files": folder(api, leaky=extra)})
    assert again.json()["changed"] is False
    (event,) = [e for e in list_events(api.db, "acme") if e.action == "dashboards.applied"]
    assert event.actor == editor.name
    assert event.detail["dashboards"] == {"created": ["leaky"], "updated": []}


async def test_a_bad_folder_is_refused_whole_with_every_problem(api: ApiWorld) -> None:
    files = folder(api, broken="slug: broken\ntitle: [unclosed\n")
    response = await api.call(api.key_caller("editor"), "POST", APPLY, json={"files": files})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_spec"
    assert error["problems"][0]["file"] == "dashboards/broken.yaml"
    assert error["problems"][0]["line"] is not None
    assert [d.slug for d in list_dashboards(api.db, "acme")] == ["sales"]


async def test_the_fail_closed_rule_holds_through_the_api(api: ApiWorld) -> None:
    unsafe = UNSAFE_YAML.replace("title: Leaky\n", "title: Leaky\nembed: {enabled: true}\n")
    response = await api.call(
        api.key_caller("owner"), "POST", APPLY, json={"files": folder(api, leaky=unsafe)}
    )
    assert response.json()["error"]["code"] == "invalid_spec"
    assert "everyone" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "path", ["../escape.sql", "/etc/passwd.sql", "dashboards/sub/x.yaml", "notes.txt"]
)
async def test_files_outside_a_dashboards_folder_are_refused(api: ApiWorld, path: str) -> None:
    files = {**folder(api), path: "SELECT 1"}
    response = await api.call(api.key_caller("editor"), "POST", APPLY, json={"files": files})
    assert response.status_code == 422
    assert [p["file"] for p in response.json()["error"]["problems"]] == [path]


async def test_the_servers_environment_is_not_lent_to_source_urls(
    api: ApiWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHLET_LEAK_ME", "server-only-value")
    files = {
        **folder(api),
        "sources.yaml": "sources:\n  - {name: warehouse, url: 'postgresql://u:${DASHLET_LEAK_ME}@example.invalid/db'}\n",
    }
    response = await api.call(api.key_caller("editor"), "POST", APPLY, json={"files": files})
    assert response.status_code == 422
    assert "DASHLET_LEAK_ME is not set" in response.json()["error"]["message"]


async def test_a_relative_database_path_is_refused(api: ApiWorld) -> None:
    files = {
        **folder(api),
        "sources.yaml": "sources:\n  - {name: warehouse, url: 'sqlite:///warehouse.sqlite'}\n",
    }
    response = await api.call(api.key_caller("editor"), "POST", APPLY, json={"files": files})
    assert response.status_code == 422
    assert "absolute path" in response.json()["error"]["message"]


async def test_an_editor_cannot_change_embed_settings_by_applying(api: ApiWorld) -> None:
    files = folder(api)
    files["dashboards/sales.yaml"] = files["dashboards/sales.yaml"].replace(
        "allow_csv: true", "allow_csv: false"
    )
    refused = await api.call(api.key_caller("editor"), "POST", APPLY, json={"files": files})
    assert refused.status_code == 403
    assert "sales" in refused.json()["error"]["message"]
    allowed = await api.call(api.key_caller("owner"), "POST", APPLY, json={"files": files})
    assert allowed.json()["dashboards"]["updated"] == ["sales"]


async def test_embed_settings_show_the_tenancy_report(api: ApiWorld) -> None:
    response = await api.call(api.key_caller("owner"), "GET", f"{ORG}/dashboards/sales/embed")
    body = response.json()
    assert body["embed"] == {"enabled": True, "allow_viewer_variables": True, "allow_csv": True}
    assert body["tenancy"]["applies"] is True
    assert body["tenancy"]["hidden"] == ["TENANT"]
    assert {
        f["name"]: f["filtered_by"] for f in body["tenancy"]["findings"] if f["kind"] == "chart"
    } == {
        "by_region": ["TENANT"],
        "total": ["TENANT"],
        "broken": ["TENANT"],
    }


async def test_changing_embed_settings_is_audited_with_before_and_after(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    change = {"allow_viewer_variables": False, "allow_csv": False}
    response = await api.call(owner, "PATCH", f"{ORG}/dashboards/sales/embed", json=change)
    assert response.json()["embed"] == {
        "enabled": True,
        "allow_viewer_variables": False,
        "allow_csv": False,
    }
    event = list_events(api.db, "acme")[0]
    assert (event.action, event.actor) == ("embed.changed", owner.name)
    assert event.detail["before"]["allow_csv"] is True
    assert event.detail["after"]["allow_csv"] is False
    csv = await api.client.get(
        "/d/acme/sales/charts/total.csv", headers={"Authorization": f"Bearer {api.world.sign()}"}
    )
    assert csv.status_code == 403


async def test_turning_on_embedding_of_an_unsafe_dashboard_is_refused(api: ApiWorld) -> None:
    owner = api.key_caller("owner")
    await api.call(owner, "POST", APPLY, json={"files": folder(api, leaky=UNSAFE_YAML)})
    response = await api.call(
        owner, "PATCH", f"{ORG}/dashboards/leaky/embed", json={"enabled": True}
    )
    assert response.status_code == 422
    assert "everyone" in response.json()["error"]["message"]
    stored = await api.call(owner, "GET", f"{ORG}/dashboards/leaky/embed")
    assert stored.json()["embed"]["enabled"] is False


async def test_a_signed_url_loads_the_embedded_dashboard(api: ApiWorld) -> None:
    response = await api.call(
        api.key_caller("owner"),
        "POST",
        f"{ORG}/dashboards/sales/sign",
        json={"env": {"TENANT": 2}, "ttl": 60},
    )
    body = response.json()
    assert body["url"].startswith("http://127.0.0.1:8000/d/acme/sales?embed_token=")
    assert (body["length"], body["limit"], body["warnings"]) == (len(body["url"]), 2038, [])
    page = await api.client.get(body["url"].removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200


async def test_a_url_past_2038_characters_comes_with_a_warning(api: ApiWorld) -> None:
    env = {"TENANT": 1, "REGION": [f"region-{n:04d}" for n in range(200)]}
    response = await api.call(
        api.key_caller("owner"), "POST", f"{ORG}/dashboards/sales/sign", json={"env": env}
    )
    body = response.json()
    assert body["length"] > 2038
    assert "2038" in body["warnings"][0]


async def test_signing_an_undeclared_variable_is_refused(api: ApiWorld) -> None:
    response = await api.call(
        api.key_caller("owner"), "POST", f"{ORG}/dashboards/sales/sign", json={"env": {"NOPE": 1}}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_variable"


async def test_a_deleted_dashboard_is_gone_and_its_embeds_are_refused(api: ApiWorld) -> None:
    token = api.world.sign()
    assert (await api.client.get(api.world.page_url(token))).status_code == 200
    caller = api.key_caller("editor")
    deleted = await api.call(caller, "DELETE", f"{ORG}/dashboards/sales")
    assert deleted.status_code == 204
    assert (await api.call(caller, "GET", f"{ORG}/dashboards/sales")).status_code == 404
    refused = await api.client.get(api.world.chart_url("total"), params={"embed_token": token})
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "not_found")
    (event,) = [e for e in list_events(api.db, "acme") if e.action == "dashboard.deleted"]
    assert event.actor == caller.name


async def test_deleting_an_unknown_dashboard_is_not_found(api: ApiWorld) -> None:
    response = await api.call(api.key_caller("editor"), "DELETE", f"{ORG}/dashboards/nope")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
