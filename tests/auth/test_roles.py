import pytest

from dashlet.auth.roles import ROLE_ACTIONS, Action, allows, require
from dashlet.errors import AccessDenied
from dashlet.store.models import ROLES


def test_the_role_table_covers_exactly_the_stored_roles() -> None:
    assert tuple(ROLE_ACTIONS) == ROLES


def test_each_role_may_do_everything_the_role_below_it_may() -> None:
    assert ROLE_ACTIONS["viewer"] < ROLE_ACTIONS["editor"] < ROLE_ACTIONS["owner"]


def test_an_owner_may_do_every_action() -> None:
    assert all(allows("owner", action) for action in Action)


@pytest.mark.parametrize(
    "action",
    [Action.MANAGE_SECRET, Action.MANAGE_EMBED, Action.SIGN_EMBED_URLS, Action.MANAGE_API_KEYS],
)
def test_only_owners_touch_the_secret_embedding_and_keys(action: Action) -> None:
    assert [role for role in ROLES if allows(role, action)] == ["owner"]


def test_editors_apply_dashboards_and_viewers_only_read_them() -> None:
    assert allows("editor", Action.APPLY_DASHBOARDS)
    assert not allows("viewer", Action.APPLY_DASHBOARDS)
    assert allows("viewer", Action.READ_DASHBOARDS)


def test_an_unknown_role_may_do_nothing() -> None:
    assert not any(allows("admin", action) for action in Action)


def test_a_refusal_says_which_roles_may() -> None:
    with pytest.raises(AccessDenied) as refused:
        require("editor", Action.MANAGE_SECRET)
    assert refused.value.code == "forbidden"
    assert refused.value.status == 403
    assert "needs owner" in refused.value.message
