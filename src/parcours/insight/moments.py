"""Moments of truth from data: the touchpoints whose experience most changes whether customers
convert (the journey's ``conversion`` event), compared with the moments the map declares.

At each touchpoint up to the stage where customers convert, the answers customers gave there
(surveys and reviews, on the map's −2..+2 emotion scale) are split into bad experiences (below
:data:`~parcours.engine.journey_kpis.NEGATIVE`) and the others; the touchpoint's *lift* is the
conversion of the customers behind the other answers minus that of those behind the bad ones,
with its 95 % interval. Whether conversion follows the experience is tested on the whole scale
(Cochran-Armitage's test for a trend in conversion over the answers' emotion), with
Benjamini-Hochberg across the touchpoints. A touchpoint whose trend is significant and whose
lift is positive and material is **decisive**: a ``moment_of_truth`` finding (cost:
the bad answers times the lift), said to be undeclared when the map does not mark it. Every
judged touchpoint is listed in :class:`MomentOfTruth` rows, declared moments that the data
does not show as decisive included.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from parcours.engine import kpis as stats
from parcours.engine.journey_kpis import NEGATIVE
from parcours.engine.outcomes import RatedOutcome
from parcours.insight.drivers import MATERIAL
from parcours.insight.findings import Finding, Place
from parcours.insight.significance import ALPHA, MIN_SUPPORT, adjusted, trend, two_proportions
from parcours.insight.wording import number_text, place_text, share_text
from parcours.model import Journey


@dataclass(frozen=True)
class MomentOfTruth:
    """One touchpoint judged: declared on the map or not, the conversion behind its bad and
    other answers, the lift (other − bad) with its interval, and whether it is decisive."""

    journey: str
    stage: str
    touchpoint: str
    declared: bool
    bad: tuple[int, int]  # answers, of which from customers who converted
    others: tuple[int, int]
    lift: float | None
    interval: tuple[float, float] | None
    q_value: float | None
    decisive: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "stage": self.stage,
            "touchpoint": self.touchpoint,
            "declared": self.declared,
            "measured": self.decisive,
            "bad": {"answers": self.bad[0], "converted": self.bad[1]},
            "others": {"answers": self.others[0], "converted": self.others[1]},
            "lift": None if self.lift is None else round(self.lift, 6),
            "interval": None if self.interval is None else [round(x, 6) for x in self.interval],
            "q_value": self.q_value,
        }


def moments_of_truth(
    journey: Journey, rated: list[RatedOutcome], *, alpha: float = ALPHA
) -> tuple[list[Finding], list[MomentOfTruth]]:
    """The decisive touchpoints as findings, and every touchpoint judged."""
    places = _judged_touchpoints(journey)
    counts: dict[str, list[int]] = {}
    scale: dict[str, dict[float, list[int]]] = {}  # touchpoint: emotion: answers, converted
    for r in rated:
        if r.touchpoint not in places:
            continue
        emotion = stats.emotion_of_rating(r.survey, r.rating)
        bad = emotion < NEGATIVE
        row = counts.setdefault(r.touchpoint, [0, 0, 0, 0])
        row[0 if bad else 2] += r.answers
        row[1 if bad else 3] += r.converted
        level = scale.setdefault(r.touchpoint, {}).setdefault(emotion, [0, 0])
        level[0] += r.answers
        level[1] += r.converted
    tested = []
    rows = []
    for touchpoint, (nb, kb, no, ko) in counts.items():
        stage, declared = places[touchpoint]
        if min(nb, no) < MIN_SUPPORT or kb + ko == 0:
            rows.append(
                MomentOfTruth(
                    journey.id,
                    stage,
                    touchpoint,
                    declared,
                    (nb, kb),
                    (no, ko),
                    None,
                    None,
                    None,
                    False,
                )
            )
            continue
        levels = dict(sorted(scale[touchpoint].items()))  # sums in one order, whatever the rows'
        p = trend(list(levels), [v[0] for v in levels.values()], [v[1] for v in levels.values()])
        tested.append(
            (touchpoint, stage, declared, (nb, kb, no, ko), two_proportions(ko, no, kb, nb), p)
        )
    q = adjusted([t[-1] for t in tested])
    findings = []
    for (touchpoint, stage, declared, (nb, kb, no, ko), gap, _), q_value in zip(
        tested, q, strict=True
    ):
        decisive = bool(
            q_value < alpha and gap.difference > 0 and gap.second <= MATERIAL * gap.first
        )
        moment = MomentOfTruth(
            journey.id,
            stage,
            touchpoint,
            declared,
            (nb, kb),
            (no, ko),
            gap.difference,
            (gap.low, gap.high),
            float(q_value),
            decisive,
        )
        rows.append(moment)
        if decisive:
            findings.append(_finding(journey, moment, gap.first, gap.second))
    declared_missing = {
        t for t, (_, d) in places.items() if d and t not in {r.touchpoint for r in rows}
    }
    for touchpoint in sorted(declared_missing):
        rows.append(
            MomentOfTruth(
                journey.id,
                places[touchpoint][0],
                touchpoint,
                True,
                (0, 0),
                (0, 0),
                None,
                None,
                None,
                False,
            )
        )
    order = {t.id: i for i, (_, t) in enumerate(journey.touchpoints())}
    return findings, sorted(rows, key=lambda m: order[m.touchpoint])


def _finding(journey: Journey, m: MomentOfTruth, good: float, bad: float) -> Finding:
    assert m.lift is not None and m.interval is not None and m.q_value is not None
    cost = m.lift * m.bad[0]
    evidence = {
        "journey": journey.id,
        "measure": "conversion",
        "declared": m.declared,
        "bad": {"answers": m.bad[0], "converted": m.bad[1], "conversion": round(bad, 6)},
        "others": {"answers": m.others[0], "converted": m.others[1], "conversion": round(good, 6)},
        "lift": round(m.lift, 6),
        "interval": [round(x, 6) for x in m.interval],
        "q_value": m.q_value,
        "score": round(m.lift / max((m.interval[1] - m.interval[0]) / 3.92, 1e-12), 2),
    }
    texts: dict[str, str] = {}
    for lang in ("fr", "en"):
        where = place_text(journey, m.stage, m.touchpoint, lang)
        ours, theirs = share_text(bad, lang), share_text(good, lang)
        n, lost = number_text(m.bad[0], lang), number_text(cost, lang)
        if lang == "fr":
            said = "déclaré" if m.declared else "non déclaré sur la carte"
            texts[lang] = (
                f"Moment de vérité ({said}) {where} : après une mauvaise expérience "
                f"({n} réponses), {ours} des clients convertissent, contre {theirs} après une "
                f"bonne : environ {lost} clients perdus."
            )
        else:
            said = "declared" if m.declared else "not declared on the map"
            texts[lang] = (
                f"Moment of truth ({said}) {where}: after a bad experience ({n} answers), "
                f"{ours} of customers convert, against {theirs} after a good one: about "
                f"{lost} customers lost."
            )
    return Finding(
        "moment_of_truth", Place(m.stage, m.touchpoint), None, None, None, cost, texts, evidence
    )


def _judged_touchpoints(journey: Journey) -> dict[str, tuple[str, bool]]:
    """The touchpoints up to the stage where customers convert (later ones cannot change the
    conversion), with their stage and whether the map declares them moments of truth."""
    goal = journey.conversion.events if journey.conversion else ()
    last = len(journey.stages) - 1
    for index, stage in enumerate(journey.stages):
        names = [e for t in stage.touchpoints if t.match for e in t.match.events]
        names += list(stage.match.events) if stage.match else []
        if any(fnmatch.fnmatchcase(n, g) or fnmatch.fnmatchcase(g, n) for n in names for g in goal):
            last = index
            break
    return {
        t.id: (s.id, t.moment_of_truth is not None)
        for s in journey.stages[: last + 1]
        for t in s.touchpoints
    }
