"""Properties of token verification over arbitrary input: only deliberate errors, one identity."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashlet.embed.explain import Check, explain_token
from dashlet.embed.tokens import TokenKeys, token_digest, verify_embed_token
from dashlet.errors import DashletError
from dashlet.store.definitions import DashboardDef
from tests.embed import (
    DASHBOARD_ID,
    NOW,
    ORGANIZATION_ID,
    SECRET,
    build_dashboard,
    forge,
)

KEYS = TokenKeys(SECRET.encode())
DASHBOARD = build_dashboard()

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
claim_names = st.sampled_from(["organization", "dashboard", "exp", "nbf", "iat", "env", "jti"])
claim_values = json_values | st.sampled_from(
    [ORGANIZATION_ID, str(ORGANIZATION_ID), DASHBOARD_ID, NOW, NOW - 100, NOW + 100, 10**400]
)
variable_names = st.sampled_from(["TENANT", "REGION", "ACTIVE", "SINCE", "OTHER", ""])
env_values = json_values | st.lists(st.integers() | st.text(max_size=5), max_size=3)


def near_valid(env: dict[str, object], changed: dict[str, object], removed: set[str]) -> object:
    """A valid payload with a few claims changed or removed, so every later check is reached."""
    payload = {"organization": ORGANIZATION_ID, "dashboard": DASHBOARD_ID, "exp": NOW + 600}
    payload.update({"env": env, **changed})
    return {name: value for name, value in payload.items() if name not in removed}


payloads = json_values | st.builds(
    near_valid,
    st.dictionaries(variable_names, env_values, max_size=3),
    st.dictionaries(claim_names, claim_values, max_size=2),
    st.sets(claim_names, max_size=1),
)
json_texts = payloads.map(json.dumps) | st.text(max_size=200)


def verify(token: str) -> None:
    verify_embed_token(
        token, keys=KEYS, organization_id=ORGANIZATION_ID, dashboard=DASHBOARD, now=NOW
    )


def explain(token: str, dashboard: DashboardDef | None = DASHBOARD) -> list[Check]:
    return explain_token(
        token, keys=KEYS, organization_id=ORGANIZATION_ID, dashboards=dashboard, now=NOW, leeway=60
    )


@settings(max_examples=100)
@given(
    st.text(max_size=300)
    | st.from_regex(r"[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_=-]{0,50}")
)
def test_arbitrary_text_raises_only_dashlet_errors(token: str) -> None:
    with contextlib.suppress(DashletError):
        verify(token)


@settings(max_examples=100)
@given(json_texts)
def test_signed_arbitrary_payload_raises_only_dashlet_errors(payload: str) -> None:
    with contextlib.suppress(DashletError):
        verify(forge(payload=payload))


@settings(max_examples=100)
@given(json_texts)
def test_explain_agrees_with_verification(payload: str) -> None:
    token = forge(payload=payload)
    failures = [check.name for check in explain(token) if check.ok is False]
    try:
        verify(token)
    except DashletError:
        assert failures
    else:
        assert failures == []


@settings(max_examples=50)
@given(st.text(max_size=300))
def test_explain_never_raises_on_arbitrary_text(token: str) -> None:
    assert explain(token)


@settings(max_examples=50)
@given(payloads.map(json.dumps))
def test_padded_signature_has_the_same_digest(payload: str) -> None:
    token = forge(payload=payload)
    assert token_digest(token + "=") == token_digest(token)


@pytest.mark.parametrize("dashboard", [DASHBOARD, None], ids=["dashboard", "no-dashboard"])
@settings(max_examples=50)
@given(payload=json_texts)
def test_explain_never_raises_on_signed_arbitrary_payloads(
    dashboard: DashboardDef | None, payload: str
) -> None:
    assert explain(forge(payload=payload), dashboard)
