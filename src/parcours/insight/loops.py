"""Loops and rework over calendar time, as findings: the share of a place's customers who come
back to it after leaving it (:func:`parcours.engine.returns.returns`), per calendar period of
their first event there, judged like a rate incident (:func:`~parcours.insight.incidents.
rate_incidents`: a run of periods above the usual share, a higher share being worse) and
explained by channel. The usual share is floored at :data:`FLOOR`, so that a place where
nobody ever comes back does not raise an alarm for a handful of returns; a loop finding needs
:data:`MIN_EXTRA` more returning customers than usual, and as many usual periods as periods in
the loop (the periods judged are those where the place sees its usual number of customers: the
ramp up and the winding down at the edges of the data, where returns are not all seen yet, are
left out). One finding per story: the loops of one
stage over overlapping periods (customers going back and forth between two touchpoints return
to both) are told by the costliest, the others listed as ``related``."""

from __future__ import annotations

from datetime import date

import numpy as np

from parcours.engine.kpis import share_of
from parcours.engine.returns import Returns
from parcours.engine.series import series_of
from parcours.insight.findings import ChannelChange, Finding, Place
from parcours.insight.incidents import THRESHOLD, Incident, active_periods, rate_incidents
from parcours.insight.journey_incidents import EXPLAINS, _events, _folded
from parcours.insight.wording import number_text, place_text, share_text
from parcours.model import Journey

FLOOR = 0.005
MIN_EXTRA = 20


def loops(
    journey: Journey,
    rows: list[Returns],
    every: str,
    starts: list[date],
    *,
    threshold: float = THRESHOLD,
) -> list[Finding]:
    """The runs of periods in which more customers than usual came back to a place."""
    stage_of = {t.id: s.id for s in journey.stages for t in s.touchpoints}
    by_place: dict[tuple[str, str], list[Returns]] = {}
    for r in rows:
        by_place.setdefault((r.level, r.place), []).append(r)
    found = []
    for (level, place), rs in sorted(by_place.items()):
        stage = stage_of.get(place) if level == "touchpoint" else place
        if stage is None:
            continue
        touchpoint = place if level == "touchpoint" else None
        totals: dict[date, tuple[int, int]] = {}
        for r in rs:
            if r.start is None:
                continue
            n, k = totals.get(r.start, (0, 0))
            totals[r.start] = (n + r.customers, k + r.returned)
        values = {p: share_of(k, n) for p, (n, k) in totals.items()}
        active = active_periods(np.array([totals.get(s, (0, 0))[0] for s in starts], float))
        where = f"stages.{stage}" + (f".touchpoints.{touchpoint}" if touchpoint else "")
        series = series_of(where, "returns", "loop", every, values, starts)  # type: ignore[arg-type]
        for incident in rate_incidents(
            series, higher_is_better=False, counted=active, threshold=threshold, floor=FLOOR
        ):
            inside = incident.end - incident.start
            if incident.cost < MIN_EXTRA or sum(incident.counted) < 2 * inside:
                continue
            channels = _by_channel(rs, incident)
            found.append(_finding(journey, incident, stage, touchpoint, channels))
    return _folded(found)


def _by_channel(rows: list[Returns], incident: Incident) -> list[ChannelChange]:
    """Each channel's share of returning customers before and during the loop, and the extra
    customers it sent back."""
    starts = [p.start for p in incident.series.points]
    inside = set(starts[incident.start : incident.end])
    judged = {s for s, ok in zip(starts, incident.counted, strict=True) if ok}
    pooled: dict[str | None, list[int]] = {}
    for r in rows:
        if r.start not in judged:
            continue
        row = pooled.setdefault(r.channel, [0, 0, 0, 0])
        offset = 2 if r.start in inside else 0
        row[offset] += r.customers
        row[offset + 1] += r.returned
    out = []
    for channel, (n0, k0, n1, k1) in pooled.items():
        if n1 == 0:
            continue
        base = max(k0 / n0, FLOOR) if n0 else None
        seen = k1 / n1
        extra = 0.0 if base is None else (seen - base) * n1
        out.append(ChannelChange(channel, base, seen, n1, extra))
    return sorted(out, key=lambda c: -c.lost)


def _finding(
    journey: Journey,
    incident: Incident,
    stage: str,
    touchpoint: str | None,
    channels: list[ChannelChange],
) -> Finding:
    extra = sum(c.lost for c in channels if c.lost > 0)
    top = channels[0] if channels and channels[0].lost > 0 else None
    segment = (
        {"channel": str(top.channel)}
        if top is not None and top.channel is not None and top.lost >= EXPLAINS * extra
        else None
    )
    points = incident.series.points[incident.start : incident.end]
    evidence = {
        "journey": journey.id,
        "series": incident.series.where,
        "measure": "returns",
        "level": "touchpoint" if touchpoint else "stage",
        "every": incident.series.every,
        "baseline": round(incident.baseline, 6),
        "observed": round(incident.observed, 6),
        "customers": incident.n,
        "score": round(incident.score, 2),
        "periods": [
            {"start": p.start.isoformat(), "value": p.value.value, "n": p.value.n} for p in points
        ],
        "channels": [c.to_dict() for c in channels],
    }
    start, end = incident.first_day.isoformat(), incident.last_day.isoformat()
    texts = {}
    for lang in ("fr", "en"):
        where = place_text(journey, stage, touchpoint, lang)
        before, after = share_text(incident.baseline, lang), share_text(incident.observed, lang)
        n, cost = number_text(incident.n, lang), number_text(incident.cost, lang)
        if lang == "fr":
            text = (
                f"Du {start} au {end}, {after} des clients reviennent {where} après l'avoir "
                f"quitté, contre {before} d'habitude ({n} clients) : environ {cost} clients "
                "de plus tournent en boucle."
            )
            if segment:
                text += f" Le canal {segment['channel']} en explique l'essentiel."
        else:
            text = (
                f"From {start} to {end}, {after} of customers came back {where} after leaving "
                f"it, against {before} usually ({n} customers): about {cost} more customers "
                "going round in a loop."
            )
            if segment:
                text += f" The {segment['channel']} channel accounts for most of it."
        texts[lang] = text
    return Finding(
        "loop",
        Place(stage, touchpoint, _events(journey, stage, touchpoint)),
        incident.first_day,
        incident.last_day,
        segment,
        incident.cost,
        texts,
        evidence,
    )
