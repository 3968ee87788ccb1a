"""A journey's incidents over calendar time, as findings: every series of its timeline judged
(:mod:`parcours.insight.incidents`), explained by channel (:mod:`parcours.insight.channels`),
said in French and English (:mod:`parcours.insight.wording`), one finding per story."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from parcours.engine.journey_kpis import RETAINED_AFTER, JourneyKpis
from parcours.engine.kpis import share_of
from parcours.engine.series import Series, next_start, series_of
from parcours.insight.channels import by_channel
from parcours.insight.control import binomial_limits
from parcours.insight.findings import ChannelChange, Finding, Place
from parcours.insight.incidents import (
    RATES,
    REACHING,
    THRESHOLD,
    Incident,
    count_incidents,
    rate_incidents,
)
from parcours.insight.wording import summary
from parcours.model import KPI, Journey, KpiKind
from parcours.model.vocabulary import Direction, KpiPeriod

#: A segment explains a change when it holds at least this share of the customers lost.
EXPLAINS = 0.5


def journey_incidents(
    kpis: JourneyKpis,
    journey: Journey,
    series: tuple[Series, ...],
    *,
    threshold: float = THRESHOLD,
) -> list[Finding]:
    """The incidents of every series of ``journey`` (measured by ``kpis``), explained by
    channel, as findings. Rate series that say the same thing (a stage's conversion and its
    abandonment) are judged once."""
    findings = []
    for one, same in _distinct(series):
        stage, touchpoint = _place(one.where)
        kpi = _kpi(journey, stage, touchpoint, one.measure)
        if one.kind in RATES and one.measure != "customers":
            lower = kpi is not None and kpi.better is Direction.LOWER
            counted, completion = _judged(kpis, one, stage, touchpoint, kpi)
            found = rate_incidents(
                one,
                higher_is_better=not lower,
                counted=counted,
                completion=completion,
                complement=one.kind == KpiKind.ABANDONMENT.value,
                threshold=threshold,
            )
        elif one.measure == "customers":
            found = count_incidents(one, threshold=threshold)
        else:
            continue
        for incident in found:
            channels = by_channel(kpis, incident, stage, touchpoint)
            if one.kind in REACHING and one.measure != "customers":
                narrowed = _narrowed(kpis, incident, channels, stage, touchpoint, threshold)
                if narrowed is not None:
                    incident = narrowed
                    channels = by_channel(kpis, incident, stage, touchpoint)
            findings.append(_finding(journey, incident, kpi, stage, touchpoint, channels, same))
    return _folded(findings)


def _narrowed(
    kpis: JourneyKpis,
    incident: Incident,
    channels: list[ChannelChange],
    stage: str,
    touchpoint: str | None,
    threshold: float,
) -> Incident | None:
    """The incident over the periods in which the channel that explains it changed: the
    channel's own series is sharper than the mixed one, whose run may take in a few noisy
    periods on either side. None when no channel explains it, or its run does not overlap."""
    lost = sum(c.lost for c in channels if c.lost > 0)
    top = channels[0] if channels and channels[0].lost > 0 else None
    if top is None or top.channel is None or top.lost < EXPLAINS * lost:
        return None
    series = incident.series
    reached = kpis.reached_next_by("channel", stage, touchpoint)
    values = {p: share_of(k, n) for (p, c), (n, k) in reached.items() if c == top.channel}
    starts = [p.start for p in series.points]
    alone = series_of(series.where, series.measure, series.kind, series.every, values, starts)
    complement = series.kind == KpiKind.ABANDONMENT.value
    settings = {
        "counted": np.array(incident.counted, dtype=bool),
        "completion": np.array(incident.completion) if incident.completion else None,
        "complement": complement,
        "higher_is_better": incident.observed < incident.baseline,  # the harm was a fall
    }
    runs = rate_incidents(alone, threshold=threshold, **settings)  # type: ignore[arg-type]
    best = max(
        runs,
        key=lambda r: min(r.end, incident.end) - max(r.start, incident.start),
        default=None,
    )
    if best is None or min(best.end, incident.end) <= max(best.start, incident.start):
        return None
    if (best.start, best.end) == (incident.start, incident.end):
        return None
    again = rate_incidents(
        series,
        threshold=threshold,
        within=(best.start, best.end),
        **settings,  # type: ignore[arg-type]
    )
    return again[0] if again else None


def _folded(findings: list[Finding]) -> list[Finding]:
    """One finding per story: an incident at the same stage over an overlapping period as
    another is listed in the evidence (``related``) of the one that tells the cause: a rate
    (where customers were lost) before a count (where they went missing afterwards), then
    the costliest."""
    kept: list[Finding] = []
    related: dict[int, list[dict[str, object]]] = {}
    causes_first = sorted(findings, key=lambda f: (f.evidence["measure"] == "customers", -f.cost))
    for finding in causes_first:
        host = next(
            (
                i
                for i, k in enumerate(kept)
                if k.where.stage == finding.where.stage and _overlap(k, finding)
            ),
            None,
        )
        if host is None:
            kept.append(finding)
            continue
        related.setdefault(host, []).append(
            {
                "series": finding.evidence["series"],
                "measure": finding.evidence["measure"],
                "start": finding.start.isoformat() if finding.start else None,
                "end": finding.end.isoformat() if finding.end else None,
                "cost": round(finding.cost, 1),
                "segment": dict(finding.segment) if finding.segment else None,
            }
        )
    return [
        replace(f, evidence={**f.evidence, "related": related.get(i, [])})
        for i, f in enumerate(kept)
    ]


def _overlap(a: Finding, b: Finding) -> bool:
    """Whether two periods overlap by at least half the shorter one."""
    if None in (a.start, a.end, b.start, b.end):
        return False
    assert a.start and a.end and b.start and b.end
    shared = (min(a.end, b.end) - max(a.start, b.start)).days + 1
    shorter = min((a.end - a.start).days, (b.end - b.start).days) + 1
    return shared * 2 >= shorter


def _distinct(series: tuple[Series, ...]) -> list[tuple[Series, list[str]]]:
    """The series, those repeating an earlier rate series at the same place (the same
    observations, the same or complementary shares) folded into it (their measures listed)."""
    out: list[tuple[Series, list[str]]] = []
    seen: dict[tuple, int] = {}
    for one in series:
        if one.kind in RATES and one.measure != "customers":
            n = tuple(p.value.n for p in one.points)
            shares = [p.value.value for p in one.points]
            same = (one.where, n, tuple(None if v is None else round(v, 9) for v in shares))
            complement = (
                one.where,
                n,
                tuple(None if v is None else round(1 - v, 9) for v in shares),
            )
            earlier = seen.get(same, seen.get(complement))
            if earlier is not None:
                out[earlier][1].append(one.measure)
                continue
            seen[same] = len(out)
        out.append((one, []))
    return out


def _judged(
    kpis: JourneyKpis, series: Series, stage: str, touchpoint: str | None, kpi: KPI | None = None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Which periods of a rate series can be judged, and how complete each is: customers who
    came to a stage recently may still reach the next one (:func:`completion`); a customer is
    retained only once the KPI's ``period`` has passed (30 days without one); a churn is known
    once the period after the activity is over (the KPI's ``period``, a month by default)."""
    starts = [p.start for p in series.points]
    if not starts:
        return None, None
    end = _events_end(kpis, starts)
    if series.kind in REACHING:
        ages = np.array([(end - _middle(s, series.every)).days for s in starts])
        return None, completion(
            kpis.next_stage_days(stage, touchpoint), kpis.followed_days(stage, touchpoint), ages
        )
    per = kpi.period if kpi is not None else None
    return known(starts, series.every, series.kind, per, end), None


def known(
    starts: list[date], every: str, kind: str, period: KpiPeriod | None, end: date
) -> np.ndarray | None:
    """For a retention or churn series, whether each point (starting on each of ``starts``,
    ``every`` long) is known by ``end`` (the day after the data): a customer is retained once
    ``period`` (30 days when None) has passed after the point; a churn, counted per
    ``period`` (a month when None), once the period after the activity is over. None for the
    other kinds."""
    if kind == KpiKind.RETENTION.value:
        return np.array([_after(next_start(s, every), period) <= end for s in starts], dtype=bool)
    if kind == KpiKind.CHURN.value:
        per = period or KpiPeriod.MONTH
        return np.array(
            [_after(_after(next_start(s, every), per), per) <= end for s in starts], dtype=bool
        )
    return None


def _after(day: date, period: KpiPeriod | None) -> date:
    """``day`` plus one ``period`` (calendar months for month, quarter and year; None: the
    30 days of a retention without a period)."""
    if period is None:
        return day + RETAINED_AFTER
    if period in (KpiPeriod.DAY, KpiPeriod.WEEK):
        return day + timedelta(days=1 if period is KpiPeriod.DAY else 7)
    months = {KpiPeriod.MONTH: 1, KpiPeriod.QUARTER: 3, KpiPeriod.YEAR: 12}[period]
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def completion(taken: dict[int, int], followed: dict[int, int], ages: np.ndarray) -> np.ndarray:
    """The share of the customers who will reach the next stage that have done so by each age
    (whole days since they came to the place). Each day's conversions are counted against the
    customers who could be followed that long, so that a short stretch of data, where only
    the quick ones are seen, does not pass for a complete one: ``G(a) = sum over d < a of
    taken[d] / (customers followed at least d days)``, then ``G(a) / G(longest)``."""
    if not taken or not followed:
        return np.ones(ages.size)
    longest = max(max(followed), max(taken)) + 1
    by_days = np.zeros(longest + 1)
    for days, n in followed.items():
        by_days[days] += n
    at_risk = by_days[::-1].cumsum()[::-1]  # customers followed at least d days
    conversions = np.zeros(longest + 1)
    for days, n in taken.items():
        conversions[days] += n
    step = np.divide(conversions, at_risk, out=np.zeros_like(conversions), where=at_risk > 0)
    reached = np.concatenate([[0.0], np.cumsum(step)])  # reached[a]: within fewer than a days
    if reached[-1] <= 0:
        return np.ones(ages.size)
    return np.clip(reached[np.clip(ages, 0, longest + 1)] / reached[-1], 0.0, 1.0)


def _events_end(kpis: JourneyKpis, starts: list[date]) -> date:
    """The day after the last event (the last period's start when the span is unknown)."""
    span = kpis.span()
    if span is None:
        return starts[-1]
    return date.fromisoformat(span.split(" → ")[1]) + timedelta(days=1)


def _middle(start: date, every: str) -> date:
    return start + (next_start(start, every) - start) / 2


def _finding(
    journey: Journey,
    incident: Incident,
    kpi: KPI | None,
    stage: str,
    touchpoint: str | None,
    channels: list[ChannelChange],
    same: list[str],
) -> Finding:
    series = incident.series
    lost = sum(c.lost for c in channels if c.lost > 0)
    top = channels[0] if channels and channels[0].lost > 0 else None
    segment = (
        {"channel": str(top.channel)}
        if top is not None and top.channel is not None and top.lost >= EXPLAINS * lost
        else None
    )
    evidence = {
        "journey": journey.id,
        "series": series.where,
        "measure": series.measure,
        "same_as": same,
        "kind": series.kind,
        "every": series.every,
        "baseline": round(incident.baseline, 6),
        "observed": round(incident.observed, 6),
        "customers": incident.n,  # observed during the incident (counts: customer-periods)
        "score": round(incident.score, 2),
        "periods": _periods(incident),
        "channels": [c.to_dict() for c in channels],
    }
    text = summary(journey, incident, kpi, stage, touchpoint, top if segment else None)
    return Finding(
        "incident",
        Place(stage, touchpoint, _events(journey, stage, touchpoint)),
        incident.first_day,
        incident.last_day,
        segment,
        incident.cost,
        text,
        evidence,
    )


def _periods(incident: Incident) -> list[dict[str, object]]:
    """The incident's periods: value and observations and, for a rate, the p-chart limits
    around the baseline (scaled by how complete the period is) and whether it left them."""
    points = incident.series.points[incident.start : incident.end]
    rows: list[dict[str, object]] = [
        {"start": p.start.isoformat(), "value": p.value.value, "n": p.value.n} for p in points
    ]
    if incident.series.measure == "customers":
        return rows
    complement = incident.series.kind == KpiKind.ABANDONMENT.value
    reached = 1 - incident.baseline if complement else incident.baseline
    done = np.array(incident.completion[incident.start : incident.end] or [1.0] * len(points))
    chart = binomial_limits(reached * done, [p.value.n for p in points])
    low, high = (1 - chart.high, 1 - chart.low) if complement else (chart.low, chart.high)
    for row, point, lo, hi in zip(rows, points, low, high, strict=True):
        value = point.value.value
        row |= {
            "low": round(float(lo), 6),
            "high": round(float(hi), 6),
            "outside": value is not None and not lo <= value <= hi,
        }
    return rows


def _place(where: str) -> tuple[str, str | None]:
    """``stages.<id>[.touchpoints.<id>]`` as (stage, touchpoint)."""
    parts = where.split(".")
    return parts[1], parts[3] if len(parts) > 3 else None


def _kpi(journey: Journey, stage: str, touchpoint: str | None, measure: str) -> KPI | None:
    for s in journey.stages:
        if s.id != stage:
            continue
        if touchpoint is None:
            return next((k for k in s.kpis if k.id == measure), None)
        for t in s.touchpoints:
            if t.id == touchpoint:
                return next((k for k in t.kpis if k.id == measure), None)
    return None


def _events(journey: Journey, stage: str, touchpoint: str | None) -> tuple[str, ...]:
    """The event names bound to a place (a stage without its own matcher: its touchpoints')."""
    for s in journey.stages:
        if s.id != stage:
            continue
        if touchpoint is not None:
            t = next((t for t in s.touchpoints if t.id == touchpoint), None)
            return tuple(t.match.events) if t is not None and t.match else ()
        if s.match is not None:
            return tuple(s.match.events)
        return tuple(dict.fromkeys(e for t in s.touchpoints if t.match for e in t.match.events))
    return ()
