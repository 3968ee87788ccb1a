"""What the store returns: frozen records with ``to_dict()``, never database rows or ORM
objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import cached_property
from typing import Any

from parcours.model import Journey, parse_journey
from parcours.model.diff import JourneyDiff
from parcours.model.documents import Format
from parcours.model.vocabulary import Status
from parcours.store.roles import Role, strongest

#: The states of a tracked opportunity: the map's own (idea, planned, in_progress, done, dropped).
OPPORTUNITY_STATUSES: tuple[str, ...] = tuple(status.value for status in Status)
#: What a comment may be anchored to: the whole journey or one element of its map.
ANCHOR_KINDS: tuple[str, ...] = ("journey", "stage", "touchpoint", "pain_point", "opportunity")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True)
class User(_Record):
    id: int
    email: str
    name: str | None
    admin: bool
    created_at: datetime


@dataclass(frozen=True)
class Session(_Record):
    """A server-side login session; its token is given once, at opening, and stored hashed."""

    id: int
    user_id: int
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Grant(_Record):
    """A role for a user, on one journey or (``journey`` None) on the whole workspace."""

    user_id: int
    role: Role
    journey: str | None


@dataclass(frozen=True)
class Visit(_Record):
    """A live session, its user and the user's roles, as one read of the store gives them."""

    user: User
    session: Session
    grants: tuple[Grant, ...]

    def role(self, journey: str | None) -> Role | None:
        """The user's role on ``journey``: the stronger of their workspace role and their role
        on that journey (the workspace role alone when ``journey`` is None)."""
        return strongest(*(g.role for g in self.grants if g.journey in (None, journey)))


@dataclass(frozen=True)
class JourneyRecord(_Record):
    key: str
    format: Format
    title_fr: str
    title_en: str
    latest: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class VersionInfo(_Record):
    number: int
    author: str | None  # the author's email; None for an import or a removed account
    message: str
    created_at: datetime


@dataclass(frozen=True)
class JourneyVersion(_Record):
    """One version of a journey: its file text exactly as imported, and the parsed map."""

    key: str
    number: int
    text: str
    format: Format
    author: str | None
    message: str
    created_at: datetime
    sha256: str = field(repr=False)

    @cached_property
    def journey(self) -> Journey:
        return parse_journey(self.text, f"{self.key}.{self.format}", self.format)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in super().to_dict().items() if k != "sha256"}


@dataclass(frozen=True)
class VersionDiff(_Record):
    """What changed from version ``old`` to version ``new`` of a journey."""

    key: str
    old: int
    new: int
    diff: JourneyDiff

    def to_text(self) -> str:
        return f"{self.key}: version {self.old} -> {self.new}\n{self.diff.to_text()}"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "old": self.old, "new": self.new, **self.diff.to_dict()}


@dataclass(frozen=True)
class ShareLink(_Record):
    """A read-only link to one journey; its token is given once, at creation, stored hashed."""

    id: int
    journey: str
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class Comment(_Record):
    """A comment on a journey, anchored to the journey (``target`` "") or to one element of
    its map (``anchor_kind`` and its id ``target``); a reply names its thread's first comment
    (``parent_id``). ``mentions`` are the emails of the members it mentions."""

    id: int
    journey: str
    author_id: int | None
    author: str | None
    target: str
    body: str
    created_at: datetime
    anchor_kind: str = "journey"
    parent_id: int | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    mentions: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


@dataclass(frozen=True)
class TrackedOpportunity(_Record):
    """The follow-up of one opportunity of a journey map (by the opportunity's id)."""

    journey: str
    key: str
    status: str
    owner_id: int | None
    due: date | None
    updated_at: datetime
    #: the board's placement, 1-5 (None: the map's own)
    importance: int | None = None
    urgency: int | None = None
    #: the day its status became done
    done_on: date | None = None


@dataclass(frozen=True)
class AcceptedFinding(_Record):
    """A finding accepted in one step: version ``version`` of the journey holds its pain point
    (on ``stage``) and the opportunity that addresses it, which is tracked."""

    journey: str
    finding: str
    version: int
    stage: str
    pain_point: str
    opportunity: str
