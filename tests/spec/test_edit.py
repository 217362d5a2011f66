"""One dashboard edited as its document: read back as exported, saved as apply saves a file."""

from collections.abc import Callable

import pytest

from dashlet.errors import Conflict, NotFound, SpecError
from dashlet.spec.apply import apply_folder
from dashlet.spec.edit import load_document, read_document, save_document
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import Database
from dashlet.store.organizations import OrganizationInfo
from tests.spec.folders import SpecFolder

MakeOrg = Callable[..., OrganizationInfo]


@pytest.fixture
def org(db: Database, make_org: MakeOrg, sales_folder: SpecFolder) -> str:
    slug = make_org().slug
    apply_folder(db, sales_folder.path, slug, environ={})
    return slug


def test_reading_an_unknown_dashboard_is_not_found(db: Database, org: str) -> None:
    with pytest.raises(NotFound):
        read_document(db, org, "nope")


def test_the_read_document_saves_back_unchanged(db: Database, org: str) -> None:
    found = read_document(db, org, "sales")
    report = save_document(db, org, "sales", found.text, base_version=found.version)
    assert not report.changed
    assert get_dashboard(db, org, "sales").version == found.version


def test_saving_leaves_the_stored_sources_alone(db: Database, org: str) -> None:
    found = read_document(db, org, "sales")
    report = save_document(db, org, "sales", found.text.replace("title: Sales", "title: New"))
    assert report.sources.created == report.sources.updated == ()
    assert report.left_alone == ()


def test_a_source_the_organization_lacks_is_a_problem_at_its_line(db: Database, org: str) -> None:
    text = read_document(db, org, "sales").text.replace("source: warehouse", "source: elsewhere")
    loaded, problems = load_document(db, org, "sales", text)
    assert loaded is not None
    (problem,) = problems
    assert (problem.file, problem.field, problem.line) == ("dashboards/sales.yaml", "source", 3)
    assert "warehouse" in problem.message


def test_sql_files_cannot_be_read_from_an_edited_document(db: Database, org: str) -> None:
    text = (
        read_document(db, org, "sales").text
        + "  - {slug: more, title: More, type: table, sql_file: ../../etc/passwd}\n"
    )
    with pytest.raises(SpecError) as refused:
        save_document(db, org, "sales", text)
    assert any(p.field.endswith("sql_file") for p in refused.value.problems)


def test_a_save_over_a_newer_version_is_a_conflict(db: Database, org: str) -> None:
    found = read_document(db, org, "sales")
    save_document(db, org, "sales", found.text.replace("title: Sales", "title: Theirs"))
    with pytest.raises(Conflict):
        save_document(
            db,
            org,
            "sales",
            found.text.replace("title: Sales", "title: Mine"),
            base_version=found.version,
        )
    assert get_dashboard(db, org, "sales").title.startswith("Theirs")


def test_a_dry_run_keeps_nothing(db: Database, org: str) -> None:
    found = read_document(db, org, "sales")
    report = save_document(
        db, org, "sales", found.text.replace("title: Sales", "title: Draft"), dry_run=True
    )
    assert report.dashboards.updated == ("sales",)
    assert get_dashboard(db, org, "sales").title != "Draft"


def test_the_embed_check_runs_on_the_dashboards_whose_embed_settings_change(
    db: Database, org: str
) -> None:
    seen: list[list[str]] = []
    text = read_document(db, org, "sales").text.replace("enabled: true", "enabled: false")
    save_document(db, org, "sales", text, check_embed=lambda slugs: seen.append(list(slugs)))
    assert seen == [["sales"]]
    assert get_dashboard(db, org, "sales").embed.enabled is False
