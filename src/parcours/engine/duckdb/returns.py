"""Loops and rework (:func:`parcours.engine.returns.returns`) on DuckDB: the bound events read
as integers in (customer, time, event_seq) order (:mod:`parcours.engine.duckdb.ordered`) and
walked by a compiled pass (:mod:`parcours.engine._returns_kernel`) instead of a window over
the events and a group-by on customer ids."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from parcours.engine._returns_kernel import earlier_events as walk_earlier_events
from parcours.engine._returns_kernel import visits
from parcours.engine.duckdb.ordered import ordered, recoded
from parcours.engine.period import Every
from parcours.engine.returns_result import Returns

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog

_DAY_US = 86_400_000_000
_EPOCH = date(1970, 1, 1)


def returns(log: EventLog, every: Every | None) -> list[Returns]:
    """Per place, period of the first event there and channel: customers, returners, visits."""
    rows = ordered(log)
    staged = rows.codes["stage"][rows.order] >= 0  # the rows with a stage, in order
    order = rows.order[staged]
    if len(order) == 0:
        return []
    codes, found = {}, {}
    for column in ("stage", "touchpoint", "channel"):  # the values of those rows, sorted
        known = rows.names[column]
        found[column] = [known[c] for c in np.unique(rows.codes[column][order]) if c >= 0]
        codes[column] = recoded(rows.codes[column], known, found[column])
    stage_names, touchpoint_names, channel_names = found.values()
    places = len(stage_names) + len(touchpoint_names)
    place, first, first_channel, runs = visits(
        rows.key[staged],
        rows.ts[staged],
        order,
        codes["stage"],
        codes["touchpoint"],
        codes["channel"],
        len(stage_names),
        places,
    )
    day = first // _DAY_US
    low = int(day.min())
    days = int(day.max()) - low + 1
    lanes = len(channel_names) + 1  # the last lane: no channel
    cell = place.astype(np.int64) * lanes + np.where(first_channel < 0, lanes - 1, first_channel)
    cell = cell * days + (day - low)
    size = places * lanes * days
    customers = np.bincount(cell, minlength=size)
    returned = np.bincount(cell, weights=(runs >= 2), minlength=size)
    visited = np.bincount(cell, weights=runs, minlength=size)
    names = [("stage", s) for s in stage_names] + [("touchpoint", t) for t in touchpoint_names]
    totals: dict[tuple[int, date | None, int], list[int]] = {}
    for c in np.flatnonzero(customers):
        p, rest = divmod(int(c), lanes * days)
        lane, d = divmod(rest, days)
        start = _period(_EPOCH + timedelta(days=low + d), every)
        row = totals.setdefault((p, start, lane), [0, 0, 0])
        row[0] += int(customers[c])
        row[1] += round(returned[c])
        row[2] += round(visited[c])
    return [
        Returns(
            names[p][0],
            names[p][1],
            start,
            None if lane == lanes - 1 else channel_names[lane],
            n,
            r,
            v,
        )
        for (p, start, lane), (n, r, v) in totals.items()
    ]


def earlier_events(log: EventLog, stages: list[str]) -> list[tuple[str, str, int, int]]:
    """:meth:`parcours.engine.backend.Backend.earlier_events`, by a compiled walk."""
    rows = ordered(log)
    events = rows.names["event"]
    customers, moved = walk_earlier_events(
        rows.key,
        rows.ts,
        rows.order,
        recoded(rows.codes["stage"], rows.names["stage"], stages),
        rows.codes["event"],
        len(stages),
        len(events),
    )
    return [
        (stages[s], events[e], int(customers[s, e]), int(moved[s, e]))
        for s, e in zip(*np.nonzero(customers), strict=True)
    ]


def _period(day: date, every: Every | None) -> date | None:
    """The start of the period of ``every`` holding ``day`` (weeks start on Monday)."""
    if every is None:
        return None
    if every == "week":
        return day - timedelta(days=day.weekday())
    if every == "month":
        return day.replace(day=1)
    return day
