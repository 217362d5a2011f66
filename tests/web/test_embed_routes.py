import json
import time

import pytest

from dashlet.store.dashboards import set_embed_settings
from dashlet.store.organizations import reset_secret, set_frame_ancestors, set_legacy_enabled
from dashlet.store.usage import usage_report
from tests.web.conftest import EmbedWorld


def ndjson(text: str) -> dict[str, dict]:
    return {line["chart"]: line for line in map(json.loads, text.splitlines())}


async def test_valid_token_serves_the_dashboard_page(world: EmbedWorld) -> None:
    response = await world.client.get(world.page_url(world.sign()))
    assert response.status_code == 200
    assert "<title>Sales</title>" in response.text
    assert 'data-chart="by_region"' in response.text


async def test_trailing_slash_before_the_query_is_accepted(world: EmbedWorld) -> None:
    response = await world.client.get(f"/d/acme/sales/?embed_token={world.sign()}")
    assert response.status_code == 200


async def test_embed_page_sends_the_security_headers(world: EmbedWorld) -> None:
    response = await world.client.get(world.page_url(world.sign()))
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors *" in csp


async def test_frame_ancestors_come_from_the_allow_list(world: EmbedWorld) -> None:
    set_frame_ancestors(world.db, "acme", ["https://app.example.com"])
    response = await world.client.get(world.page_url(world.sign()))
    assert "frame-ancestors https://app.example.com" in response.headers["content-security-policy"]


async def test_legacy_path_url_is_served_with_a_deprecation_header(world: EmbedWorld) -> None:
    response = await world.client.get(f"/d/acme/sales/{world.sign()}")
    assert response.status_code == 200
    assert "deprecation" in response.headers


async def test_legacy_id_url_is_served_with_a_deprecation_header(world: EmbedWorld) -> None:
    response = await world.client.get(f"/d/{world.dashboard().id}/{world.sign()}")
    assert response.status_code == 200
    assert "deprecation" in response.headers


async def test_legacy_urls_refused_when_the_switch_is_off(world: EmbedWorld) -> None:
    set_legacy_enabled(world.db, "acme", False)
    for url in (f"/d/acme/sales/{world.sign()}", f"/d/{world.dashboard().id}/{world.sign()}"):
        response = await world.client.get(url)
        assert response.status_code == 410
        assert 'data-code="legacy_disabled"' in response.text
    assert (await world.client.get(world.page_url(world.sign()))).status_code == 200


async def test_chart_data_answers_the_contract_shape(world: EmbedWorld) -> None:
    response = await world.client.get(
        world.chart_url("by_region"), headers={"Authorization": f"Bearer {world.sign()}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["columns"][0] == {"name": "region", "type": "string"}
    assert body["rows"] == [["north", 30.5, 1], ["south", 30.5, 1]]
    assert body["cached"] is False
    assert isinstance(body["duration_ms"], float | int)


async def test_chart_data_takes_the_token_in_the_query_too(world: EmbedWorld) -> None:
    response = await world.client.get(world.chart_url("total") + f"?embed_token={world.sign()}")
    assert response.status_code == 200
    assert response.json()["rows"] == [[61.0, 1]]


async def test_second_identical_request_is_served_from_the_cache(world: EmbedWorld) -> None:
    headers = {"Authorization": f"Bearer {world.sign()}"}
    await world.client.get(world.chart_url("total"), headers=headers)
    again = await world.client.get(world.chart_url("total"), headers=headers)
    assert again.json()["cached"] is True


async def test_tenant_never_receives_another_tenants_cached_rows(world: EmbedWorld) -> None:
    for tenant in (1, 2, 3, 2, 1):
        token = world.sign(env={"TENANT": tenant})
        body = (
            await world.client.get(
                world.chart_url("by_region"), headers={"Authorization": f"Bearer {token}"}
            )
        ).json()
        assert body["rows"]
        assert {row[2] for row in body["rows"]} == {tenant}


async def test_viewer_may_narrow_an_allowed_variable(world: EmbedWorld) -> None:
    response = await world.client.get(
        world.chart_url("by_region") + "?var.REGION=south",
        headers={"Authorization": f"Bearer {world.sign()}"},
    )
    assert response.json()["rows"] == [["south", 30.5, 1]]


async def test_empty_multi_value_from_env_matches_no_rows(world: EmbedWorld) -> None:
    token = world.sign(env={"TENANT": 1, "REGION": []})
    response = await world.client.get(
        world.chart_url("by_region"), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.json()["rows"] == []


async def test_viewer_cannot_override_an_env_variable(world: EmbedWorld) -> None:
    token = world.sign(env={"TENANT": 1, "REGION": ["north"]})
    response = await world.client.get(
        world.chart_url("by_region") + "?var.REGION=south",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "variable_locked"


async def test_viewer_cannot_set_a_hidden_variable(world: EmbedWorld) -> None:
    response = await world.client.get(
        world.chart_url("total") + "?var.TENANT=2",
        headers={"Authorization": f"Bearer {world.sign()}"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "variable_locked"


async def test_variables_are_locked_when_viewers_may_not_apply_them(world: EmbedWorld) -> None:
    set_embed_settings(world.db, "acme", "sales", enabled=True, allow_viewer_variables=False)
    response = await world.client.get(
        world.chart_url("by_region") + "?var.REGION=south",
        headers={"Authorization": f"Bearer {world.sign()}"},
    )
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "variable_locked",
        "message": "Variable REGION is set by the application and cannot be changed.",
    }


async def test_required_variable_without_value_is_missing_variable(world: EmbedWorld) -> None:
    response = await world.client.get(
        world.chart_url("total"), headers={"Authorization": f"Bearer {world.sign(env={})}"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "missing_variable"


async def test_disabled_dashboard_refuses_a_valid_token(world: EmbedWorld) -> None:
    set_embed_settings(world.db, "acme", "sales", enabled=False, allow_viewer_variables=False)
    response = await world.client.get(world.page_url(world.sign()))
    assert response.status_code == 403
    assert 'data-code="embedding_disabled"' in response.text


async def test_reset_fails_old_tokens_at_once(world: EmbedWorld) -> None:
    token = world.sign()
    assert (await world.client.get(world.page_url(token))).status_code == 200
    reset_secret(world.db, "acme")
    response = await world.client.get(world.page_url(token))
    assert response.status_code == 403
    assert 'data-code="token_bad_signature"' in response.text


async def test_dashboard_data_streams_every_chart_with_errors_per_chart(world: EmbedWorld) -> None:
    response = await world.client.get(
        "/d/acme/sales/data", headers={"Authorization": f"Bearer {world.sign()}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = ndjson(response.text)
    assert set(lines) == {"by_region", "total", "broken"}
    assert lines["total"]["result"]["rows"] == [[61.0, 1]]
    assert lines["broken"]["error"]["code"] == "query_failed"
    assert "no_such_table" not in lines["broken"]["error"]["message"]


async def test_dashboard_data_can_fetch_a_subset(world: EmbedWorld) -> None:
    response = await world.client.get(
        "/d/acme/sales/data?charts=total", headers={"Authorization": f"Bearer {world.sign()}"}
    )
    assert set(ndjson(response.text)) == {"total"}


async def test_unknown_chart_is_not_found(world: EmbedWorld) -> None:
    response = await world.client.get(
        world.chart_url("nope"), headers={"Authorization": f"Bearer {world.sign()}"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/d/ghost/sales?embed_token=x.y.z", "/d/acme/ghost?embed_token=x.y.z", "/d/999/a.b.c"]
)
async def test_unknown_organization_or_dashboard_is_not_found(world: EmbedWorld, path: str) -> None:
    response = await world.client.get(path)
    assert response.status_code == 404
    assert 'data-code="not_found"' in response.text


async def test_healthz(world: EmbedWorld) -> None:
    response = await world.client.get("/healthz")
    assert response.json()["status"] == "ok"


async def test_usage_counts_new_tokens_once_and_every_load(world: EmbedWorld) -> None:
    first, second = world.sign(), world.sign(env={"TENANT": 2}, exp=int(time.time()) + 700)
    for token in (first, first, second):
        await world.client.get(world.page_url(token))
    await world.client.get(world.page_url("not-a-token"))
    world.services.usage.flush()
    (sales,) = usage_report(world.db, "acme")
    assert (sales.new_tokens, sales.loads) == (2, 3)
    assert sales.by_usage_value == {"1": (1, 2), "2": (1, 1)}
    assert sales.refusals == {"token_malformed": 1}


async def test_csv_export_checks_the_token_and_returns_the_rows(world: EmbedWorld) -> None:
    response = await world.client.get(
        "/d/acme/sales/charts/by_region.csv", headers={"Authorization": f"Bearer {world.sign()}"}
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="by_region.csv"'
    assert response.text.lstrip("\ufeff").splitlines() == [
        "region,revenue,tenant_id",
        "north,30.5,1",
        "south,30.5,1",
    ]


async def test_csv_export_refused_with_an_expired_token(world: EmbedWorld) -> None:
    token = world.sign(exp=int(time.time()) - 3600)
    response = await world.client.get(
        "/d/acme/sales/charts/by_region.csv", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


async def test_filter_choices_are_computed_under_the_tokens_tenant(world: EmbedWorld) -> None:
    for tenant, regions in ((1, ["north", "south"]), (2, ["east", "west"])):
        response = await world.client.get(
            "/d/acme/sales/variables/REGION/choices.json",
            headers={"Authorization": f"Bearer {world.sign(env={'TENANT': tenant})}"},
        )
        assert response.json() == {"choices": regions}


async def test_hidden_variable_has_no_choices_for_viewers(world: EmbedWorld) -> None:
    response = await world.client.get(
        "/d/acme/sales/variables/TENANT/choices.json",
        headers={"Authorization": f"Bearer {world.sign()}"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "variable_locked"
