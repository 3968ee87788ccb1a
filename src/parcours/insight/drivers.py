"""What sets apart the customers a stage loses, as findings.

* **Failure drivers** (``failure_driver``): for each stage that loses customers, the events
  customers had before coming to it that are over-represented among those who do not reach the
  next stage (PostHog's funnel correlation: the odds ratio with +1 smoothing, below 1 for a
  failure), each with its 95 % interval, its p-value (Fisher's exact test on small tables,
  else chi-square) and the Benjamini-Hochberg control across every event and stage tested.
* **Segment gaps** (``segment_gap``): for each stage and each attribute of the customers (each
  categorical column of the customers table: persona, language, region...; and, at each
  touchpoint met on several channels, the channel of the customer's first event there), whether
  the stage's conversion depends on it (chi-square over all its values, Benjamini-Hochberg
  across stages and attributes); the value that converts least, against the others, is the
  finding, one finding per value across stages (the costliest stage tells it, the others are
  listed as ``related``).

A candidate needs :data:`~parcours.insight.significance.MIN_SUPPORT` customers on either side
and a gap that matters (a conversion at most 90 % of the others'); its cost is the customers
lost: its customers times the gap in conversion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from parcours.engine.outcomes import Contrast
from parcours.insight.findings import Finding, Place
from parcours.insight.significance import (
    ALPHA,
    MIN_SUPPORT,
    Difference,
    Table,
    adjusted,
    independence,
    odds_interval,
    odds_ratio,
    p_value,
    two_proportions,
)
from parcours.insight.wording import number_text, place_text, share_text
from parcours.model import Journey

#: A group converts "less" when its conversion is at most this share of the others'.
MATERIAL = 0.9


def failure_drivers(
    journey: Journey,
    totals: dict[str, tuple[int, int]],
    contrasts: Iterable[Contrast],
    *,
    alpha: float = ALPHA,
) -> list[Finding]:
    """The earlier events over-represented among the customers each stage loses."""
    tested = []
    for c in contrasts:
        if c.stage not in totals or c.attribute != "event":
            continue
        customers, moved = totals[c.stage]
        table = Table(c.moved, c.customers - c.moved, moved, customers - moved)
        if min(c.customers, customers - c.customers) < MIN_SUPPORT:
            continue
        tested.append((c, table, p_value(table)))
    q = adjusted([p for *_, p in tested])
    out = []
    for (c, table, p), q_value in zip(tested, q, strict=True):
        a, b, rest_moved, rest_dropped = table.cells
        share, rest = a / (a + b), rest_moved / (rest_moved + rest_dropped)
        ratio = odds_ratio(table)
        if q_value >= alpha or ratio >= 1 or share > MATERIAL * rest:
            continue
        low, high = odds_interval(table)
        cost = (rest - share) * c.customers
        evidence = {
            "journey": journey.id,
            "measure": "conversion",
            "attribute": "event",
            "value": c.value,
            "with": {"moved": a, "dropped": b, "conversion": round(share, 6)},
            "without": {"moved": rest_moved, "dropped": rest_dropped, "conversion": round(rest, 6)},
            "odds_ratio": round(ratio, 6),
            "interval": [round(low, 6), round(high, 6)],
            "p_value": p,
            "q_value": float(q_value),
            "score": round(-_log10(q_value), 2),
        }
        out.append(
            Finding(
                "failure_driver",
                Place(c.stage, None, (c.value,)),
                None,
                None,
                {"event": c.value},
                cost,
                _driver_text(journey, c, share, rest, cost, ratio),
                evidence,
            )
        )
    return out


def segment_gaps(
    journey: Journey,
    totals: dict[str, tuple[int, int]],
    contrasts: Iterable[Contrast],
    *,
    alpha: float = ALPHA,
) -> list[Finding]:
    """The segments that convert less than the others at a stage, one finding per segment."""
    groups: dict[tuple[str, str | None, str], list[Contrast]] = {}
    for c in contrasts:
        if c.attribute != "event" and c.stage in totals:
            groups.setdefault((c.stage, c.touchpoint, c.attribute), []).append(c)
    tested = [
        (key, values, independence([[v.moved, v.customers - v.moved] for v in values]))
        for key, values in groups.items()
        if sum(v.customers >= MIN_SUPPORT for v in values) >= 2
    ]
    q = adjusted([p for *_, p in tested])
    found = []
    for ((stage, touchpoint, attribute), values, p), q_value in zip(tested, q, strict=True):
        if q_value >= alpha:
            continue
        customers, moved = sum(v.customers for v in values), sum(v.moved for v in values)
        worst = None
        for v in values:
            if v.customers < MIN_SUPPORT or customers - v.customers < MIN_SUPPORT:
                continue
            gap = two_proportions(moved - v.moved, customers - v.customers, v.moved, v.customers)
            lost = gap.difference * v.customers
            if gap.second <= MATERIAL * gap.first and (worst is None or lost > worst[2]):
                worst = (v, gap, lost)
        if worst is None:
            continue
        v, gap, lost = worst
        found.append(
            _gap_finding(journey, stage, touchpoint, attribute, v, values, gap, lost, p, q_value)
        )
    return _one_per_segment(found)


def _gap_finding(
    journey: Journey,
    stage: str,
    touchpoint: str | None,
    attribute: str,
    value: Contrast,
    values: list[Contrast],
    gap: Difference,
    lost: float,
    p: float,
    q_value: float,
) -> Finding:
    name = attribute.removeprefix("customer.")
    evidence = {
        "journey": journey.id,
        "measure": "conversion",
        "attribute": attribute,
        "value": value.value,
        "conversion": round(gap.second, 6),
        "others": round(gap.first, 6),
        "difference": round(-gap.difference, 6),
        "interval": [round(-gap.high, 6), round(-gap.low, 6)],
        "customers": value.customers,
        "values": [v.to_dict() for v in sorted(values, key=lambda v: -v.customers)],
        "p_value": p,
        "q_value": float(q_value),
        "score": round(-_log10(q_value), 2),
    }
    texts: dict[str, str] = {}
    for lang in ("fr", "en"):
        where = place_text(journey, stage, touchpoint, lang)
        ours, theirs = share_text(gap.second, lang), share_text(gap.first, lang)
        n, cost = number_text(value.customers, lang), number_text(lost, lang)
        if lang == "fr":
            texts[lang] = (
                f"Les clients {name} = {value.value} convertissent moins {where} : {ours} contre "
                f"{theirs} pour les autres ({n} clients) : environ {cost} clients perdus."
            )
        else:
            texts[lang] = (
                f"Customers with {name} = {value.value} convert less {where}: {ours} against "
                f"{theirs} for the others ({n} customers): about {cost} customers lost."
            )
    return Finding(
        "segment_gap",
        Place(stage, touchpoint),
        None,
        None,
        {name: value.value},
        lost,
        texts,
        evidence,
    )


def _one_per_segment(found: list[Finding]) -> list[Finding]:
    """The costliest stage of each segment tells its story; the other stages are related."""
    kept: dict[tuple, Finding] = {}
    related: dict[tuple, list[dict[str, object]]] = {}
    for f in sorted(found, key=lambda f: -f.cost):
        key = tuple(sorted((f.segment or {}).items()))
        if key not in kept:
            kept[key] = f
            related[key] = []
            continue
        related[key].append(
            {"stage": f.where.stage, "cost": round(f.cost, 1), **_brief(f.evidence)}
        )
    return [
        Finding(**{**f.__dict__, "evidence": {**f.evidence, "related": related[k]}})
        for k, f in kept.items()
    ]


def _brief(evidence: Mapping[str, Any]) -> dict[str, object]:
    return {k: evidence[k] for k in ("conversion", "others", "q_value") if k in evidence}


def _driver_text(
    journey: Journey, c: Contrast, share: float, rest: float, cost: float, ratio: float
) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in ("fr", "en"):
        where = place_text(journey, c.stage, None, lang)
        ours, theirs = share_text(share, lang), share_text(rest, lang)
        n, lost = number_text(c.customers, lang), number_text(cost, lang)
        odds = f"{ratio:.2f}".replace(".", "," if lang == "fr" else ".")
        if lang == "fr":
            out[lang] = (
                f"Les clients qui ont eu l'événement « {c.value} » avant d'arriver {where} "
                f"passent moins à l'étape suivante : {ours} contre {theirs} ({n} clients, "
                f"rapport de cotes {odds}) : environ {lost} clients perdus."
            )
        else:
            out[lang] = (
                f"Customers who had the event “{c.value}” before coming {where} move on less: "
                f"{ours} against {theirs} ({n} customers, odds ratio {odds}): about {lost} "
                "customers lost."
            )
    return out


def _log10(value: float) -> float:
    return math.log10(max(value, 1e-300))
