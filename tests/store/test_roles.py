"""The rule table, every role x action (no database)."""

from __future__ import annotations

import pytest

from parcours.store import RULES, Action, Role, allowed
from parcours.store.roles import strongest

A = Action
EXPECTED = {
    Role.OWNER: {A.VIEW, A.COMMENT, A.EDIT, A.REFRESH, A.MANAGE},
    Role.EDITOR: {A.VIEW, A.COMMENT, A.EDIT, A.REFRESH},
    Role.COMMENTER: {A.VIEW, A.COMMENT},
    Role.VIEWER: {A.VIEW},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_every_role_and_action(role: Role, action: Action) -> None:
    assert allowed(role, False, action) is (action in EXPECTED[role])
    assert allowed(role, True, action) is True  # an admin may do everything


@pytest.mark.parametrize("action", list(Action))
def test_no_role_may_do_nothing_but_an_admin_may(action: Action) -> None:
    assert allowed(None, False, action) is False
    assert allowed(None, True, action) is True


def test_the_table_covers_every_role_and_the_values_are_strings() -> None:
    assert set(RULES) == set(Role)
    assert [r.value for r in Role] == ["owner", "editor", "commenter", "viewer"]
    assert [a.value for a in Action] == ["view", "comment", "edit", "refresh", "manage"]
    assert allowed("editor", False, "edit")  # type: ignore[arg-type]


def test_strongest() -> None:
    assert strongest(None, None) is None
    assert strongest(Role.VIEWER, None, Role.EDITOR) is Role.EDITOR
    assert strongest(Role.OWNER, Role.COMMENTER) is Role.OWNER
