"""Incidents over calendar time: where and when a measure of the map left its usual level.

Every series of a journey's :class:`~parcours.insight.trend.Timeline` is scanned:

* a **rate** (conversion, abandonment, click-through, retention, churn, CSAT, return and
  complaint rates: ``n`` observations per period) against its binomial p-chart
  (:func:`~parcours.insight.control.p_chart`): the baseline is the median rate of the periods,
  each period's variance ``p(1-p)·n_t`` its own;
* a **count** (customers per period) against the median of its neighbours (same weekday for
  days), with a Poisson variance.

Deviations are pooled over runs of consecutive periods (:func:`~parcours.insight.control.scan`)
so that a one-month bug is one incident with a start and an end, and a one-day outage a run of
one day. The variance is widened by the series' own over-dispersion; a run is an incident when
its pooled score reaches ``threshold`` standard errors (5 by default: a map has dozens of series
of hundreds of periods, the chart's 3 would raise false alarms every week), when the change is
large enough to matter (``min_change`` of the baseline), and, for a rate, when it goes the
harmful way. Periods a rate cannot yet be judged on are left out: customers who came to a stage
too recently to have reached the next one (the time within which 99 % of them do), or to be
retained 30 days.

Each incident is explained by channel: the same measure on each channel, before and during the
incident, and the customers each channel lost (:class:`~parcours.insight.findings.ChannelChange`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from parcours.engine.journey_kpis import RETAINED_AFTER, JourneyKpis, Period
from parcours.engine.series import Series, next_start
from parcours.insight.control import count_baseline, dispersion, scan
from parcours.insight.findings import ChannelChange, Finding, Place
from parcours.insight.wording import summary
from parcours.model import KPI, Journey, KpiKind
from parcours.model.vocabulary import Direction

#: Series kinds whose points are shares of ``n`` observations.
RATES = frozenset(
    k.value
    for k in (
        KpiKind.CONVERSION,
        KpiKind.ABANDONMENT,
        KpiKind.CLICK_THROUGH,
        KpiKind.RETENTION,
        KpiKind.CHURN,
        KpiKind.LOYALTY,
        KpiKind.RETURN_RATE,
        KpiKind.COMPLAINT_RATE,
        KpiKind.CSAT,
    )
)
#: Rates measured by whether customers reached the next stage.
REACHING = frozenset({KpiKind.CONVERSION.value, KpiKind.ABANDONMENT.value})
THRESHOLD = 5.0
MIN_CHANGE = {"rate": 0.1, "count": 0.2}
#: A count series is judged between its first and last period at this share of its usual
#: level (the upper quartile of its counts: robust to long thin tails at the data's edges).
ACTIVE = 0.8
#: A segment explains a change when it holds at least this share of the customers lost.
EXPLAINS = 0.5


@dataclass(frozen=True)
class Incident:
    """A run of periods (``start`` to ``end``, indices, end exclusive) of one series that left
    its baseline: the baseline and observed values (rate, or count per period), the
    observations in the run (``n``), the customers lost (``cost``, 0 for a rise in a count)."""

    series: Series
    start: int
    end: int
    score: float
    baseline: float
    observed: float
    n: int
    cost: float
    counted: tuple[bool, ...]  # which periods of the series were judged

    @property
    def first_day(self) -> date:
        return self.series.points[self.start].start

    @property
    def last_day(self) -> date:
        last = self.series.points[self.end - 1].start
        return next_start(last, self.series.every) - timedelta(days=1)


def rate_incidents(
    series: Series,
    *,
    higher_is_better: bool = True,
    counted: np.ndarray | None = None,
    threshold: float = THRESHOLD,
    min_change: float = MIN_CHANGE["rate"],
) -> list[Incident]:
    """The harmful runs of a rate series (``counted``: the periods to judge, default all with
    observations)."""
    n = np.array([p.value.n for p in series.points], dtype=float)
    rates = np.array([p.value.value or 0.0 for p in series.points], dtype=float)
    kept = np.round(rates * n)
    judged = (n > 0) if counted is None else (n > 0) & counted
    if judged.sum() < 3:
        return []
    p0 = float(np.median(rates[judged]))
    excess = np.where(judged, kept - p0 * n, 0.0)
    variance = np.where(judged, p0 * (1 - p0) * n, 0.0)
    variance = variance * dispersion(excess[judged], variance[judged])
    found = []
    for run in scan(excess, variance, threshold):
        inside = np.zeros(n.size, dtype=bool)
        inside[run.start : run.end] = True
        outside = judged & ~inside
        if not outside.any():
            continue
        baseline = float(np.median(rates[outside]))
        total = float(n[inside & judged].sum())
        observed = float(kept[inside & judged].sum() / total)
        change = observed - baseline
        worse = change < 0 if higher_is_better else change > 0
        if not worse or abs(change) < min_change * baseline:
            continue
        found.append(
            Incident(
                series,
                run.start,
                run.end,
                run.score,
                baseline,
                observed,
                int(total),
                abs(change) * total,
                tuple(bool(x) for x in judged),
            )
        )
    return found


def count_incidents(
    series: Series, *, threshold: float = THRESHOLD, min_change: float = MIN_CHANGE["count"]
) -> list[Incident]:
    """The runs of a count series that fell or rose from the usual counts (the cost of a rise
    is 0: nobody was lost)."""
    counts = np.array([p.value.value or 0.0 for p in series.points], dtype=float)
    judged = active_periods(counts)
    if judged.sum() < 3:
        return []
    expected = count_baseline(counts, series.every, judged)
    judged &= ~np.isnan(expected)
    expected = np.nan_to_num(expected)
    excess = np.where(judged, counts - expected, 0.0)
    variance = np.where(judged, np.maximum(expected, 1.0), 0.0)
    variance = variance * dispersion(excess[judged], variance[judged])
    found = []
    for run in scan(excess, variance, threshold):
        inside = np.zeros(counts.size, dtype=bool)
        inside[run.start : run.end] = True
        inside &= judged
        periods = int(inside.sum())
        baseline = float(expected[inside].sum() / periods)
        observed = float(counts[inside].sum() / periods)
        if abs(observed - baseline) < min_change * baseline:
            continue
        if not _returns(counts, judged, run.start, run.end, observed, min_change, series.every):
            continue
        found.append(
            Incident(
                series,
                run.start,
                run.end,
                run.score,
                baseline,
                observed,
                int(counts[inside].sum()),
                max(baseline - observed, 0.0) * periods,
                tuple(bool(x) for x in judged),
            )
        )
    return found


def _returns(
    counts: np.ndarray,
    judged: np.ndarray,
    start: int,
    end: int,
    observed: float,
    min_change: float,
    every: str,
) -> bool:
    """Whether the counts of the four weeks (or periods) before and after a run both differ
    from the run's level the same way as the run does from its baseline: a dip or a spike
    with a start and an end, not the ramp up or the winding down of a series at the edges of
    the data (nor, yet, a change in the very last periods)."""
    width = 28 if every == "day" else 4
    index = np.arange(counts.size)
    before = counts[judged & (index < start) & (index >= start - width)]
    after = counts[judged & (index >= end) & (index < end + width)]
    if before.size == 0 or after.size == 0:
        return False
    levels = np.array([np.median(before), np.median(after)])
    if observed < levels.min():
        return bool(observed <= (1 - min_change) * levels.min())
    return bool(observed >= (1 + min_change) * levels.max())


def active_periods(counts: np.ndarray) -> np.ndarray:
    """The periods between the first and the last at :data:`ACTIVE` of the usual count (a
    series that ramps up or winds down at the edges of the data is judged in between), the last
    period left out (it is often partial)."""
    out = np.zeros(counts.size, dtype=bool)
    positive = counts[counts > 0]
    if positive.size == 0:
        return out
    high = np.flatnonzero(counts >= ACTIVE * float(np.quantile(positive, 0.75)))
    out[high[0] : min(high[-1] + 1, counts.size - 1)] = True
    return out


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
            counted = _judged(kpis, one, stage, touchpoint)
            found = rate_incidents(
                one, higher_is_better=not lower, counted=counted, threshold=threshold
            )
        elif one.measure == "customers":
            found = count_incidents(one, threshold=threshold)
        else:
            continue
        for incident in found:
            channels = _by_channel(kpis, incident, stage, touchpoint)
            findings.append(_finding(journey, incident, kpi, stage, touchpoint, channels, same))
    return _folded(findings)


def _folded(findings: list[Finding]) -> list[Finding]:
    """One finding per story: an incident at the same stage over an overlapping period as a
    costlier one is listed in its evidence (``related``) instead of standing alone."""
    kept: list[Finding] = []
    related: dict[int, list[dict[str, object]]] = {}
    for finding in sorted(findings, key=lambda f: -f.cost):
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
            kept = tuple(
                round(min(v, 1 - v) * p.value.n, 6)
                for p in one.points
                for v in [p.value.value or 0.0]
            )
            key = (one.where, n, kept)
            if key in seen:
                out[seen[key]][1].append(one.measure)
                continue
            seen[key] = len(out)
        out.append((one, []))
    return out


def _judged(kpis: JourneyKpis, series: Series, stage: str, touchpoint: str | None) -> np.ndarray:
    """The periods of a rate series that can be judged: those whose customers all had time to
    reach the next stage (or to be retained) before the data ends."""
    starts = [p.start for p in series.points]
    lag = timedelta(0)
    if series.kind in REACHING:
        seconds = kpis.next_stage_lag(stage, touchpoint)
        lag = timedelta(seconds=seconds or 0.0)
    elif series.kind in (KpiKind.RETENTION.value, KpiKind.CHURN.value):
        lag = RETAINED_AFTER
    end = starts[-1] if starts else date.min
    return np.array([next_start(s, series.every) + lag <= end for s in starts], dtype=bool)


def _by_channel(
    kpis: JourneyKpis, incident: Incident, stage: str, touchpoint: str | None
) -> list[ChannelChange]:
    """The incident's measure on each channel, before and during it, most customers lost
    first (empty for the measures not broken down yet)."""
    series = incident.series
    starts = [p.start for p in series.points]
    inside = set(starts[incident.start : incident.end])
    judged = {s for s, ok in zip(starts, incident.counted, strict=True) if ok}
    out = []
    if series.kind in REACHING:
        reached = kpis.reached_next_by("channel", stage, touchpoint)
        for channel in sorted({c for _, c in reached}, key=str):
            before = _pooled(reached, channel, judged - inside)
            during = _pooled(reached, channel, judged & inside)
            if during[0] == 0:
                continue
            base = before[1] / before[0] if before[0] else None
            seen = during[1] / during[0]
            lost = 0.0 if base is None else (base - seen) * during[0]
            out.append(
                ChannelChange(channel, _share(base, series), _share(seen, series), during[0], lost)
            )
    elif series.measure == "customers":
        level, place = ("touchpoint", touchpoint) if touchpoint else ("stage", stage)
        counts = kpis.customers_by("channel", level, place)
        for channel in sorted({c for _, c in counts}, key=str):
            values = np.array([counts.get((s, channel), 0) for s in starts], dtype=float)
            judged_here = np.array(incident.counted)
            expected = np.nan_to_num(count_baseline(values, series.every, judged_here))
            run = slice(incident.start, incident.end)
            periods = incident.end - incident.start
            base, seen = float(expected[run].sum()), float(values[run].sum())
            out.append(
                ChannelChange(channel, base / periods, seen / periods, int(seen), base - seen)
            )
    return sorted(out, key=lambda c: -c.lost)


def _pooled(
    counts: dict[tuple[Period, str | None], tuple[int, int]], channel: str | None, periods: set
) -> tuple[int, int]:
    n = kept = 0
    for period in periods:
        found = counts.get((period, channel))
        if found:
            n, kept = n + found[0], kept + found[1]
    return n, kept


def _share(reached: float | None, series: Series) -> float | None:
    """A share of customers who reached the next stage, as the series states it."""
    if reached is None:
        return None
    return 1 - reached if series.kind == KpiKind.ABANDONMENT.value else reached


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
        "customers": incident.n,  # observed during the incident (counts: visits)
        "score": round(incident.score, 2),
        "periods": [
            {"start": p.start.isoformat(), "value": p.value.value, "n": p.value.n}
            for p in series.points[incident.start : incident.end]
        ],
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
