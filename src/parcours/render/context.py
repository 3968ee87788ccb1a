"""What every view template receives: the journey, the chosen language's labels, the measures,
and the few things worked out in Python (opportunities per stage, KPI states, the curve)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from parcours.model.journey import KPI, Journey, Opportunity, Persona, Stage
from parcours.model.measures import Measured, Measures
from parcours.model.text import Text, localize
from parcours.model.vocabulary import Channel, Lang, Quadrant
from parcours.render import definitions, fmt, icons
from parcours.render.curve import Curve, CurvePoint, emotion_curve, smooth_path, wrap
from parcours.render.labels import Labels

if TYPE_CHECKING:
    from parcours.insight.opportunities import RankedOpportunity
    from parcours.insight.personas import SegmentCard
    from parcours.insight.what_matters import KpiChange, WhatMatters

#: Measured fields in the order views list them.
MEASURED_FIELDS = (
    "customers",
    "volume",
    "conversion",
    "drop_off",
    "median_seconds",
    "attribution_share",
    "emotion",
    "feedback",
    "negative_share",
)
_SHARES = frozenset({"conversion", "drop_off", "attribution_share", "negative_share"})


@dataclass(frozen=True)
class KpiView:
    """A KPI as printed: its name, where it applies, its target and, when measured, its value
    and whether it meets the target (``state`` is ``meets``, ``miss`` or ``""``)."""

    id: str
    name: str
    where: str
    target: str
    direction: str
    value: str
    state: str  # "none": a measured map has no value for it, ``value`` says why
    definition: str = ""  # what it counts (hover, legend)


@dataclass(frozen=True)
class KpiSummary:
    """The head of a measured map: KPIs that meet, miss or lack a value, the biggest misses."""

    met: int
    missed: int
    unmeasured: int
    gaps: tuple[str, ...]


@dataclass(frozen=True)
class MeasureView:
    key: str
    label: str
    value: str
    definition: str = ""  # what it counts (hover, legend)


@dataclass(frozen=True)
class Marker:
    """A finding marked on the map: its rank, its kind and its sentence in the view's language."""

    rank: int
    kind: str
    text: str


class View:
    """The data a view template renders from (passed to Jinja as ``v``)."""

    def __init__(
        self,
        journey: Journey,
        lang: Lang,
        measures: Measures,
        page: str,
        cards: Sequence[SegmentCard] = (),
        ranked: Sequence[RankedOpportunity] = (),
        findings: Sequence[Mapping[str, Any]] = (),
        matters: WhatMatters | None = None,
    ) -> None:
        self.journey = journey
        self.matters = matters
        self.cards = tuple(cards)
        self.ranked = tuple(ranked)
        self.lang = lang
        self._markers: dict[tuple[str, str | None], list[Marker]] = {}
        for number, finding in enumerate(findings, 1):
            where = finding.get("where") or {}
            if not where.get("stage") or finding.get("kind") == "drift":
                continue
            text = self.finding_text(finding)
            marker = Marker(int(finding.get("rank", number)), str(finding.get("kind")), text)
            self._markers.setdefault((where["stage"], where.get("touchpoint")), []).append(marker)
        self.t = Labels(lang)
        self.measures = measures
        self.page = page
        self.curve: Curve = emotion_curve(journey, measures)
        pain_stage = {p.id: s.id for s, p in journey.pain_points()}
        self.pain_names = {p.id: self.tx(p.description) for _, p in journey.pain_points()}
        self.stage_opportunities: dict[str, list[Opportunity]] = {s.id: [] for s in journey.stages}
        self.journey_wide: list[Opportunity] = []
        for opportunity in journey.opportunities:
            stages = dict.fromkeys(pain_stage[p] for p in opportunity.addresses)
            for stage_id in stages:
                self.stage_opportunities[stage_id].append(opportunity)
            if not stages:
                self.journey_wide.append(opportunity)
        channels: set[Channel] = {t.channel for _, t in journey.touchpoints()}
        channels.update(c for p in journey.personas for c in p.preferred_channels)
        self.sprite = icons.sprite(channels)
        self.has_measures = bool(measures.stages or measures.touchpoints)

    # -- words ---------------------------------------------------------------------------------
    def tx(self, text: Text | None) -> str:
        """User text in the view's language."""
        return localize(text, self.lang)

    def of(self, group: str, value: Enum | str) -> str:
        return self.t.of(group, value)

    def icon(self, channel: Channel) -> str:
        return icons.family(channel)

    def number(self, value: float) -> str:
        return fmt.number(value, self.lang)

    def percent(self, share: float) -> str:
        return fmt.percent(share, self.lang)

    def stage_name(self, stage_id: str) -> str:
        """A stage's name in the view's language (its id when the map no longer has it)."""
        stage = next((s for s in self.journey.stages if s.id == stage_id), None)
        return self.tx(stage.name) if stage is not None else stage_id

    def signed(self, value: float) -> str:
        return fmt.signed(value, self.lang)

    @staticmethod
    def mood(value: float | None) -> str:
        """CSS class of an emotion: ``pos``, ``neg`` or ``neu``."""
        if value is None or abs(value) < 0.5:
            return "neu"
        return "pos" if value > 0 else "neg"

    def demographics(self, persona: Persona) -> list[tuple[str, str]]:
        """(label, value) of the demographics that are given."""
        given = persona.demographics.model_dump(exclude_none=True)
        return [(self.t(f"persona.{key}"), str(value)) for key, value in given.items()]

    def markers(self, stage_id: str, touchpoint_id: str | None = None) -> list[Marker]:
        """The findings about this stage (as a whole) or this touchpoint of it."""
        return self._markers.get((stage_id, touchpoint_id), [])

    # -- what matters --------------------------------------------------------------------------
    def finding_text(self, finding: Mapping[str, Any]) -> str:
        """A finding's sentence in the view's language."""
        return str((finding.get("summary") or {}).get(self.lang.value, ""))

    def kpi_change(self, change: KpiChange) -> str:
        """A KPI whose target is newly missed or met: its name and place, its value at the last
        refresh and now, its target (the KPI's id when the map no longer has it)."""
        parts = change.where.split(".")
        stage = next((s for s in self.journey.stages if s.id == parts[1]), None)
        if stage is None:
            return change.kpi
        kpis, where = stage.kpis, self.tx(stage.name)
        if len(parts) > 3:
            touchpoint = next((t for t in stage.touchpoints if t.id == parts[3]), None)
            if touchpoint is None:
                return change.kpi
            kpis, where = touchpoint.kpis, self.tx(touchpoint.name)
        kpi = next((k for k in kpis if k.id == change.kpi), None)
        if kpi is None:
            return change.kpi
        now = self.kpi_view(kpi, change.after, where)
        then = "–" if change.before is None else fmt.kpi_value(change.before, kpi, self.lang)
        return f"{now.name} ({where}){self.t('colon')}{then} → {now.value}, {now.target}"

    def ranked_in(self, quadrant: str) -> list[RankedOpportunity]:
        """The opportunities ranked from measures that fall in ``quadrant``."""
        return [o for o in self.ranked if o.quadrant.value == quadrant]

    @property
    def quadrants(self) -> dict[str, list[Opportunity]]:
        """Opportunities per Eisenhower quadrant (``do``, ``plan``, ``delegate``, ``drop``), and
        ``none`` for those without importance and urgency."""
        groups: dict[str, list[Opportunity]] = {q.value: [] for q in Quadrant}
        groups["none"] = []
        for opportunity in self.journey.opportunities:
            quadrant = opportunity.quadrant
            groups[quadrant.value if quadrant else "none"].append(opportunity)
        return groups

    # -- KPIs ----------------------------------------------------------------------------------
    def kpi_name(self, kpi: KPI) -> str:
        if kpi.name is not None:
            return self.tx(kpi.name)
        return self.of("kpi", kpi.kind)

    def kpi_view(self, kpi: KPI, value: float | None, where: str = "") -> KpiView:
        target = ""
        if kpi.target is not None:
            sign = "≥" if kpi.better.value == "higher" else "≤"
            goal = fmt.kpi_value(kpi.target, kpi, self.lang)
            target = f"{self.t('kpi.target')} {sign} {goal}"
        state = ""
        if value is not None:
            met = kpi.meets(value)
            state = "" if met is None else ("meets" if met else "miss")
        shown = "" if value is None else fmt.kpi_value(value, kpi, self.lang)
        if value is None and self.has_measures:  # measured, but not this KPI: say why
            shown, state = definitions.not_measured(kpi, self.lang), "none"
        direction = self.of("direction", kpi.better)
        definition = definitions.kpi_definition(kpi, self.lang)
        name = self.kpi_name(kpi)
        return KpiView(kpi.id, name, where, target, direction, shown, state, definition)

    def kpi_summary(self) -> KpiSummary | None:
        """A measured map's KPIs at a glance: how many meet their target, miss it or have no
        value, and the misses furthest from their target (relative gap), at most three."""
        if not self.has_measures:
            return None
        met = missed = unmeasured = 0
        gaps: list[tuple[float, str]] = []
        for stage in self.journey.stages:
            places = [(stage.kpis, self.measures.stage(stage.id).kpis, "")]
            places += [
                (t.kpis, self.measures.touchpoint(t.id).kpis, self.tx(t.name))
                for t in stage.touchpoints
            ]
            for kpis, values, where in places:
                for kpi in kpis:
                    value = values.get(kpi.id)
                    if value is None:
                        unmeasured += 1
                        continue
                    if kpi.target is None:
                        continue
                    if kpi.meets(value):
                        met += 1
                        continue
                    missed += 1
                    view = self.kpi_view(kpi, value, where)
                    name = f"{view.name} ({where or self.tx(stage.name)})"
                    gap = abs(value - kpi.target) / max(abs(kpi.target), 1e-9)
                    gaps.append((gap, f"{name}{self.t('colon')}{view.value}, {view.target}"))
        gaps.sort(key=lambda item: -item[0])
        return KpiSummary(met, missed, unmeasured, tuple(text for _, text in gaps[:3]))

    def kpi_legend(self) -> list[tuple[str, str]]:
        """Each KPI of the map once (by name), with what it counts: the legend under the map."""
        legend: dict[str, str] = {}
        for stage in self.journey.stages:
            kpis = [*stage.kpis, *(k for t in stage.touchpoints for k in t.kpis)]
            for kpi in kpis:
                legend.setdefault(self.kpi_name(kpi), definitions.kpi_definition(kpi, self.lang))
        return list(legend.items())

    def measure_legend(self) -> list[tuple[str, str]]:
        """The measured figures the map shows, with what each counts (a measured map only)."""
        places = [*self.measures.stages.values(), *self.measures.touchpoints.values()]
        shown = [k for k in MEASURED_FIELDS if any(getattr(m, k) is not None for m in places)]
        return [
            (self.t(f"measure.{k}"), definitions.measure_definition(k, self.lang))
            for k in shown
            if definitions.measure_definition(k, self.lang)
        ]

    def verbatims(self, measured: Measured) -> list[str]:
        """The measured verbatims, each once (the same words, spaced or cased otherwise, are
        one verbatim)."""
        seen: set[str] = set()
        unique = []
        for text in measured.verbatims:
            key = " ".join(text.split()).casefold()
            if key not in seen:
                seen.add(key)
                unique.append(text)
        return unique

    def stage_kpis(self, stage: Stage) -> list[KpiView]:
        """The stage's KPIs, then its touchpoints' (named after their touchpoint)."""
        measured = self.measures.stage(stage.id).kpis
        views = [self.kpi_view(k, measured.get(k.id)) for k in stage.kpis]
        for touchpoint in stage.touchpoints:
            values = self.measures.touchpoint(touchpoint.id).kpis
            where = self.tx(touchpoint.name)
            views += [self.kpi_view(k, values.get(k.id), where) for k in touchpoint.kpis]
        return views

    # -- measures ------------------------------------------------------------------------------
    def measured(self, measured: Measured) -> list[MeasureView]:
        """The measured values that are set, formatted."""
        views = []
        for key in MEASURED_FIELDS:
            value = getattr(measured, key)
            if value is None:
                continue
            if key in _SHARES:
                text = fmt.percent(value, self.lang)
            elif key == "median_seconds":
                text = fmt.duration(value, self.t)
            elif key == "emotion":
                text = fmt.signed(value, self.lang)
                if measured.emotion_interval is not None:
                    low, high = measured.emotion_interval
                    text += f" [{fmt.signed(low, self.lang)} ; {fmt.signed(high, self.lang)}]"
            else:
                text = fmt.number(value, self.lang)
            label, what = self.t(f"measure.{key}"), definitions.measure_definition(key, self.lang)
            views.append(MeasureView(key, label, text, what))
        return views

    def stage_measures(self, stage: Stage) -> list[MeasureView]:
        return self.measured(self.measures.stage(stage.id))

    def touchpoint_measures(self, touchpoint_id: str) -> list[MeasureView]:
        return self.measured(self.measures.touchpoint(touchpoint_id))

    # -- emotion SVG geometry ------------------------------------------------------------------
    def svg_box(self) -> dict[str, float]:
        """Sizes of the standalone emotion SVG (px)."""
        column = 170.0
        left, right, top, plot = 110.0, 20.0, 40.0, 220.0
        width = left + right + column * max(1, len(self.journey.stages))
        return {
            "width": width,
            "height": top + plot + 80,
            "left": left,
            "top": top,
            "plot": plot,
            "column": column,
        }

    def svg_points(self, series: str) -> list[tuple[float, float, object]]:
        box = self.svg_box()
        points = self.curve.designed if series == "designed" else self.curve.measured
        span = box["column"] * max(1, len(self.journey.stages))
        return [(box["left"] + p.x * span, box["top"] + p.y * box["plot"], p) for p in points]

    def svg_path(self, series: str) -> str:
        return smooth_path([(x, y) for x, y, _ in self.svg_points(series)])

    def unit_path(self, series: str) -> str:
        """The series as a path on a 0..1000 × 0..100 canvas (stretched to the grid lane)."""
        points = self.curve.designed if series == "designed" else self.curve.measured
        return smooth_path([(p.x * 1000, p.y * 100) for p in points])

    def label_y(self, series: str, point: CurvePoint) -> str:
        """Where the grid lane writes a point's value (a percentage of the lane's height): above
        the point, unless the stage's other series is higher, then below, so that the two values
        of a stage never sit on each other or on the other point."""
        cy = 10 + point.y * 80
        others = self.curve.measured if series == "designed" else self.curve.designed
        other = next((p for p in others if p.stage_id == point.stage_id), None)
        lower = other is not None and (
            other.y < point.y or (other.y == point.y and series == "measured")
        )
        return f"{cy + 14 if lower else cy - 9:.3f}%"  # clear of a 6-px point and its stroke

    @staticmethod
    def wrap(label: str) -> list[str]:
        return wrap(label)

    def scale_ticks(self) -> list[tuple[int, str]]:
        return [(v, fmt.signed(v, self.lang)) for v in (2, 1, 0, -1, -2)]
