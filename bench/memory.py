"""Peak memory (RSS high-water), each in its own child process: building the demo from nothing,
and holding the in-process cache at its byte bound (written past it, so it evicts)."""

from __future__ import annotations

from bench.demo import Demo, run_probe
from bench.measure import Measurement

NAME = "peak memory"
MIB = 1024 * 1024
CACHE_GOAL = 1.10  # RSS growth at most this multiple of the bound


def run(demo: Demo, repeats: int) -> list[Measurement]:
    """Peak RSS of the demo build, and of a full cache against its bound."""
    build = demo.build
    bound = demo.settings.cache_max_bytes
    cache = run_probe("cache", str(bound))
    growth = cache["peak_rss"] - cache["start_rss"]
    return [
        Measurement(
            NAME,
            f"demo build ({build['orders']:,} orders), peak RSS",
            build["peak_rss"] / MIB,
            "MiB",
        ),
        Measurement(NAME, "demo build, wall time", build["seconds"], "s"),
        Measurement(
            NAME,
            f"cache at its bound ({cache['entries']:,} entries), RSS growth vs bound",
            growth / MIB,
            "MiB",
            baseline=bound / MIB,
            goal=f"<= {CACHE_GOAL:.2f}x",
            met=growth <= CACHE_GOAL * bound,
        ),
        Measurement(
            NAME, "cache at its bound, peak RSS of the process", cache["peak_rss"] / MIB, "MiB"
        ),
    ]
