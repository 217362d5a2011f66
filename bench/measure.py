"""What a benchmark reports, how it times things, and the machine it ran on."""

from __future__ import annotations

import datetime as dt
import os
import platform
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    """One figure: its value, and optionally the baseline it is compared with and a goal."""

    benchmark: str
    measure: str
    value: float
    unit: str
    baseline: float | None = None
    paired_ratio: float | None = None  # median of per-round ratios, when rounds were paired
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        """The paired ratio if measured, else value / baseline, when there is a baseline."""
        if self.paired_ratio is not None:
            return self.paired_ratio
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


def machine() -> str:
    """nproc, CPU model, Python and date: the line docs/benchmarks.md records."""
    return (
        f"{os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {dt.date.today().isoformat()}"
    )


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or the platform's answer elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
