import datetime as dt

import pytest

from dashlet.auth.accounts import WRONG_CREDENTIALS, change_password, log_in
from dashlet.auth.login_limits import LoginLimits, TooManyAttempts
from dashlet.auth.sessions import NewSession, resume_session, start_session
from dashlet.errors import AccessDenied
from dashlet.store.audit import list_events
from dashlet.store.database import Database
from tests.auth.members import PASSWORD, MakeMember

NOW = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
LIMITS = LoginLimits(per_account=2, per_address=10)


def sign_in(db: Database, email: str, password: str) -> NewSession:
    return log_in(db, email, password, address="10.0.0.1", limits=LIMITS, now=NOW)


def test_the_right_password_starts_a_session(db: Database, make_member: MakeMember) -> None:
    make_member()
    made = sign_in(db, " Ann@Example.com ", PASSWORD)
    assert made.signed_in.email == "ann@example.com"
    assert resume_session(db, made.cookie_value, now=NOW) is not None


@pytest.mark.parametrize("email", ["ann@example.com", "nobody@example.com", "not an email"])
def test_a_wrong_password_or_unknown_email_gets_the_same_answer(
    db: Database, make_member: MakeMember, email: str
) -> None:
    make_member()
    with pytest.raises(AccessDenied) as refused:
        sign_in(db, email, "wrong password")
    assert (refused.value.code, refused.value.message) == ("unauthorized", WRONG_CREDENTIALS)


def test_sign_ins_are_audited_in_every_organization_of_the_user(
    db: Database, make_member: MakeMember
) -> None:
    make_member(org="one")
    make_member(org="two", role="viewer")
    with pytest.raises(AccessDenied):
        sign_in(db, "ann@example.com", "wrong password")
    sign_in(db, "ann@example.com", PASSWORD)
    for org in ("one", "two"):
        events = [(e.actor, e.action, e.detail) for e in list_events(db, org)]
        assert events == [
            ("ann@example.com", "login.succeeded", {"address": "10.0.0.1"}),
            ("ann@example.com", "login.failed", {"address": "10.0.0.1"}),
        ]


def test_the_account_limit_holds_even_for_the_right_password(
    db: Database, make_member: MakeMember
) -> None:
    make_member()
    for _ in range(2):
        with pytest.raises(AccessDenied):
            sign_in(db, "ann@example.com", "wrong password")
    with pytest.raises(TooManyAttempts):
        sign_in(db, "ann@example.com", PASSWORD)


def test_a_successful_sign_in_clears_the_accounts_failures(
    db: Database, make_member: MakeMember
) -> None:
    make_member()
    with pytest.raises(AccessDenied):
        sign_in(db, "ann@example.com", "wrong password")
    sign_in(db, "ann@example.com", PASSWORD)
    with pytest.raises(AccessDenied):
        sign_in(db, "ann@example.com", "wrong password")
    sign_in(db, "ann@example.com", PASSWORD)


def test_a_password_change_ends_every_other_session(db: Database, make_member: MakeMember) -> None:
    user_id = make_member().user_id
    elsewhere = start_session(db, user_id, now=NOW)
    here = start_session(db, user_id, now=NOW)
    renewed = change_password(
        db,
        here.signed_in,
        PASSWORD,
        "a new long password",
        cookie_value=here.cookie_value,
        address="10.0.0.1",
        limits=LIMITS,
        now=NOW,
    )
    assert resume_session(db, elsewhere.cookie_value, now=NOW) is None
    assert resume_session(db, here.cookie_value, now=NOW) is None
    assert resume_session(db, renewed.cookie_value, now=NOW) is not None
    sign_in(db, "ann@example.com", "a new long password")
    assert [e.action for e in list_events(db, "acme")][-1] == "password.changed"


def test_a_password_change_needs_the_current_password(
    db: Database, make_member: MakeMember
) -> None:
    here = start_session(db, make_member().user_id, now=NOW)
    with pytest.raises(AccessDenied) as refused:
        change_password(
            db,
            here.signed_in,
            "not the password",
            "a new long password",
            cookie_value=here.cookie_value,
            address="10.0.0.1",
            limits=LIMITS,
            now=NOW,
        )
    assert refused.value.code == "forbidden"
    sign_in(db, "ann@example.com", PASSWORD)
