"""Saving an edit of a journey when others may have saved since: optimistic concurrency with
a three-way merge.

::

    outcome = save_edit(store, "shop", text, base=7, author_id=lea.id, message="panier")
    if isinstance(outcome, Saved):      # version 8, or a merge with what others saved since 7
        outcome.version.number, outcome.merged
    else:                               # Conflicted: the same things changed on both sides
        outcome.merge.conflicts         # settle each, then save_edit(..., choices={path: side})

The web app (``PUT /api/journeys/{key}``, the editor, the merge page) and scripts all save
through :func:`save_edit`; nothing is written when the outcome is a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parcours.data.workspace import Workspace
from parcours.errors import VersionConflict
from parcours.model import Journey, dump_journey, parse_journey
from parcours.model.documents import Format
from parcours.model.merge import Merge, Side, merge_journeys
from parcours.store.journeys import guess_format
from parcours.store.records import JourneyVersion
from parcours.store.store import Store

#: A merged edit that finds yet another newer version when saved is merged again, this many
#: times at most (then VersionConflict: others keep saving faster than the merge).
ATTEMPTS = 20


def etag(number: int) -> str:
    """The entity tag of version ``number`` of a journey: ``"v12"``."""
    return f'"v{number}"'


@dataclass(frozen=True)
class Saved:
    """The edit is the new latest version; ``merged`` when it was merged with versions saved
    since ``base`` (then ``version`` holds both)."""

    version: JourneyVersion
    base: int
    merged: bool = False

    @property
    def etag(self) -> str:
        return etag(self.version.number)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.version.key,
            "version": self.version.number,
            "etag": self.etag,
            "base": self.base,
            "merged": self.merged,
        }


@dataclass(frozen=True)
class Conflicted:
    """Nothing was saved: since ``base``, version ``latest`` changed what the edit changed.
    ``merge`` proposes the merged map (theirs kept where they conflict) and lists the
    conflicts; ``mine`` is the edit, to save again once each conflict is settled."""

    key: str
    base: int
    latest: int
    mine: Journey
    merge: Merge

    @property
    def etag(self) -> str:
        return etag(self.latest)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "base": self.base,
            "latest": self.latest,
            "etag": self.etag,
            "merge": self.merge.to_dict(),
        }


def save_edit(
    store: Store,
    key: str,
    edit: str | Journey,
    base: int,
    author_id: int | None,
    message: str = "",
    *,
    choices: Mapping[str, Side] | None = None,
    workspace: Workspace | None = None,
) -> Saved | Conflicted:
    """Save ``edit`` (a journey file's text, or a map) as an edit of version ``base`` of
    journey ``key`` (0: a new journey). When others saved since ``base``, the edit is merged
    with the latest version (:func:`~parcours.model.merge.merge_journeys`) and the merge is
    saved when nothing conflicts, or when ``choices`` settles every conflict; otherwise nothing
    is written and the conflicts come back. With ``workspace``, the saved text is also written
    to the workspace's file of that journey (so that the workspace and the store agree).

    A text that is not a valid map raises the located JourneyError of the parser; a ``base``
    that the journey never had raises StoreError; a stale ``base`` of 0 (someone created the
    journey meanwhile) raises VersionConflict."""
    record = store.journey(key)
    fmt: Format = record.format if record else "yaml"
    if isinstance(edit, str):
        text = edit
        mine = parse_journey(text, f"{key}.{guess_format(text)}", guess_format(text))
        if guess_format(text) != fmt:
            text = dump_journey(mine, fmt)
    else:
        mine, text = edit, dump_journey(edit, fmt)
    expected, merged = base, False
    for _ in range(ATTEMPTS):
        try:
            version = store.import_journey(
                key, text, author_id=author_id, message=message, fmt=fmt, expected=expected
            )
        except VersionConflict as conflict:
            if base == 0:
                raise
            theirs = store.version(key, conflict.latest).journey
            merge = merge_journeys(store.version(key, base).journey, mine, theirs, choices=choices)
            if merge.conflicts:
                return Conflicted(key, base, conflict.latest, mine, merge)
            text, expected, merged = dump_journey(merge.journey, fmt), conflict.latest, True
            continue
        if workspace is not None:
            store.write_back(key, workspace)
        return Saved(version, base, merged)
    raise VersionConflict(key, expected, store.journey(key).latest)  # type: ignore[union-attr]
