"""Funnels with PostHog semantics: ordered (default), strict and unordered.

Every step-1 event starts an attempt; the conversion window runs from the attempt's step-1 time
and is inclusive; one event fills at most one step; the customer counts at the furthest step of
their best attempt. See :mod:`parcours.engine._funnel_kernel` for the exact rules; each engine
feeds the same machine (:mod:`parcours.engine.funnel_plan`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import numpy as np

from parcours.engine.backend import Backend
from parcours.engine.durations import parse_duration, to_microseconds
from parcours.engine.funnel_plan import Exclusion, FunnelOrder, FunnelPlan, Step, check
from parcours.engine.funnel_result import FunnelResult, FunnelSegment, build_steps
from parcours.model.lint import closest


def funnel(
    log: Backend,
    steps: Sequence[str | Step],
    *,
    window: str | timedelta | float = "14d",
    order: FunnelOrder = "ordered",
    exclusions: Sequence[Exclusion] = (),
    breakdown: str | None = None,
    customers: str | None = None,
) -> FunnelResult:
    """Count the customers reaching each step of ``steps`` within ``window`` of step 1.

    ``breakdown`` names an event column (``channel``, ...) or a key of ``properties``; each
    customer is counted under the first non-null value on their step events (first touch). With
    ``customers`` (a table or view of the log's connection with a ``customer_id`` column),
    ``breakdown`` names a column of that table instead. On Spark, ``customers`` names a Spark
    table or view and ``Step.where`` predicates are Spark SQL.
    """
    specs = tuple(s if isinstance(s, Step) else Step(s) for s in steps)
    plan = FunnelPlan(
        specs,
        check(specs, exclusions, order),
        to_microseconds(parse_duration(window)),
        order,
        breakdown,
        customers,
    )
    levels, times, values = log.funnel_levels(plan)
    names = [s.label for s in specs]
    segments: tuple[FunnelSegment, ...] = ()
    if breakdown is not None:
        segments = _segments(names, levels, times, values)
    return FunnelResult(
        steps=build_steps(names, levels, times),
        window_s=plan.window_us / 1e6,
        order=order,
        breakdown=breakdown,
        segments=segments,
    )


def _segments(
    names: list[str], levels: np.ndarray, times: np.ndarray, values: list[Any]
) -> tuple[FunnelSegment, ...]:
    groups: dict[Any, list[int]] = {}
    for i, v in enumerate(values):
        groups.setdefault(v, []).append(i)
    segs = []
    for value, idx in groups.items():
        steps = build_steps(names, levels[idx], times[idx])
        segs.append(FunnelSegment(value=value, steps=steps))
    segs.sort(key=lambda s: (-s.steps[-1].customers, -s.steps[0].customers, str(s.value)))
    return tuple(segs)


def unseen_steps(log: Backend, steps: Sequence[str]) -> list[str]:
    """Warnings for the steps named ``steps`` that no event of ``log`` bears, each with the
    closest names that occur: a misspelled step counts no one, silently."""
    seen = {str(event) for (event,) in log.rows("SELECT DISTINCT event FROM {events}")}
    return [
        f"step {step!r} never occurs in the data{closest(step, seen)}"
        for step in dict.fromkeys(steps)
        if step not in seen
    ]
