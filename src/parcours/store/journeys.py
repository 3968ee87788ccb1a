"""Journeys and their versions. The text of each version is the journey file exactly as it was
imported (YAML with its comments, or JSON): exporting gives back the same bytes. A version is
made only when the text changes; restoring an old version makes a new one."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from parcours.data.workspace import Workspace
from parcours.errors import StoreError, VersionConflict
from parcours.model import Journey, Lang, localize, parse_journey
from parcours.model.diff import diff_journeys
from parcours.model.documents import Format, format_of
from parcours.model.limits import decode
from parcours.store import schema as t
from parcours.store.base import StoreBase, check_key, sha256
from parcours.store.records import JourneyRecord, JourneyVersion, VersionDiff, VersionInfo

_J, _V, _U = t.journeys.c, t.journey_versions.c, t.users.c


def guess_format(text: str) -> Format:
    """``json`` when the text starts with ``{`` (after spaces and a byte-order mark), else
    ``yaml``."""
    return "json" if text.lstrip("\ufeff \t\r\n").startswith("{") else "yaml"


def _record(row: Any) -> JourneyRecord:
    return JourneyRecord(
        row.key, row.format, row.title_fr, row.title_en, row.latest, row.created_at, row.updated_at
    )


def _version(key: str, fmt: Format, row: Any) -> JourneyVersion:
    return JourneyVersion(
        key, row.number, row.text, fmt, row.email, row.message, row.created_at, row.sha256
    )


class Journeys(StoreBase):
    def import_journey(
        self,
        key: str,
        text: str,
        *,
        author_id: int | None,
        message: str = "",
        fmt: Format | None = None,
        expected: int | None = None,
        journey: Journey | None = None,
    ) -> JourneyVersion:
        """Store ``text`` (a journey file's content) as the next version of journey ``key``
        when it differs from the latest; the latest version otherwise. The text is checked
        with the journey parser first: a located JourneyError when it is not a valid map.
        ``fmt`` defaults to the journey's format, or to a guess from the text. With ``expected``
        (the version the text is an edit of; 0 for a new journey), a VersionConflict is raised,
        and nothing written, when another version was saved since. ``journey``: the map the
        text was dumped from (``dump_journey``), when the caller has it: not parsed again."""
        check_key(key)
        with self._read() as connection:
            existing = connection.execute(sa.select(_J.id, _J.format).where(_J.key == key)).first()
        fmt = fmt or (existing.format if existing else guess_format(text))
        if fmt not in ("yaml", "json"):
            raise StoreError(f"{fmt!r} is not a journey format; use 'yaml' or 'json'")
        if journey is None:
            journey = parse_journey(text, f"{key}.{fmt}", fmt)
        digest = sha256(text)
        titles = {
            "title_fr": localize(journey.name, Lang.FR),
            "title_en": localize(journey.name, Lang.EN),
        }
        for attempt in range(3):  # two first imports of one key at once: one retries
            try:
                return self._store_version(
                    key, text, fmt, digest, titles, author_id, message, expected
                )
            except sa.exc.IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError  # pragma: no cover

    def _store_version(
        self,
        key: str,
        text: str,
        fmt: Format,
        digest: str,
        titles: dict[str, str],
        author_id: int | None,
        message: str,
        expected: int | None,
    ) -> JourneyVersion:
        """Insert the version in one transaction that locks the journey's row."""
        now = self.now()
        with self._write() as connection:
            row = connection.execute(
                sa.select(_J.id, _J.latest).where(_J.key == key).with_for_update()
            ).first()
            latest = 0 if row is None else row.latest
            if expected is not None and expected != latest:
                raise VersionConflict(key, expected, latest)
            if row is None:
                journey_id = connection.execute(
                    t.journeys.insert()
                    .values(key=key, format=fmt, latest=0, created_at=now, updated_at=now, **titles)
                    .returning(_J.id)
                ).scalar_one()
                number = 1
            else:
                journey_id = row.id
                same = connection.execute(
                    sa.select(_V.sha256).where(_V.journey_id == journey_id, _V.number == latest)
                ).scalar()
                if same == digest:
                    return self._version_in(connection, key, latest)
                number = latest + 1
            if author_id is not None:
                self._user_exists(connection, author_id)
            connection.execute(
                t.journey_versions.insert().values(
                    journey_id=journey_id,
                    number=number,
                    text=text,
                    sha256=digest,
                    author_id=author_id,
                    message=message,
                    created_at=now,
                )
            )
            connection.execute(
                t.journeys.update()
                .where(_J.id == journey_id)
                .values(latest=number, format=fmt, updated_at=now, **titles)
            )
            return self._version_in(connection, key, number)

    def sync_workspace(
        self, workspace: Workspace, names: Iterable[str] | None = None
    ) -> list[JourneyVersion]:
        """Import every journey file of ``workspace`` (or those ``names``) whose text changed;
        the new versions. DataError names a journey that the workspace does not have."""
        made = []
        for key, path in workspace.journeys(names).items():
            before = self.journey(key)
            version = self.import_journey(
                key,
                read_text(path),
                author_id=None,
                message=f"imported from {path.name}",
                fmt=format_of(path),
            )
            if before is None or version.number != before.latest:
                made.append(version)
        return made

    def journeys(self) -> list[JourneyRecord]:
        """Every journey of the store, by key."""
        with self._peek() as connection:
            rows = connection.execute(sa.select(t.journeys).order_by(_J.key))
            return [_record(row) for row in rows]

    def journey(self, key: str) -> JourneyRecord | None:
        with self._peek() as connection:
            row = connection.execute(sa.select(t.journeys).where(_J.key == check_key(key))).first()
        return _record(row) if row else None

    def versions(self, key: str) -> list[VersionInfo]:
        """The versions of journey ``key``, newest first."""
        with self._read() as connection:
            journey_id = self._journey_id(connection, key)
            rows = connection.execute(
                sa.select(_V.number, _U.email, _V.message, _V.created_at)
                .outerjoin(t.users, _U.id == _V.author_id)
                .where(_V.journey_id == journey_id)
                .order_by(_V.number.desc())
            )
            return [VersionInfo(r.number, r.email, r.message, r.created_at) for r in rows]

    def version(self, key: str, number: int | None = None) -> JourneyVersion:
        """Version ``number`` of journey ``key`` (default: the latest)."""
        with self._read() as connection:
            return self._version_in(connection, key, number)

    def _version_in(
        self, connection: sa.Connection, key: str, number: int | None
    ) -> JourneyVersion:
        journey = connection.execute(
            sa.select(_J.id, _J.format, _J.latest).where(_J.key == check_key(key))
        ).first()
        if journey is None:
            self._journey_id(connection, key)  # raises the error that says what to do
            raise AssertionError  # pragma: no cover
        wanted = journey.latest if number is None else number
        row = connection.execute(
            sa.select(_V.number, _V.text, _V.sha256, _V.message, _V.created_at, _U.email)
            .outerjoin(t.users, _U.id == _V.author_id)
            .where(_V.journey_id == journey.id, _V.number == wanted)
        ).first()
        if row is None:
            raise StoreError(
                f"journey {key!r} has no version {wanted}; its versions are 1 to {journey.latest}"
            )
        return _version(key, journey.format, row)

    def diff(self, key: str, a: int, b: int) -> VersionDiff:
        """What changed from version ``a`` to version ``b`` of journey ``key``."""
        old, new = self.version(key, a), self.version(key, b)
        return VersionDiff(key, a, b, diff_journeys(old.journey, new.journey))

    def restore(self, key: str, number: int, *, author_id: int | None) -> JourneyVersion:
        """Make the text of version ``number`` the newest version again (a new version; the
        history is kept). Nothing changes when it is the latest text already."""
        old = self.version(key, number)
        return self.import_journey(
            key, old.text, author_id=author_id, message=f"restored version {number}"
        )

    def export_journey(self, key: str, path: str | Path) -> Path:
        """Write the latest text of journey ``key`` to ``path``, byte for byte as imported."""
        path = Path(path)
        text = self.version(key).text
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return path

    def write_back(self, key: str, workspace: Workspace) -> None:
        """The workspace's file of journey ``key``, when it has one, follows the store's latest
        version (after an edit, a merge, a restore made outside the file)."""
        path = workspace.journeys().get(key)
        if path is not None:
            self.export_journey(key, path)


def read_text(path: Path) -> str:
    """A journey file's text, exactly (a byte-order mark and line endings kept); a located
    JourneyError when it is not UTF-8."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return decode(raw, str(path))  # raises the located error
