"""Compiled walks over a bound journey's events in (customer, time, event_seq) order, without a
window or a group-by on customer ids: the returns' ordered pass (:mod:`parcours.engine.returns`)
and the events each stage's customers had before it (:mod:`parcours.engine.outcomes`)."""

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
