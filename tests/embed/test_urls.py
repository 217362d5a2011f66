"""Signing 2.0 embed URLs and tokens for host applications."""

from __future__ import annotations

import datetime as dt
import secrets
import time
import warnings
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

import dashlet
from dashlet.embed.urls import (
    URL_LENGTH_LIMIT,
    UrlLengthWarning,
    sign_embed_token,
    sign_embed_url,
)


@pytest.fixture
def secret() -> str:
    return secrets.token_urlsafe(32)


def token_of(url: str) -> str:
    (token,) = parse_qs(urlsplit(url).query)["embed_token"]
    return token


def test_public_api_is_sign_embed_url_and_version() -> None:
    assert sorted(dashlet.__all__) == ["__version__", "sign_embed_url"]
    assert dashlet.sign_embed_url is sign_embed_url


def test_url_is_base_d_org_dashboard_with_the_token(secret: str) -> None:
    url = sign_embed_url("https://dash.example.com/", "acme", "sales", 3, 9, secret)
    prefix = "https://dash.example.com/d/acme/sales?embed_token="
    assert url.startswith(prefix)
    assert url.removeprefix(prefix).count(".") == 2


def test_token_carries_organization_dashboard_and_env(secret: str) -> None:
    env = {"TENANT": 7, "REGION": ["EU", "US"], "ACTIVE": True}
    url = sign_embed_url("http://127.0.0.1:8000", "acme", "sales", 3, 9, secret, env)
    claims = jwt.decode(token_of(url), secret, algorithms=["HS256"])
    assert (claims["organization"], claims["dashboard"], claims["env"]) == (3, 9, env)


def test_token_is_hs256(secret: str) -> None:
    token = sign_embed_token(3, 9, secret)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_token_without_env_has_no_env_claim(secret: str) -> None:
    claims = jwt.decode(sign_embed_token(3, 9, secret), secret, algorithms=["HS256"])
    assert "env" not in claims


def test_exp_is_now_plus_ttl_and_iat_is_now(secret: str) -> None:
    token = sign_embed_token(3, 9, secret, ttl=600, now=1_700_000_000.7)
    claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
    assert (claims["iat"], claims["exp"]) == (1_700_000_000, 1_700_000_600)


def test_url_token_expires_after_the_default_hour(secret: str) -> None:
    before = int(time.time())
    claims = jwt.decode(
        token_of(sign_embed_url("http://h", "acme", "sales", 3, 9, secret)),
        secret,
        algorithms=["HS256"],
    )
    assert before + 3600 <= claims["exp"] <= time.time() + 3600


def test_dates_are_signed_as_iso_text(secret: str) -> None:
    env = {"DAY": dt.date(2026, 1, 31), "AT": dt.datetime(2026, 1, 31, 9, 30)}
    claims = jwt.decode(sign_embed_token(3, 9, secret, env), secret, algorithms=["HS256"])
    assert claims["env"] == {"DAY": "2026-01-31", "AT": "2026-01-31T09:30:00"}


def test_a_non_finite_env_number_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        sign_embed_token(3, 9, secret, {"SHARE": float("nan")})


@pytest.mark.parametrize("ttl", [1, 86_400])
def test_ttl_from_one_second_to_24_hours_is_allowed(secret: str, ttl: int) -> None:
    token = sign_embed_token(3, 9, secret, ttl=ttl, now=1_700_000_000)
    claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["exp"] == 1_700_000_000 + ttl


@pytest.mark.parametrize("ttl", [0, -60, 86_401, 10**12])
def test_ttl_outside_one_second_to_24_hours_is_refused(secret: str, ttl: int) -> None:
    with pytest.raises(ValueError, match="from 1 to 86400"):
        sign_embed_url("http://h", "acme", "sales", 3, 9, secret, ttl=ttl)


def url_with_padding(secret: str, padding: int) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UrlLengthWarning)
        return sign_embed_url("http://h", "acme", "sales", 3, 9, secret, {"NOTE": "x" * padding})


def longest_padding_within_limit(secret: str) -> int:
    padding = 1000
    while len(url_with_padding(secret, padding + 1)) <= URL_LENGTH_LIMIT:
        padding += 1
    return padding


def test_url_within_2038_characters_does_not_warn(secret: str) -> None:
    padding = longest_padding_within_limit(secret)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UrlLengthWarning)
        url = sign_embed_url("http://h", "acme", "sales", 3, 9, secret, {"NOTE": "x" * padding})
    assert URL_LENGTH_LIMIT - 4 < len(url) <= URL_LENGTH_LIMIT


def test_url_past_2038_characters_warns_with_its_length_and_env_share(secret: str) -> None:
    padding = longest_padding_within_limit(secret) + 1
    with pytest.warns(UrlLengthWarning, match=r"is 20\d\d characters long.*env takes about") as w:
        url = sign_embed_url("http://h", "acme", "sales", 3, 9, secret, {"NOTE": "x" * padding})
    assert str(len(url)) in str(w[0].message)
