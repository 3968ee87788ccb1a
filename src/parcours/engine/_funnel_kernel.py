"""Funnel state machines (PostHog semantics), compiled: one pass over all customers at once.

Input: rows in (customer, timestamp, event_seq) order; ``bounds`` holds the first row of each
customer and then the number of rows; each row has a code, and ``step_of[code]`` is the bit set
of the steps it matches (bit ``k-1`` for step ``k``, 1-indexed), ``excl_of[code]`` the bit set of
the exclusions it matches (bit ``k-1``: an exclusion between step ``k-1`` and step ``k``). Event
names are codes for the stored columns (:mod:`parcours.engine.columns`); rows read by a query are
their own codes. Per customer, the machines find the furthest step reached by the best attempt
(0 = never entered, -1 = excluded) and the timestamps of that attempt's steps; :func:`run`
returns the customers who entered and were not excluded.

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

Most funnels are ordered, without exclusions, each event matching at most one step; they take a
lean copy of the ordered machine (:func:`_simple_chunk`: no exclusion flags, no row sets), which
the tests hold equal to the full one.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from parcours.engine._split import cores, ranges

ORDERED, STRICT, UNORDERED, SIMPLE = 0, 1, 2, 3
_NONE = np.iinfo(np.int64).min  # no attempt held at a step (lean machine)


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
    a,
    b,
    ts,
    codes,
    step_of,
    excl_of,
    seen,
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
):
    """The best attempt of the customer on rows ``a:b`` (rows not ``seen`` skipped): its level,
    its step times in ``out``."""
    valid[:] = False
    best[:] = 0  # level, found, start, excluded
    r = a
    while r < b:
        code = codes[r]
        if not seen[code]:
            r += 1
            continue
        t = ts[r]
        end = r + 1
        uniform = True
        while end < b and ts[end] == t:
            c = codes[end]
            if seen[c] and (step_of[c] != step_of[code] or excl_of[c] != excl_of[code]):
                uniform = False
            end += 1
        valid[0], start[0], excluded[0] = True, t, False
        if uniform:
            for j in range(r, end):
                if not seen[codes[j]]:
                    continue
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
def _unordered_customer(a, b, ts, codes, step_of, any_event, window, times, out):
    """The most steps done in one window by the customer on rows ``a:b``; times in ``out``."""
    best = 0
    seen = False
    last = np.int64(0)
    for s in range(a, b):
        if step_of[codes[s]] == 0 or (seen and ts[s] == last):
            continue
        seen, last = True, ts[s]
        end = ts[s] + window
        filled = np.int64(0)
        count = 0
        for j in range(s, b):
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


# One compiled function per machine, so that a process compiles only the machines it uses.
# Each takes customers ``first:last`` and returns the index, level and step times of those who
# entered.


@numba.njit(cache=True, nogil=True)
def _results(customers, n):
    """Room for the chunk's results: index, level and step times of each customer."""
    return (
        np.empty(customers, np.int64),
        np.empty(customers, np.int64),
        np.empty((customers, n), np.int64),
    )


@numba.njit(cache=True, nogil=True, inline="always")
def _keep(c, level, out, who, levels, times, entered):
    """Record customer ``c`` when they entered; the new count of entered customers."""
    if level <= 0:
        return entered
    who[entered], levels[entered] = c, level
    for k in range(level):
        times[entered, k] = out[k]
    return entered + 1


@numba.njit(cache=True, nogil=True)
def _simple_chunk(first, last, bounds, ts, codes, step_of, excl_of, n, window, order, any_event):
    """The ordered machine when there are no exclusions and each event matches at most one step:
    same levels and times, less bookkeeping. The machine is written out in the loop over
    customers, with plain loops: helper calls and slices made it 40 % slower. ``start[k]``: the
    start of the attempt kept at step ``k`` (``_NONE``: none), ``attempts[k]`` its step times."""
    step_k = np.zeros(len(step_of), dtype=np.int64)  # an event's 1-based step, 0 for none
    for code in range(len(step_of)):
        for k in range(1, n + 1):
            if (step_of[code] >> (k - 1)) & 1:
                step_k[code] = k
    start = np.empty(n + 1, dtype=np.int64)
    attempts = np.zeros((n + 1, n), dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)  # the best attempt's step times
    who, levels, times = _results(last - first, n)
    entered = 0
    for c in range(first, last):
        for k in range(n + 1):
            start[k] = _NONE
        level = 0
        r, b = bounds[c], bounds[c + 1]
        while r < b:
            k = step_k[codes[r]]
            if k == 0:
                r += 1
                continue
            t = ts[r]
            end = r + 1
            uniform = True
            while end < b and ts[end] == t:
                other = step_k[codes[end]]
                if other != 0 and other != k:
                    uniform = False
                end += 1
            start[0] = t
            lo, hi = (k, k + 1) if uniform else (1, n + 1)  # a tie: in step order
            for move in range(lo, hi):
                for j in range(r, end):
                    if step_k[codes[j]] != move:
                        continue
                    prev = move - 1
                    s = start[prev]
                    if s == _NONE or t - s > window or start[move] == s:
                        continue
                    if move > level:
                        level = move
                        for i in range(prev):
                            out[i] = attempts[prev, i]
                        out[prev] = t
                    start[move] = s
                    for i in range(prev):
                        attempts[move, i] = attempts[prev, i]
                    attempts[move, prev] = t
            if start[n] != _NONE:
                break
            r = end
        if level > 0:
            who[entered], levels[entered] = c, level
            for i in range(level):
                times[entered, i] = out[i]
            entered += 1
    return who[:entered], levels[:entered], times[:entered]


@numba.njit(cache=True, nogil=True)
def _ordered_chunk(first, last, bounds, ts, codes, step_of, excl_of, n, window, order, any_event):
    strict = order == STRICT
    seen = ((step_of | excl_of) != 0) | strict
    valid = np.zeros(n + 1, dtype=np.bool_)
    start = np.zeros(n + 1, dtype=np.int64)
    excluded = np.zeros(n + 1, dtype=np.bool_)
    st = np.zeros((n + 1, n), dtype=np.int64)
    sr = np.zeros((n + 1, n), dtype=np.int64)
    best = np.zeros(4, dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    who, levels, times = _results(last - first, n)
    entered = 0
    for c in range(first, last):
        a, b = bounds[c], bounds[c + 1]
        level = _ordered_customer(
            a, b, ts, codes, step_of, excl_of, seen, n, window, strict,
            valid, start, excluded, st, sr, best, out,
        )  # fmt: skip
        entered = _keep(c, level, out, who, levels, times, entered)
    return who[:entered], levels[:entered], times[:entered]


@numba.njit(cache=True, nogil=True)
def _unordered_chunk(first, last, bounds, ts, codes, step_of, excl_of, n, window, order, any_event):
    scratch = np.zeros(n, dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    who, levels, times = _results(last - first, n)
    entered = 0
    for c in range(first, last):
        a, b = bounds[c], bounds[c + 1]
        level = _unordered_customer(a, b, ts, codes, step_of, any_event, window, scratch, out)
        entered = _keep(c, level, out, who, levels, times, entered)
    return who[:entered], levels[:entered], times[:entered]


#: Each funnel order: its code in the machines, and its chunk function.
MACHINES = {
    "ordered": (ORDERED, _ordered_chunk),
    "strict": (STRICT, _ordered_chunk),
    "unordered": (UNORDERED, _unordered_chunk),
    "simple": (SIMPLE, _simple_chunk),
}


def run(
    bounds: np.ndarray,
    ts: np.ndarray,
    codes: np.ndarray,
    step_of: np.ndarray,
    excl_of: np.ndarray,
    n: int,
    window: int,
    order: str,
    any_event: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The customers who entered the funnel (their index, in order), their level and their step
    times (customers × ``n``, meaningful below the level). Customers are split in chunks run on
    a thread per core (the kernel releases the GIL)."""
    simple = (
        order == "ordered"
        and not excl_of.any()
        and not (step_of & (step_of - 1)).any()  # one step per event at most
    )
    threads = cores()
    machine, chunk = MACHINES["simple" if simple else order]
    args = (bounds, ts, codes, step_of, excl_of, n, window, machine, any_event)
    with ThreadPoolExecutor(threads) as pool:
        chunks = ranges(len(bounds) - 1, 4 * threads)
        parts = [f.result() for f in [pool.submit(chunk, a, b, *args) for a, b in chunks]]
    who, levels, times = (np.concatenate([p[i] for p in parts]) for i in range(3))
    return who, levels, times
