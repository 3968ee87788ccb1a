"""The journey map as frozen, typed objects.

A :class:`Journey` holds personas, ordered :class:`Stage` objects (each with touchpoints, KPIs,
pain points and an empathy map) and the :class:`Opportunity` list ranked on an Eisenhower matrix.
Every object that a diff or a measure refers to carries a stable ``id`` (a slug, derived from its
name when not given). Unknown keys are errors; all collections are tuples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parcours.errors import JourneyError
from parcours.model.binding import EventMatcher
from parcours.model.text import Text, localize, slugify
from parcours.model.vocabulary import (
    LOWER_IS_BETTER,
    BusinessType,
    Channel,
    ContentKind,
    Direction,
    Effort,
    EvidenceKind,
    KpiKind,
    KpiPeriod,
    Lang,
    Layout,
    Quadrant,
    Severity,
    Status,
    Typology,
)

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
#: Emotion on the map's fixed scale: −2 (very negative) .. +2 (very positive).
Emotion = Annotated[float, Field(ge=-2, le=2)]
#: Importance or urgency of an opportunity: 1 (low) .. 5 (high).
Score = Annotated[int, Field(ge=1, le=5)]
Texts = tuple[Text, ...]

#: Importance and urgency at or above this value count as high on the Eisenhower matrix.
EISENHOWER_THRESHOLD = 3


class Model(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", use_enum_values=False, allow_inf_nan=False
    )

    #: The field whose slug becomes ``id`` when a document leaves ``id`` out.
    id_source: ClassVar[str | None] = None

    @model_validator(mode="before")
    @classmethod
    def _fill_id(cls, data: Any) -> Any:
        source = cls.id_source
        if source and isinstance(data, dict) and "id" not in data and _is_text(data.get(source)):
            return {"id": slugify(data[source]), **data}
        return data


def _is_text(value: Any) -> bool:
    """True for a non-empty text (a string, or strings by language) an id can be derived from;
    any other value is left for validation to report."""
    if isinstance(value, dict):
        return bool(value) and all(isinstance(v, str) for v in value.values())
    return isinstance(value, str) and bool(value)


class Evidence(Model):
    """Where a persona trait or a pain point comes from."""

    source: Text
    kind: EvidenceKind = EvidenceKind.OTHER
    date: dt.date | None = None
    link: str | None = None


class KPI(Model):
    """A success indicator with its target [seed 003, 004]."""

    id: Id
    kind: KpiKind
    name: Text | None = None
    target: float | None = None
    direction: Direction | None = None
    unit: str | None = None
    #: churn: the share of customers active at the place in one period (default: a calendar
    #: month) and not in the next; retention: the share still active this long after their first
    #: event at the place (default: 30 days). Other kinds ignore it.
    period: KpiPeriod | None = None

    id_source = "kind"

    @model_validator(mode="after")
    def _custom_needs_name(self) -> KPI:
        if self.kind is KpiKind.CUSTOM and self.name is None:
            raise ValueError("a custom KPI needs a `name`")
        return self

    @property
    def better(self) -> Direction:
        """The direction given, else the kind's natural one (lower for abandonment, churn...)."""
        if self.direction is not None:
            return self.direction
        return Direction.LOWER if self.kind in LOWER_IS_BETTER else Direction.HIGHER

    def meets(self, value: float) -> bool | None:
        """Whether ``value`` meets the target (None when there is no target)."""
        if self.target is None:
            return None
        return value >= self.target if self.better is Direction.HIGHER else value <= self.target


class MomentOfTruth(Model):
    """Why a touchpoint shapes the customer's view of the brand [seed 001, 004]."""

    reason: Text


class Touchpoint(Model):
    id: Id
    name: Text
    channel: Channel
    interaction: Text | None = None
    owner: str | None = None
    emotion: Emotion | None = None
    moment_of_truth: MomentOfTruth | None = None
    kpis: tuple[KPI, ...] = ()
    match: EventMatcher | None = None

    id_source = "name"

    @property
    def digital(self) -> bool:
        return self.channel.digital


class PainPoint(Model):
    id: Id
    description: Text
    touchpoint: Id | None = None
    severity: Severity = Severity.MEDIUM
    evidence: tuple[Evidence, ...] = ()

    id_source = "description"


class EmpathyMap(Model):
    """What the customer sees, hears, thinks and feels, says and does [seed 001]."""

    sees: Texts = ()
    hears: Texts = ()
    thinks_feels: Texts = ()
    says_does: Texts = ()

    @property
    def complete(self) -> bool:
        return all((self.sees, self.hears, self.thinks_feels, self.says_does))


class Content(Model):
    """Content that serves a stage: blog post, e-book, case study, demo... [seed 002]."""

    kind: ContentKind
    title: Text
    link: str | None = None


class Stage(Model):
    id: Id
    name: Text
    goal: Text | None = None
    needs: Texts = ()
    actions: Texts = ()
    thoughts: Texts = ()
    emotion: Emotion | None = None
    empathy: EmpathyMap = EmpathyMap()
    content: tuple[Content, ...] = ()
    kpis: tuple[KPI, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    pain_points: tuple[PainPoint, ...] = ()
    match: EventMatcher | None = None

    id_source = "name"


class Demographics(Model):
    age: str | None = None
    gender: str | None = None
    location: str | None = None
    occupation: str | None = None
    income: str | None = None
    family: str | None = None


class Persona(Model):
    """A semi-fictional representative of a segment [seed 001, 002]."""

    id: Id
    name: Text
    description: Text | None = None
    quote: Text | None = None
    demographics: Demographics = Demographics()
    behaviours: Texts = ()
    motivations: Texts = ()
    goals: Texts = ()
    likes: Texts = ()
    dislikes: Texts = ()
    preferred_channels: tuple[Channel, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    id_source = "name"


class Opportunity(Model):
    """An improvement, linked to the pain points it addresses, ranked on the Eisenhower matrix."""

    id: Id
    title: Text
    description: Text | None = None
    addresses: tuple[Id, ...] = ()
    importance: Score | None = None
    urgency: Score | None = None
    effort: Effort | None = None
    owner: str | None = None
    status: Status = Status.IDEA

    id_source = "title"

    @property
    def quadrant(self) -> Quadrant | None:
        """do / plan / delegate / drop, or None until importance and urgency are set."""
        if self.importance is None or self.urgency is None:
            return None
        important = self.importance >= EISENHOWER_THRESHOLD
        urgent = self.urgency >= EISENHOWER_THRESHOLD
        if important:
            return Quadrant.DO if urgent else Quadrant.PLAN
        return Quadrant.DELEGATE if urgent else Quadrant.DROP


class LintSettings(Model):
    disable: tuple[str, ...] = ()


class Journey(Model):
    """A customer-journey map (cartographie du parcours client)."""

    id: Id
    name: Text
    description: Text | None = None
    business_type: BusinessType = BusinessType.B2C
    typology: Typology = Typology.SIMPLE
    layout: Layout = Layout.GRID
    language: Lang = Lang.FR
    success: Text | None = None
    objectives: Texts = ()
    #: The events that mark the journey's conversion (purchase, signature): the goal that
    #: attribution credits touchpoints for.
    conversion: EventMatcher | None = None
    personas: tuple[Persona, ...] = ()
    stages: tuple[Stage, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    lint: LintSettings = LintSettings()

    id_source = "name"

    @model_validator(mode="after")
    def _references_hold(self) -> Journey:
        problems = reference_problems(self)
        if problems:
            raise BrokenReferences(problems)
        return self

    def label(self, text: Text | None, lang: Lang | str | None = None) -> str:
        """``text`` in ``lang`` (default: the journey's language)."""
        return localize(text, lang or self.language)

    def touchpoints(self) -> Iterator[tuple[Stage, Touchpoint]]:
        for stage in self.stages:
            for touchpoint in stage.touchpoints:
                yield stage, touchpoint

    def pain_points(self) -> Iterator[tuple[Stage, PainPoint]]:
        for stage in self.stages:
            for pain_point in stage.pain_points:
                yield stage, pain_point


Loc = tuple[str | int, ...]


class BrokenReferences(JourneyError):
    """Ids that repeat or point at nothing; each problem is (location, message, hint)."""

    def __init__(self, problems: list[tuple[Loc, str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg, _ in problems))


def reference_problems(journey: Journey) -> list[tuple[Loc, str, str]]:
    """Duplicate ids and references to unknown touchpoints or pain points."""
    problems: list[tuple[Loc, str, str]] = []

    def unique(items: list[tuple[Loc, str]], what: str) -> None:
        seen: set[str] = set()
        for loc, item_id in items:
            if item_id in seen:
                problems.append(
                    (loc, f"duplicate {what} id {item_id!r}", "give each a unique `id`")
                )
            seen.add(item_id)

    stages = journey.stages
    unique([(("stages", i, "id"), s.id) for i, s in enumerate(stages)], "stage")
    unique(
        [
            (("stages", i, "touchpoints", j, "id"), t.id)
            for i, s in enumerate(stages)
            for j, t in enumerate(s.touchpoints)
        ],
        "touchpoint",
    )
    unique(
        [
            (("stages", i, "pain_points", j, "id"), p.id)
            for i, s in enumerate(stages)
            for j, p in enumerate(s.pain_points)
        ],
        "pain point",
    )
    unique([(("personas", i, "id"), p.id) for i, p in enumerate(journey.personas)], "persona")
    unique(
        [(("opportunities", i, "id"), o.id) for i, o in enumerate(journey.opportunities)],
        "opportunity",
    )
    for i, stage in enumerate(stages):
        unique(
            [(("stages", i, "kpis", k, "id"), kpi.id) for k, kpi in enumerate(stage.kpis)], "KPI"
        )
        known = [t.id for t in stage.touchpoints]
        for j, pain in enumerate(stage.pain_points):
            if pain.touchpoint is not None and pain.touchpoint not in known:
                hint = f"touchpoints of this stage: {', '.join(known) or 'none'}"
                loc: Loc = ("stages", i, "pain_points", j, "touchpoint")
                problems.append((loc, f"unknown touchpoint {pain.touchpoint!r}", hint))
    pain_ids = [p.id for _, p in journey.pain_points()]
    for i, opportunity in enumerate(journey.opportunities):
        for k, ref in enumerate(opportunity.addresses):
            if ref not in pain_ids:
                hint = f"pain points: {', '.join(pain_ids) or 'none'}"
                loc = ("opportunities", i, "addresses", k)
                problems.append((loc, f"unknown pain point {ref!r}", hint))
    return problems
