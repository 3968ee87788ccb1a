"""Comments: threads anchored to a journey or to one element of its map, @mentions of the
journey's members, resolve and reopen.

A thread is a first comment and its replies (one level: a reply to a reply joins the same
thread). Resolving acts on the thread. A mention is ``@`` followed by a member's email, the part
of it before ``@``, or their name written without spaces (``@ana@example.org``, ``@ana``);
members are the users with a role on the journey (or on the workspace) and the admins. The
store keeps the text as written; showing it safely is the renderer's job
(:func:`parcours.render.comment_text.comment_html`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from parcours.errors import StoreError
from parcours.model import Journey
from parcours.model.text import Text
from parcours.store import schema as t
from parcours.store.access import WORKSPACE
from parcours.store.base import StoreBase
from parcours.store.records import ANCHOR_KINDS, Comment, User

#: The longest comment kept, in characters.
MAX_COMMENT = 10_000
_MENTION = re.compile(r"(?<![\w@.])@([\w.%+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
_C, _J, _U, _M, _G = t.comments.c, t.journeys.c, t.users.c, t.comment_mentions.c, t.grants.c
_RESOLVER = t.users.alias("resolver")


def mention_handles(user: User) -> set[str]:
    """What ``@...`` may say to mention ``user`` (lower case)."""
    handles = {user.email.lower(), user.email.split("@", 1)[0].lower()}
    if user.name:
        handles.add(re.sub(r"\s+", "", user.name).lower())
    return handles


def mentioned(body: str, members: Iterable[User]) -> list[User]:
    """The members that ``body`` mentions, in the order of their first mention."""
    by_handle: dict[str, User] = {}
    for user in members:
        for handle in mention_handles(user):
            by_handle.setdefault(handle, user)
    found: dict[int, User] = {}
    for match in _MENTION.finditer(body):
        named = by_handle.get(match.group(1).rstrip(".").lower())
        if named is not None:
            found.setdefault(named.id, named)
    return list(found.values())


class Comments(StoreBase):
    def members(self, journey: str) -> list[User]:
        """The users who may be mentioned on ``journey``: a role on it or on the workspace, or
        the admin flag; by email."""
        with self._read() as connection:
            self._journey_id(connection, journey)
            granted = sa.select(_G.user_id).where(_G.scope.in_([WORKSPACE, journey]))
            rows = connection.execute(
                sa.select(_U.id, _U.email, _U.name, _U.admin, _U.created_at)
                .where(sa.or_(_U.admin.is_(True), _U.id.in_(granted)))
                .order_by(_U.email)
            )
            return [User(r.id, r.email, r.name, bool(r.admin), r.created_at) for r in rows]

    def add_comment(
        self,
        journey: str,
        author_id: int | None,
        body: str,
        *,
        target: str = "",
        anchor_kind: str = "journey",
        parent_id: int | None = None,
    ) -> Comment:
        """A comment on ``journey``: on the whole map (``anchor_kind`` journey) or on one
        element (``anchor_kind`` stage, touchpoint, pain_point or opportunity, and its id
        ``target``); or a reply to comment ``parent_id`` (it takes the thread's anchor). The
        members it @mentions are recorded."""
        if not body.strip():
            raise StoreError("a comment needs some text")
        if len(body) > MAX_COMMENT:
            raise StoreError(
                f"a comment holds at most {MAX_COMMENT} characters, not {len(body)}; shorten it"
            )
        if anchor_kind not in ANCHOR_KINDS:
            raise StoreError(
                f"{anchor_kind!r} is not an anchor; use one of {', '.join(ANCHOR_KINDS)}"
            )
        if (anchor_kind == "journey") != (not target) or len(target) > 200:
            raise StoreError(
                f"a comment on a {anchor_kind} needs "
                + ("no element id" if anchor_kind == "journey" else "the element's id (target)")
            )
        members = self.members(journey)
        with self._write() as connection:
            journey_id = self._journey_id(connection, journey)
            if author_id is not None:
                self._user_exists(connection, author_id)
            if parent_id is not None:
                parent = connection.execute(
                    sa.select(_C.id, _C.parent_id, _C.anchor_kind, _C.target).where(
                        _C.id == parent_id, _C.journey_id == journey_id
                    )
                ).first()
                if parent is None:
                    raise StoreError(f"no comment {parent_id} on journey {journey!r} to reply to")
                parent_id = parent.parent_id or parent.id
                anchor_kind, target = parent.anchor_kind, parent.target
            comment_id = connection.execute(
                t.comments.insert()
                .values(
                    journey_id=journey_id,
                    author_id=author_id,
                    target=target,
                    anchor_kind=anchor_kind,
                    parent_id=parent_id,
                    body=body,
                    created_at=self.now(),
                )
                .returning(_C.id)
            ).scalar_one()
            for user in mentioned(body, members):
                connection.execute(
                    t.comment_mentions.insert().values(comment_id=comment_id, user_id=user.id)
                )
            return self._comments(connection, _C.id == comment_id)[0]

    def comment(self, comment_id: int) -> Comment | None:
        with self._read() as connection:
            found = self._comments(connection, _C.id == comment_id)
        return found[0] if found else None

    def comments(self, journey: str) -> list[Comment]:
        """The comments on ``journey``, oldest first."""
        with self._read() as connection:
            return self._comments(
                connection, _C.journey_id == self._journey_id(connection, journey)
            )

    def mentions_of(self, user_id: int) -> list[Comment]:
        """The comments that mention ``user_id``, on every journey, newest first."""
        with self._read() as connection:
            mentioning = sa.select(_M.comment_id).where(_M.user_id == user_id)
            found = self._comments(connection, _C.id.in_(mentioning))
        return sorted(found, key=lambda c: c.id, reverse=True)

    def resolve_comment(
        self, comment_id: int, user_id: int | None, *, resolved: bool = True
    ) -> Comment:
        """Resolve (or, with ``resolved`` False, reopen) the thread of ``comment_id``; its
        first comment, as it is now."""
        with self._write() as connection:
            row = connection.execute(
                sa.select(_C.id, _C.parent_id).where(_C.id == comment_id)
            ).first()
            if row is None:
                raise StoreError(f"no comment {comment_id}")
            root = row.parent_id or row.id
            if user_id is not None:
                self._user_exists(connection, user_id)
            connection.execute(
                t.comments.update()
                .where(_C.id == root)
                .values(
                    resolved_at=self.now() if resolved else None,
                    resolved_by=user_id if resolved else None,
                )
            )
            return self._comments(connection, _C.id == root)[0]

    def _comments(self, connection: sa.Connection, where: Any) -> list[Comment]:
        rows = connection.execute(
            sa.select(
                _C.id,
                _J.key,
                _C.author_id,
                _U.email,
                _C.target,
                _C.body,
                _C.created_at,
                _C.anchor_kind,
                _C.parent_id,
                _C.resolved_at,
                _RESOLVER.c.email.label("resolver"),
            )
            .join(t.journeys, _J.id == _C.journey_id)
            .outerjoin(t.users, _U.id == _C.author_id)
            .outerjoin(_RESOLVER, _RESOLVER.c.id == _C.resolved_by)
            .where(where)
            .order_by(_C.id)
        ).all()
        mentions: dict[int, list[str]] = {}
        if rows:
            found = connection.execute(
                sa.select(_M.comment_id, _U.email)
                .join(t.users, _U.id == _M.user_id)
                .where(_M.comment_id.in_([r.id for r in rows]))
                .order_by(_U.email)
            )
            for comment_id, email in found:
                mentions.setdefault(comment_id, []).append(email)
        return [
            Comment(
                r.id,
                r.key,
                r.author_id,
                r.email,
                r.target,
                r.body,
                r.created_at,
                r.anchor_kind,
                r.parent_id,
                r.resolved_at,
                r.resolver,
                tuple(mentions.get(r.id, ())),
            )
            for r in rows
        ]


def anchors_of(journey: Journey) -> list[tuple[str, str, Text]]:
    """What a comment on ``journey`` may be anchored to, in map order: (kind, id, name); the
    journey itself first (id "")."""
    found: list[tuple[str, str, Text]] = [("journey", "", journey.name)]
    for stage in journey.stages:
        found.append(("stage", stage.id, stage.name))
        found += [("touchpoint", tp.id, tp.name) for tp in stage.touchpoints]
        found += [("pain_point", p.id, p.description) for p in stage.pain_points]
    found += [("opportunity", o.id, o.title) for o in journey.opportunities]
    return found
