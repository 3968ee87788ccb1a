"""Map drift, as findings: where the map and the data no longer meet. Events that no touchpoint
or stage claims (a new event name, a renamed one: at least :data:`UNCLAIMED` of the events),
touchpoints that see no event, and KPIs of a kind the engine measures that have no data at
all. Nothing is lost that can be counted in customers: their cost is 0 and they rank after
the stories, by the share of the data they concern. A click-through declared on a stage (the
engine measures it at a touchpoint) and custom KPIs are never measured: their silence is no
drift."""

from __future__ import annotations

from collections.abc import Mapping

from parcours.engine.binding import Coverage
from parcours.engine.series import Series
from parcours.insight.findings import Finding, Place
from parcours.insight.wording import number_text, place_text
from parcours.model import Journey, KpiKind

#: Unclaimed events are drift from this share of the events.
UNCLAIMED = 0.01
#: KPI kinds the engine does not measure (their silence is no drift).
UNMEASURED = frozenset({KpiKind.CUSTOM.value})


def drift(journey: Journey, coverage: Coverage, series: tuple[Series, ...]) -> list[Finding]:
    """The drift between ``journey`` and its data (see the module)."""
    out = []
    unclaimed = sum(coverage.unmatched.values())
    if coverage.events and unclaimed >= UNCLAIMED * coverage.events:
        out.append(_unclaimed(journey, coverage, unclaimed))
    stage_of = {t.id: s.id for s, t in journey.touchpoints()}
    for touchpoint in coverage.silent_touchpoints:
        out.append(_silent(journey, stage_of[touchpoint], touchpoint))
    for one in series:
        if one.measure in ("customers", "conversion") or one.kind in UNMEASURED:
            continue
        if one.kind == KpiKind.CLICK_THROUGH.value and ".touchpoints." not in one.where:
            continue  # measured at a touchpoint only: the engine's limit, not the data's
        if one.points and all(p.value.n == 0 for p in one.points):
            parts = one.where.split(".")
            out.append(_no_data(journey, parts[1], parts[3] if len(parts) > 3 else None, one))
    return out


def _finding(
    journey: Journey, place: Place, texts: dict[str, str], evidence: Mapping[str, object]
) -> Finding:
    return Finding(
        "drift", place, None, None, None, 0.0, texts, {"journey": journey.id, **evidence}
    )


def _unclaimed(journey: Journey, coverage: Coverage, unclaimed: int) -> Finding:
    top = dict(list(coverage.unmatched.items())[:10])
    share = unclaimed / coverage.events
    names = ", ".join(top)
    percent = f"{100 * share:.1f}"
    texts = {
        "fr": (
            f"{number_text(unclaimed, 'fr')} événements ({percent.replace('.', ',')} %) ne "
            f"sont rattachés à aucun point de contact ni étape de la carte : {names}."
        ),
        "en": (
            f"{number_text(unclaimed, 'en')} events ({percent}%) belong to no touchpoint or "
            f"stage of the map: {names}."
        ),
    }
    evidence = {"measure": "unclaimed_events", "events": coverage.events, "unclaimed": top}
    evidence["share"] = round(share, 6)
    evidence["score"] = round(100 * share, 2)
    return _finding(journey, Place(None, None, tuple(top)), texts, evidence)


def _silent(journey: Journey, stage: str, touchpoint: str) -> Finding:
    texts = {
        lang: (
            f"Aucun événement {place_text(journey, stage, touchpoint, lang)} : sa liaison aux "
            "données ne correspond plus à rien."
            if lang == "fr"
            else f"No event {place_text(journey, stage, touchpoint, lang)}: its binding to the "
            "data matches nothing."
        )
        for lang in ("fr", "en")
    }
    return _finding(journey, Place(stage, touchpoint), texts, {"measure": "silent_touchpoint"})


def _no_data(journey: Journey, stage: str, touchpoint: str | None, one: Series) -> Finding:
    texts = {
        lang: (
            f"L'indicateur « {one.measure} » {place_text(journey, stage, touchpoint, lang)} "
            "n'a aucune donnée."
            if lang == "fr"
            else f"The KPI “{one.measure}” {place_text(journey, stage, touchpoint, lang)} has "
            "no data."
        )
        for lang in ("fr", "en")
    }
    evidence = {"measure": one.measure, "kind": one.kind, "series": one.where}
    return _finding(journey, Place(stage, touchpoint), texts, evidence)
