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
from tests.web import conftest as web
from tests.web.conftest import EmbedWorld

# The live embedding world of the web tests (pytest finds fixtures through these names).
make_world, world = web.make_world, web.world

SPEC_CODES = {
    "token_missing", "token_malformed", "token_bad_signature", "token_algorithm",
    "token_expired", "token_not_yet_valid", "token_exp_missing", "token_exp_too_far",
    "token_wrong_organization", "token_wrong_dashboard", "embedding_disabled",
    "unknown_variable", "invalid_variable_value", "variable_locked", "missing_variable",
    "token_too_large", "not_found", "legacy_disabled", "token_revoked",
}  # fmt: skip
SPEC_STATUSES = {REFUSALS[code][0] for code in SPEC_CODES}
CHARTS = ("by_region", "total")
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
variable_names = st.sampled_from(["TENANT", "REGION", "MIN_AMOUNT", "tenant", ""]) | st.text(
    max_size=12
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
    for row in response.json()["rows"]:
        assert row[-1] == allowed_tenant  # each row carries its tenant_id as the last column


def header_safe(text: str) -> bool:
    return text.isascii() and text.isprintable()


async def test_arbitrary_text_as_a_token_is_refused(world: EmbedWorld) -> None:
    valid = world.sign()
    mutations = st.builds(
        lambda at, char: valid[:at] + char + valid[at + 1 :],
        st.integers(0, len(valid) - 1),
        st.sampled_from("AZaz09-_.=+/ %"),
    )
    shapes = st.from_regex(r"[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_=-]{0,50}")
    tokens = st.text(max_size=300) | shapes | mutations

    @FUZZ
    @given(sent=tokens, chart=st.sampled_from(CHARTS))
    def examples(send: Sender, sent: str, chart: str) -> None:
        # A mutated token that still verifies is tenant 1's: only a 200 for tenant 1 is allowed.
        page = send.get(world.page_url("").split("?")[0], params={"embed_token": sent})
        if page.status_code != 200:
            assert page.status_code in SPEC_STATUSES
            assert 'data-code="' in page.text
        url = world.chart_url(chart)
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
    now = time.time()
    claim_values = {
        "organization": st.sampled_from([world.org.id, str(world.org.id), True, 1.0, "x"])
        | json_values,
        "dashboard": st.sampled_from([world.dashboard().id, str(world.dashboard().id)])
        | json_values,
        "exp": st.floats(now - 200, now + 90_000) | st.integers() | json_values,
        "nbf": st.floats(now - 200, now + 200) | json_values,
        "env": st.dictionaries(variable_names, json_values, max_size=4)
        | st.fixed_dictionaries(
            {"TENANT": st.sampled_from([1, 2, 3, "2", " 3", "1 OR 1=1", 2**64, True])},
            optional={"REGION": json_values, "MIN_AMOUNT": json_values},
        ),
        "jti": json_values,
    }
    payloads = st.fixed_dictionaries({}, optional=claim_values) | json_values

    @FUZZ
    @given(payload=payloads, chart=st.sampled_from(CHARTS))
    def examples(send: Sender, payload: object, chart: str) -> None:
        sent = forge(payload=json.dumps(payload), secret=world.secret)
        headers = {"Authorization": f"Bearer {sent}"}
        assert_deliberate(
            send.get(world.chart_url(chart), headers=headers), verified_tenant(payload)
        )

    await run_examples(world, examples)


async def test_arbitrary_viewer_values_never_widen_a_tenant(world: EmbedWorld) -> None:
    tokens = {tenant: world.sign(env={"TENANT": tenant}) for tenant in (1, 2, 3)}
    values = st.text(max_size=40) | st.sampled_from(["north", "1e308", "-0", "' OR '1'='1", ""])
    chosen = st.lists(st.tuples(variable_names, values), max_size=4)

    @FUZZ
    @given(tenant=st.sampled_from([1, 2, 3]), viewer=chosen, chart=st.sampled_from(CHARTS))
    def examples(send: Sender, tenant: int, viewer: list[tuple[str, str]], chart: str) -> None:
        params = [(f"var.{name}", value) for name, value in viewer]
        headers = {"Authorization": f"Bearer {tokens[tenant]}"}
        response = send.get(world.chart_url(chart), params=params, headers=headers)
        assert_deliberate(response, tenant)

    await run_examples(world, examples)
