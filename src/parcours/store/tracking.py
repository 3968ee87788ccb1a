"""Follow-up of a map's opportunities (status, owner, due date, place on the board, the day it
was done), the findings a team dismissed, and accepting a finding in one step.

Accepting a finding writes its pain point and an opportunity addressing it into the map as a new
version (the author is the actor, the message says which finding), against the version it read:
when someone saved in between, it reads the map again and retries (a bounded number of times).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from parcours.errors import StoreError, VersionConflict
from parcours.insight.accept import accept_proposal, proposals
from parcours.model import dump_journey
from parcours.store import schema as t
from parcours.store.journeys import Journeys
from parcours.store.records import OPPORTUNITY_STATUSES, AcceptedFinding, TrackedOpportunity

_O, _D = t.opportunities.c, t.dismissed_findings.c
#: How many times accepting a finding reads the map again after a concurrent save.
ACCEPT_ATTEMPTS = 5


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


#: Leave this field as it is.
KEEP: Any = _Keep()


def _score(name: str, value: Any) -> None:
    if value is not None and (not isinstance(value, int) or not 1 <= value <= 5):
        raise StoreError(f"{name} is a whole number from 1 to 5, not {value!r}")


def _tracked(journey: str, row: Any) -> TrackedOpportunity:
    return TrackedOpportunity(
        journey,
        row.key,
        row.status,
        row.owner_id,
        row.due,
        row.updated_at,
        row.importance,
        row.urgency,
        row.done_on,
    )


class Tracking(Journeys):
    def track_opportunity(
        self,
        journey: str,
        key: str,
        *,
        status: str | None = None,
        owner_id: int | None = KEEP,
        due: date | None = KEEP,
        importance: int | None = KEEP,
        urgency: int | None = KEEP,
        done_on: date | None = KEEP,
    ) -> TrackedOpportunity:
        """Set the follow-up of opportunity ``key`` of ``journey`` (created on first use, as an
        ``idea``); the fields not given stay as they are. ``importance`` and ``urgency`` (1-5)
        place it on the board. When the status becomes ``done`` the day is kept (``done_on``,
        today unless given); another status clears it."""
        if status is not None and status not in OPPORTUNITY_STATUSES:
            raise StoreError(
                f"{status!r} is not an opportunity status; use one of "
                f"{', '.join(OPPORTUNITY_STATUSES)}"
            )
        if not key or len(key) > 200:
            raise StoreError(f"{key!r} is not an opportunity id")
        _score("importance", None if importance is KEEP else importance)
        _score("urgency", None if urgency is KEEP else urgency)
        given = {"owner_id": owner_id, "due": due, "importance": importance, "urgency": urgency}
        values = {k: v for k, v in given.items() if v is not KEEP}
        try:
            return self._track(journey, key, status, values, done_on)
        except sa.exc.IntegrityError:  # created at the same time by another request
            return self._track(journey, key, status, values, done_on)

    def _track(
        self,
        journey: str,
        key: str,
        status: str | None,
        values: dict[str, Any],
        done_on: date | None,
    ) -> TrackedOpportunity:
        now = self.now()
        with self._write() as connection:
            journey_id = self._journey_id(connection, journey)
            if values.get("owner_id") is not None:
                self._user_exists(connection, values["owner_id"])
            where = (_O.journey_id == journey_id, _O.key == key)
            row = connection.execute(
                sa.select(_O.status, _O.done_on).where(*where).with_for_update()
            ).first()
            before = row.status if row else None
            if status is not None:
                values["status"] = status
                if status == "done" and (before != "done" or done_on is not KEEP):
                    values["done_on"] = now.date() if done_on in (KEEP, None) else done_on
                elif status != "done":
                    values["done_on"] = None
            elif done_on is not KEEP and before == "done":
                values["done_on"] = done_on or now.date()
            if row is None:
                values.setdefault("status", "idea")
                connection.execute(
                    t.opportunities.insert().values(
                        journey_id=journey_id, key=key, created_at=now, updated_at=now, **values
                    )
                )
            else:
                connection.execute(
                    t.opportunities.update().where(*where).values(updated_at=now, **values)
                )
            found = connection.execute(sa.select(t.opportunities).where(*where)).one()
            return _tracked(journey, found)

    def opportunities(self, journey: str) -> list[TrackedOpportunity]:
        """The tracked opportunities of ``journey``, by key."""
        with self._read() as connection:
            journey_id = self._journey_id(connection, journey)
            rows = connection.execute(
                sa.select(t.opportunities).where(_O.journey_id == journey_id).order_by(_O.key)
            )
            return [_tracked(journey, row) for row in rows]

    def dismiss_finding(self, journey: str, finding: str, *, user_id: int | None) -> None:
        """Remember that the team dismissed ``finding`` (its proposed pain point's id) on
        ``journey``: it is not proposed again."""
        if not finding or len(finding) > 200:
            raise StoreError(f"{finding!r} is not a finding id")
        with self._write() as connection:
            journey_id = self._journey_id(connection, journey)
            if user_id is not None:
                self._user_exists(connection, user_id)
            done = connection.execute(
                sa.select(_D.id).where(_D.journey_id == journey_id, _D.finding == finding)
            ).first()
            if done is None:
                connection.execute(
                    t.dismissed_findings.insert().values(
                        journey_id=journey_id,
                        finding=finding,
                        dismissed_by=user_id,
                        dismissed_at=self.now(),
                    )
                )

    def dismissed(self, journey: str) -> set[str]:
        """The ids of the findings dismissed on ``journey``."""
        with self._read() as connection:
            journey_id = self._journey_id(connection, journey)
            return set(
                connection.execute(
                    sa.select(_D.finding).where(_D.journey_id == journey_id)
                ).scalars()
            )

    def accept_finding(
        self,
        journey: str,
        findings: Sequence[Mapping[str, Any]],
        finding: str,
        *,
        author_id: int | None,
        importance: int | None = None,
        urgency: int | None = None,
    ) -> AcceptedFinding:
        """Accept ``finding`` (the id of its proposed pain point, among ``findings``: a
        snapshot's) in one step: a new version of the map holds its pain point and an
        opportunity addressing it, and the opportunity is tracked (an ``idea``, placed by
        ``importance`` and ``urgency``, else by the pain point's severity)."""
        _score("importance", importance)
        _score("urgency", urgency)
        proposal = next((p for p in proposals(findings) if p.pain_point.id == finding), None)
        if proposal is None:
            raise StoreError(
                f"no finding {finding!r} on journey {journey!r}; measure it again and pick one "
                "of its findings"
            )
        for attempt in range(ACCEPT_ATTEMPTS):
            latest = self.version(journey)
            accepted = accept_proposal(
                latest.journey, proposal, importance=importance, urgency=urgency
            )
            text = dump_journey(accepted.journey, latest.format)
            try:
                version = self.import_journey(
                    journey,
                    text,
                    author_id=author_id,
                    message=f"accepted finding {finding} as pain point {accepted.pain_point} "
                    f"(stage {accepted.stage}), with opportunity {accepted.opportunity}",
                    expected=latest.number,
                )
                break
            except VersionConflict:
                if attempt == ACCEPT_ATTEMPTS - 1:
                    raise
        placed = next(o for o in accepted.journey.opportunities if o.id == accepted.opportunity)
        self.track_opportunity(
            journey,
            accepted.opportunity,
            status="idea",
            importance=placed.importance,
            urgency=placed.urgency,
        )
        return AcceptedFinding(
            journey,
            finding,
            version.number,
            accepted.stage,
            accepted.pain_point,
            accepted.opportunity,
        )
