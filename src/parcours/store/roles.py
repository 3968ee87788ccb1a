"""Who may do what: roles, actions and the one rule table that every check reads.

An account flagged ``admin`` may do everything. Otherwise a user holds at most one role on the
whole workspace and one per journey; the stronger of the two applies to that journey.

=========  ====  =======  ====  =======  ======
role       view  comment  edit  refresh  manage
=========  ====  =======  ====  =======  ======
owner      yes   yes      yes   yes      yes
editor     yes   yes      yes   yes      no
commenter  yes   yes      no    no       no
viewer     yes   no       no    no       no
=========  ====  =======  ====  =======  ======

``manage`` covers grants, share links and restoring a version.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role on the workspace or on one journey, weakest last."""

    OWNER = "owner"
    EDITOR = "editor"
    COMMENTER = "commenter"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        """Higher is stronger: viewer 1 ... owner 4."""
        return len(Role) - list(Role).index(self)


class Action(StrEnum):
    VIEW = "view"
    COMMENT = "comment"
    EDIT = "edit"
    REFRESH = "refresh"  # run ingest + measure again
    MANAGE = "manage"  # grants, share links, restore a version


#: The rule table: what each role may do.
RULES: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.EDITOR: frozenset({Action.VIEW, Action.COMMENT, Action.EDIT, Action.REFRESH}),
    Role.COMMENTER: frozenset({Action.VIEW, Action.COMMENT}),
    Role.VIEWER: frozenset({Action.VIEW}),
}


def allowed(role: Role | None, admin: bool, action: Action) -> bool:
    """True when a user with ``role`` (None: no role) and the ``admin`` flag may do ``action``."""
    if admin:
        return True
    return role is not None and Action(action) in RULES[Role(role)]


def strongest(*roles: Role | None) -> Role | None:
    """The strongest of ``roles``, None when there is none."""
    held = [Role(r) for r in roles if r is not None]
    return max(held, key=lambda r: r.rank) if held else None
