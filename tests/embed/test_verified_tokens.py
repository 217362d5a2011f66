"""The per-process memo of verified tokens never changes a verdict, only its cost."""

import time

import jwt
import pytest

from dashlet.embed.tokens import TokenKeys, VerifiedTokens
from dashlet.errors import Refusal
from dashlet.store.definitions import DashboardDef, EmbedSettings, SourceDef, VariableDef

SECRET = b"s" * 43
DASHBOARD = DashboardDef(
    id=3,
    organization_id=1,
    slug="sales",
    title="Sales",
    source=SourceDef(id=1, organization_id=1, name="w", url="sqlite://"),
    embed=EmbedSettings(enabled=True),
    variables=(VariableDef("TENANT", "integer", hidden=True, required=True),),
)


def sign(exp: float, secret: bytes = SECRET) -> str:
    claims = {"organization": 1, "dashboard": 3, "exp": exp, "env": {"TENANT": 1}}
    return jwt.encode(claims, secret, "HS256")


def verify(
    memo: VerifiedTokens,
    token: str,
    now: float,
    keys: TokenKeys | None = None,
    dashboard: DashboardDef = DASHBOARD,
) -> object:
    return memo.verify(
        token,
        keys=keys or TokenKeys(SECRET),
        organization_id=1,
        dashboard=dashboard,
        now=now,
        leeway=0,
    )


def test_a_token_verified_once_is_answered_from_the_memo() -> None:
    memo, now = VerifiedTokens(), time.time()
    token = sign(now + 600)
    assert verify(memo, token, now) is verify(memo, token, now + 1)


def test_a_remembered_token_still_expires() -> None:
    memo, now = VerifiedTokens(), time.time()
    token = sign(now + 600)
    verify(memo, token, now)
    with pytest.raises(Refusal) as refused:
        verify(memo, token, now + 601)
    assert refused.value.code == "token_expired"


def test_new_keys_mean_a_full_check_again() -> None:
    memo, now = VerifiedTokens(), time.time()
    token = sign(now + 600)
    verify(memo, token, now)
    with pytest.raises(Refusal) as refused:
        verify(memo, token, now, keys=TokenKeys(b"n" * 43))
    assert refused.value.code == "token_bad_signature"


def test_a_changed_dashboard_means_a_full_check_again() -> None:
    memo, now = VerifiedTokens(), time.time()
    token = sign(now + 600)
    verify(memo, token, now)
    changed = DashboardDef(**{**DASHBOARD.__dict__, "version": 2, "variables": ()})
    with pytest.raises(Exception, match="does not declare"):
        verify(memo, token, now, dashboard=changed)


def test_refused_tokens_are_not_remembered() -> None:
    memo, now = VerifiedTokens(), time.time()
    token = sign(now - 10)
    for _ in range(2):
        with pytest.raises(Refusal):
            verify(memo, token, now)


def test_the_memo_is_bounded() -> None:
    memo, now = VerifiedTokens(limit=3), time.time()
    for i in range(10):
        verify(memo, sign(now + 600 + i), now)
    assert len(memo._verified) <= 3
