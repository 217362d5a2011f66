"""Fuzzing the live verifier and data route: only deliberate answers, never another tenant's rows.

Each test builds one world, then runs its examples in a worker thread that sends every request
to the test's own event loop (the app and its client live there), so hypothesis drives a plain
function while the app stays on one loop.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashlet.errors import REFUSALS
from tests.embed import forge
from tests.security import SPEC_CODES
from tests.web import conftest as web
from tests.web.conftest import EmbedWorld

# The live embedding world of the web tests (pytest finds fixtures through these names).
make_world, world = web.make_world, web.world

SPEC_STATUSES = {REFUSALS[code][0] for code in SPEC_CODES}
# Each route answers tenant data: two charts (tenant_id is each row's last column) and the REGION
# filter's choices (computed under the token's TENANT).
PAGE = "/d/acme/sales"
TARGETS = {
    "by_region": "/d/acme/sales/charts/by_region.json",
    "total": "/d/acme/sales/charts/total.json",
    "choices": "/d/acme/sales/variables/REGION/choices.json",
}
REGIONS = {1: {"north", "south"}, 2: {"east", "west"}, 3: {"north"}}
FUZZ = settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def mostly(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` four times in five, so the later checks are reached as often as the early ones."""
    return st.integers(0, 4).flatmap(lambda n: odd if n == 0 else usual)


variable_names = mostly(
    st.sampled_from(["TENANT", "REGION", "MIN_AMOUNT"]),
    st.sampled_from(["tenant", "", "var.REGION"]) | st.text(max_size=12),
)
viewer_names = mostly(st.sampled_from(["REGION", "MIN_AMOUNT"]), variable_names)
viewer_values = mostly(
    st.sampled_from(["north", "south", "east", "west", "10", "20.5", "1e308", "-0", ""]),
    st.text(max_size=40) | st.sampled_from(["' OR '1'='1", "north' --", "1 OR 1=1"]),
)


class Sender:
    """Sends requests from hypothesis's worker thread to the app on the test's event loop."""

    def __init__(self, world: EmbedWorld, loop: asyncio.AbstractEventLoop) -> None:
        self.world = world
        self.loop = loop

    def get(self, url: str, **options: Any) -> httpx.Response:
        request: Coroutine[Any, Any, httpx.Response] = self.world.client.get(url, **options)
        return asyncio.run_coroutine_threadsafe(request, self.loop).result(timeout=30)


async def run_examples(world: EmbedWorld, examples: Callable[[Sender], None]) -> None:
    """Run a hypothesis test (a function of a Sender) in a thread beside the world's loop."""
    await asyncio.to_thread(examples, Sender(world, asyncio.get_running_loop()))


def assert_deliberate(response: httpx.Response, allowed_tenant: int | None) -> None:
    """A SPEC refusal (status and code), or a 200 whose rows are all the allowed tenant's."""
    if response.status_code != 200:
        assert response.status_code in SPEC_STATUSES, response.text[:300]
        assert response.json()["error"]["code"] in SPEC_CODES
        return
    assert allowed_tenant is not None, "a token no tenant can claim was served"
    body = response.json()
    if "choices" in body:
        assert set(body["choices"]) <= REGIONS.get(allowed_tenant, set())
        return
    for row in body["rows"]:
        assert row[-1] == allowed_tenant


def header_safe(text: str) -> bool:
    return text.isascii() and text.isprintable()


async def test_arbitrary_text_as_a_token_gets_a_deliberate_answer(world: EmbedWorld) -> None:
    valid = world.sign()
    mutations = st.builds(
        lambda at, char: valid[:at] + char + valid[at + 1 :],
        st.integers(0, len(valid) - 1),
        st.sampled_from("AZaz09-_.=+/ %"),
    )
    shapes = st.from_regex(
        r"[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_=-]{0,50}", fullmatch=True
    )
    tokens = st.text(max_size=300) | shapes | mutations

    @FUZZ
    @given(sent=tokens, target=st.sampled_from(sorted(TARGETS)))
    def examples(send: Sender, sent: str, target: str) -> None:
        # A mutated token that still verifies is tenant 1's: only a 200 for tenant 1 is allowed.
        page = send.get(PAGE, params={"embed_token": sent})
        if page.status_code != 200:
            assert page.status_code in SPEC_STATUSES
            assert 'data-code="' in page.text
        url = TARGETS[target]
        assert_deliberate(send.get(url, params={"embed_token": sent}), 1)
        if header_safe(sent):
            assert_deliberate(send.get(url, headers={"Authorization": f"Bearer {sent}"}), 1)

    await run_examples(world, examples)


def verified_tenant(payload: object) -> int | None:
    """The TENANT a payload would lock, if the server could accept it at all."""
    env = payload.get("env") if isinstance(payload, dict) else None
    raw = env.get("TENANT") if isinstance(env, dict) else None
    if type(raw) is int:
        return raw
    if isinstance(raw, str) and re.fullmatch(r"[+-]?[0-9]+", raw):
        return int(raw)
    return None


async def test_arbitrary_signed_payloads_never_widen_a_tenant(world: EmbedWorld) -> None:
    now, org_id, dashboard_id = time.time(), world.org.id, world.dashboard().id
    env = st.fixed_dictionaries(
        {"TENANT": mostly(st.sampled_from([1, 2, 3, "2"]), json_values | st.just(2**64))},
        optional={
            "REGION": mostly(st.lists(viewer_values, max_size=3), json_values),
            "MIN_AMOUNT": mostly(st.floats(allow_nan=False) | st.integers(), json_values),
        },
    )
    required = {
        "organization": mostly(st.sampled_from([org_id, str(org_id)]), json_values),
        "dashboard": mostly(st.sampled_from([dashboard_id, str(dashboard_id)]), json_values),
        "exp": mostly(
            st.floats(now + 10, now + 86_000) | st.integers(int(now) + 10, int(now) + 86_000),
            json_values | st.floats(now - 200, now + 90_000) | st.sampled_from([1e20, now * 1e3]),
        ),
        "env": mostly(env, st.dictionaries(variable_names, json_values, max_size=4) | json_values),
    }
    optional = {"nbf": st.floats(now - 200, now + 200) | json_values, "jti": json_values}
    payloads = mostly(st.fixed_dictionaries(required, optional=optional), json_values)

    @FUZZ
    @given(payload=payloads, target=st.sampled_from(sorted(TARGETS)))
    def examples(send: Sender, payload: object, target: str) -> None:
        sent = forge(payload=json.dumps(payload), secret=world.secret)
        headers = {"Authorization": f"Bearer {sent}"}
        assert_deliberate(send.get(TARGETS[target], headers=headers), verified_tenant(payload))

    await run_examples(world, examples)


async def test_arbitrary_viewer_values_never_widen_a_tenant(world: EmbedWorld) -> None:
    tokens = {tenant: world.sign(env={"TENANT": tenant}) for tenant in (1, 2, 3)}
    chosen = st.lists(st.tuples(viewer_names, viewer_values), max_size=4)

    @FUZZ
    @given(
        tenant=st.sampled_from([1, 2, 3]), viewer=chosen, target=st.sampled_from(sorted(TARGETS))
    )
    def examples(send: Sender, tenant: int, viewer: list[tuple[str, str]], target: str) -> None:
        params = [(f"var.{name}", value) for name, value in viewer]
        headers = {"Authorization": f"Bearer {tokens[tenant]}"}
        response = send.get(TARGETS[target], params=params, headers=headers)
        assert_deliberate(response, tenant)

    await run_examples(world, examples)
