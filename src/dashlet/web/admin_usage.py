"""``/o/{org}/usage``: per dashboard, new tokens and loads per day (a bar chart drawn here, in
SVG), per ``usage_key`` value, refusals per code and the cache hit rate."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from dashlet.auth.roles import Action
from dashlet.store.usage import DashboardUsage, usage_report
from dashlet.web.admin_pages import admin_view, member, page
from dashlet.web.embed_routes import services

CHART_HEIGHT = 80
BAR_WIDTH = 14
MAX_DAYS = 30


@dataclass(frozen=True)
class Bar:
    """One day's pair of bars, in SVG units."""

    x: int
    label: str
    loads: int
    new_tokens: int
    loads_height: int
    tokens_height: int


def bars(usage: DashboardUsage) -> list[Bar]:
    """The last ``MAX_DAYS`` days with any use, scaled to the tallest day's loads."""
    days = sorted(usage.days, key=lambda day: day.date)[-MAX_DAYS:]
    tallest = max([max(d.loads, d.new_tokens) for d in days] + [1])
    return [
        Bar(
            x=i * BAR_WIDTH * 2,
            label=day.date.isoformat(),
            loads=day.loads,
            new_tokens=day.new_tokens,
            loads_height=round(CHART_HEIGHT * day.loads / tallest),
            tokens_height=round(CHART_HEIGHT * day.new_tokens / tallest),
        )
        for i, day in enumerate(days)
    ]


def hit_rate(usage: DashboardUsage) -> str:
    """Cache hits among chart queries, as a percentage ("n/a" before any query)."""
    total = usage.cache_hits + usage.cache_misses
    return f"{100 * usage.cache_hits / total:.0f}%" if total else "n/a"


@admin_view
async def usage_page(request: Request) -> Response:
    me = member(request, Action.READ_USAGE)
    report = usage_report(services(request).db, me.org)
    rows = [(usage, bars(usage), hit_rate(usage)) for usage in report]
    context = {
        "me": me,
        "rows": rows,
        "chart_height": CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
    }
    return page(request, "usage.html", context)
