"""Map drift, as findings: where the map and the data no longer meet. Events that no touchpoint
or stage claims (a new event name, a renamed one: at least :data:`UNCLAIMED` of the events),
touchpoints that see no event, KPIs of a kind the engine measures that have no data at all, and
a touchpoint's designed emotion far from the measured one (:func:`emotion_drift`; a stage's
measured emotion mixes its touchpoints' answers as often as each asks for them: it is judged
at its touchpoints). Nothing is lost that can be counted in customers: their cost is 0 and
they rank after the stories, by the share of the data they concern (the emotion: its gap, in
points). A click-through declared on a stage (the
engine measures it at a touchpoint) and custom KPIs are never measured: their silence is no
drift."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from parcours.engine.binding import Coverage
from parcours.engine.journey_kpis import JourneyKpis
from parcours.engine.kpis import emotion_of_rating
from parcours.engine.series import Series
from parcours.insight.findings import Finding, Place
from parcours.insight.wording import number_text, place_text
from parcours.model import Journey, KpiKind

#: Unclaimed events are drift from this share of the events.
UNCLAIMED = 0.01
#: KPI kinds the engine does not measure (their silence is no drift).
UNMEASURED = frozenset({KpiKind.CUSTOM.value})
#: A measured emotion is far from the designed one from this gap, in points of the map's −2..+2
#: scale (more than a step and a half: the designed −2 of a payment page measured above −0.5)...
EMOTION_GAP = 1.5
#: ...on at least this many rated answers, the designed value outside its 95 % interval.
EMOTION_ANSWERS = 30
_Z95 = 1.959963984540054

#: Rated answers at a touchpoint, as (survey type, rating, number of such answers).
Answers = Sequence[tuple[str, float, int]]


def drift(
    journey: Journey,
    coverage: Coverage,
    series: tuple[Series, ...],
    answers: Mapping[str, Answers] | None = None,
) -> list[Finding]:
    """The drift between ``journey`` and its data (see the module); ``answers`` the rated
    answers at each touchpoint with a designed emotion (:func:`emotion_answers`)."""
    out = emotion_drift(journey, answers or {})
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


def emotion_answers(kpis: JourneyKpis, journey: Journey) -> dict[str, Answers]:
    """The rated answers, over all the periods of ``kpis``, at each touchpoint of ``journey``
    with a designed emotion, by touchpoint id (none: not there)."""
    out: dict[str, Answers] = {}
    for _, touchpoint in journey.touchpoints():
        if touchpoint.emotion is None:
            continue
        counts: dict[tuple[str, float], int] = {}
        for rows in kpis.feedback_rows([touchpoint.id]).values():
            for survey, rating, n in rows:
                counts[(survey, rating)] = counts.get((survey, rating), 0) + n
        if counts:
            out[touchpoint.id] = [(s, r, n) for (s, r), n in sorted(counts.items())]
    return out


def emotion_drift(journey: Journey, answers: Mapping[str, Answers]) -> list[Finding]:
    """The touchpoints whose designed emotion is far from the one their rated ``answers``
    measure (each answer on the −2..+2 scale, :func:`~parcours.engine.kpis.emotion_of_rating`):
    a gap of at least :data:`EMOTION_GAP` points, on at least :data:`EMOTION_ANSWERS` answers,
    the designed value outside the 95 % interval of their mean."""
    designed = {t.id: (s.id, t.emotion) for s, t in journey.touchpoints() if t.emotion is not None}
    out = []
    for touchpoint, rows in answers.items():
        if touchpoint not in designed:
            continue
        stage, wanted = designed[touchpoint]
        total = sum(n for *_, n in rows)
        if total < EMOTION_ANSWERS:
            continue
        values = [(emotion_of_rating(survey or "review", rating), n) for survey, rating, n in rows]
        mean = sum(e * n for e, n in values) / total
        variance = sum(n * (e - mean) ** 2 for e, n in values) / (total - 1)
        spread = _Z95 * math.sqrt(variance / total)
        low, high = mean - spread, mean + spread
        if abs(mean - wanted) >= EMOTION_GAP and not low <= wanted <= high:
            out.append(_emotion(journey, (stage, touchpoint), wanted, mean, (low, high), total))
    return out


def _emotion(
    journey: Journey,
    place: tuple[str, str],
    designed: float,
    measured: float,
    interval: tuple[float, float],
    answers: int,
) -> Finding:
    stage, touchpoint = place

    def signed(value: float, lang: str) -> str:
        text = f"{value:+.1f}".replace("-", "−")
        return text.replace(".", ",") if lang == "fr" else text

    texts = {
        "fr": (
            f"L'émotion prévue {place_text(journey, stage, touchpoint, 'fr')} ("
            f"{signed(designed, 'fr')}) est loin de celle que mesurent "
            f"{number_text(answers, 'fr')} réponses notées ({signed(measured, 'fr')}, sur "
            "l'échelle de −2 à +2) : la carte ne dit plus ce que vivent les clients."
        ),
        "en": (
            f"The emotion designed {place_text(journey, stage, touchpoint, 'en')} ("
            f"{signed(designed, 'en')}) is far from the one {number_text(answers, 'en')} rated "
            f"answers measure ({signed(measured, 'en')}, on the −2 to +2 scale): the map no "
            "longer tells what customers feel."
        ),
    }
    gap = measured - designed
    evidence = {
        "measure": "emotion",
        "designed": designed,
        "measured": round(measured, 4),
        "interval": [round(interval[0], 4), round(interval[1], 4)],
        "answers": answers,
        "gap": round(gap, 4),
        "score": round(abs(gap), 2),
    }
    return _finding(journey, Place(stage, touchpoint), texts, evidence)
