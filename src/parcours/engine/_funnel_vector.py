"""The ordered funnel (no exclusions) as a few numpy passes over all customers at once.

Same rules as :func:`parcours.engine._funnel_kernel.ordered_customer`, restated per step:
``entered[k]`` changes only when a step-``k`` event meets a live step-``k-1`` attempt, so the
starts held at each step only grow, and they grow strictly: an attempt reaches a step once. A
*reach* at step ``k`` is therefore the first step-``k`` event (in processing order) that sees a
given step-``k-1`` reach as the latest one before it, within the window. Step 1 is reached by
the first step-1 event of each (customer, timestamp). The customer's best attempt is their first
reach at their furthest step; its step times follow the chain of reaches back to step 1.

Processing order is row order, except inside a tie (one customer, one timestamp): there the
state machine applies steps in step order, so rows of a tie that each match a single step are
reordered by step. Ties mixing a row that matches several steps with other rows are left to the
state machine: :func:`ordered` returns the customers it could not settle.

Rows are identified by position; ``key`` tells customers apart (equal keys = same customer).
"""

from __future__ import annotations

import numpy as np


def tie_order(
    key: np.ndarray, ts: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray]:
    """The processing order of the rows (``None``: row order), and the rows whose tie needs
    the state machine."""
    none = np.zeros(0, dtype=np.int64)
    tied = np.flatnonzero((key[1:] == key[:-1]) & (ts[1:] == ts[:-1])) + 1
    mixed = tied[mask[tied] != mask[tied - 1]]
    if not len(mixed):
        return None, none
    # every row of a tie: both ends of each tied pair, grouped by their tie
    rows = np.union1d(tied, tied - 1)
    group = np.cumsum(~np.isin(rows, tied))
    in_mixed = np.isin(group, group[np.isin(rows, mixed)])
    rows, group = rows[in_mixed], group[in_mixed]
    multi = (mask[rows] & (mask[rows] - 1)) != 0
    bad = np.isin(group, group[multi])
    rows, group = rows[~bad], group[~bad]
    order = np.arange(len(ts))
    order[rows] = rows[np.lexsort((rows, mask[rows], group))]
    return order, np.union1d(tied, tied - 1)[in_mixed][bad]


def ordered(
    starts: np.ndarray, key: np.ndarray, ts: np.ndarray, mask: np.ndarray, n: int, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer (``starts``: their first rows): furthest step, step times (µs, customers × n,
    meaningful below the level) and whether the state machine must redo the customer.

    ``key``, ``ts`` and ``mask`` are in (customer, timestamp, event_seq) order; ``mask`` has bit
    ``k-1`` set when the row matches step ``k``.
    """
    customers = len(starts)
    order, unsettled_rows = tie_order(key, ts, mask)
    if order is not None:
        key, ts, mask = key[order], ts[order], mask[order]

    # per step: rows reaching it (processing order), their customer key, the start time of
    # their attempt, and the index of the previous step's reach they extended
    reach: list[np.ndarray] = []
    owner: list[np.ndarray] = []
    start: list[np.ndarray] = []
    parent: list[np.ndarray] = []
    for k in range(1, n + 1):
        rows = np.flatnonzero(mask & (1 << (k - 1)))
        if k > 1 and not len(reach[-1]):
            rows = rows[:0]
        rkey, rts = key[rows], ts[rows]
        if k == 1:
            first = np.ones(len(rows), dtype=bool)
            first[1:] = (rkey[1:] != rkey[:-1]) | (rts[1:] != rts[:-1])
            reach.append(rows[first])
            owner.append(rkey[first])
            start.append(rts[first])
            parent.append(np.full(len(reach[-1]), -1))
            continue
        p = np.searchsorted(reach[-1], rows, side="left") - 1
        q = np.maximum(p, 0)
        live = (p >= 0) & (owner[-1][q] == rkey) & (rts - start[-1][q] <= window)
        rows, rkey, p = rows[live], rkey[live], p[live]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = p[1:] != p[:-1]
        reach.append(rows[first])
        owner.append(rkey[first])
        start.append(start[-1][p[first]])
        parent.append(p[first])

    level = np.zeros(customers, dtype=np.int64)
    times = np.zeros((customers, n), dtype=np.int64)
    for k in range(n, 0, -1):
        rows = reach[k - 1]
        firsts = np.flatnonzero(np.r_[True, owner[k - 1][1:] != owner[k - 1][:-1]])
        firsts = firsts[: len(rows)]
        who = np.searchsorted(starts, rows[firsts], side="right") - 1
        settle = level[who] == 0
        who, j = who[settle], firsts[settle]
        level[who] = k
        for step in range(k, 0, -1):
            times[who, step - 1] = ts[reach[step - 1][j]]
            j = parent[step - 1][j]
    unsettled = np.zeros(customers, dtype=bool)
    unsettled[np.searchsorted(starts, unsettled_rows, side="right") - 1] = True
    return level, times, unsettled
