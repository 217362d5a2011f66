import datetime as dt

import pytest

from dashlet.auth.login_limits import LoginLimits, TooManyAttempts, claim_attempt
from dashlet.store.database import Database
from dashlet.store.login_attempts import forget_account, forget_attempt

NOW = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
LIMITS = LoginLimits(per_account=3, per_address=5, window=dt.timedelta(minutes=10))


def test_an_account_is_locked_after_its_limit_of_failures(any_db: Database) -> None:
    for _ in range(3):
        claim_attempt(any_db, LIMITS, "ann@example.com", "10.0.0.1", NOW)
    with pytest.raises(TooManyAttempts) as refused:
        claim_attempt(any_db, LIMITS, "ann@example.com", "10.0.0.2", NOW)
    assert refused.value.code == "too_many_attempts"
    assert refused.value.status == 429
    assert refused.value.retry_after == 600


def test_an_address_is_locked_after_its_limit_across_accounts(any_db: Database) -> None:
    for number in range(5):
        claim_attempt(any_db, LIMITS, f"user{number}@example.com", "10.0.0.1", NOW)
    with pytest.raises(TooManyAttempts):
        claim_attempt(any_db, LIMITS, "fresh@example.com", "10.0.0.1", NOW)
    claim_attempt(any_db, LIMITS, "fresh@example.com", "10.0.0.2", NOW)


def test_the_lock_lifts_when_the_oldest_failure_leaves_the_window(db: Database) -> None:
    for minute in range(3):
        claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", NOW + dt.timedelta(minutes=minute))
    later = NOW + dt.timedelta(minutes=5)
    with pytest.raises(TooManyAttempts) as refused:
        claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", later)
    assert refused.value.retry_after == 300
    claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", NOW + dt.timedelta(minutes=10))


def test_refused_attempts_do_not_extend_the_lock(db: Database) -> None:
    for _ in range(3):
        claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", NOW)
    for minute in range(1, 9):
        with pytest.raises(TooManyAttempts):
            claim_attempt(
                db, LIMITS, "ann@example.com", "10.0.0.9", NOW + dt.timedelta(minutes=minute)
            )
    claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", NOW + dt.timedelta(minutes=10))


def test_a_forgotten_attempt_no_longer_counts(db: Database) -> None:
    for _ in range(3):
        forget_attempt(db, claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", NOW))
    claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", NOW)


def test_clearing_an_account_keeps_other_accounts_failures(db: Database) -> None:
    for _ in range(3):
        claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", NOW)
        claim_attempt(db, LIMITS, "bob@example.com", "10.0.0.2", NOW)
    forget_account(db, "ann@example.com")
    claim_attempt(db, LIMITS, "ann@example.com", "10.0.0.1", NOW)
    with pytest.raises(TooManyAttempts):
        claim_attempt(db, LIMITS, "bob@example.com", "10.0.0.2", NOW)
