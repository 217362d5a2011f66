from collections.abc import Callable
from pathlib import Path

from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard, set_embed_settings
from dashlet.store.database import Database
from dashlet.store.definitions import EmbedSettings
from dashlet.store.organizations import OrganizationInfo
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
