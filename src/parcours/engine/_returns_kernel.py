"""The returns' ordered pass (:mod:`parcours.engine.returns`), compiled: one walk over the bound
events in (customer, time, event_seq) order, without a window or a group-by on customer ids."""

from __future__ import annotations

import numba
import numpy as np


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
    out_place = np.empty(n, dtype=np.int32)
    out_first = np.empty(n, dtype=np.int64)
    out_channel = np.empty(n, dtype=np.int32)
    out_runs = np.empty(n, dtype=np.int64)
    slot = np.full(places, -1, dtype=np.int64)  # the customer's output row of each place
    met = np.empty(places, dtype=np.int32)
    count = 0
    row = 0
    while row < n:
        end = row + 1
        while end < n and key[end] == key[row]:
            end += 1
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
