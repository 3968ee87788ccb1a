"""Sorting events into hot columns, compiled: a stable radix pass on the key's top bits, then
each bucket sorted by (key, timestamp) on its own; no global comparison sort.

The rows come in ``event_seq`` order (the storage order of an append-only table), so a stable
sort by (key, timestamp) is the (key, timestamp, event_seq) order. Keys are 64-bit hashes, so
the top bits spread rows evenly over the buckets. The first pass scatters the rows by the top
``TOP_BITS`` bits (few enough buckets for the writes to stay in the caches), each thread its own
slice of the rows into its own slots of every bucket (:func:`histogram`, then :func:`scatter`).
Then each bucket, a few thousand rows, is sorted in place by the next bits (a counting sort in a
small scratch copy) and its sub-buckets, a customer or so each, by insertion (by two stable
merge sorts when large: a customer with many events) (:func:`sort_buckets`). The buckets are
independent, so threads share them out. Each function releases the GIL.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from parcours.settings import cpu_quota

#: Bits of the first pass: 2,048 buckets.
TOP_BITS = 11
_SMALL = 64  # sub-buckets up to this size are sorted by insertion


def sort_events(
    key: np.ndarray,
    ts: np.ndarray,
    carry: np.ndarray,
    out_key: np.ndarray,
    out_ts: np.ndarray,
    out_carry: np.ndarray,
    threads: int | None = None,
) -> None:
    """Write the rows sorted stably by (key, timestamp) to the ``out_`` arrays, each with the
    value it carries (its event code, its row number...), on ``threads`` threads (by default,
    the CPUs this process may use: :func:`~parcours.settings.cpu_quota`)."""
    rows = len(key)
    bits = min(max((rows // 16).bit_length(), 1), 26)  # about one customer per sub-bucket
    top = min(bits, TOP_BITS)
    threads = max(1, min(threads or cpu_quota(), rows // 100_000 + 1))
    cuts = [rows * t // threads for t in range(threads + 1)]
    counts = np.zeros((threads, 1 << top), dtype=np.int64)
    with ThreadPoolExecutor(threads) as pool:

        def run(work: Callable[..., None], calls: list[tuple[object, ...]]) -> None:
            for future in [pool.submit(work, *call) for call in calls]:
                future.result()

        slices = [(cuts[t], cuts[t + 1], top) for t in range(threads)]
        run(histogram, [(key, *slices[t], counts[t]) for t in range(threads)])
        starts = np.zeros((1 << top) + 1, dtype=np.int64)
        np.cumsum(counts.sum(axis=0), out=starts[1:])
        fills = starts[:-1] + np.cumsum(counts, axis=0) - counts  # each thread's first slots
        outs = (out_key, out_ts, out_carry)
        run(scatter, [(key, ts, carry, *slices[t], fills[t], *outs) for t in range(threads)])
        firsts = np.searchsorted(starts, cuts)  # each thread's buckets: about rows/threads
        firsts[0], firsts[-1] = 0, 1 << top
        run(
            sort_buckets,
            [(starts, firsts[t], firsts[t + 1], top, bits - top, *outs) for t in range(threads)],
        )


@numba.njit(cache=True, nogil=True)
def histogram(key: np.ndarray, lo: int, hi: int, bits: int, counts: np.ndarray) -> None:
    """Count the rows ``lo..hi`` per bucket of the top ``bits`` bits of their key."""
    shift = np.uint64(64 - bits)
    for i in range(lo, hi):
        counts[np.int64(key[i] >> shift)] += 1


@numba.njit(cache=True, nogil=True)
def scatter(
    key: np.ndarray,
    ts: np.ndarray,
    carry: np.ndarray,
    lo: int,
    hi: int,
    bits: int,
    fill: np.ndarray,
    out_key: np.ndarray,
    out_ts: np.ndarray,
    out_carry: np.ndarray,
) -> None:
    """Write the rows ``lo..hi`` to their bucket's next slot (``fill``, advanced), in order."""
    shift = np.uint64(64 - bits)
    for i in range(lo, hi):
        bucket = np.int64(key[i] >> shift)
        p = fill[bucket]
        out_key[p] = key[i]
        out_ts[p] = ts[i]
        out_carry[p] = carry[i]
        fill[bucket] = p + 1


@numba.njit(cache=True, nogil=True)
def sort_buckets(
    starts: np.ndarray,
    first: int,
    last: int,
    top: int,
    sub: int,
    key: np.ndarray,
    ts: np.ndarray,
    carry: np.ndarray,
) -> None:
    """Sort buckets ``first..last`` (rows ``starts[b]..starts[b+1]``) in place, stably, by
    (key, timestamp): by the ``sub`` bits after the ``top`` first ones, then by insertion."""
    shift = np.uint64(64 - top - sub)
    mask = np.uint64((1 << sub) - 1)
    counts = np.empty((1 << sub) + 1, dtype=np.int64)
    for b in range(first, last):
        lo, hi = starts[b], starts[b + 1]
        size = hi - lo
        if size < 2:
            continue
        k0 = key[lo:hi].copy()
        t0 = ts[lo:hi].copy()
        c0 = carry[lo:hi].copy()
        counts[:] = 0
        for i in range(size):
            counts[np.int64((k0[i] >> shift) & mask) + 1] += 1
        for s in range(1 << sub):
            counts[s + 1] += counts[s]
        fill = counts[:-1].copy()
        for i in range(size):
            d = np.int64((k0[i] >> shift) & mask)
            p = lo + fill[d]
            key[p], ts[p], carry[p] = k0[i], t0[i], c0[i]
            fill[d] += 1
        for s in range(1 << sub):
            _sort_run(key, ts, carry, lo + counts[s], lo + counts[s + 1])


@numba.njit(cache=True, nogil=True)
def _sort_run(key: np.ndarray, ts: np.ndarray, carry: np.ndarray, lo: int, hi: int) -> None:
    """Sort rows ``lo..hi`` in place, stably, by (key, timestamp)."""
    if hi - lo <= _SMALL:
        for x in range(lo + 1, hi):
            k, t, e = key[x], ts[x], carry[x]
            y = x - 1
            while y >= lo and (key[y] > k or (key[y] == k and ts[y] > t)):
                key[y + 1], ts[y + 1], carry[y + 1] = key[y], ts[y], carry[y]
                y -= 1
            key[y + 1], ts[y + 1], carry[y + 1] = k, t, e
    else:
        o = np.argsort(ts[lo:hi], kind="mergesort")
        o = o[np.argsort(key[lo:hi][o], kind="mergesort")]
        key[lo:hi] = key[lo:hi][o].copy()
        ts[lo:hi] = ts[lo:hi][o].copy()
        carry[lo:hi] = carry[lo:hi][o].copy()


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
