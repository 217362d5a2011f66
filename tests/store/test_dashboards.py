import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashlet.errors import NotFound
from dashlet.spec.apply import apply_folder
from dashlet.store.audit import list_events
from dashlet.store.dashboards import delete_dashboard, get_dashboard, set_embed_settings
from dashlet.store.database import Database
from dashlet.store.definitions import EmbedSettings
from dashlet.store.models import Chart, DailyUsage, DataSource, Revocation, Variable
from dashlet.store.organizations import OrganizationInfo, create_organization
from dashlet.store.revocations import add_revocation
from tests.spec.folders import SALES_YAML, SOURCES_YAML, make_spec_folder

MakeOrg = Callable[..., OrganizationInfo]


def sales_org(db: Database, make_org: MakeOrg, tmp_path: Path) -> str:
    """An organization holding the embedded ``sales`` dashboard (CSV download off)."""
    folder = make_spec_folder(tmp_path / "spec")
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write("dashboards/sales.yaml", SALES_YAML)
    org = make_org().slug
    apply_folder(db, folder.path, org, environ={})
    return org


def test_set_embed_settings_writes_all_three_switches_in_one_version(
    db: Database, make_org: MakeOrg, tmp_path: Path
) -> None:
    org = sales_org(db, make_org, tmp_path)
    saved = set_embed_settings(
        db, org, "sales", enabled=True, allow_viewer_variables=True, allow_csv=True
    )
    assert saved.embed == EmbedSettings(enabled=True, allow_viewer_variables=True, allow_csv=True)
    assert saved.version == 2


def test_set_embed_settings_keeps_csv_download_when_not_given(
    db: Database, make_org: MakeOrg, tmp_path: Path
) -> None:
    org = sales_org(db, make_org, tmp_path)
    set_embed_settings(db, org, "sales", enabled=True, allow_viewer_variables=False, allow_csv=True)
    set_embed_settings(db, org, "sales", enabled=True, allow_viewer_variables=True)
    assert get_dashboard(db, org, "sales").embed.allow_csv is True


def test_deleting_a_dashboard_takes_its_rows_and_rules_and_is_audited(
    any_db: Database, tmp_path: Path
) -> None:
    folder = make_spec_folder(tmp_path / "spec")
    folder.write("sources.yaml", SOURCES_YAML)
    folder.write("dashboards/sales.yaml", SALES_YAML)
    create_organization(any_db, "acme")
    apply_folder(any_db, folder.path, "acme", environ={})
    dashboard_id = get_dashboard(any_db, "acme", "sales").id
    add_revocation(any_db, "acme", "jti", dashboard_slug="sales", jti="gone")
    with any_db.session() as session:
        session.add(DailyUsage(dashboard_id=dashboard_id, day=dt.date(2026, 1, 1), loads=3))
    delete_dashboard(any_db, "acme", "sales", actor="ann@example.com")
    with pytest.raises(NotFound):
        get_dashboard(any_db, "acme", "sales")
    with any_db.session() as session:
        for model in (Chart, Variable, DailyUsage, Revocation):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
        assert session.scalar(select(func.count()).select_from(DataSource)) == 1
    (event,) = list_events(any_db, "acme")
    assert (event.actor, event.action) == ("ann@example.com", "dashboard.deleted")
    assert event.detail == {"dashboard": "sales", "title": "Sales overview", "version": 1}


def test_deleting_an_unknown_dashboard_is_not_found(db: Database, make_org: MakeOrg) -> None:
    with pytest.raises(NotFound):
        delete_dashboard(db, make_org().slug, "nope", actor="ann@example.com")
