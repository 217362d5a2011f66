"""Counting embed usage on the hot path: in memory per request, written in batches.

A request only touches a dict; ``flush`` (every second from the web app, and at shutdown) hands
the batch to ``dashlet.store.usage``, whose upserts and unique digests keep the totals exact
across any number of worker processes.
"""

from __future__ import annotations

import datetime as dt
import threading

from dashlet.embed.tokens import VerifiedToken
from dashlet.store.database import Database
from dashlet.store.definitions import DashboardDef
from dashlet.store.usage import TokenSighting, UsageBatch, prune_seen_tokens, write_batch

KNOWN_DIGESTS_LIMIT = 100_000


def usage_value(dashboard: DashboardDef, values: dict[str, object] | None) -> str:
    """The value of the dashboard's ``usage_key`` variable as text, or "" when it has none."""
    if dashboard.usage_key is None or not values or dashboard.usage_key not in values:
        return ""
    value = values[dashboard.usage_key]
    if isinstance(value, list):
        return ",".join(str(item) for item in value)[:200]
    return str(value)[:200]


class UsageRecorder:
    """Gathers usage counts of one process; ``flush`` writes them (call it off the event loop)."""

    def __init__(self, db: Database, leeway: float = 60.0) -> None:
        self.db = db
        self.leeway = leeway
        self._lock = threading.Lock()
        self._batch = UsageBatch()
        self._known_digests: set[tuple[int, str]] = set()

    def record_load(
        self,
        dashboard: DashboardDef,
        token: VerifiedToken,
        value: str,
        now: dt.datetime,
        *,
        legacy: bool = False,
    ) -> None:
        """One page load; the token counts as new unless any process has seen it before."""
        day = now.date()
        with self._lock:
            counters = self._counters(dashboard.id, day, value)
            counters[0] += 1
            counters[3] += int(legacy)
            identity = (dashboard.id, token.digest)
            if identity not in self._known_digests:
                if len(self._known_digests) >= KNOWN_DIGESTS_LIMIT:
                    self._known_digests.clear()
                self._known_digests.add(identity)
                expires = dt.datetime.fromtimestamp(token.exp + self.leeway, dt.UTC)
                self._batch.sightings.append(
                    TokenSighting(dashboard.id, token.digest, expires, day, value)
                )

    def record_cache(self, dashboard_id: int, value: str, hit: bool, now: dt.datetime) -> None:
        with self._lock:
            self._counters(dashboard_id, now.date(), value)[1 if hit else 2] += 1

    def _counters(self, dashboard_id: int, day: dt.date, value: str) -> list[int]:
        return self._batch.counters.setdefault((dashboard_id, day, value), [0, 0, 0, 0])

    def record_refusal(self, dashboard_id: int, code: str, now: dt.datetime) -> None:
        with self._lock:
            key = (dashboard_id, now.date(), code)
            self._batch.refusals[key] = self._batch.refusals.get(key, 0) + 1

    def flush(self) -> None:
        """Write what was gathered since the last flush, then forget digests of expired tokens."""
        with self._lock:
            batch, self._batch = self._batch, UsageBatch()
        if batch:
            write_batch(self.db, batch)
        if batch.sightings:
            cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=self.leeway)
            prune_seen_tokens(self.db, cutoff)
