import datetime as dt

from sqlalchemy import select

from dashlet.auth.csrf import csrf_token
from dashlet.auth.sessions import (
    IDLE_TIMEOUT,
    SESSION_LIFETIME,
    TOUCH_EVERY,
    cookie_is_secure,
    end_session,
    resume_session,
    start_session,
    token_hash,
)
from dashlet.store.database import Database
from dashlet.store.models import AuthSession
from tests.auth.members import MakeMember

NOW = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)


def test_a_new_session_is_found_again_by_its_cookie(
    any_db: Database, make_any_member: MakeMember
) -> None:
    member = make_any_member()
    made = start_session(any_db, member.user_id, now=NOW)
    found = resume_session(any_db, made.cookie_value, now=NOW)
    assert found is not None
    assert (found.user_id, found.email) == (member.user_id, "ann@example.com")
    assert found.expires_at == NOW + SESSION_LIFETIME
    assert found.csrf_token == csrf_token(made.cookie_value)


def test_only_the_hash_of_the_cookie_is_stored(
    any_db: Database, make_any_member: MakeMember
) -> None:
    made = start_session(any_db, make_any_member().user_id, now=NOW)
    with any_db.session() as session:
        row = session.scalars(select(AuthSession)).one()
        stored = [str(getattr(row, column.key)) for column in AuthSession.__table__.columns]
    assert row.token_hash == token_hash(made.cookie_value)
    assert not any(made.cookie_value in value for value in stored)


def test_cookie_values_are_long_and_random(db: Database, make_member: MakeMember) -> None:
    user_id = make_member().user_id
    values = {start_session(db, user_id, now=NOW).cookie_value for _ in range(5)}
    assert len(values) == 5
    assert all(len(value) >= 43 for value in values)


def test_signing_in_again_ends_the_session_the_browser_had(
    db: Database, make_member: MakeMember
) -> None:
    user_id = make_member().user_id
    planted = start_session(db, user_id, now=NOW)
    fresh = start_session(db, user_id, now=NOW, replacing=planted.cookie_value)
    assert fresh.cookie_value != planted.cookie_value
    assert resume_session(db, planted.cookie_value, now=NOW) is None
    assert resume_session(db, fresh.cookie_value, now=NOW) is not None


def test_a_session_ends_at_its_lifetime_even_when_used(
    db: Database, make_member: MakeMember
) -> None:
    made = start_session(db, make_member().user_id, now=NOW)
    moment = NOW
    while moment + IDLE_TIMEOUT / 2 < NOW + SESSION_LIFETIME:
        moment += IDLE_TIMEOUT / 2
        assert resume_session(db, made.cookie_value, now=moment) is not None
    assert resume_session(db, made.cookie_value, now=NOW + SESSION_LIFETIME) is None


def test_an_idle_session_ends(db: Database, make_member: MakeMember) -> None:
    made = start_session(db, make_member().user_id, now=NOW)
    assert resume_session(db, made.cookie_value, now=NOW + IDLE_TIMEOUT) is None
    # and it stays ended, even at a time it would have been fine
    assert resume_session(db, made.cookie_value, now=NOW) is None


def test_using_a_session_keeps_it_from_idling_out(db: Database, make_member: MakeMember) -> None:
    made = start_session(db, make_member().user_id, now=NOW)
    used = NOW + IDLE_TIMEOUT - TOUCH_EVERY
    assert resume_session(db, made.cookie_value, now=used) is not None
    assert resume_session(db, made.cookie_value, now=NOW + IDLE_TIMEOUT + TOUCH_EVERY) is not None


def test_signing_out_ends_the_session_on_the_server(db: Database, make_member: MakeMember) -> None:
    made = start_session(db, make_member().user_id, now=NOW)
    end_session(db, made.cookie_value)
    assert resume_session(db, made.cookie_value, now=NOW) is None


def test_no_cookie_or_an_unknown_one_is_no_session(db: Database) -> None:
    assert resume_session(db, None, now=NOW) is None
    assert resume_session(db, "", now=NOW) is None
    assert resume_session(db, "made-up", now=NOW) is None


def test_the_cookie_is_secure_when_the_server_is_reached_over_https() -> None:
    assert cookie_is_secure("https://dashboards.example.com")
    assert not cookie_is_secure("http://127.0.0.1:8000")
