import pytest

from dashlet.errors import NotFound
from dashlet.store.audit import list_events, record_event
from dashlet.store.database import Database
from dashlet.store.organizations import create_organization


def test_events_are_listed_newest_first_with_who_and_when(any_db: Database) -> None:
    create_organization(any_db, "acme")
    record_event(any_db, "acme", "ann@example.com", "secret.revealed")
    record_event(any_db, "acme", "api-key:ci", "secret.reset", {"version": 2})
    newest, oldest = list_events(any_db, "acme")
    assert (newest.actor, newest.action, newest.detail) == (
        "api-key:ci",
        "secret.reset",
        {"version": 2},
    )
    assert (oldest.actor, oldest.action) == ("ann@example.com", "secret.revealed")
    assert newest.created_at >= oldest.created_at


def test_events_page_back_from_an_id(db: Database) -> None:
    create_organization(db, "acme")
    for _ in range(5):
        record_event(db, "acme", "cli", "secret.reset")
    first = list_events(db, "acme", limit=2)
    second = list_events(db, "acme", limit=2, before_id=first[-1].id)
    ids = [event.id for event in first + second]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 4


def test_each_organization_sees_only_its_own_events(db: Database) -> None:
    create_organization(db, "acme")
    create_organization(db, "other")
    record_event(db, "other", "cli", "secret.reset")
    assert list_events(db, "acme") == []


def test_an_unknown_action_is_a_programming_error(db: Database) -> None:
    create_organization(db, "acme")
    with pytest.raises(ValueError, match="Unknown audit action"):
        record_event(db, "acme", "cli", "secret.stolen")


def test_an_unknown_organization_has_no_log(db: Database) -> None:
    with pytest.raises(NotFound):
        list_events(db, "nobody")
