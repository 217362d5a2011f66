"""Verifying embed tokens: the SPEC's order of checks, its strict parsing and its refusal codes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import socket
from collections.abc import Iterator

import pytest

from dashlet.embed.tokens import (
    MAX_TOKEN_BYTES,
    TokenKeys,
    VerifiedToken,
    token_digest,
    verify_embed_token,
)
from dashlet.errors import ConfigError, DashletError
from dashlet.store.definitions import DashboardDef
from tests.embed import (
    DASHBOARD_ID,
    LONG_NAME,
    NOW,
    ORGANIZATION_ID,
    OTHER_SECRET,
    PREVIOUS_SECRET,
    SECRET,
    UNICODE_NAME,
    build_dashboard,
    claims,
    forge,
    forge_claims,
    segment,
    sign,
)

HS256 = '{"alg":"HS256"}'
VALID = json.dumps(claims())


@pytest.fixture
def dashboard() -> DashboardDef:
    return build_dashboard()


def verify(
    token: str | None,
    dashboard: DashboardDef,
    *,
    keys: TokenKeys | None = None,
    now: float = NOW,
    leeway: float = 60,
) -> VerifiedToken:
    return verify_embed_token(
        token,
        keys=keys or TokenKeys(SECRET.encode()),
        organization_id=ORGANIZATION_ID,
        dashboard=dashboard,
        now=now,
        leeway=leeway,
    )


def token_of_length(length: int) -> str:
    """A correctly signed token exactly ``length`` bytes long (the padding claim is ignored)."""
    for kid in range(4):  # base64 lengths skip 4n+1, so a header a little longer may be needed
        for size in range(length):
            token = sign(claims(padding="x" * size), headers={"kid": "k" * kid})
            if len(token) >= length:
                break
        if len(token) == length:
            return token
    raise AssertionError(f"no token of {length} bytes")


def refuses(token: str | None, code: str, **variables: object) -> object:
    return pytest.param(token, code, id=code + ":" + str(variables.get("case", "")))


REFUSED = [
    # presence and size, counted in bytes before any parsing
    pytest.param(None, "token_missing", id="none"),
    pytest.param("", "token_missing", id="empty"),
    pytest.param(token_of_length(MAX_TOKEN_BYTES + 1), "token_too_large", id="8193-bytes"),
    pytest.param("é" * 4097, "token_too_large", id="4097-chars-8194-bytes"),
    pytest.param("!" * 9000, "token_too_large", id="too-large-before-shape"),
    # shape
    pytest.param("abc.def", "token_malformed", id="two-segments"),
    pytest.param(sign(claims()) + ".x", "token_malformed", id="four-segments"),
    pytest.param(f"{segment(HS256)}..sig", "token_malformed", id="empty-payload"),
    pytest.param(" " + sign(claims()), "token_malformed", id="leading-space"),
    pytest.param(sign(claims()) + "\n", "token_malformed", id="trailing-newline"),
    pytest.param("Bearer " + sign(claims()), "token_malformed", id="bearer-prefix"),
    pytest.param(sign(claims()).replace("J", "+", 1), "token_malformed", id="standard-b64-char"),
    pytest.param(segment(HS256) + "=." + segment(VALID) + ".AAAA", "token_malformed", id="padded-header"),
    pytest.param(segment(HS256) + "." + segment(VALID) + "=.AAAA", "token_malformed", id="padded-payload"),
    pytest.param(sign(claims()) + "==", "token_malformed", id="signature-over-padded"),
    pytest.param(f"{segment(HS256)}.{segment(VALID)}.AAAAA", "token_malformed", id="signature-4n+1"),
    pytest.param(f"{segment(HS256)}.{segment(VALID)}.=", "token_malformed", id="padding-only"),
    pytest.param(f"{segment(HS256)}.{segment(VALID)}x.AAAA", "token_malformed", id="payload-4n+1"),
    pytest.param(f"{segment(HS256)}.{segment(VALID)}.ÄAAA", "token_malformed", id="non-ascii-letter"),
    # header
    pytest.param(forge("not json", VALID), "token_malformed", id="header-not-json"),
    pytest.param(forge('["HS256"]', VALID), "token_malformed", id="header-array"),
    pytest.param(forge('{"alg":"HS256","alg":"none"}', VALID), "token_malformed", id="header-duplicate-alg"),
    pytest.param(forge('{"alg":"HS256","x":NaN}', VALID), "token_malformed", id="header-nan"),
    pytest.param(forge('{"alg":"HS256","crit":["exp"]}', VALID), "token_malformed", id="header-crit"),
    pytest.param(forge('{"alg":"HS256","crit":null}', VALID), "token_malformed", id="header-crit-null"),
    pytest.param(forge(b'{"alg":"HS256","x":"\xff"}', VALID), "token_malformed", id="header-not-utf8"),
    pytest.param(forge("\ufeff" + HS256, VALID), "token_malformed", id="header-bom"),
    # algorithm
    pytest.param(forge('{"alg":"none"}', VALID, secret=None), "token_algorithm", id="alg-none"),
    pytest.param(forge('{"alg":"None"}', VALID, secret=None), "token_algorithm", id="alg-None"),
    pytest.param(sign(claims(), algorithm="HS512"), "token_algorithm", id="alg-HS512"),
    pytest.param(forge('{"alg":"RS256"}', VALID), "token_algorithm", id="alg-RS256"),
    pytest.param(forge('{"typ":"JWT"}', VALID), "token_algorithm", id="alg-missing"),
    pytest.param(forge('{"alg":"hs256"}', VALID), "token_algorithm", id="alg-lowercase"),
    pytest.param(forge('{"alg":["HS256"]}', VALID), "token_algorithm", id="alg-list"),
    pytest.param(forge('{"alg":"none"}', "not json", secret=OTHER_SECRET), "token_algorithm", id="alg-before-signature"),
    # signature: checked before anything in the payload is read
    pytest.param(sign(claims(), OTHER_SECRET), "token_bad_signature", id="other-secret"),
    pytest.param(sign(claims(), PREVIOUS_SECRET), "token_bad_signature", id="previous-secret-not-given"),
    pytest.param(sign(claims(exp=NOW - 3600), OTHER_SECRET), "token_bad_signature", id="expired-and-bad-signature"),
    pytest.param(forge(HS256, "not json", OTHER_SECRET), "token_bad_signature", id="bad-payload-and-bad-signature"),
    pytest.param(forge(HS256, VALID, secret=None), "token_bad_signature", id="hs256-empty-signature"),
    pytest.param(sign(claims())[:-4], "token_bad_signature", id="truncated-signature"),
    # payload
    pytest.param(forge(HS256, "not json"), "token_malformed", id="payload-not-json"),
    pytest.param(forge(HS256, "[1, 2]"), "token_malformed", id="payload-array"),
    pytest.param(forge(HS256, '"text"'), "token_malformed", id="payload-string"),
    pytest.param(forge(HS256, "null"), "token_malformed", id="payload-null"),
    pytest.param(forge(HS256, VALID[:-1] + ', "organization": 1}'), "token_malformed", id="duplicate-organization"),
    pytest.param(forge(HS256, VALID[:-1] + ', "exp": 1e15}'), "token_malformed", id="duplicate-exp"),
    pytest.param(forge(HS256, '{"env": {"TENANT": 1, "TENANT": 2}}'), "token_malformed", id="duplicate-env-name"),
    pytest.param(forge(HS256, VALID.replace(f"{NOW + 600}", "NaN")), "token_malformed", id="exp-nan"),
    pytest.param(forge(HS256, VALID.replace(f"{NOW + 600}", "Infinity")), "token_malformed", id="exp-infinity"),
    pytest.param(forge(HS256, VALID.replace(f"{NOW + 600}", "1e400")), "token_malformed", id="exp-1e400"),
    pytest.param(forge(HS256, VALID.replace(f"{NOW + 600}", "-1e400")), "token_malformed", id="exp-minus-1e400"),
    pytest.param(forge(HS256, "[" * 3000 + "]" * 3000), "token_malformed", id="deep-nesting"),
    pytest.param(forge(HS256, '{"x": ' + "9" * 5000 + "}"), "token_malformed", id="5000-digit-number"),
    pytest.param(forge(HS256, b"\xff\xfe{}"), "token_malformed", id="payload-not-utf8"),
    # organization and dashboard: integers or ASCII digit strings, nothing else
    pytest.param(forge_claims(claims(organization=True)), "token_malformed", id="organization-true"),
    pytest.param(forge_claims(claims(organization=float(ORGANIZATION_ID))), "token_malformed", id="organization-float"),
    pytest.param(forge_claims(claims(organization=f" {ORGANIZATION_ID}")), "token_malformed", id="organization-space"),
    pytest.param(forge_claims(claims(organization="1e3")), "token_malformed", id="organization-1e3"),
    pytest.param(forge_claims(claims(organization=f"+{ORGANIZATION_ID}")), "token_malformed", id="organization-plus"),
    pytest.param(forge_claims(claims(organization="")), "token_malformed", id="organization-empty-string"),
    pytest.param(forge_claims(claims(organization="٤٥٥٤٦")), "token_malformed", id="organization-arabic-digits"),
    pytest.param(forge_claims(claims(organization=None)), "token_malformed", id="organization-null"),
    pytest.param(forge_claims(claims(organization=[ORGANIZATION_ID])), "token_malformed", id="organization-list"),
    pytest.param(forge_claims(claims(organization=...)), "token_malformed", id="organization-missing"),
    pytest.param(forge_claims(claims(organization="1" * 5000)), "token_malformed", id="organization-5000-digits"),
    pytest.param(forge_claims(claims(organization=ORGANIZATION_ID + 1)), "token_wrong_organization", id="organization-other"),
    pytest.param(forge_claims(claims(organization=-ORGANIZATION_ID)), "token_wrong_organization", id="organization-negative"),
    pytest.param(forge_claims(claims(organization=str(ORGANIZATION_ID + 1))), "token_wrong_organization", id="organization-other-string"),
    pytest.param(forge_claims(claims(dashboard=True)), "token_malformed", id="dashboard-true"),
    pytest.param(forge_claims(claims(dashboard=3.0)), "token_malformed", id="dashboard-float"),
    pytest.param(forge_claims(claims(dashboard="3 ")), "token_malformed", id="dashboard-space"),
    pytest.param(forge_claims(claims(dashboard=...)), "token_malformed", id="dashboard-missing"),
    pytest.param(forge_claims(claims(dashboard=4)), "token_wrong_dashboard", id="dashboard-other"),
    pytest.param(forge_claims(claims(organization=1, dashboard=4)), "token_wrong_organization", id="organization-before-dashboard"),
    # exp
    pytest.param(forge_claims(claims(exp=...)), "token_exp_missing", id="exp-absent"),
    pytest.param(forge_claims(claims(exp=None)), "token_exp_missing", id="exp-null"),
    pytest.param(forge_claims(claims(exp=str(int(NOW + 600)))), "token_malformed", id="exp-string"),
    pytest.param(forge_claims(claims(exp=True)), "token_malformed", id="exp-true"),
    pytest.param(forge_claims(claims(exp=False)), "token_malformed", id="exp-false"),
    pytest.param(forge_claims(claims(exp=[NOW + 600])), "token_malformed", id="exp-list"),
    pytest.param(forge_claims(claims(exp={"at": NOW + 600})), "token_malformed", id="exp-object"),
    pytest.param(forge_claims(claims(exp=1e20)), "token_exp_too_far", id="exp-1e20"),
    pytest.param(forge_claims(claims(exp=10**400)), "token_exp_too_far", id="exp-10**400"),
    pytest.param(forge_claims(claims(exp=int(NOW + 600) * 1000)), "token_exp_too_far", id="exp-milliseconds"),
    pytest.param(forge_claims(claims(exp=NOW + 86400 + 61)), "token_exp_too_far", id="exp-beyond-24h-and-leeway"),
    pytest.param(forge_claims(claims(exp=NOW - 61)), "token_expired", id="exp-past-leeway"),
    pytest.param(forge_claims(claims(exp=NOW - 60)), "token_expired", id="exp-at-leeway"),
    pytest.param(forge_claims(claims(exp=-(10**400))), "token_expired", id="exp-minus-10**400"),
    pytest.param(forge_claims(claims(exp=0)), "token_expired", id="exp-zero"),
    # nbf and iat
    pytest.param(forge_claims(claims(nbf=NOW + 61)), "token_not_yet_valid", id="nbf-future"),
    pytest.param(forge_claims(claims(nbf=10**400)), "token_not_yet_valid", id="nbf-10**400"),
    pytest.param(forge_claims(claims(iat=NOW + 61)), "token_not_yet_valid", id="iat-future"),
    pytest.param(forge_claims(claims(nbf=str(int(NOW)))), "token_malformed", id="nbf-string"),
    pytest.param(forge_claims(claims(nbf=None)), "token_malformed", id="nbf-null"),
    pytest.param(forge_claims(claims(iat=True)), "token_malformed", id="iat-true"),
    pytest.param(forge_claims(claims(iat=[NOW])), "token_malformed", id="iat-list"),
    # env
    pytest.param(forge_claims(claims(env=[["TENANT", 1]])), "token_malformed", id="env-list"),
    pytest.param(forge_claims(claims(env="TENANT=1")), "token_malformed", id="env-string"),
    pytest.param(forge_claims(claims(env=None)), "token_malformed", id="env-null"),
    pytest.param(forge_claims(claims(env=1)), "token_malformed", id="env-number"),
    pytest.param(forge_claims(claims(env={"TENANTS": 1})), "unknown_variable", id="env-unknown"),
    pytest.param(forge_claims(claims(env={"tenant": 1})), "unknown_variable", id="env-wrong-case"),
    pytest.param(forge_claims(claims(env={"": 1})), "unknown_variable", id="env-empty-name"),
    pytest.param(forge_claims(claims(env={"W" * 10_000: 1})), "unknown_variable", id="env-unknown-10000-chars"),
    pytest.param(forge_claims(claims(env={"TENANT": None})), "invalid_variable_value", id="env-value-null"),
    pytest.param(forge_claims(claims(env={"REGION": None})), "invalid_variable_value", id="env-multi-value-null"),
    pytest.param(forge_claims(claims(env={"TENANT": {"id": 1}})), "invalid_variable_value", id="env-value-object"),
    pytest.param(forge_claims(claims(env={"REGION": [["EU"]]})), "invalid_variable_value", id="env-list-of-lists"),
    pytest.param(forge_claims(claims(env={"REGION": [{"x": "EU"}]})), "invalid_variable_value", id="env-list-of-objects"),
    pytest.param(forge_claims(claims(env={"REGION": ["EU", None]})), "invalid_variable_value", id="env-list-with-null"),
    pytest.param(forge_claims(claims(env={"TENANT": [1, 2]})), "invalid_variable_value", id="env-list-for-single"),
    pytest.param(forge_claims(claims(env={"TENANT": "abc"})), "invalid_variable_value", id="env-wrong-type"),
    pytest.param(forge_claims(claims(env={"TENANT": True})), "invalid_variable_value", id="env-true-for-integer"),
    pytest.param(forge_claims(claims(env={"SINCE": "31/01/2024"})), "invalid_variable_value", id="env-bad-date"),
]


@pytest.mark.parametrize(("token", "code"), REFUSED)
def test_refused_token_gets_its_code(token: str | None, code: str, dashboard: DashboardDef) -> None:
    with pytest.raises(DashletError) as refused:
        verify(token, dashboard)
    assert refused.value.code == code


@pytest.mark.parametrize(("token", "code"), REFUSED)
def test_refusal_message_never_holds_the_token_or_secret(
    token: str | None, code: str, dashboard: DashboardDef
) -> None:
    with pytest.raises(DashletError) as refused:
        verify(token, dashboard)
    message = refused.value.message
    assert SECRET not in message
    assert message.endswith(".")
    if token:
        assert token not in message
        assert not any(len(part) > 8 and part in message for part in token.split("."))


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(claims(organization="leak-marker"), id="organization"),
        pytest.param(claims(exp="leak-marker"), id="exp"),
        pytest.param(claims(env={"leak-marker": 1}), id="env-name"),
        pytest.param(claims(env="leak-marker"), id="env"),
    ],
)
def test_refusal_message_never_repeats_a_claim(
    payload: dict[str, object], dashboard: DashboardDef
) -> None:
    with pytest.raises(DashletError) as refused:
        verify(forge_claims(payload), dashboard)
    assert "leak-marker" not in refused.value.message


ACCEPTED = [
    pytest.param(claims(), id="integers"),
    pytest.param(claims(organization=str(ORGANIZATION_ID)), id="organization-45546-string"),
    pytest.param(claims(dashboard=str(DASHBOARD_ID)), id="dashboard-string"),
    pytest.param(claims(dashboard="0003"), id="dashboard-leading-zeros"),
    pytest.param(claims(exp=NOW + 600.123456), id="exp-javascript-float"),
    pytest.param(claims(exp=int(NOW) + 600), id="exp-integer"),
    pytest.param(claims(exp=NOW - 59), id="exp-past-within-leeway"),
    pytest.param(claims(exp=NOW + 86400 + 60), id="exp-24h-plus-leeway"),
    pytest.param(claims(nbf=NOW + 59), id="nbf-future-within-leeway"),
    pytest.param(claims(iat=NOW + 59), id="iat-future-within-leeway"),
    pytest.param(claims(nbf=-(10**400), iat=0), id="nbf-far-past"),
    pytest.param(claims(env={}), id="env-empty"),
    pytest.param(claims(sub="user-1", aud=["x"], iss=1, extra={"a": [1]}), id="other-claims-ignored"),
    pytest.param(claims(env={UNICODE_NAME: "Île-de-France ✓"}), id="env-unicode-name"),
    pytest.param(claims(env={LONG_NAME: "x" * 100}), id="env-10000-char-name"),
]


@pytest.mark.parametrize("payload", ACCEPTED)
def test_valid_token_is_accepted(payload: dict[str, object], dashboard: DashboardDef) -> None:
    verified = verify(forge_claims(payload), dashboard)
    assert (verified.organization_id, verified.dashboard_id) == (ORGANIZATION_ID, DASHBOARD_ID)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"kid": "../../etc/passwd"}, id="kid"),
        pytest.param({"x5u": "http://127.0.0.1:1/cert.pem"}, id="x5u"),
        pytest.param({"jwk": {"kty": "oct", "k": segment(OTHER_SECRET)}}, id="jwk"),
        pytest.param({"typ": "at+jwt", "cty": "JWT"}, id="typ-cty"),
        pytest.param({"crit": []}, id="empty-crit"),
    ],
)
def test_key_finding_headers_are_ignored(
    headers: dict[str, object], dashboard: DashboardDef
) -> None:
    assert verify(sign(claims(), headers=headers), dashboard).dashboard_id == DASHBOARD_ID


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening socket on 127.0.0.1 that records any connection attempt."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        yield server


def test_jku_header_is_never_fetched(listener: socket.socket, dashboard: DashboardDef) -> None:
    port = listener.getsockname()[1]
    token = sign(claims(), headers={"jku": f"http://127.0.0.1:{port}/jwks.json"})
    assert verify(token, dashboard).dashboard_id == DASHBOARD_ID
    with pytest.raises(BlockingIOError):
        listener.accept()


def test_jku_header_pointing_at_a_closed_port_still_verifies(dashboard: DashboardDef) -> None:
    token = sign(claims(), headers={"jku": "http://127.0.0.1:1/jwks.json"})
    assert verify(token, dashboard).dashboard_id == DASHBOARD_ID


def test_jwk_header_carrying_the_signing_key_is_not_trusted(dashboard: DashboardDef) -> None:
    jwk = {"kty": "oct", "k": segment(OTHER_SECRET)}
    with pytest.raises(DashletError) as refused:
        verify(sign(claims(), OTHER_SECRET, headers={"jwk": jwk}), dashboard)
    assert refused.value.code == "token_bad_signature"


def test_token_of_exactly_8192_bytes_is_accepted(dashboard: DashboardDef) -> None:
    token = token_of_length(MAX_TOKEN_BYTES)
    assert len(token.encode()) == MAX_TOKEN_BYTES
    assert verify(token, dashboard).dashboard_id == DASHBOARD_ID


@pytest.mark.parametrize(
    ("exp", "leeway", "expired"),
    [
        pytest.param(NOW - 1, 0, True, id="no-leeway-past"),
        pytest.param(NOW + 1, 0, False, id="no-leeway-future"),
        pytest.param(NOW - 299, 300, False, id="large-leeway-past"),
        pytest.param(NOW - 300, 300, True, id="large-leeway-at-limit"),
    ],
)
def test_leeway_moves_the_expiry(
    exp: float, leeway: float, expired: bool, dashboard: DashboardDef
) -> None:
    token = sign(claims(exp=exp))
    if expired:
        with pytest.raises(DashletError, match="expired"):
            verify(token, dashboard, leeway=leeway)
    else:
        assert verify(token, dashboard, leeway=leeway).exp == exp


@pytest.mark.parametrize(
    ("exp", "leeway", "too_far"),
    [
        pytest.param(NOW + 86400 + 1, 0, True, id="no-leeway-beyond-24h"),
        pytest.param(NOW + 86400, 0, False, id="no-leeway-at-24h"),
        pytest.param(NOW + 86400 + 299, 300, False, id="large-leeway"),
    ],
)
def test_leeway_moves_the_24_hour_limit(
    exp: float, leeway: float, too_far: bool, dashboard: DashboardDef
) -> None:
    token = sign(claims(exp=exp))
    if too_far:
        with pytest.raises(DashletError, match="24 hours"):
            verify(token, dashboard, leeway=leeway)
    else:
        assert verify(token, dashboard, leeway=leeway).exp == exp


def test_leeway_moves_not_before(dashboard: DashboardDef) -> None:
    token = sign(claims(nbf=NOW + 30))
    assert verify(token, dashboard, leeway=60).nbf == NOW + 30
    with pytest.raises(DashletError) as refused:
        verify(token, dashboard, leeway=0)
    assert refused.value.code == "token_not_yet_valid"


def test_verified_token_carries_the_time_claims_and_jti(dashboard: DashboardDef) -> None:
    verified = verify(sign(claims(exp=NOW + 600, nbf=NOW - 5, iat=NOW - 5, jti="t-1")), dashboard)
    assert (verified.exp, verified.nbf, verified.iat, verified.jti) == (
        NOW + 600,
        NOW - 5,
        NOW - 5,
        "t-1",
    )


def test_absent_optional_claims_are_none(dashboard: DashboardDef) -> None:
    verified = verify(sign(claims()), dashboard)
    assert (verified.nbf, verified.iat, verified.jti, dict(verified.env)) == (None, None, None, {})


def test_jti_that_is_not_a_string_is_ignored(dashboard: DashboardDef) -> None:
    assert verify(sign(claims(jti=123)), dashboard).jti is None


def test_env_values_are_converted_to_the_variable_types(dashboard: DashboardDef) -> None:
    env = {"TENANT": "42", "REGION": "EU", "ACTIVE": True, "SINCE": "2024-01-31"}
    verified = verify(sign(claims(env=env)), dashboard)
    assert dict(verified.env) == {
        "TENANT": 42,
        "REGION": ["EU"],
        "ACTIVE": True,
        "SINCE": dt.date(2024, 1, 31),
    }


def test_env_holds_only_the_variables_the_token_sets(dashboard: DashboardDef) -> None:
    assert dict(verify(sign(claims(env={"TENANT": 7})), dashboard).env) == {"TENANT": 7}


def test_env_of_a_verified_token_cannot_be_changed(dashboard: DashboardDef) -> None:
    verified = verify(sign(claims(env={"TENANT": 7})), dashboard)
    with pytest.raises(TypeError):
        verified.env["TENANT"] = 8  # type: ignore[index]


def test_unknown_env_variable_error_names_the_variable_briefly(dashboard: DashboardDef) -> None:
    with pytest.raises(DashletError) as refused:
        verify(sign(claims(env={"W" * 10_000: 1})), dashboard)
    assert refused.value.variable == "W" * 40  # type: ignore[attr-defined]


def test_previous_secret_is_accepted_only_when_given(dashboard: DashboardDef) -> None:
    token = sign(claims(), PREVIOUS_SECRET)
    keys = TokenKeys(SECRET.encode(), PREVIOUS_SECRET.encode())
    assert verify(token, dashboard, keys=keys).signed_with_previous is True
    with pytest.raises(DashletError, match="signature"):
        verify(token, dashboard, keys=TokenKeys(SECRET.encode()))


def test_current_secret_is_not_reported_as_previous(dashboard: DashboardDef) -> None:
    keys = TokenKeys(SECRET.encode(), PREVIOUS_SECRET.encode())
    assert verify(sign(claims()), dashboard, keys=keys).signed_with_previous is False


def test_unicode_secret_is_used_as_utf8_bytes(dashboard: DashboardDef) -> None:
    secret = "sécret-ünïcode-✓-" * 3
    token = sign(claims(), secret)
    assert verify(token, dashboard, keys=TokenKeys(secret.encode())).dashboard_id == DASHBOARD_ID


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(lambda: TokenKeys(b""), id="empty-current"),
        pytest.param(lambda: TokenKeys(SECRET.encode(), b""), id="empty-previous"),
    ],
)
def test_empty_secret_is_a_configuration_error(keys: object) -> None:
    with pytest.raises(ConfigError):
        keys()  # type: ignore[operator]


def test_keys_repr_hides_the_secrets() -> None:
    text = repr(TokenKeys(SECRET.encode(), PREVIOUS_SECRET.encode()))
    assert SECRET not in text
    assert PREVIOUS_SECRET not in text


def test_digest_is_sha256_of_signing_input_and_signature_bytes(dashboard: DashboardDef) -> None:
    token = sign(claims())
    header, payload, signature = token.split(".")
    signature_bytes = base64.urlsafe_b64decode(signature + "=")
    expected = hashlib.sha256(f"{header}.{payload}.".encode() + signature_bytes).hexdigest()
    assert verify(token, dashboard).digest == expected == token_digest(token)


def test_padded_signature_is_the_same_token(dashboard: DashboardDef) -> None:
    token = sign(claims())
    assert len(token.rsplit(".", 1)[1]) % 4 == 3  # 32 bytes: one "=" of padding
    assert verify(token + "=", dashboard).digest == verify(token, dashboard).digest
    assert token_digest(token + "=") == token_digest(token)


def test_non_canonical_signature_spelling_is_the_same_token(dashboard: DashboardDef) -> None:
    token = sign(claims())
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # The last of 43 characters holds 2 unused bits: flipping one spells the same bytes.
    respelled = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]
    assert respelled != token
    assert verify(respelled, dashboard).digest == verify(token, dashboard).digest


def test_different_tokens_have_different_digests(dashboard: DashboardDef) -> None:
    first = verify(sign(claims(jti="a")), dashboard)
    second = verify(sign(claims(jti="b")), dashboard)
    assert first.digest != second.digest


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("not-a-token", id="one-segment"),
        pytest.param("a.b.c.d", id="four-segments"),
        pytest.param(sign(claims()).replace(".", "=.", 1), id="padded-header"),
    ],
)
def test_token_digest_refuses_what_is_not_a_jws(token: str) -> None:
    with pytest.raises(DashletError) as refused:
        token_digest(token)
    assert refused.value.code == "token_malformed"
