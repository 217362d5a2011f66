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
        for size in range(length * 3 // 4 - 200, length):
            token = sign(claims(padding="x" * size), headers={"kid": "k" * kid})
            if len(token) >= length:
                break
        if len(token) == length:
            return token
    raise AssertionError(f"no token of {length} bytes")


# Every refusal code with the tokens that must get it (codes in the order their checks run).
REFUSED_BY_CODE: dict[str, dict[str, str | None]] = {
    "token_missing": {
        "none": None,
        "empty": "",
    },
    "token_too_large": {
        "8193-bytes": token_of_length(MAX_TOKEN_BYTES + 1),
        "4097-chars-8194-bytes": "é" * 4097,
        "too-large-before-shape": "!" * 9000,
        "env-10000-char-name": forge_claims(claims(env={"W" * 10_000: 1})),
    },
    "token_malformed": {
        "two-segments": "abc.def",
        "four-segments": sign(claims()) + ".x",
        "empty-payload": f"{segment(HS256)}..sig",
        "leading-space": " " + sign(claims()),
        "trailing-newline": sign(claims()) + "\n",
        "bearer-prefix": "Bearer " + sign(claims()),
        "standard-b64-char": sign(claims()).replace("J", "+", 1),
        "padded-header": segment(HS256) + "=." + segment(VALID) + ".AAAA",
        "padded-payload": segment(HS256) + "." + segment(VALID) + "=.AAAA",
        "signature-over-padded": sign(claims()) + "==",
        "signature-4n+1": f"{segment(HS256)}.{segment(VALID)}.AAAAA",
        "padding-only": f"{segment(HS256)}.{segment(VALID)}.=",
        "payload-4n+1": f"{segment(HS256)}.AAAAA.AAAA",
        "non-ascii-letter": f"{segment(HS256)}.{segment(VALID)}.ÄAAA",
        "header-not-json": forge("not json", VALID),
        "header-array": forge('["HS256"]', VALID),
        "header-duplicate-alg": forge('{"alg":"HS256","alg":"none"}', VALID),
        "header-nan": forge('{"alg":"HS256","x":NaN}', VALID),
        "header-crit": forge('{"alg":"HS256","crit":["exp"]}', VALID),
        "header-crit-null": forge('{"alg":"HS256","crit":null}', VALID),
        "header-not-utf8": forge(b'{"alg":"HS256","x":"\xff"}', VALID),
        "header-bom": forge("\ufeff" + HS256, VALID),
        "payload-not-json": forge(HS256, "not json"),
        "payload-array": forge(HS256, "[1, 2]"),
        "payload-string": forge(HS256, '"text"'),
        "payload-null": forge(HS256, "null"),
        "duplicate-organization": forge(HS256, VALID[:-1] + ', "organization": 1}'),
        "duplicate-exp": forge(HS256, VALID[:-1] + ', "exp": 1e15}'),
        "duplicate-env-name": forge(HS256, '{"env": {"TENANT": 1, "TENANT": 2}}'),
        "exp-nan": forge(HS256, VALID.replace(f"{NOW + 600}", "NaN")),
        "exp-infinity": forge(HS256, VALID.replace(f"{NOW + 600}", "Infinity")),
        "exp-1e400": forge(HS256, VALID.replace(f"{NOW + 600}", "1e400")),
        "exp-minus-1e400": forge(HS256, VALID.replace(f"{NOW + 600}", "-1e400")),
        "deep-nesting": forge(HS256, "[" * 3000 + "]" * 3000),
        "5000-digit-number": forge(HS256, '{"x": ' + "9" * 5000 + "}"),
        "payload-not-utf8": forge(HS256, b"\xff\xfe{}"),
        "organization-true": forge_claims(claims(organization=True)),
        "organization-float": forge_claims(claims(organization=float(ORGANIZATION_ID))),
        "organization-space": forge_claims(claims(organization=f" {ORGANIZATION_ID}")),
        "organization-1e3": forge_claims(claims(organization="1e3")),
        "organization-plus": forge_claims(claims(organization=f"+{ORGANIZATION_ID}")),
        "organization-empty-string": forge_claims(claims(organization="")),
        "organization-arabic-digits": forge_claims(claims(organization="٤٥٥٤٦")),
        "organization-null": forge_claims(claims(organization=None)),
        "organization-list": forge_claims(claims(organization=[ORGANIZATION_ID])),
        "organization-missing": forge_claims(claims(organization=...)),
        "organization-5000-digits": forge_claims(claims(organization="1" * 5000)),
        "dashboard-true": forge_claims(claims(dashboard=True)),
        "dashboard-float": forge_claims(claims(dashboard=3.0)),
        "dashboard-space": forge_claims(claims(dashboard="3 ")),
        "dashboard-missing": forge_claims(claims(dashboard=...)),
        "exp-string": forge_claims(claims(exp=str(int(NOW + 600)))),
        "exp-true": forge_claims(claims(exp=True)),
        "exp-false": forge_claims(claims(exp=False)),
        "exp-list": forge_claims(claims(exp=[NOW + 600])),
        "exp-object": forge_claims(claims(exp={"at": NOW + 600})),
        "nbf-string": forge_claims(claims(nbf=str(int(NOW)))),
        "nbf-null": forge_claims(claims(nbf=None)),
        "iat-true": forge_claims(claims(iat=True)),
        "iat-list": forge_claims(claims(iat=[NOW])),
        "env-list": forge_claims(claims(env=[["TENANT", 1]])),
        "env-string": forge_claims(claims(env="TENANT=1")),
        "env-null": forge_claims(claims(env=None)),
        "env-number": forge_claims(claims(env=1)),
    },
    "token_algorithm": {
        "alg-none": forge('{"alg":"none"}', VALID, secret=None),
        "alg-None": forge('{"alg":"None"}', VALID, secret=None),
        "alg-HS512": sign(claims(), SECRET * 2, algorithm="HS512"),
        "alg-RS256": forge('{"alg":"RS256"}', VALID),
        "alg-missing": forge('{"typ":"JWT"}', VALID),
        "alg-lowercase": forge('{"alg":"hs256"}', VALID),
        "alg-list": forge('{"alg":["HS256"]}', VALID),
        "alg-before-signature": forge('{"alg":"none"}', "not json", secret=OTHER_SECRET),
    },
    "token_bad_signature": {
        "other-secret": sign(claims(), OTHER_SECRET),
        "previous-secret-not-given": sign(claims(), PREVIOUS_SECRET),
        "expired-and-bad-signature": sign(claims(exp=NOW - 3600), OTHER_SECRET),
        "bad-payload-and-bad-signature": forge(HS256, "not json", OTHER_SECRET),
        "hs256-empty-signature": forge(HS256, VALID, secret=None),
        "truncated-signature": sign(claims())[:-4],
    },
    "token_wrong_organization": {
        "organization-other": forge_claims(claims(organization=ORGANIZATION_ID + 1)),
        "organization-negative": forge_claims(claims(organization=-ORGANIZATION_ID)),
        "organization-other-string": forge_claims(claims(organization=str(ORGANIZATION_ID + 1))),
        "organization-before-dashboard": forge_claims(claims(organization=1, dashboard=4)),
    },
    "token_wrong_dashboard": {
        "dashboard-other": forge_claims(claims(dashboard=4)),
    },
    "token_exp_missing": {
        "exp-absent": forge_claims(claims(exp=...)),
        "exp-null": forge_claims(claims(exp=None)),
    },
    "token_exp_too_far": {
        "exp-1e20": forge_claims(claims(exp=1e20)),
        "exp-10**400": forge_claims(claims(exp=10**400)),
        "exp-milliseconds": forge_claims(claims(exp=int(NOW + 600) * 1000)),
        "exp-beyond-24h-and-leeway": forge_claims(claims(exp=NOW + 86400 + 61)),
    },
    "token_expired": {
        "exp-past-leeway": forge_claims(claims(exp=NOW - 61)),
        "exp-at-leeway": forge_claims(claims(exp=NOW - 60)),
        "exp-minus-10**400": forge_claims(claims(exp=-(10**400))),
        "exp-zero": forge_claims(claims(exp=0)),
    },
    "token_not_yet_valid": {
        "nbf-future": forge_claims(claims(nbf=NOW + 61)),
        "nbf-10**400": forge_claims(claims(nbf=10**400)),
        "iat-future": forge_claims(claims(iat=NOW + 61)),
    },
    "unknown_variable": {
        "env-unknown": forge_claims(claims(env={"TENANTS": 1})),
        "env-wrong-case": forge_claims(claims(env={"tenant": 1})),
        "env-empty-name": forge_claims(claims(env={"": 1})),
        "env-unknown-5000-chars": forge_claims(claims(env={"W" * 5_000: 1})),
    },
    "invalid_variable_value": {
        "env-value-null": forge_claims(claims(env={"TENANT": None})),
        "env-multi-value-null": forge_claims(claims(env={"REGION": None})),
        "env-value-object": forge_claims(claims(env={"TENANT": {"id": 1}})),
        "env-list-of-lists": forge_claims(claims(env={"REGION": [["EU"]]})),
        "env-list-of-objects": forge_claims(claims(env={"REGION": [{"x": "EU"}]})),
        "env-list-with-null": forge_claims(claims(env={"REGION": ["EU", None]})),
        "env-list-for-single": forge_claims(claims(env={"TENANT": [1, 2]})),
        "env-wrong-type": forge_claims(claims(env={"TENANT": "abc"})),
        "env-true-for-integer": forge_claims(claims(env={"TENANT": True})),
        "env-bad-date": forge_claims(claims(env={"SINCE": "31/01/2024"})),
    },
}
REFUSED = [
    pytest.param(token, code, id=name)
    for code, tokens in REFUSED_BY_CODE.items()
    for name, token in tokens.items()
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
    pytest.param(
        claims(sub="user-1", aud=["x"], iss=1, extra={"a": [1]}), id="other-claims-ignored"
    ),
    pytest.param(claims(env={UNICODE_NAME: "Île-de-France ✓"}), id="env-unicode-name"),
    pytest.param(claims(env={LONG_NAME: "x" * 100}), id="env-5000-char-name"),
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
        verify(sign(claims(env={"W" * 5_000: 1})), dashboard)
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
    ("current", "previous"),
    [
        pytest.param(b"", None, id="empty-current"),
        pytest.param(SECRET.encode(), b"", id="empty-previous"),
    ],
)
def test_empty_secret_is_a_configuration_error(current: bytes, previous: bytes | None) -> None:
    with pytest.raises(ConfigError):
        TokenKeys(current, previous)


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
