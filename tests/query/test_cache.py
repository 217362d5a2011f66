from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from dashlet.config import Settings
from dashlet.errors import ConfigError, QueryError
from dashlet.query.cache import (
    ENTRY_OVERHEAD,
    KEY_PREFIX,
    LocalSingleFlight,
    MemoryCache,
    cache_from_settings,
    cache_key,
)
from dashlet.store.definitions import SourceDef

SOURCE = SourceDef(id=7, organization_id=1, name="warehouse", url="sqlite:////tmp/w.db")
SQL = "SELECT * FROM orders WHERE tenant_id = :TENANT"


def entry_size(key: str, value: bytes) -> int:
    return len(key) + len(value) + ENTRY_OVERHEAD


async def test_stored_value_is_returned_and_counted_as_hit() -> None:
    cache = MemoryCache(1024)
    await cache.set("a", b"rows", ttl=60)
    assert await cache.get("a") == b"rows"
    assert await cache.get("b") is None
    stats = await cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (1, 1, 1)


async def test_entry_expires_after_its_ttl() -> None:
    cache = MemoryCache(1024)
    await cache.set("a", b"rows", ttl=0.05)
    await asyncio.sleep(0.08)
    assert await cache.get("a") is None
    assert (await cache.stats()).bytes == 0


async def test_zero_ttl_stores_nothing() -> None:
    cache = MemoryCache(1024)
    await cache.set("a", b"rows", ttl=0)
    assert await cache.get("a") is None


async def test_least_recently_used_entry_is_evicted_when_bytes_run_out() -> None:
    value = b"x" * 100
    cache = MemoryCache(3 * entry_size("k1", value))
    for key in ("k1", "k2", "k3"):
        await cache.set(key, value, ttl=60)
    assert await cache.get("k1") == value  # k1 is now the most recently used
    await cache.set("k4", value, ttl=60)
    assert await cache.get("k2") is None
    assert [await cache.get(k) for k in ("k1", "k3", "k4")] == [value] * 3


async def test_bytes_held_never_exceed_the_bound() -> None:
    bound = 10_000
    cache = MemoryCache(bound)
    for index in range(200):
        await cache.set(f"key-{index}", b"y" * (index * 7 % 900), ttl=60)
        assert (await cache.stats()).bytes <= bound


async def test_value_larger_than_the_bound_is_not_stored() -> None:
    cache = MemoryCache(1000)
    await cache.set("a", b"small", ttl=60)
    await cache.set("a", b"z" * 2000, ttl=60)
    assert await cache.get("a") is None
    assert (await cache.stats()).bytes == 0


async def test_overwriting_a_key_counts_its_bytes_once() -> None:
    cache = MemoryCache(10_000)
    await cache.set("a", b"1" * 100, ttl=60)
    await cache.set("a", b"2" * 300, ttl=60)
    assert (await cache.stats()).bytes == entry_size("a", b"2" * 300)


async def test_delete_and_clear_forget_entries() -> None:
    cache = MemoryCache(10_000)
    await cache.set("a", b"1", ttl=60)
    await cache.set("b", b"2", ttl=60)
    await cache.delete("a")
    assert await cache.get("a") is None
    await cache.clear()
    assert await cache.get("b") is None
    assert (await cache.stats()).entries == 0


def test_cache_url_other_than_in_process_is_refused_plainly(settings: Settings) -> None:
    assert isinstance(cache_from_settings(settings), MemoryCache)
    with pytest.raises(ConfigError, match="DASHLET_CACHE_URL"):
        cache_from_settings(settings.model_copy(update={"cache_url": "redis://127.0.0.1:6379"}))


def test_cache_key_is_stable_for_equal_queries() -> None:
    first = cache_key(SOURCE, SQL, {"TENANT": 1, "REGION": ["eu", "us"]}, 100)
    second = cache_key(SOURCE, SQL, {"REGION": ["eu", "us"], "TENANT": 1}, 100)
    assert first == second
    assert first.startswith(KEY_PREFIX)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (1, "1"),
        (1, 1.0),
        (1, True),
        (0, False),
        (0, None),
        ("", None),
        (["eu", "us"], ["us", "eu"]),
        ([1], 1),
        ([], None),
        (dt.date(2024, 1, 2), "2024-01-02"),
        (dt.datetime(2024, 1, 2), dt.date(2024, 1, 2)),
    ],
)
def test_cache_key_tells_typed_values_apart(left: object, right: object) -> None:
    assert cache_key(SOURCE, SQL, {"TENANT": left}, 100) != cache_key(
        SOURCE, SQL, {"TENANT": right}, 100
    )


def test_cache_key_changes_with_source_version_sql_and_row_limit() -> None:
    base = cache_key(SOURCE, SQL, {"TENANT": 1}, 100)
    changed = SourceDef(id=7, organization_id=1, name="warehouse", url=SOURCE.url, version=2)
    assert cache_key(changed, SQL, {"TENANT": 1}, 100) != base
    assert cache_key(SOURCE, SQL + " ", {"TENANT": 1}, 100) != base
    assert cache_key(SOURCE, SQL, {"TENANT": 1}, 101) != base


def test_cache_key_refuses_values_it_cannot_type() -> None:
    with pytest.raises(TypeError):
        cache_key(SOURCE, SQL, {"TENANT": object()}, 100)


async def test_concurrent_callers_of_one_key_share_one_run() -> None:
    flight = LocalSingleFlight()
    runs = 0

    async def work() -> str:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.01)
        return "answer"

    answers = await asyncio.gather(*(flight.run("k", work) for _ in range(50)))
    assert answers == ["answer"] * 50
    assert runs == 1
    assert flight.in_flight == 0


async def test_every_concurrent_caller_gets_the_same_error_and_it_is_not_remembered() -> None:
    flight = LocalSingleFlight()
    runs = 0

    async def work() -> str:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.01)
        raise QueryError(code="query_failed")

    outcomes = await asyncio.gather(
        *(flight.run("k", work) for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(outcome, QueryError) for outcome in outcomes)
    assert len({id(outcome) for outcome in outcomes}) == 1
    with pytest.raises(QueryError):
        await flight.run("k", work)
    assert runs == 2


async def test_a_cancelled_caller_does_not_cancel_the_others() -> None:
    flight = LocalSingleFlight()

    async def work() -> str:
        await asyncio.sleep(0.05)
        return "answer"

    leaver = asyncio.create_task(flight.run("k", work))
    stayer = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0.01)
    leaver.cancel()
    assert await stayer == "answer"
    with pytest.raises(asyncio.CancelledError):
        await leaver
