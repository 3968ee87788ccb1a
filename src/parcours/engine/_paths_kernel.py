"""Compiled passes of the paths analysis over the hot columns (customers as runs of rows)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from parcours.engine._split import cores, ranges

#: odd 64-bit constants of the variant hash (golden ratio, and a large prime for the length)
HASH_BASE = np.uint64(0x9E3779B97F4A7C15)
HASH_LENGTH = np.uint64(0xFFFFFFFFFFFFFFC5)
#: gaps are summed in two integer parts, exactly, whatever the number of edges
_LOW_BITS = 20


@numba.njit(cache=True, nogil=True)
def case_hashes(codes: np.ndarray, bounds: np.ndarray, base: np.uint64) -> np.ndarray:
    """A polynomial hash (wrapping 64-bit arithmetic) of each case's sequence of codes."""
    out = np.empty(len(bounds) - 1, dtype=np.uint64)
    for c in range(len(bounds) - 1):
        h = np.uint64(0)
        power = np.uint64(1)
        for r in range(bounds[c], bounds[c + 1]):
            power *= base
            h += (np.uint64(codes[r]) + np.uint64(1)) * power
        out[c] = h + np.uint64(bounds[c + 1] - bounds[c]) * HASH_LENGTH
    return out


@numba.njit(cache=True, nogil=True)
def cases(
    codes: np.ndarray, ts: np.ndarray, bounds: np.ndarray, kinds: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """In one pass: events per activity, cases per start and per end activity, and each case's
    duration (µs)."""
    activity = np.zeros(kinds, dtype=np.int64)
    first = np.zeros(kinds, dtype=np.int64)
    last = np.zeros(kinds, dtype=np.int64)
    duration = np.empty(len(bounds) - 1, dtype=np.int64)
    for c in range(len(bounds) - 1):
        a, b = bounds[c], bounds[c + 1]
        for r in range(a, b):
            activity[codes[r]] += 1
        first[codes[a]] += 1
        last[codes[b - 1]] += 1
        duration[c] = ts[b - 1] - ts[a]
    return activity, first, last, duration


@numba.njit(cache=True, nogil=True)
def group_hashes(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A dense id per distinct hash (in order of first appearance) and the first position of
    each id, through an open-addressing table."""
    size = 1
    while size < 2 * len(hashes):
        size *= 2
    keys = np.zeros(size, dtype=np.uint64)
    slot_id = np.full(size, -1, dtype=np.int64)
    ids = np.empty(len(hashes), dtype=np.int64)
    first = np.empty(len(hashes), dtype=np.int64)
    count = 0
    mask = np.uint64(size - 1)
    for i in range(len(hashes)):
        h = hashes[i]
        slot = (h ^ (h >> np.uint64(29))) & mask
        while slot_id[slot] != -1 and keys[slot] != h:
            slot = (slot + np.uint64(1)) & mask
        if slot_id[slot] == -1:
            keys[slot] = h
            slot_id[slot] = count
            first[count] = i
            count += 1
        ids[i] = slot_id[slot]
    return ids, first[:count]


@numba.njit(cache=True, nogil=True)
def same_sequences(codes: np.ndarray, bounds: np.ndarray, rep: np.ndarray) -> bool:
    """Whether every case has the same sequence as the case ``rep`` names for it."""
    for c in range(len(bounds) - 1):
        a, b = bounds[c], bounds[c + 1]
        ra = bounds[rep[c]]
        if bounds[rep[c] + 1] - ra != b - a:
            return False
        for i in range(b - a):
            if codes[a + i] != codes[ra + i]:
                return False
    return True


@numba.njit(cache=True, nogil=True)
def _pair_counts(codes, bounds, kinds, first, last):
    """Directly-follows pairs (``source * kinds + target``) counted over cases ``first:last``."""
    count = np.zeros(kinds * kinds, dtype=np.int64)
    for c in range(first, last):
        for r in range(bounds[c] + 1, bounds[c + 1]):
            count[codes[r - 1] * kinds + codes[r]] += 1
    return count


@numba.njit(cache=True, nogil=True)
def _pair_gaps(codes, ts, bounds, kinds, first, last, fill, gaps, high, low):
    """Write the gaps of cases ``first:last`` at ``fill[pair]`` onwards; sum them in two
    integer parts."""
    mask = (1 << _LOW_BITS) - 1
    for c in range(first, last):
        for r in range(bounds[c] + 1, bounds[c + 1]):
            p = codes[r - 1] * kinds + codes[r]
            gap = ts[r] - ts[r - 1]
            gaps[fill[p]] = gap
            fill[p] += 1
            high[p] += gap >> _LOW_BITS
            low[p] += gap & mask


@numba.njit(cache=True, nogil=True)
def _medians(gaps, offset, pairs, median):
    """The median gap of each pair of ``pairs`` (the mean of the two middle ones for an even
    count), selected in place."""
    for p in pairs:
        lo, size = offset[p], offset[p + 1] - offset[p]
        if size % 2:
            median[p] = _select(gaps, lo, lo + size, lo + size // 2)
        elif size:
            lower = _select(gaps, lo, lo + size, lo + size // 2 - 1)
            upper = gaps[lo + size // 2 : lo + size].min()  # all >= lower after the select
            median[p] = (float(lower) + float(upper)) / 2


def edges(
    codes: np.ndarray, ts: np.ndarray, bounds: np.ndarray, kinds: int
) -> tuple[np.ndarray, list[float], np.ndarray]:
    """Per directly-follows pair (``source * kinds + target``): its count, its exact mean gap
    and its median gap (µs). Cases are split between the cores: each counts its pairs, then
    writes its gaps into its own stretch of each pair's block."""
    threads = cores()
    split = ranges(len(bounds) - 1, threads)
    with ThreadPoolExecutor(threads) as pool:
        counts = list(pool.map(lambda ab: _pair_counts(codes, bounds, kinds, *ab), split))
        count = np.sum(counts, axis=0)
        offset = np.r_[0, np.cumsum(count)]
        fills = offset[:-1] + np.r_[np.zeros((1, kinds * kinds), np.int64), np.cumsum(counts, 0)]
        gaps = np.empty(int(offset[-1]), dtype=np.int64)
        sums = [
            (np.zeros(kinds * kinds, np.int64), np.zeros(kinds * kinds, np.int64)) for _ in split
        ]
        list(
            pool.map(
                lambda i: _pair_gaps(codes, ts, bounds, kinds, *split[i], fills[i], gaps, *sums[i]),
                range(len(split)),
            )
        )
        high = np.sum([h for h, _ in sums], axis=0)
        low = np.sum([lo for _, lo in sums], axis=0)
        median = np.zeros(kinds * kinds, dtype=np.float64)
        by_size = np.argsort(-count)
        shares = [by_size[i::threads] for i in range(threads)]  # the largest pairs spread out
        list(pool.map(lambda pairs: _medians(gaps, offset, pairs, median), shares))
    return count, mean_gaps(count, high, low), median


@numba.njit(cache=True, nogil=True)
def _select(a: np.ndarray, lo: int, hi: int, k: int) -> int:
    """The value that sorting ``a[lo:hi]`` would put at index ``k``, found by partitioning in
    place (three-way, so runs of equal gaps cost one pass)."""
    while hi - lo > 1:
        x, y, z = a[lo], a[(lo + hi) // 2], a[hi - 1]
        pivot = max(min(x, y), min(max(x, y), z))
        lt, i, gt = lo, lo, hi
        while i < gt:
            if a[i] < pivot:
                a[lt], a[i] = a[i], a[lt]
                lt += 1
                i += 1
            elif a[i] > pivot:
                gt -= 1
                a[i], a[gt] = a[gt], a[i]
            else:
                i += 1
        if k < lt:
            hi = lt
        elif k < gt:
            return pivot
        else:
            lo = gt
    return a[lo]


def mean_gaps(count: np.ndarray, high: np.ndarray, low: np.ndarray) -> list[float]:
    """The exact mean gap of each pair (µs), rounded once."""
    return [
        (int(h) * (1 << _LOW_BITS) + int(lo)) / int(n) if n else 0.0
        for n, h, lo in zip(count.tolist(), high.tolist(), low.tolist(), strict=True)
    ]
