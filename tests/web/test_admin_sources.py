"""The data sources pages: editors add, edit and test sources; passwords never come back."""

from __future__ import annotations

import httpx
import pytest

from dashlet.store.audit import list_events
from dashlet.store.sources import find_source_def, list_sources
from tests.web.api_world import ApiWorld, Caller
from tests.web.conftest import EmbedWorld

SOURCES = "/o/acme/sources"
PG = "postgresql://reader:s3cret@127.0.0.1:1/warehouse"


@pytest.fixture
async def api(world: EmbedWorld) -> ApiWorld:
    return ApiWorld(world)


async def post(api: ApiWorld, who: Caller, path: str, **fields: str) -> httpx.Response:
    """A form POST carrying ``who``'s CSRF token as the page's hidden field does."""
    api.client.cookies.clear()
    form = {"csrf_token": who.headers["X-CSRF-Token"], **fields}
    return await api.client.post(path, data=form, headers={"Cookie": who.headers["Cookie"]})


def warehouse_id(api: ApiWorld) -> int:
    return next(s.id for s in list_sources(api.db, "acme") if s.name == "warehouse")


@pytest.mark.parametrize("role", ["editor", "owner"])
async def test_editors_and_owners_see_the_sources(api: ApiWorld, role: str) -> None:
    response = await api.call(api.session_caller(role), "GET", SOURCES)
    assert response.status_code == 200
    assert 'data-source="warehouse"' in response.text


async def test_a_viewer_is_refused_the_page(api: ApiWorld) -> None:
    response = await api.call(api.session_caller("viewer"), "GET", SOURCES)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url", [SOURCES, f"{SOURCES}/1", f"{SOURCES}/1/test"], ids=["add", "save", "test"]
)
async def test_a_viewer_cannot_post_source_forms(api: ApiWorld, url: str) -> None:
    response = await post(api, api.session_caller("viewer"), url, name="x", url=PG)
    assert response.status_code == 403
    assert [s.name for s in list_sources(api.db, "acme")] == ["warehouse"]


async def test_an_added_source_is_listed_with_its_password_masked(api: ApiWorld) -> None:
    editor = api.session_caller("editor")
    added = await post(api, editor, SOURCES, name="pg", url=PG, read_only="on")
    assert added.status_code == 303
    listed = await api.call(editor, "GET", SOURCES)
    assert "postgresql://reader:***@127.0.0.1:1/warehouse" in listed.text
    assert "s3cret" not in listed.text


async def test_the_edit_form_never_holds_the_password(api: ApiWorld) -> None:
    editor = api.session_caller("editor")
    await post(api, editor, SOURCES, name="pg", url=PG)
    (pg,) = [s for s in list_sources(api.db, "acme") if s.name == "pg"]
    form = await api.call(editor, "GET", f"{SOURCES}/{pg.id}")
    assert "reader:***@127.0.0.1:1" in form.text
    assert "s3cret" not in form.text


async def test_saving_the_form_as_shown_keeps_the_password(api: ApiWorld) -> None:
    editor = api.session_caller("editor")
    await post(api, editor, SOURCES, name="pg", url=PG)
    (pg,) = [s for s in list_sources(api.db, "acme") if s.name == "pg"]
    saved = await post(
        api, editor, f"{SOURCES}/{pg.id}", name="pg", url=pg.display_url, row_limit="50"
    )
    assert saved.status_code == 303
    kept = find_source_def(api.db, "acme", pg.id)
    assert (kept.url, kept.row_limit, kept.version) == (PG, 50, 2)


async def test_a_duplicate_name_is_refused_as_a_conflict(api: ApiWorld) -> None:
    response = await post(api, api.session_caller("editor"), SOURCES, name="warehouse", url=PG)
    assert response.status_code == 409


async def test_a_row_limit_that_is_not_a_number_is_refused(api: ApiWorld) -> None:
    editor = api.session_caller("editor")
    response = await post(api, editor, SOURCES, name="pg", url=PG, row_limit="many")
    assert response.status_code == 422


async def test_the_connection_test_shows_the_time_taken(api: ApiWorld) -> None:
    editor = api.session_caller("editor")
    response = await post(api, editor, f"{SOURCES}/{warehouse_id(api)}/test")
    assert 'data-test-result="ok"' in response.text
    assert "Connected in" in response.text


async def test_a_failed_connection_test_shows_why_without_the_password(api: ApiWorld) -> None:
    editor = api.session_caller("editor")
    await post(api, editor, SOURCES, name="pg", url=PG)
    (pg,) = [s for s in list_sources(api.db, "acme") if s.name == "pg"]
    response = await post(api, editor, f"{SOURCES}/{pg.id}/test")
    assert 'data-test-result="failed"' in response.text
    assert "s3cret" not in response.text


async def test_adding_a_source_is_audited_with_the_editor(api: ApiWorld) -> None:
    editor = api.session_caller("editor")
    await post(api, editor, SOURCES, name="pg", url=PG)
    (event,) = [e for e in list_events(api.db, "acme") if e.action == "source.created"]
    assert (event.actor, event.detail["name"]) == (editor.name, "pg")
