"""Sorting events into hot columns, compiled: a stable bucket pass on the key's top bits, then
each small bucket sorted by (key, timestamp); no global comparison sort.

The rows come in ``event_seq`` order (the storage order of an append-only table), so a stable
sort by (key, timestamp) is the (key, timestamp, event_seq) order. Keys are 64-bit hashes, so
the top bits spread rows evenly over the buckets; a bucket holds whole customers (a few dozen
rows on average) and is sorted in place on contiguous copies (by insertion, or by two stable
merge sorts when it is large: a customer with many events).
"""

from __future__ import annotations

import numba
import numpy as np

_SMALL = 64  # buckets up to this size are sorted by insertion


@numba.njit(cache=True, nogil=True)
def bucket_sort(
    key: np.ndarray,
    ts: np.ndarray,
    bits: int,
    out_key: np.ndarray,
    out_ts: np.ndarray,
    out_row: np.ndarray,
) -> None:
    """Write the rows' keys, times and row numbers sorted by (key, timestamp, row)."""
    n = len(key)
    shift = np.uint64(64 - bits)
    starts = np.zeros((1 << bits) + 1, dtype=np.int64)
    for i in range(n):
        starts[np.int64(key[i] >> shift) + 1] += 1
    for b in range(1 << bits):
        starts[b + 1] += starts[b]
    fill = starts[:-1].copy()
    for i in range(n):
        bucket = np.int64(key[i] >> shift)
        p = fill[bucket]
        out_key[p] = key[i]
        out_ts[p] = ts[i]
        out_row[p] = i
        fill[bucket] = p + 1
    for b in range(1 << bits):
        lo, hi = starts[b], starts[b + 1]
        if hi - lo <= _SMALL:
            for x in range(lo + 1, hi):
                k, t, r = out_key[x], out_ts[x], out_row[x]
                y = x - 1
                while y >= lo and (out_key[y] > k or (out_key[y] == k and out_ts[y] > t)):
                    out_key[y + 1] = out_key[y]
                    out_ts[y + 1] = out_ts[y]
                    out_row[y + 1] = out_row[y]
                    y -= 1
                out_key[y + 1], out_ts[y + 1], out_row[y + 1] = k, t, r
        else:
            o = np.argsort(out_ts[lo:hi], kind="mergesort")
            o = o[np.argsort(out_key[lo:hi][o], kind="mergesort")]
            out_key[lo:hi] = out_key[lo:hi][o].copy()
            out_ts[lo:hi] = out_ts[lo:hi][o].copy()
            out_row[lo:hi] = out_row[lo:hi][o].copy()


@numba.njit(cache=True, nogil=True)
def take_events(rows: np.ndarray, event: np.ndarray, out_event: np.ndarray) -> None:
    for i in range(len(rows)):
        out_event[i] = event[rows[i]]


@numba.njit(cache=True, nogil=True)
def runs(key: np.ndarray, out_keys: np.ndarray, out_bounds: np.ndarray) -> int:
    """The customer runs of sorted keys: each run's key and first row, then the row count;
    returns the number of customers."""
    c = 0
    for i in range(len(key)):
        if i == 0 or key[i] != key[i - 1]:
            out_keys[c] = key[i]
            out_bounds[c] = i
            c += 1
    out_bounds[c] = len(key)
    return c
