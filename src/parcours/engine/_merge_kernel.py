"""Merging new events into sorted hot columns, compiled: one linear pass, nothing re-sorted.

The old columns hold customers as runs of rows in ascending key order (``keys[c]`` is the key of
the run ``bounds[c]:bounds[c + 1]``, each run in (timestamp, event_seq) order); the new rows come
sorted by (key, timestamp, event_seq), and every new row has a larger ``event_seq`` than every
old row, so on equal timestamps an old row goes first. The output is the columns a full sort of
old and new rows would give.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def merge_runs(
    keys: np.ndarray,
    bounds: np.ndarray,
    ts: np.ndarray,
    event: np.ndarray,
    new_key: np.ndarray,
    new_ts: np.ndarray,
    new_event: np.ndarray,
    out_keys: np.ndarray,
    out_bounds: np.ndarray,
    out_ts: np.ndarray,
    out_event: np.ndarray,
) -> int:
    """Write the merged columns into the ``out_`` arrays; returns the number of customers
    (``out_bounds[customers]`` is the number of rows)."""
    customers, added = len(keys), len(new_key)
    i = j = r = c = 0
    while i < customers or j < added:
        # the old customers before the next new key: copied as one block
        hi = customers if j == added else i + np.searchsorted(keys[i:], new_key[j])
        if hi > i:
            a, b = bounds[i], bounds[hi]
            out_ts[r : r + b - a] = ts[a:b]
            out_event[r : r + b - a] = event[a:b]
            out_keys[c : c + hi - i] = keys[i:hi]
            out_bounds[c : c + hi - i] = bounds[i:hi] - a + r
            r += b - a
            c += hi - i
            i = hi
            continue
        key = new_key[j]
        out_keys[c] = key
        out_bounds[c] = r
        a = b = 0
        if i < customers and keys[i] == key:  # a known customer: merge the two runs
            a, b = bounds[i], bounds[i + 1]
            i += 1
        while a < b or (j < added and new_key[j] == key):
            if j < added and new_key[j] == key and (a == b or new_ts[j] < ts[a]):
                out_ts[r] = new_ts[j]
                out_event[r] = new_event[j]
                j += 1
            else:
                out_ts[r] = ts[a]
                out_event[r] = event[a]
                a += 1
            r += 1
        c += 1
    out_bounds[c] = r
    return c
