"""The result cache, its keys, and single-flight: identical queries in flight run once.

Both the cache and single-flight are small async interfaces (``ResultCache``, ``SingleFlight``)
so a shared Redis backend can stand in for the in-process ones without the engine changing.
A cache key is a digest of the data source, the SQL as executed, the bound values and the row
limit; nothing about the viewer or the embed token goes into it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar, cast

import orjson

from dashlet.config import Settings
from dashlet.errors import ConfigError
from dashlet.store.definitions import SourceDef

T = TypeVar("T")

KEY_PREFIX = "dashlet:result:v1:"

# What one stored entry costs beyond its key and value (dict slot, tuple, object headers);
# bench/memory checks the bound holds with it.
ENTRY_OVERHEAD = 300


@dataclass(frozen=True)
class CacheStats:
    """Counters of one cache: lookups that hit and missed, entries and bytes held."""

    hits: int
    misses: int
    entries: int
    bytes: int


class ResultCache(Protocol):
    """Where serialized results live for their TTL; in-process or shared."""

    async def get(self, key: str) -> bytes | None:
        """The stored value, or None when absent or expired."""
        ...

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds (a TTL of 0 or less stores nothing)."""
        ...

    async def delete(self, key: str) -> None:
        """Forget one key."""
        ...

    async def clear(self) -> None:
        """Forget everything."""
        ...

    async def stats(self) -> CacheStats:
        """Hit, miss, entry and byte counts."""
        ...


class MemoryCache:
    """An LRU cache bounded by total bytes, with a TTL per entry; safe to share between threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    async def get(self, key: str) -> bytes | None:
        """The stored value, or None when absent or expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > time.monotonic():
                self._entries.move_to_end(key)
                self._hits += 1
                return entry[1]
            if entry is not None:
                self._forget(key)
            self._misses += 1
            return None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds, evicting the least recently used to make room."""
        size = _entry_size(key, value)
        with self._lock:
            self._forget(key)
            if ttl <= 0 or size > self.max_bytes:
                return
            while self._bytes + size > self.max_bytes:
                self._forget(next(iter(self._entries)))
            self._entries[key] = (time.monotonic() + ttl, value)
            self._bytes += size

    async def delete(self, key: str) -> None:
        """Forget one key."""
        with self._lock:
            self._forget(key)

    async def clear(self) -> None:
        """Forget everything (the counters stay)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    async def stats(self) -> CacheStats:
        """Hit, miss, entry and byte counts."""
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self._bytes)

    def _forget(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= _entry_size(key, entry[1])


def _entry_size(key: str, value: bytes) -> int:
    return len(key) + len(value) + ENTRY_OVERHEAD


def cache_from_settings(settings: Settings) -> ResultCache:
    """The cache ``DASHLET_CACHE_URL`` asks for: in-process when unset."""
    if settings.cache_url is None:
        return MemoryCache(settings.cache_max_bytes)
    raise ConfigError(
        "DASHLET_CACHE_URL is set, but this version only has the in-process cache: unset it."
    )


def cache_key(source: SourceDef, sql: str, params: Mapping[str, object], row_limit: int) -> str:
    """The key of one query's result: source identity, executed SQL, typed bound values, limit."""
    canonical = orjson.dumps(
        [
            source.cache_identity,
            sql,
            sorted([name, _tagged(value)] for name, value in params.items()),
            row_limit,
        ]
    )
    return KEY_PREFIX + hashlib.sha256(canonical).hexdigest()


def _tagged(value: object) -> list[Any]:
    # Tags keep 1, "1", 1.0 and True apart; lists keep their order.
    if value is None:
        return ["null"]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", str(value)]
    if isinstance(value, float):
        return ["float", value.hex() if math.isfinite(value) else repr(value)]
    if isinstance(value, Decimal):
        return ["decimal", str(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, dt.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if isinstance(value, dt.time):
        return ["time", value.isoformat()]
    if isinstance(value, bytes):
        return ["bytes", value.hex()]
    if isinstance(value, list | tuple):
        return ["list", [_tagged(item) for item in value]]
    raise TypeError(f"cannot make a cache key from a {type(value).__name__} value")


class SingleFlight(Protocol):
    """Runs work once per key while it is in flight; every caller gets its outcome."""

    async def run(self, key: str, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """``work()``'s result (or error), shared with every concurrent caller of ``key``."""
        ...


class LocalSingleFlight:
    """Single-flight within one process and event loop, on asyncio tasks."""

    def __init__(self) -> None:
        self._flights: dict[str, asyncio.Task[Any]] = {}

    async def run(self, key: str, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """``work()``'s result (or error), shared with every concurrent caller of ``key``."""
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.create_task(work())
            self._flights[key] = flight
            flight.add_done_callback(functools.partial(self._land, key))
        # shield: a caller that goes away (a closed browser tab) never cancels the others' query.
        return cast(T, await asyncio.shield(flight))

    @property
    def in_flight(self) -> int:
        """How many keys are running now."""
        return len(self._flights)

    def _land(self, key: str, flight: asyncio.Task[Any]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.cancelled():
            flight.exception()  # retrieved here, so an error nobody awaited is not logged as lost
