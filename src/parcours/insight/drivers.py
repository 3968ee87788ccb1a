"""What sets apart the customers a stage loses, as findings.

* **Failure drivers** (``failure_driver``): for each stage that loses customers, the events
  customers had before coming to it that are over-represented among those who do not reach the
  next stage (PostHog's funnel correlation: the odds ratio with +1 smoothing, below 1 for a
  failure), each with its 95 % interval, its p-value (Fisher's exact test on small tables,
  else chi-square) and the Benjamini-Hochberg control across every event and stage tested.
* **Segment gaps** (``segment_gap``): for each stage and each attribute of the customers (each
  categorical column of the customers table: persona, language, region...; and, at each
  touchpoint met on several channels, the channel of the customer's first event there), the
  value that loses the most customers against the others is compared with them within each
  cohort (the month of the customers' first event: Cochran-Mantel-Haenszel, so that a segment
  whose share of the customers shifts over the months, while each month it converts like the
  others, is no gap: no Simpson's paradox), Benjamini-Hochberg across stages and attributes;
  its cost is the Mantel-Haenszel gap times its customers; one finding per value across stages
  (the costliest stage tells it, the others are listed as ``related``).

A candidate needs :data:`~parcours.insight.significance.MIN_SUPPORT` customers on either side
and a gap that matters (a conversion at most 90 % of the others'); its cost is the customers
lost: its customers times the gap in conversion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
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
    mantel_haenszel,
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
    tested = []
    for (stage, touchpoint, attribute), rows in groups.items():
        values = _pooled(rows)
        if sum(v.customers >= MIN_SUPPORT for v in values) < 2:
            continue
        customers, moved = sum(v.customers for v in values), sum(v.moved for v in values)
        worst = None
        for v in values:
            if v.customers < MIN_SUPPORT or customers - v.customers < MIN_SUPPORT:
                continue
            gap = two_proportions(moved - v.moved, customers - v.customers, v.moved, v.customers)
            lost = gap.difference * v.customers
            if worst is None or lost > worst[2]:
                worst = (v, gap, lost)
        if worst is None or worst[2] <= 0:
            continue
        v, gap, _ = worst
        within = mantel_haenszel(_strata(rows, v.value))
        crude = independence([[x.moved, x.customers - x.moved] for x in values])
        tested.append(((stage, touchpoint, attribute), v, values, gap, within, crude))
    q = adjusted([t[4].p_value for t in tested])
    found = []
    for ((stage, touchpoint, attribute), v, values, gap, within, crude), q_value in zip(
        tested, q, strict=True
    ):
        others = gap.first
        if q_value >= alpha or within.difference <= 0:
            continue
        if others - within.difference > MATERIAL * others:
            continue
        lost = within.difference * v.customers
        finding = _gap_finding(
            journey, stage, touchpoint, attribute, v, values, gap, lost, within.p_value, q_value
        )
        evidence = {
            **finding.evidence,
            "adjusted_difference": round(-within.difference, 6),
            "p_independence": crude,
        }
        found.append(replace(finding, evidence=evidence))
    return _one_per_segment(found)


def _pooled(rows: list[Contrast]) -> list[Contrast]:
    """Each value's customers over every cohort."""
    pooled: dict[str, list[int]] = {}
    for r in rows:
        row = pooled.setdefault(r.value, [0, 0])
        row[0] += r.customers
        row[1] += r.moved
    first = rows[0]
    return [
        Contrast(first.stage, first.attribute, value, n, m, first.touchpoint)
        for value, (n, m) in pooled.items()
    ]


def _strata(rows: list[Contrast], value: str) -> list[tuple[int, int, int, int]]:
    """Per cohort: the others' (moved, customers), then the value's."""
    cohorts: dict[object, list[int]] = {}
    for r in rows:
        row = cohorts.setdefault(r.cohort, [0, 0, 0, 0])
        offset = 2 if r.value == value else 0
        row[offset] += r.moved
        row[offset + 1] += r.customers
    return [(a, b, c, d) for a, b, c, d in cohorts.values()]


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
