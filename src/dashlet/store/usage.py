"""Usage counters: new tokens, loads, cache hits and refusals, per dashboard and day.

Writers hand over batches (see ``dashlet.embed.usage``). Counts stay exact under concurrency and
across processes because every write is an atomic upsert (``ON CONFLICT``) and a token is "new"
only when inserting its digest succeeds against a unique constraint, never a read-then-write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dashlet.store.database import Database
from dashlet.store.models import DailyRefusal, DailyUsage, Dashboard, SeenToken
from dashlet.store.organizations import find_organization


@dataclass(frozen=True)
class TokenSighting:
    """One load of a dashboard with a token (identified by digest) on a day."""

    dashboard_id: int
    digest: str
    expires_at: dt.datetime
    day: dt.date
    usage_value: str


@dataclass
class UsageBatch:
    """Counts gathered in memory by one process, written in one transaction."""

    sightings: list[TokenSighting] = field(default_factory=list)
    # (dashboard_id, day, usage_value) -> [loads, cache_hits, cache_misses, legacy_loads]
    counters: dict[tuple[int, dt.date, str], list[int]] = field(default_factory=dict)
    # (dashboard_id, day, code) -> count
    refusals: dict[tuple[int, dt.date, str], int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.sightings or self.counters or self.refusals)


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _record_sightings(session: Session, sightings: Iterable[TokenSighting]) -> dict[Any, int]:
    """Insert digests; count each one that was not there before as a new token."""
    new_tokens: dict[tuple[int, dt.date, str], int] = {}
    for sighting in sightings:
        inserted = session.execute(
            _insert(session, SeenToken)
            .values(
                dashboard_id=sighting.dashboard_id,
                digest=sighting.digest,
                expires_at=sighting.expires_at,
            )
            .on_conflict_do_nothing(index_elements=["dashboard_id", "digest"])
            .returning(SeenToken.id)
        )
        if inserted.first() is not None:  # a row comes back only when this insert made it
            key = (sighting.dashboard_id, sighting.day, sighting.usage_value)
            new_tokens[key] = new_tokens.get(key, 0) + 1
    return new_tokens


def _add_counters(
    session: Session, key: tuple[int, dt.date, str], counts: list[int], new: int
) -> None:
    dashboard_id, day, usage_value = key
    loads, hits, misses, legacy = counts
    statement = _insert(session, DailyUsage).values(
        dashboard_id=dashboard_id,
        day=day,
        usage_value=usage_value,
        new_tokens=new,
        loads=loads,
        cache_hits=hits,
        cache_misses=misses,
        legacy_loads=legacy,
    )
    excluded = statement.excluded
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["dashboard_id", "day", "usage_value"],
            set_={
                "new_tokens": DailyUsage.new_tokens + excluded.new_tokens,
                "loads": DailyUsage.loads + excluded.loads,
                "cache_hits": DailyUsage.cache_hits + excluded.cache_hits,
                "cache_misses": DailyUsage.cache_misses + excluded.cache_misses,
                "legacy_loads": DailyUsage.legacy_loads + excluded.legacy_loads,
            },
        )
    )


def _add_refusals(session: Session, key: tuple[int, dt.date, str], count: int) -> None:
    dashboard_id, day, code = key
    statement = _insert(session, DailyRefusal).values(
        dashboard_id=dashboard_id, day=day, code=code, count=count
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["dashboard_id", "day", "code"],
            set_={"count": DailyRefusal.count + statement.excluded["count"]},
        )
    )


def write_batch(db: Database, batch: UsageBatch) -> None:
    """Write one process's gathered counts in one transaction."""
    with db.session() as session:
        new_tokens = _record_sightings(session, batch.sightings)
        keys = set(batch.counters) | set(new_tokens)
        for key in sorted(keys):
            _add_counters(
                session, key, batch.counters.get(key, [0, 0, 0, 0]), new_tokens.get(key, 0)
            )
        for refusal_key, count in sorted(batch.refusals.items()):
            _add_refusals(session, refusal_key, count)


def prune_seen_tokens(db: Database, before: dt.datetime) -> int:
    """Forget digests of tokens that expired before ``before``; the counts stay."""
    with db.session() as session:
        result = session.execute(delete(SeenToken).where(SeenToken.expires_at < before))
        return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DayUsage:
    date: dt.date
    new_tokens: int
    loads: int


@dataclass(frozen=True)
class DashboardUsage:
    id: int
    slug: str
    new_tokens: int
    loads: int
    cache_hits: int
    cache_misses: int
    legacy_loads: int
    days: tuple[DayUsage, ...]
    by_usage_value: dict[str, tuple[int, int]]  # value -> (new_tokens, loads)
    refusals: dict[str, int]

    @property
    def cache_hit_rate(self) -> float | None:
        total = self.cache_hits + self.cache_misses
        return None if total == 0 else self.cache_hits / total


def usage_report(db: Database, org_slug: str) -> list[DashboardUsage]:
    """Usage of every dashboard of an organization, totals and per day, in slug order."""
    with db.session() as session:
        org = find_organization(session, org_slug)
        dashboards = session.execute(
            select(Dashboard.id, Dashboard.slug)
            .where(Dashboard.organization_id == org.id)
            .order_by(Dashboard.slug)
        ).all()
        report = []
        for dashboard_id, slug in dashboards:
            rows = session.execute(
                select(
                    DailyUsage.day,
                    DailyUsage.usage_value,
                    DailyUsage.new_tokens,
                    DailyUsage.loads,
                    DailyUsage.cache_hits,
                    DailyUsage.cache_misses,
                    DailyUsage.legacy_loads,
                )
                .where(DailyUsage.dashboard_id == dashboard_id)
                .order_by(DailyUsage.day)
            ).all()
            days: dict[dt.date, list[int]] = {}
            values: dict[str, tuple[int, int]] = {}
            for day, value, new, loads, *_cache_and_legacy in rows:
                totals = days.setdefault(day, [0, 0])
                totals[0] += new
                totals[1] += loads
                if value:
                    seen = values.get(value, (0, 0))
                    values[value] = (seen[0] + new, seen[1] + loads)
            refusals = dict(
                session.execute(
                    select(DailyRefusal.code, func.sum(DailyRefusal.count))
                    .where(DailyRefusal.dashboard_id == dashboard_id)
                    .group_by(DailyRefusal.code)
                    .order_by(DailyRefusal.code)
                ).all()
            )
            report.append(
                DashboardUsage(
                    id=dashboard_id,
                    slug=slug,
                    new_tokens=sum(r[2] for r in rows),
                    loads=sum(r[3] for r in rows),
                    cache_hits=sum(r[4] for r in rows),
                    cache_misses=sum(r[5] for r in rows),
                    legacy_loads=sum(r[6] for r in rows),
                    days=tuple(DayUsage(day, new, loads) for day, (new, loads) in days.items()),
                    by_usage_value=values,
                    refusals={code: int(count) for code, count in refusals.items()},
                )
            )
        return report
