"""An incident explained by channel: its measure on each channel before and during it, and the
customers each channel lost (the engine counts per channel; nothing here reads the events)."""

from __future__ import annotations

import numpy as np

from parcours.engine.journey_kpis import JourneyKpis, Period
from parcours.engine.series import Series
from parcours.insight.control import count_baseline
from parcours.insight.findings import ChannelChange
from parcours.insight.incidents import MATURE, REACHING, Incident
from parcours.model import KpiKind


def by_channel(
    kpis: JourneyKpis, incident: Incident, stage: str, touchpoint: str | None
) -> list[ChannelChange]:
    """The incident's measure on each channel, before and during it, most customers lost
    first (empty for the measures not broken down yet)."""
    series = incident.series
    starts = [p.start for p in series.points]
    inside = set(starts[incident.start : incident.end])
    judged = {s for s, ok in zip(starts, incident.counted, strict=True) if ok}
    done = dict(zip(starts, incident.completion or [1.0] * len(starts), strict=True))
    mature = {s for s in judged if done[s] >= MATURE}
    out = []
    if series.kind in REACHING:
        reached = kpis.reached_next_by("channel", stage, touchpoint)
        for channel in sorted({c for _, c in reached}, key=str):
            before = _pooled(reached, channel, mature - inside, done)
            during = _pooled(reached, channel, judged & inside, done)
            if during[0] == 0:
                continue
            base = before[1] / before[2] if before[2] else None
            seen = during[1] / during[2]
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
    counts: dict[tuple[Period, str | None], tuple[int, int]],
    channel: str | None,
    periods: set,
    done: dict,
) -> tuple[int, int, float]:
    """Customers and those who reached the next stage on ``channel`` over ``periods``, and the
    customers weighted by how complete their period is (the denominator of a fair rate)."""
    n = kept = 0
    weighted = 0.0
    for period in periods:
        found = counts.get((period, channel))
        if found:
            n, kept = n + found[0], kept + found[1]
            weighted += found[0] * done[period]
    return n, kept, weighted


def _share(reached: float | None, series: Series) -> float | None:
    """A share of customers who reached the next stage, as the series states it."""
    if reached is None:
        return None
    return 1 - reached if series.kind == KpiKind.ABANDONMENT.value else reached
