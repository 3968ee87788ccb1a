"""Compiled walks over a bound journey's events in (customer, time, event_seq) order, without a
window or a group-by on customer ids: the returns' ordered pass (:mod:`parcours.engine.returns`),
the events each stage's customers had before it (:mod:`parcours.engine.outcomes`) and each
customer's spans at every place (:mod:`parcours.engine.journey_kpis`)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def _run_end(key: np.ndarray, row: int) -> int:
    """The row after the last one of the customer whose rows start at ``row``."""
    end = row + 1
    while end < len(key) and key[end] == key[row]:
        end += 1
    return end


@numba.njit(cache=True, nogil=True)
def visits(
    key: np.ndarray,
    ts: np.ndarray,
    order: np.ndarray,
    stage: np.ndarray,
    touchpoint: np.ndarray,
    channel: np.ndarray,
    stages: int,
    places: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Over the rows in (customer, time, event_seq) order (``key`` and ``ts`` sorted, row
    ``i`` being row ``order[i]`` of ``stage``, ``touchpoint`` and ``channel``), per customer and
    place met (place ``stage`` or ``stages + touchpoint``; -1 in
    ``touchpoint`` or ``channel`` is NULL): the place, the time of its first event, the channel
    of its first visit start with a channel (-1: none) and its number of visits.

    A visit starts at an event of the place whose previous event (of the same customer, any
    place) is not of that place at that level (a NULL touchpoint is no place)."""
    n = len(key)
    most = 2 * n  # a row opens at most two places: its stage and its touchpoint
    out_place = np.empty(most, dtype=np.int32)
    out_first = np.empty(most, dtype=np.int64)
    out_channel = np.empty(most, dtype=np.int32)
    out_runs = np.empty(most, dtype=np.int64)
    slot = np.full(places, -1, dtype=np.int64)  # the customer's output row of each place
    met = np.empty(places, dtype=np.int32)
    count = 0
    row = 0
    while row < n:
        end = _run_end(key, row)
        seen = 0
        previous_stage = -1
        previous_touchpoint = -1
        for i in range(row, end):
            r = order[i]
            for level in range(2):
                if level == 0:
                    place, previous = stage[r], previous_stage
                else:
                    place, previous = touchpoint[r], previous_touchpoint
                if place < 0 or place == previous:
                    continue
                p = place if level == 0 else stages + place
                s = slot[p]
                if s < 0:
                    s = count
                    count += 1
                    slot[p] = s
                    met[seen] = p
                    seen += 1
                    out_place[s] = p
                    out_first[s] = ts[i]
                    out_channel[s] = channel[r]
                    out_runs[s] = 0
                elif out_channel[s] < 0:
                    out_channel[s] = channel[r]
                out_runs[s] += 1
            previous_stage = stage[r]
            previous_touchpoint = touchpoint[r]
        for i in range(seen):
            slot[met[i]] = -1
        row = end
    return out_place[:count], out_first[:count], out_channel[:count], out_runs[:count]


@numba.njit(cache=True, nogil=True)
def earlier_events(
    key: np.ndarray,
    ts: np.ndarray,
    order: np.ndarray,
    stage: np.ndarray,
    event: np.ndarray,
    stages: int,
    events: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Over the rows in (customer, time, event_seq) order (as :func:`visits`; ``stage`` codes
    in the map's order, -1: none), per stage but the last (rows) and event (columns): the
    customers who came to the stage and had that event earlier than their first event there,
    and those of them who reached the next stage (an event there at or after that first one)."""
    customers = np.zeros((max(stages - 1, 0), events), dtype=np.int64)
    moved = np.zeros((max(stages - 1, 0), events), dtype=np.int64)
    never = np.iinfo(np.int64).max
    first_at = np.full(stages, never, dtype=np.int64)
    last_at = np.full(stages, never, dtype=np.int64)
    first_of = np.full(events, never, dtype=np.int64)
    met = np.empty(events, dtype=np.int64)
    n = len(key)
    row = 0
    while row < n:
        end = _run_end(key, row)
        seen = 0
        for i in range(row, end):
            r = order[i]
            e = event[r]
            if e >= 0 and first_of[e] == never:
                first_of[e] = ts[i]
                met[seen] = e
                seen += 1
            s = stage[r]
            if s >= 0:
                if first_at[s] == never:
                    first_at[s] = ts[i]
                last_at[s] = ts[i]
        for s in range(stages - 1):
            if first_at[s] == never:
                continue
            on = first_at[s + 1] != never and last_at[s + 1] >= first_at[s]
            for j in range(seen):
                e = met[j]
                if first_of[e] < first_at[s]:
                    customers[s, e] += 1
                    if on:
                        moved[s, e] += 1
        for j in range(seen):
            first_of[met[j]] = never
        first_at[:] = never
        last_at[:] = never
        row = end
    return customers, moved


@numba.njit(cache=True, nogil=True)
def spans(
    key: np.ndarray,
    ts: np.ndarray,
    stage: np.ndarray,
    touchpoint: np.ndarray,
    period: np.ndarray,
    stages: int,
    places: int,
    periods: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Over the rows in (customer, time, event_seq) order (``key``, ``ts``, ``stage``,
    ``touchpoint`` all in that order, -1: NULL; ``period[i]``: the period of row ``i``, from 0):
    a row per customer (place -1), then a row per customer and place met (place ``stage`` or
    ``stages + touchpoint``), grouped by place, each with the customer's key and the times of
    the first and last events there; and per place and period, the customers with an event
    there in that period."""
    n = len(key)
    seen_at = np.full(places, -1, dtype=np.int64)  # the customer's row of each place, or -1
    met = np.empty(places, dtype=np.int32)
    sizes = np.zeros(places + 1, dtype=np.int64)  # rows per place, customers first
    row = 0
    while row < n:  # first pass: how many rows each place gets
        end = _run_end(key, row)
        seen = 0
        for i in range(row, end):
            for level in range(2):
                place = stage[i] if level == 0 else touchpoint[i]
                if place < 0:
                    continue
                p = place if level == 0 else stages + place
                if seen_at[p] < 0:
                    seen_at[p] = 0
                    met[seen] = p
                    seen += 1
        for j in range(seen):
            seen_at[met[j]] = -1
            sizes[met[j] + 1] += 1
        sizes[0] += 1
        row = end
    fill = np.zeros(places + 1, dtype=np.int64)  # where each place's next row goes
    for p in range(places):
        fill[p + 1] = fill[p] + sizes[p]
    total = fill[places] + sizes[places]
    out_key = np.empty(total, dtype=np.uint64)
    out_place = np.empty(total, dtype=np.int32)
    out_first = np.empty(total, dtype=np.int64)
    out_last = np.empty(total, dtype=np.int64)
    customers = np.zeros((places, periods), dtype=np.int64)
    counted = np.full(places, -1, dtype=np.int64)  # the customer's last period at each place
    row = 0
    while row < n:
        end = _run_end(key, row)
        c = fill[0]
        fill[0] += 1
        out_key[c] = key[row]
        out_place[c] = -1
        out_first[c] = ts[row]
        out_last[c] = ts[end - 1]
        seen = 0
        for i in range(row, end):
            for level in range(2):
                place = stage[i] if level == 0 else touchpoint[i]
                if place < 0:
                    continue
                p = place if level == 0 else stages + place
                s = seen_at[p]
                if s < 0:
                    s = fill[p + 1]
                    fill[p + 1] += 1
                    seen_at[p] = s
                    met[seen] = p
                    seen += 1
                    out_key[s] = key[row]
                    out_place[s] = p
                    out_first[s] = ts[i]
                out_last[s] = ts[i]
                if counted[p] != period[i]:
                    counted[p] = period[i]
                    customers[p, period[i]] += 1
        for j in range(seen):
            seen_at[met[j]] = -1
            counted[met[j]] = -1
        row = end
    return out_key, out_place, out_first, out_last, customers
