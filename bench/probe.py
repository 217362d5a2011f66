"""Work measured in a child process, so the peak RSS it reports is that work's own.

``python -m bench.probe build DATA_DIR ORDERS`` builds the demo (warehouse, organization,
dashboards); ``python -m bench.probe cache BOUND`` fills an in-process cache past its byte bound.
Each prints one JSON line: what it did, its starting RSS and its peak RSS, in bytes.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from dashlet.config import Settings
from dashlet.demo.setup import ensure_demo
from dashlet.query.cache import MemoryCache, cache_key
from dashlet.store.definitions import SourceDef

# Sizes of serialized chart results: the demo's charts answer 0.3-3 KB; a few tables more.
PAYLOAD_SIZES = (400, 1_200, 2_500, 9_000)


def current_rss() -> int:
    """This process's resident set size now, in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def peak_rss() -> int:
    """This process's RSS high-water mark, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def build(data_dir: Path, orders: int) -> dict[str, Any]:
    """Build the whole demo from nothing into ``data_dir``."""
    started = time.perf_counter()
    demo = ensure_demo(Settings.from_env({}, data_dir=data_dir), orders=orders, progress=False)
    return {
        "seconds": time.perf_counter() - started,
        "orders": demo.warehouse.orders,
        "warehouse_bytes": demo.warehouse.size_bytes,
    }


async def fill_cache(bound: int) -> dict[str, Any]:
    """Write twice the bound's worth of chart-sized results into one MemoryCache."""
    cache = MemoryCache(bound)
    source = SourceDef(id=1, organization_id=1, name="warehouse", url="duckdb:///w.duckdb")
    sql = "SELECT region, SUM(amount) FROM orders WHERE tenant_id = :TENANT GROUP BY region"
    written = 0
    index = 0
    while written < 2 * bound:
        size = PAYLOAD_SIZES[index % len(PAYLOAD_SIZES)]
        payload = index.to_bytes(8, "little") + bytes(size - 8)
        await cache.set(cache_key(source, sql, {"TENANT": index}, 10_000), payload, ttl=3600)
        written += size
        index += 1
    stats = await cache.stats()
    return {"bound": bound, "held_bytes": stats.bytes, "entries": stats.entries, "written": index}


def main(argv: list[str]) -> None:
    started_rss = current_rss()
    if argv[0] == "build":
        report = build(Path(argv[1]), int(argv[2]))
    elif argv[0] == "cache":
        report = asyncio.run(fill_cache(int(argv[1])))
    else:
        raise SystemExit(f"unknown probe {argv[0]!r}")
    report.update(start_rss=started_rss, peak_rss=peak_rss())
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
