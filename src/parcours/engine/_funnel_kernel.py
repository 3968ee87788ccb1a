"""Per-customer funnel state machines (PostHog semantics), the reference implementation.

Input for one customer: its events sorted by (timestamp, event_seq), each with the bit set of the
steps it matches (bit ``k-1`` for step ``k``, 1-indexed) and the bit set of exclusions it matches
(bit ``k-1``: an exclusion between step ``k-1`` and step ``k``). Output: the furthest step reached
by the best attempt (0 = never entered, -1 = excluded) and the timestamps of that attempt's steps.

Ordered and strict semantics:

- every step-1 event starts an attempt; the window runs from the attempt's step-1 time, inclusive;
- for each step, the attempt with the latest start that reached it is kept (it dominates others);
- an event advances an attempt by at most one step (steps are tried from the last to the first);
- events sharing a timestamp but matching different step sets are applied in step order, each
  event used at most once per attempt (exclusions and strictness are ignored inside such a tie);
- an exclusion event inside the window of an attempt that has not passed the excluded gap taints
  that attempt, and the customer is removed when the best attempt is tainted;
- strict: any event that does not match step ``k`` clears the attempts waiting at step ``k``;
- processing stops once an attempt completes the funnel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import groupby


@dataclass
class _Attempt:
    start: int
    excluded: bool
    times: tuple[int, ...]
    ids: tuple[int, ...]


def _bits(mask: int) -> list[int]:
    """1-indexed positions of the set bits, highest first."""
    out = []
    k = 1
    while mask:
        if mask & 1:
            out.append(k)
        mask >>= 1
        k += 1
    out.reverse()
    return out


def ordered_customer(
    ts: Sequence[int],
    steps: Sequence[int],
    exclusions: Sequence[int],
    n_steps: int,
    window: int,
    strict: bool,
) -> tuple[int, tuple[int, ...]]:
    """Best attempt of one customer: (level, step timestamps); level -1 means excluded."""
    entered: list[_Attempt | None] = [None] * (n_steps + 1)
    best_level = 0
    best: _Attempt | None = None

    def process(i: int, moves: list[int], multi: bool) -> None:
        nonlocal best_level, best
        t = ts[i]
        for move in moves:
            k = abs(move)
            prev = entered[k - 1]
            if prev is None or t - prev.start > window:
                continue
            here = entered[k]
            if here is not None and here.start == prev.start:
                continue
            if move < 0:
                if not prev.excluded:
                    prev.excluded = True
                    if best_level == k - 1 and best is not None and t - best.start <= window:
                        best.excluded = True
                continue
            if multi and i in prev.ids:
                continue
            new = _Attempt(prev.start, prev.excluded, (*prev.times, t), (*prev.ids, i))
            if not prev.excluded:
                entered[k] = new
            if k > best_level or (k == best_level and best is not None and best.excluded):
                best_level, best = k, replace(new)
        if strict and not multi:
            mask = steps[i]
            for k in range(1, n_steps + 1):
                if not (mask >> (k - 1)) & 1:
                    entered[k] = None

    for t, group in groupby(range(len(ts)), key=lambda j: ts[j]):
        rows = list(group)
        entered[0] = _Attempt(t, False, (), ())
        if len(rows) == 1 or len({(steps[j], exclusions[j]) for j in rows}) == 1:
            for j in rows:
                moves = [-k for k in _bits(exclusions[j])] + _bits(steps[j])
                process(j, moves, False)
        else:
            flat = sorted(((k, j) for j in rows for k in _bits(steps[j])), key=lambda p: p[0])
            for k, j in flat:
                process(j, [k], True)
        if entered[n_steps] is not None:
            break

    if best is None:
        return 0, ()
    if best.excluded:
        return -1, ()
    return best_level, best.times


def unordered_customer(
    ts: Sequence[int],
    steps: Sequence[int],
    window: int,
    any_event: int,
) -> tuple[int, tuple[int, ...]]:
    """Most steps done in any order within one window ``[t, t + window]`` starting at an event.

    One event fills at most one step, a specific step before an any-event step (``any_event`` is
    the bit set of ``*`` steps), which gives the largest matching for steps given by event name.
    When several windows tie, the earliest wins. The step timestamps returned are those of the
    events filling the steps, in time order.
    """
    best_level = 0
    best_times: tuple[int, ...] = ()
    m = len(ts)
    for a in range(m):
        if a and ts[a - 1] == ts[a]:
            continue
        end = ts[a] + window
        filled = 0
        times: list[int] = []
        for j in range(a, m):
            if ts[j] > end:
                break
            free = steps[j] & ~filled
            if free:
                specific = free & ~any_event
                pick = specific if specific else free
                filled |= pick & -pick
                times.append(ts[j])
        level = bin(filled).count("1")
        if level > best_level:
            best_level, best_times = level, tuple(times)
    return best_level, best_times
