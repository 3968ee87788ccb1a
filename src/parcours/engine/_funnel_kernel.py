"""Funnel state machines (PostHog semantics), compiled: one pass over all customers at once.

Input: rows in (customer, timestamp, event_seq) order; ``bounds`` holds the first row of each
customer and then the number of rows; each row has a code, and ``step_of[code]`` is the bit set
of the steps it matches (bit ``k-1`` for step ``k``, 1-indexed), ``excl_of[code]`` the bit set of
the exclusions it matches (bit ``k-1``: an exclusion between step ``k-1`` and step ``k``). Event
names are codes for the stored columns (:mod:`parcours.engine.columns`); rows read by a query are
their own codes. Output per customer: the furthest step reached by the best attempt (0 = never
entered, -1 = excluded) and the timestamps of that attempt's steps.

Ordered and strict semantics:

- every step-1 event starts an attempt; the window runs from the attempt's step-1 time, inclusive;
- for each step, the attempt with the latest start that reached it is kept (it dominates others);
- an event advances an attempt by at most one step (steps are tried from the last to the first);
- events sharing a timestamp but matching different step sets are applied in step order, each
  event used at most once per attempt (exclusions and strictness are ignored inside such a tie);
- an exclusion event inside the window of an attempt that has not passed the excluded gap taints
  that attempt, and the customer is removed when the best attempt is tainted;
- strict: any event that does not match step ``k`` clears the attempts waiting at step ``k``;
  in ordered funnels, events matching no step and no exclusion are not seen at all;
- processing stops once an attempt completes the funnel.

Unordered: the most steps done in any order within one window ``[t, t + window]`` starting at an
event. One event fills at most one step, a specific step before an any-event step (``any_event``
is the bit set of ``*`` steps), which gives the largest matching for steps given by event name.
When several windows tie, the earliest wins; the step times are those of the events filling the
steps, in time order.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numba
import numpy as np

ORDERED, STRICT, UNORDERED = 0, 1, 2


@numba.njit(cache=True, nogil=True, inline="always")
def _advance(
    k, exclusion, i, multi, t, window, valid, start, excluded, times, rows, best, best_times
):
    """Apply one move of row ``i`` (at time ``t``): step ``k`` or, with ``exclusion``, the
    exclusion before step ``k``. ``valid``, ``start``, ``excluded``, ``times`` and ``rows`` hold
    the attempt kept at each step ``0..n``: whether there is one, its start, whether it is
    excluded, its step times and rows (arrays passed one by one: a tuple of them costs a copy
    per call)."""
    prev = k - 1
    if not valid[prev] or t - start[prev] > window:
        return
    if valid[k] and start[k] == start[prev]:
        return
    if exclusion:
        if not excluded[prev]:
            excluded[prev] = True
            if best[0] == prev and best[1] == 1 and t - best[2] <= window:
                best[3] = 1
        return
    if multi:
        for s in range(prev):
            if rows[prev, s] == i:
                return
    if k > best[0] or (k == best[0] and best[1] == 1 and best[3] == 1):
        best[0], best[1], best[2], best[3] = k, 1, start[prev], excluded[prev]
        for s in range(prev):
            best_times[s] = times[prev, s]
        best_times[prev] = t
    if not excluded[prev]:
        valid[k], start[k], excluded[k] = True, start[prev], False
        for s in range(prev):
            times[k, s] = times[prev, s]
            rows[k, s] = rows[prev, s]
        times[k, prev] = t
        rows[k, prev] = i


@numba.njit(cache=True, nogil=True, inline="always")
def _ordered_customer(
    m, ts, codes, step_of, excl_of, n, window, strict, valid, start, excluded, st, sr, best, out
):
    """The best attempt of a customer whose rows seen are ``ts[:m]``, ``codes[:m]``: its level,
    its step times in ``out``."""
    valid[:] = False
    best[:] = 0  # level, found, start, excluded
    r = 0
    while r < m:
        code = codes[r]
        t = ts[r]
        end = r + 1
        uniform = True
        while end < m and ts[end] == t:
            c = codes[end]
            if step_of[c] != step_of[code] or excl_of[c] != excl_of[code]:
                uniform = False
            end += 1
        valid[0], start[0], excluded[0] = True, t, False
        if uniform:
            for j in range(r, end):
                for k in range(n, 0, -1):
                    if (excl_of[code] >> (k - 1)) & 1:
                        _advance(
                            k, True, j, False, t, window, valid, start, excluded, st, sr, best, out
                        )
                for k in range(n, 0, -1):
                    if (step_of[code] >> (k - 1)) & 1:
                        _advance(
                            k, False, j, False, t, window, valid, start, excluded, st, sr, best, out
                        )
                if strict:
                    for k in range(1, n + 1):
                        if not (step_of[code] >> (k - 1)) & 1:
                            valid[k] = False
        else:
            for k in range(1, n + 1):
                for j in range(r, end):
                    if (step_of[codes[j]] >> (k - 1)) & 1:
                        _advance(
                            k, False, j, True, t, window, valid, start, excluded, st, sr, best, out
                        )
        if valid[n]:
            break
        r = end
    if best[1] == 0:
        return 0
    if best[3] == 1:
        return -1
    return best[0]


@numba.njit(cache=True, nogil=True, inline="always")
def _unordered_customer(m, ts, codes, step_of, any_event, window, times, out):
    """The most steps done in one window by a customer whose step rows are ``ts[:m]``,
    ``codes[:m]``; their times in ``out``."""
    best = 0
    for s in range(m):
        if s and ts[s - 1] == ts[s]:
            continue
        end = ts[s] + window
        filled = np.int64(0)
        count = 0
        for j in range(s, m):
            if ts[j] > end:
                break
            free = step_of[codes[j]] & ~filled
            if free:
                specific = free & ~any_event
                pick = specific if specific else free
                filled |= pick & -pick
                times[count] = ts[j]
                count += 1
        if count > best:
            best = count
            out[:count] = times[:count]
    return best


@numba.njit(cache=True, nogil=True)
def _chunk(
    first, last, bounds, ts, codes, step_of, excl_of, n, window, order, any_event, levels, times
):
    """Customers ``first:last``: their levels and step times, written in place.

    Each customer's rows are first copied, without branching, into buffers holding only the rows
    the state machine sees (every row in a strict funnel, rows matching a step or an exclusion
    otherwise): rows of other events are most rows and would cost a mispredicted branch each.
    """
    seen = ((step_of | excl_of) != 0) | (order == STRICT)
    valid = np.zeros(n + 1, dtype=np.bool_)
    start = np.zeros(n + 1, dtype=np.int64)
    excluded = np.zeros(n + 1, dtype=np.bool_)
    st = np.zeros((n + 1, n), dtype=np.int64)
    sr = np.zeros((n + 1, n), dtype=np.int64)
    best = np.zeros(4, dtype=np.int64)
    scratch = np.zeros(n, dtype=np.int64)
    size = 64
    for c in range(first, last):
        size = max(size, bounds[c + 1] - bounds[c])
    buf_ts = np.empty(size, dtype=np.int64)
    buf_code = np.empty(size, dtype=codes.dtype)
    for c in range(first, last):
        m = 0
        for r in range(bounds[c], bounds[c + 1]):
            buf_ts[m] = ts[r]
            buf_code[m] = codes[r]
            m += seen[codes[r]]
        out = times[c]
        if order == UNORDERED:
            level = _unordered_customer(
                m, buf_ts, buf_code, step_of, any_event, window, scratch, out
            )
        else:
            strict = order == STRICT
            level = _ordered_customer(
                m,
                buf_ts,
                buf_code,
                step_of,
                excl_of,
                n,
                window,
                strict,
                valid,
                start,
                excluded,
                st,
                sr,
                best,
                out,
            )
        levels[c] = level


def run(
    bounds: np.ndarray,
    ts: np.ndarray,
    codes: np.ndarray,
    step_of: np.ndarray,
    excl_of: np.ndarray,
    n: int,
    window: int,
    order: int,
    any_event: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Level and step times (customers × ``n``, meaningful below the level) of every customer;
    the customers are split in chunks run on a thread per core (the kernel releases the GIL)."""
    customers = len(bounds) - 1
    levels = np.zeros(customers, dtype=np.int64)
    times = np.empty((customers, n), dtype=np.int64)
    threads = os.cpu_count() or 1
    cuts = np.linspace(0, customers, 4 * threads + 1).astype(np.int64).tolist()
    args = (bounds, ts, codes, step_of, excl_of, n, window, order, any_event, levels, times)
    with ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(_chunk, a, b, *args) for a, b in pairwise(cuts)]:
            done.result()
    return levels, times
