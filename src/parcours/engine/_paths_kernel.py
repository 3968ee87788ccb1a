"""Compiled passes of the paths analysis over the hot columns (customers as runs of rows)."""

from __future__ import annotations

import numba
import numpy as np

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
def edges(
    codes: np.ndarray, ts: np.ndarray, bounds: np.ndarray, kinds: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per directly-follows pair (``source * kinds + target``): its count, the sum of its gaps
    (µs, as high and low integer parts) and the median gap."""
    pairs = kinds * kinds
    count = np.zeros(pairs, dtype=np.int64)
    for c in range(len(bounds) - 1):
        for r in range(bounds[c] + 1, bounds[c + 1]):
            count[codes[r - 1] * kinds + codes[r]] += 1
    offset = np.zeros(pairs + 1, dtype=np.int64)
    for p in range(pairs):
        offset[p + 1] = offset[p] + count[p]
    gaps = np.empty(offset[pairs], dtype=np.int64)
    fill = offset[:-1].copy()
    high = np.zeros(pairs, dtype=np.int64)
    low = np.zeros(pairs, dtype=np.int64)
    mask = (1 << _LOW_BITS) - 1
    for c in range(len(bounds) - 1):
        for r in range(bounds[c] + 1, bounds[c + 1]):
            p = codes[r - 1] * kinds + codes[r]
            gap = ts[r] - ts[r - 1]
            gaps[fill[p]] = gap
            fill[p] += 1
            high[p] += gap >> _LOW_BITS
            low[p] += gap & mask
    median = np.zeros(pairs, dtype=np.float64)
    for p in range(pairs):
        if count[p]:
            median[p] = np.median(gaps[offset[p] : offset[p + 1]])
    return count, high, low, median


def mean_gaps(count: np.ndarray, high: np.ndarray, low: np.ndarray) -> list[float]:
    """The exact mean gap of each pair (µs), rounded once."""
    return [
        (int(h) * (1 << _LOW_BITS) + int(lo)) / int(n) if n else 0.0
        for n, h, lo in zip(count.tolist(), high.tolist(), low.tolist(), strict=True)
    ]
