"""``python -m bench``: build the demo once, run every benchmark, print one table.

Options: ``--orders N`` (demo size, default 1,000,000), ``--repeats N`` (timed rounds per
figure, default 25). The demo is built in a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import cache_hit, coalescing, cold_dashboard, memory, page_load, web_routes
from bench.demo import build_demo
from bench.measure import Measurement, machine

BENCHMARKS = (cold_dashboard, cache_hit, coalescing, memory, web_routes, page_load)


def table(measurements: list[Measurement]) -> Table:
    """Every figure with its baseline, ratio and goal."""
    out = Table(title="Dashlet benchmarks (medians)")
    for heading in ("benchmark", "measure", "value", "baseline", "ratio", "goal"):
        out.add_column(
            heading, justify="right" if heading in ("value", "baseline", "ratio") else "left"
        )
    for m in measurements:
        verdict = (
            "" if m.met is None else (" [green]met[/green]" if m.met else " [red]MISSED[/red]")
        )
        out.add_row(
            m.benchmark,
            m.measure,
            f"{m.value:,.2f} {m.unit}".strip(),
            "" if m.baseline is None else f"{m.baseline:,.2f} {m.unit}".strip(),
            "" if m.ratio is None else f"{m.ratio:,.2f}x",
            m.goal + verdict,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000, help="demo warehouse orders")
    parser.add_argument("--repeats", type=int, default=25, help="timed rounds per figure")
    args = parser.parse_args()
    console = Console(width=max(Console().width, 132))
    console.print(f"Machine: {machine()}")
    started = time.perf_counter()
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="dashlet-bench-") as folder:
        with console.status(f"Building the demo ({args.orders:,} orders)..."):
            demo = build_demo(Path(folder), args.orders)
        for benchmark in BENCHMARKS:
            with console.status(f"Running {benchmark.NAME}..."):
                measurements += benchmark.run(demo, args.repeats)
    console.print(table(measurements))
    console.print(f"Total time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
