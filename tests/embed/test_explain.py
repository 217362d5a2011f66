"""Token explain: every check with its verdict, all problems at once, never a secret."""

from __future__ import annotations

import datetime as dt

import pytest

from dashlet.embed.explain import Check, explain_token
from dashlet.embed.revocation import RevocationRules
from dashlet.embed.tokens import TokenKeys
from dashlet.store.definitions import DashboardDef
from dashlet.store.revocations import RevocationInfo
from tests.embed import (
    DASHBOARD_ID,
    NOW,
    ORGANIZATION_ID,
    OTHER_SECRET,
    PREVIOUS_SECRET,
    SECRET,
    build_dashboard,
    claims,
    forge,
    forge_claims,
    sign,
)

KEYS = TokenKeys(SECRET.encode(), PREVIOUS_SECRET.encode())


@pytest.fixture
def dashboard() -> DashboardDef:
    return build_dashboard()


def explain(
    token: str,
    dashboards: dict[int, DashboardDef] | DashboardDef | None,
    keys: TokenKeys | None = KEYS,
) -> dict[str, Check]:
    checks = explain_token(
        token,
        keys=keys,
        organization_id=ORGANIZATION_ID,
        dashboards=dashboards,
        now=NOW,
        leeway=60,
    )
    return {check.name: check for check in checks}


def failed(checks: dict[str, Check]) -> list[str]:
    return [name for name, check in checks.items() if check.ok is False]


def test_valid_token_lists_every_check_in_order(dashboard: DashboardDef) -> None:
    token = sign(claims(iat=NOW - 10, env={"TENANT": 7}, jti="t-1"))
    checks = explain(token, dashboard)
    assert list(checks) == [
        "size",
        "shape",
        "digest",
        "header",
        "algorithm",
        "signature",
        "payload",
        "organization",
        "dashboard",
        "clock",
        "exp",
        "nbf",
        "iat",
        "env",
        "env.TENANT",
        "jti",
    ]
    assert failed(checks) == []


def test_every_problem_is_reported_at_once(dashboard: DashboardDef) -> None:
    payload = claims(
        organization=1, exp=NOW - 300, nbf="soon", env={"TENANT": "x", "NOPE": 1, "REGION": "EU"}
    )
    checks = explain(sign(payload, OTHER_SECRET), dashboard)
    assert failed(checks) == ["signature", "organization", "exp", "nbf", "env.TENANT", "env.NOPE"]
    assert checks["env.REGION"].ok is True


def test_payload_of_a_badly_signed_token_is_marked_unverified(dashboard: DashboardDef) -> None:
    checks = explain(sign(claims(), OTHER_SECRET), dashboard)
    assert checks["payload"].detail.endswith("(signature not verified)")


def test_secrets_never_appear(dashboard: DashboardDef) -> None:
    for secret in (SECRET, PREVIOUS_SECRET, OTHER_SECRET):
        for check in explain(sign(claims(), secret), dashboard).values():
            assert SECRET not in check.detail
            assert PREVIOUS_SECRET not in check.detail


@pytest.mark.parametrize(
    ("secret", "ok", "detail"),
    [
        pytest.param(SECRET, True, "current secret", id="current"),
        pytest.param(PREVIOUS_SECRET, True, "previous secret", id="previous"),
        pytest.param(OTHER_SECRET, False, "neither the current nor the previous", id="other"),
    ],
)
def test_signature_says_which_secret_matched(
    secret: str, ok: bool, detail: str, dashboard: DashboardDef
) -> None:
    check = explain(sign(claims(), secret), dashboard)["signature"]
    assert check.ok is ok
    assert detail in check.detail


def test_without_keys_the_signature_is_not_checked(dashboard: DashboardDef) -> None:
    assert explain(sign(claims()), dashboard, keys=None)["signature"].ok is None


def test_unsupported_algorithm_skips_the_signature(dashboard: DashboardDef) -> None:
    checks = explain(forge('{"alg":"none"}', '{"exp": 1}', secret=None), dashboard)
    assert (checks["algorithm"].ok, checks["signature"].ok) == (False, None)
    assert '"none"' in checks["algorithm"].detail


@pytest.mark.parametrize(
    ("exp", "ok", "detail"),
    [
        pytest.param(NOW + 200, True, "expires in 3 m 20 s", id="future"),
        pytest.param(NOW - 300, False, "expired 5 m ago", id="past"),
        pytest.param(NOW - 30, True, "expired 30 s ago (", id="within-leeway"),
        pytest.param(NOW + 2 * 86400 + 3600, False, "expires in 2 d 1 h", id="too-far"),
        pytest.param(int(NOW) * 1000, False, "looks like milliseconds", id="milliseconds"),
        pytest.param(10**400, False, "more than 100 years", id="huge"),
    ],
)
def test_exp_is_told_relative_to_the_server_clock(
    exp: float, ok: bool, detail: str, dashboard: DashboardDef
) -> None:
    check = explain(forge_claims(claims(exp=exp)), dashboard)["exp"]
    assert check.ok is ok
    assert detail in check.detail


def test_exp_shows_the_absolute_time(dashboard: DashboardDef) -> None:
    assert "(2027-01-15T08:10:00Z)" in explain(sign(claims()), dashboard)["exp"].detail


def test_clock_shows_server_time_and_leeway(dashboard: DashboardDef) -> None:
    detail = explain(sign(claims()), dashboard)["clock"].detail
    assert detail == "server time 2027-01-15T08:00:00Z, leeway 60 s"


def test_missing_exp_is_a_failed_check(dashboard: DashboardDef) -> None:
    assert explain(sign(claims(exp=...)), dashboard)["exp"].ok is False


def test_dashboard_is_found_by_its_claim(dashboard: DashboardDef) -> None:
    other = build_dashboard()
    checks = explain(sign(claims(env={"TENANT": 7})), {DASHBOARD_ID: dashboard, 99: other})
    assert checks["dashboard"] == Check("dashboard", True, f"{DASHBOARD_ID} (sales)")
    assert checks["env.TENANT"].ok is True


def test_unknown_dashboard_fails_and_leaves_variables_unchecked(dashboard: DashboardDef) -> None:
    checks = explain(sign(claims(dashboard=98, env={"TENANT": 7})), {DASHBOARD_ID: dashboard})
    assert checks["dashboard"].ok is False
    assert checks["env.TENANT"].ok is None


def test_token_for_another_dashboard_names_both(dashboard: DashboardDef) -> None:
    detail = explain(sign(claims(dashboard=98)), dashboard)["dashboard"].detail
    assert "It names 98; this is 3 (sales)." in detail


def test_without_dashboards_the_dashboard_is_not_checked() -> None:
    checks = explain(sign(claims(env={"TENANT": 7})), None)
    assert (checks["dashboard"].ok, checks["env.TENANT"].ok) == (None, None)


def test_ignored_key_headers_are_named(dashboard: DashboardDef) -> None:
    token = sign(claims(), headers={"kid": "k1", "jku": "http://127.0.0.1:1/jwks.json"})
    assert (
        "ignored, never used to find a key: kid, jku" in explain(token, dashboard)["header"].detail
    )


def test_missing_token_is_one_failed_check(dashboard: DashboardDef) -> None:
    assert explain_token(
        "", keys=KEYS, organization_id=ORGANIZATION_ID, dashboards=dashboard, now=NOW, leeway=60
    ) == [Check("size", False, "This page needs an embed token, and none was given.")]


def test_unreadable_shape_stops_after_the_shape(dashboard: DashboardDef) -> None:
    assert list(explain("not a token", dashboard)) == ["size", "shape"]


def test_oversized_token_is_still_explained(dashboard: DashboardDef) -> None:
    checks = explain(forge_claims(claims(padding="x" * 7000)), dashboard)
    assert failed(checks) == ["size"]
    assert checks["organization"].ok is True


def test_unreadable_header_still_checks_the_signature_and_claims(dashboard: DashboardDef) -> None:
    checks = explain(forge("not json", '{"organization": 1}'), dashboard)
    assert (checks["header"].ok, checks["algorithm"].ok, checks["signature"].ok) == (
        False,
        None,
        True,
    )
    assert checks["organization"].ok is False


def test_unreadable_payload_stops_after_the_payload(dashboard: DashboardDef) -> None:
    checks = explain(forge(payload='{"exp": NaN}'), dashboard)
    assert list(checks)[-1] == "payload"
    assert checks["payload"].ok is False


def test_jti_that_is_not_a_string_is_shown_as_ignored(dashboard: DashboardDef) -> None:
    assert explain(sign(claims(jti=5)), dashboard)["jti"].detail == "not a string; ignored"


def test_digest_is_shown_for_revocation(dashboard: DashboardDef) -> None:
    token = sign(claims())
    assert (
        explain(token, dashboard)["digest"].detail
        == explain(token + "=", dashboard)["digest"].detail
    )


def rule(**fields: object) -> RevocationInfo:
    """A revocation rule as the store hands it to the directory."""
    values: dict[str, object] = {
        "id": 1,
        "organization_id": ORGANIZATION_ID,
        "dashboard_id": None,
        "kind": "jti",
        "token_digest": None,
        "jti": None,
        "issued_before": None,
        "env_name": None,
        "env_value": None,
        "created_at": dt.datetime.now(dt.UTC),
    }
    values.update(fields)
    return RevocationInfo(**values)  # type: ignore[arg-type]


def explain_with_rules(
    token: str, dashboard: DashboardDef, *rules: RevocationInfo
) -> dict[str, Check]:
    checks = explain_token(
        token,
        keys=KEYS,
        organization_id=ORGANIZATION_ID,
        dashboards=dashboard,
        now=NOW,
        leeway=60,
        revocations=RevocationRules(rules),
    )
    return {check.name: check for check in checks}


def test_a_revoked_token_fails_the_revocation_check_naming_the_rule(
    dashboard: DashboardDef,
) -> None:
    token = sign(claims(env={"TENANT": 7}, jti="leaked-7"))
    checks = explain_with_rules(token, dashboard, rule(jti="leaked-7"))
    assert failed(checks) == ["revocation", "embedding"]  # the test dashboard is not embedded
    assert "'leaked-7'" in checks["revocation"].detail


def test_a_token_without_iat_is_revoked_as_issued_a_day_before_its_exp(
    dashboard: DashboardDef,
) -> None:
    cutoff = dt.datetime.fromtimestamp(NOW, dt.UTC)
    token = sign(claims(env={"TENANT": 7}, exp=NOW + 600))
    checks = explain_with_rules(token, dashboard, rule(kind="issued_before", issued_before=cutoff))
    assert checks["revocation"].ok is False
    assert "no iat" in checks["revocation"].detail


def test_a_token_no_rule_covers_passes_revocation_and_reports_embedding_off(
    dashboard: DashboardDef,
) -> None:
    token = sign(claims(env={"TENANT": 7}))
    checks = explain_with_rules(token, dashboard, rule(env_name="TENANT", env_value=8))
    assert checks["revocation"].ok is True
    assert (checks["embedding"].ok, checks["embedding"].detail) == (False, "off for this dashboard")


def test_revocation_is_not_checked_for_a_token_that_fails_earlier(
    dashboard: DashboardDef,
) -> None:
    token = sign(claims(env={"TENANT": 7}, jti="leaked-7"), secret=OTHER_SECRET)
    checks = explain_with_rules(token, dashboard, rule(jti="leaked-7"))
    assert checks["revocation"].ok is None
    assert failed(checks) == ["signature"]
