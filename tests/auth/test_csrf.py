import pytest

from dashlet.auth.csrf import check_csrf, check_origin, csrf_token
from dashlet.errors import AccessDenied


def test_the_token_is_bound_to_the_session() -> None:
    assert csrf_token("session-one") != csrf_token("session-two")
    assert csrf_token("session-one") == csrf_token("session-one")


def test_the_token_does_not_reveal_the_session() -> None:
    assert "session-one" not in csrf_token("session-one")


def test_the_matching_token_passes() -> None:
    check_csrf("session-one", csrf_token("session-one"))


@pytest.mark.parametrize("presented", [None, "", "nope", csrf_token("session-two")])
def test_a_missing_or_foreign_token_is_refused(presented: str | None) -> None:
    with pytest.raises(AccessDenied) as refused:
        check_csrf("session-one", presented)
    assert refused.value.code == "csrf_failed"


@pytest.mark.parametrize("origin", [None, "https://dashlet.example", "http://DASHLET.example"])
def test_no_origin_or_our_own_passes(origin: str | None) -> None:
    check_origin(origin, ["dashlet.example"])


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://dashlet.example:8443"])
def test_another_origin_is_refused(origin: str) -> None:
    with pytest.raises(AccessDenied) as refused:
        check_origin(origin, ["dashlet.example"])
    assert refused.value.code == "csrf_failed"
