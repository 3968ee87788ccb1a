"""Loops and rework (:func:`parcours.engine.returns.returns`) on DuckDB: the bound events read
once as integer columns, put in (customer, time, event_seq) order by the hot columns' bucket
sort, and walked by a compiled pass (:mod:`parcours.engine._returns_kernel`) instead of a
window over the events and a group-by on customer ids."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from parcours.engine._returns_kernel import visits
from parcours.engine._sort_kernel import bucket_sort
from parcours.engine.period import Every
from parcours.engine.returns_result import Returns

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog

_DAY_US = 86_400_000_000
_EPOCH = date(1970, 1, 1)


def returns(log: EventLog, every: Every | None) -> list[Returns]:
    """Per place, period of the first event there and channel: customers, returners, visits."""
    bound = "FROM {events} WHERE stage IS NOT NULL"
    listed = log.rows(
        f"SELECT list(DISTINCT stage), list(DISTINCT touchpoint), list(DISTINCT channel) {bound}"
    )[0]
    stage_names, touchpoint_names, channel_names = ([v for v in n if v is not None] for n in listed)
    if not stage_names:
        return []
    seq = "event_seq" if log.has_column("event_seq") else "0"
    table = log.arrow(
        f"SELECT hash(customer_id) AS key, epoch_us(timestamp) AS ts, {seq} AS seq, "
        f"{_code('stage')} AS s, {_code('touchpoint')} AS t, {_code('channel')} AS c {bound}",
        [stage_names, touchpoint_names, channel_names],
    )
    key = table["key"].to_numpy()
    ts = table["ts"].to_numpy()
    stage, touchpoint, channel = (table[c].to_numpy() for c in ("s", "t", "c"))
    seqs = table["seq"].to_numpy()
    del table
    if len(seqs) > 1 and not bool(np.all(seqs[1:] >= seqs[:-1])):  # not in arrival order
        by_seq = np.argsort(seqs, kind="stable")
        key, ts = key[by_seq], ts[by_seq]
        stage, touchpoint, channel = stage[by_seq], touchpoint[by_seq], channel[by_seq]
    del seqs
    rows = len(key)
    bits = min(max((rows // 16).bit_length(), 1), 26)  # about one customer per bucket
    sorted_key, sorted_ts = np.empty(rows, dtype=np.uint64), np.empty(rows, dtype=np.int64)
    order = np.empty(rows, dtype=np.int64)
    bucket_sort(key, ts, bits, sorted_key, sorted_ts, order)  # stable: event_seq breaks ties
    del key, ts
    places = len(stage_names) + len(touchpoint_names)
    place, first, first_channel, runs = visits(
        sorted_key, sorted_ts, order, stage, touchpoint, channel, len(stage_names), places
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


def _code(column: str) -> str:
    """The position of ``column``'s value in the list given for it (-1: NULL), as an integer."""
    return f"CAST(coalesce(list_position(?, {column}), 0) - 1 AS INTEGER)"


def _period(day: date, every: Every | None) -> date | None:
    """The start of the period of ``every`` holding ``day`` (weeks start on Monday)."""
    if every is None:
        return None
    if every == "week":
        return day - timedelta(days=day.weekday())
    if every == "month":
        return day.replace(day=1)
    return day
