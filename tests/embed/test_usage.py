"""Usage counts stay exact when several processes count the same tokens at once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from dashlet.embed.tokens import VerifiedToken
from dashlet.embed.usage import UsageRecorder
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import Database
from dashlet.store.models import SeenToken
from dashlet.store.organizations import create_organization
from dashlet.store.usage import usage_report
from tests.web.conftest import write_workspace

NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)


def token(digest: str, tenant: int = 1) -> VerifiedToken:
    return VerifiedToken(
        digest=digest,
        organization_id=1,
        dashboard_id=1,
        exp=time.time() + 600,
        nbf=None,
        iat=None,
        jti=None,
        env={"TENANT": tenant},
        signed_with_previous=False,
    )


def setup_sales(db: Database, tmp_path: Path) -> None:
    create_organization(db, "acme")
    apply_folder(db, write_workspace(tmp_path / "ws"), "acme")


def test_a_token_seen_by_many_processes_counts_as_new_once(
    any_db: Database, tmp_path: Path
) -> None:
    setup_sales(any_db, tmp_path)
    sales = get_dashboard(any_db, "acme", "sales")
    recorders = [UsageRecorder(any_db) for _ in range(6)]
    for recorder in recorders:
        for digest in ("a" * 64, "b" * 64, "a" * 64):
            recorder.record_load(sales, token(digest), "1", NOW)
    barrier = threading.Barrier(len(recorders))

    def flush(recorder: UsageRecorder) -> None:
        barrier.wait()
        recorder.flush()

    threads = [threading.Thread(target=flush, args=(r,)) for r in recorders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (usage,) = usage_report(any_db, "acme")
    assert (usage.new_tokens, usage.loads) == (2, 18)
    assert [(day.date, day.new_tokens, day.loads) for day in usage.days] == [(NOW.date(), 2, 18)]


def test_cache_hits_and_refusals_are_counted(db: Database, tmp_path: Path) -> None:
    setup_sales(db, tmp_path)
    sales = get_dashboard(db, "acme", "sales")
    recorder = UsageRecorder(db)
    for hit in (True, True, True, False):
        recorder.record_cache(sales.id, "1", hit, NOW)
    recorder.record_refusal(sales.id, "token_expired", NOW)
    recorder.record_refusal(sales.id, "token_expired", NOW)
    recorder.flush()
    recorder.record_refusal(sales.id, "token_expired", NOW)
    recorder.flush()
    (usage,) = usage_report(db, "acme")
    assert usage.cache_hit_rate == 0.75
    assert usage.refusals == {"token_expired": 3}


def test_digests_of_expired_tokens_are_pruned_but_counts_stay(db: Database, tmp_path: Path) -> None:
    setup_sales(db, tmp_path)
    sales = get_dashboard(db, "acme", "sales")
    recorder = UsageRecorder(db, leeway=0)
    expired = VerifiedToken("c" * 64, 1, 1, time.time() - 10, None, None, None, {}, False)
    recorder.record_load(sales, expired, "", NOW)
    recorder.record_load(sales, token("d" * 64), "", NOW)
    recorder.flush()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SeenToken)) == 1
    (usage,) = usage_report(db, "acme")
    assert (usage.new_tokens, usage.loads) == (2, 2)
