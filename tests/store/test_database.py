from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from dashlet.config import Settings
from dashlet.store.database import MIGRATIONS, Database, open_database
from dashlet.store.organizations import create_organization, reset_secret


def test_migrations_create_every_table(any_db: Database) -> None:
    tables = set(inspect(any_db.engine).get_table_names())
    assert {
        "organizations",
        "users",
        "memberships",
        "data_sources",
        "dashboards",
        "variables",
        "charts",
        "seen_tokens",
        "daily_usage",
        "daily_refusals",
        "revocations",
        "audit_events",
        "alembic_version",
    } <= tables


def test_opening_twice_applies_migrations_once(settings: Settings) -> None:
    first = open_database(settings)
    first.dispose()
    second = open_database(settings)
    with second.engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    second.dispose()
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert versions == [(head,)]


def test_changing_a_secret_moves_the_generation_every_process_watches(db: Database) -> None:
    create_organization(db, "acme")
    before = db.notifier.generation()
    reset_secret(db, "acme")
    assert db.notifier.generation() != before


def test_a_second_process_sees_the_change(settings: Settings, db: Database) -> None:
    other_process = open_database(settings, migrate=False)
    seen = other_process.notifier.generation()
    create_organization(db, "acme")
    assert other_process.notifier.generation() != seen
    other_process.dispose()
