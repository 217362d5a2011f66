"""The dashboard editor's API: a dashboard as its document, saved exactly as `dashlet apply`,
and a preview of one chart bound to typed test values."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from dashlet.spec.export import export_organization
from dashlet.store.audit import list_events
from tests.web.api_world import ApiWorld
from tests.web.conftest import EmbedWorld

ORG = "/api/v1/orgs/acme"
DOCUMENT = f"{ORG}/dashboards/sales/document"
PREVIEW = f"{ORG}/dashboards/sales/preview"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


async def read(api: ApiWorld) -> dict[str, Any]:
    response = await api.call(api.key_caller("editor"), "GET", DOCUMENT)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def chart(document: dict[str, Any], slug: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in document["charts"] if c["slug"] == slug)
    return found


async def put_document(api: ApiWorld, body: dict[str, Any], role: str = "editor") -> httpx.Response:
    """``PUT .../sales/document`` as a new API key of ``role``."""
    return await api.call(api.key_caller(role), "PUT", DOCUMENT, body)


async def preview(api: ApiWorld, body: dict[str, Any]) -> httpx.Response:
    """``POST .../sales/preview`` as an editor."""
    return await api.call(api.key_caller("editor"), "POST", PREVIEW, body)


async def test_the_document_is_the_file_dashlet_export_writes(api: ApiWorld, tmp_path: Any) -> None:
    body = await read(api)
    exported = export_organization(api.db, "acme", tmp_path).files["dashboards/sales.yaml"]
    assert body["yaml"] == exported
    assert body["version"] == api.world.dashboard().version
    assert body["sources"] == ["warehouse"]
    assert body["chart_types"]["pie"] == {
        "encoding": ["label", "value", "format"],
        "required": ["label", "value"],
    }


async def test_saving_the_document_unchanged_changes_nothing(api: ApiWorld) -> None:
    body = await read(api)
    saved = await put_document(
        api,
        {"document": body["document"], "base_version": body["version"]},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["changed"] is False
    assert saved.json()["version"] == body["version"]


async def test_a_saved_chart_change_is_served_to_embeds(api: ApiWorld) -> None:
    body = await read(api)
    document = copy.deepcopy(body["document"])
    chart(document, "total")["title"] = "Total revenue"
    chart(document, "total")["type"] = "table"
    del chart(document, "total")["value"]
    saved = await put_document(
        api,
        {"document": document, "base_version": body["version"]},
    )
    assert saved.json()["dashboards"]["updated"] == ["sales"]
    assert saved.json()["version"] == body["version"] + 1
    stored = api.world.dashboard().chart("total")
    assert (stored.title, stored.type, dict(stored.encoding)) == ("Total revenue", "table", {})


async def test_a_save_is_checked_as_apply_checks_a_file(api: ApiWorld) -> None:
    body = await read(api)
    document = copy.deepcopy(body["document"])
    chart(document, "total")["sql"] = (
        "SELECT SUM(amount) AS revenue FROM orders WHERE tenant_id = :NOPE"
    )
    chart(document, "by_region")["type"] = "pie"
    saved = await put_document(api, {"document": document})
    assert saved.status_code == 422
    problems = saved.json()["error"]["problems"]
    assert {p["field"] for p in problems} >= {"charts[1].sql", "charts[0].label"}
    assert all(p["file"] == "dashboards/sales.yaml" and p["line"] for p in problems)
    assert api.world.dashboard().version == body["version"]


async def test_yaml_text_is_saved_the_same_way(api: ApiWorld) -> None:
    body = await read(api)
    text = body["yaml"].replace("title: Sales\n", "title: Sales (edited)\n")
    saved = await put_document(api, {"yaml": text})
    assert saved.json()["changed"] is True
    assert api.world.dashboard().title == "Sales (edited)"


async def test_a_document_and_yaml_together_are_refused(api: ApiWorld) -> None:
    body = await read(api)
    saved = await put_document(
        api,
        {"document": body["document"], "yaml": body["yaml"]},
    )
    assert saved.status_code == 422
    assert saved.json()["error"]["code"] == "invalid_request"


async def test_someone_elses_save_since_the_editor_opened_is_a_conflict(api: ApiWorld) -> None:
    body = await read(api)
    first = copy.deepcopy(body["document"])
    first["title"] = "First"
    second = copy.deepcopy(body["document"])
    second["title"] = "Second"
    editor = api.key_caller("editor")
    ok = await api.call(
        editor, "PUT", DOCUMENT, {"document": first, "base_version": body["version"]}
    )
    late = await api.call(
        editor, "PUT", DOCUMENT, {"document": second, "base_version": body["version"]}
    )
    assert ok.status_code == 200
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "conflict"
    assert api.world.dashboard().title == "First"


async def test_a_dry_run_reports_and_keeps_nothing(api: ApiWorld) -> None:
    body = await read(api)
    document = copy.deepcopy(body["document"])
    document["title"] = "Not kept"
    checked = await put_document(api, {"document": document, "dry_run": True})
    assert checked.json()["dashboards"]["updated"] == ["sales"]
    assert api.world.dashboard().title == "Sales"


async def test_the_slug_cannot_change_in_the_editor(api: ApiWorld) -> None:
    body = await read(api)
    document = {**body["document"], "slug": "sales-copy"}
    saved = await put_document(api, {"document": document})
    assert saved.status_code == 422
    assert saved.json()["error"]["problems"][0]["field"] == "slug"


async def test_a_new_dashboard_is_created_from_its_document(api: ApiWorld) -> None:
    document = {
        "slug": "regions",
        "title": "Regions",
        "source": "warehouse",
        "charts": [
            {
                "slug": "count",
                "title": "Regions",
                "type": "number",
                "value": "n",
                "sql": "SELECT COUNT(DISTINCT region) AS n FROM orders",
            }
        ],
    }
    url = f"{ORG}/dashboards/regions/document"
    saved = await api.call(
        api.key_caller("editor"), "PUT", url, {"document": document, "base_version": None}
    )
    again = await api.call(
        api.key_caller("editor"), "PUT", url, {"document": document, "base_version": None}
    )
    assert saved.json()["dashboards"]["created"] == ["regions"]
    assert saved.json()["version"] == 1
    assert again.status_code == 409


async def test_only_an_owner_changes_embed_settings_by_saving(api: ApiWorld) -> None:
    body = await read(api)
    document = copy.deepcopy(body["document"])
    document["embed"]["allow_csv"] = False
    editor = await put_document(api, {"document": document})
    owner = await put_document(api, {"document": document}, role="owner")
    assert editor.status_code == 403
    assert owner.status_code == 200
    assert api.world.dashboard().embed.allow_csv is False


async def test_a_save_is_audited_as_an_apply(api: ApiWorld) -> None:
    body = await read(api)
    document = {**body["document"], "title": "Audited"}
    caller = api.session_caller("editor")
    await api.call(caller, "PUT", DOCUMENT, {"document": document})
    (event,) = [e for e in list_events(api.db, "acme") if e.action == "dashboards.applied"]
    assert event.actor == caller.name
    assert event.detail["dashboards"]["updated"] == ["sales"]


async def test_a_viewer_cannot_read_the_document(api: ApiWorld) -> None:
    response = await api.call(api.key_caller("viewer"), "GET", DOCUMENT)
    assert response.status_code == 403


async def test_the_preview_runs_the_unsaved_sql_with_typed_test_values(api: ApiWorld) -> None:
    body = await read(api)
    document = copy.deepcopy(body["document"])
    chart(document, "total")["sql"] = (
        "SELECT COUNT(*) AS orders, SUM(amount) AS revenue FROM orders WHERE tenant_id = :TENANT"
    )
    previewed = await preview(
        api,
        {"document": document, "chart": "total", "values": {"TENANT": "2"}},
    )
    assert previewed.status_code == 200, previewed.text
    result = previewed.json()
    assert [c["name"] for c in result["columns"]] == ["orders", "revenue"]
    assert result["rows"] == [[4, 61.0]]
    assert result["row_limit"] == 1000
    assert api.world.dashboard().chart("total").sql != chart(document, "total")["sql"]


async def test_a_test_value_of_the_wrong_type_is_refused_by_name(api: ApiWorld) -> None:
    body = await read(api)
    previewed = await preview(
        api,
        {"document": body["document"], "chart": "total", "values": {"TENANT": "two"}},
    )
    assert previewed.status_code == 400
    assert "TENANT" in previewed.json()["error"]["message"]


async def test_a_problem_in_another_chart_does_not_stop_a_preview(api: ApiWorld) -> None:
    body = await read(api)
    document = copy.deepcopy(body["document"])
    chart(document, "by_region")["sql"] = "SELECT :UNDECLARED"
    ok = await preview(
        api,
        {"document": document, "chart": "total", "values": {"TENANT": "1"}},
    )
    refused = await preview(
        api,
        {"document": document, "chart": "by_region", "values": {"TENANT": "1"}},
    )
    assert ok.status_code == 200
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["field"] == "charts[0].sql"


async def test_a_failing_query_in_a_preview_is_a_clear_refusal(api: ApiWorld) -> None:
    body = await read(api)
    previewed = await preview(
        api,
        {"document": body["document"], "chart": "broken", "values": {"TENANT": "1"}},
    )
    error = previewed.json()["error"]
    assert previewed.status_code >= 400
    assert error["code"].startswith("query_")
    assert "Traceback" not in error["message"]


CONVERT = f"{ORG}/dashboards/convert"


async def test_yaml_converts_to_the_document_the_form_shows(api: ApiWorld) -> None:
    body = await read(api)
    converted = await api.call(api.key_caller("editor"), "POST", CONVERT, {"yaml": body["yaml"]})
    assert converted.json() == {"document": body["document"], "yaml": body["yaml"]}


async def test_a_document_converts_to_the_yaml_a_save_stores(api: ApiWorld) -> None:
    body = await read(api)
    converted = await api.call(
        api.key_caller("editor"), "POST", CONVERT, {"document": body["document"]}
    )
    assert converted.json()["yaml"] == body["yaml"]


async def test_yaml_is_read_as_apply_reads_it(api: ApiWorld) -> None:
    text = (
        "slug: x\nvariables:\n  - {name: ON, type: boolean, default: yes, choices: [2024-01-31]}\n"
    )
    converted = await api.call(api.key_caller("editor"), "POST", CONVERT, {"yaml": text})
    (variable,) = converted.json()["document"]["variables"]
    assert (variable["default"], variable["choices"]) == (True, ["2024-01-31"])


async def test_yaml_that_cannot_be_read_is_refused_with_its_line(api: ApiWorld) -> None:
    converted = await api.call(
        api.key_caller("editor"), "POST", CONVERT, {"yaml": "slug: x\ntitle: [unclosed\n"}
    )
    assert converted.status_code == 422
    (problem,) = converted.json()["error"]["problems"]
    assert problem["line"] >= 2
