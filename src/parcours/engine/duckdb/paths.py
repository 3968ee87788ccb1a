"""Paths on DuckDB: everything from the log's hot columns, in a few compiled passes.

The directly-follows pairs are counted and each pair's gaps placed on every core; variants are
grouped by a hash of their sequence while the graph is drawn (:mod:`parcours.engine._paths_kernel`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import duckdb
import numpy as np
import pyarrow as pa

from parcours.engine.columns import EventColumns
from parcours.engine.paths_result import DurationStats, Edge, PathsResult, Repetition, Variant


def summarise(cols: EventColumns, top: int | None) -> PathsResult:
    """Everything from the log's hot columns, in a few compiled passes and numpy operations;
    the directly-follows graph is drawn while the cases are grouped into variants."""
    from parcours.engine import _paths_kernel as kernel  # numba: imported when first needed

    names = list(cols.names)
    codes, ts, bounds = cols.event, cols.ts, cols.bounds
    with ThreadPoolExecutor(1) as pool:
        drawing = pool.submit(_edges, codes, ts, bounds, names)
        activity, first, last, duration = kernel.cases(codes, ts, bounds, len(names))
        variants, n_variants, repetitions = _variants_of(codes, bounds, names, top)
        dfg = drawing.result()
    return PathsResult(
        cases=len(bounds) - 1,
        events=len(codes),
        activities=_named(activity, names),
        dfg=dfg,
        start_activities=_named(first, names),
        end_activities=_named(last, names),
        n_variants=n_variants,
        variants=variants,
        case_duration=_durations(duration / 1e6),
        self_loops={e.source: e.count for e in dfg if e.source == e.target},
        repetitions=repetitions,
    )


def _variants_of(
    codes: np.ndarray, bounds: np.ndarray, names: list[str], top: int | None
) -> tuple[tuple[Variant, ...], int, tuple[Repetition, ...]]:
    """The top variants, how many there are, and the repeated activities."""
    starts = np.asarray(bounds[:-1])
    lengths = np.diff(bounds)
    ids, first_case = _variant_ids(codes, bounds)
    counts = np.bincount(ids, minlength=len(first_case))
    # one representative sequence per variant: its codes, and where each one starts
    size = lengths[first_case]
    offsets = np.r_[0, np.cumsum(size)]
    seqs = codes[np.repeat(starts[first_case] - offsets[:-1], size) + np.arange(offsets[-1])]
    con = duckdb.connect()
    try:
        variants = _variants(con, counts, seqs, offsets, names, top)
    finally:
        con.close()
    return variants, len(counts), _repetitions(counts, seqs, offsets, names)


def _named(counts: np.ndarray, names: list[str]) -> dict[str, int]:
    """Non-zero counts by name, most frequent first (ties by name)."""
    pairs = [(names[i], int(n)) for i, n in enumerate(counts.tolist()) if n]
    return dict(sorted(pairs, key=lambda p: (-p[1], p[0])))


def _edges(
    codes: np.ndarray, ts: np.ndarray, bounds: np.ndarray, names: list[str]
) -> tuple[Edge, ...]:
    kinds = len(names)
    from parcours.engine import _paths_kernel as kernel

    count, means, median = kernel.edges(codes, ts, bounds, kinds)
    edges = [
        Edge(
            names[p // kinds],
            names[p % kinds],
            int(count[p]),
            means[p] / 1e6,
            float(median[p]) / 1e6,
        )
        for p in np.flatnonzero(count).tolist()
    ]
    return tuple(sorted(edges, key=lambda e: (-e.count, e.source, e.target)))


def _repetitions(
    counts: np.ndarray, seqs: np.ndarray, offsets: np.ndarray, names: list[str]
) -> tuple[Repetition, ...]:
    """Activities done more than once in a case: counted on each variant's sequence, weighted
    by the cases following it (blocks of variants keep the count table small)."""
    kinds = len(names)
    cases = np.zeros(kinds, dtype=np.int64)
    extra = np.zeros(kinds, dtype=np.int64)
    variant_of = np.repeat(np.arange(len(counts)), np.diff(offsets))
    block = max(1, (1 << 22) // max(kinds, 1))
    for lo in range(0, len(counts), block):
        hi = min(len(counts), lo + block)
        rows = slice(offsets[lo], offsets[hi])
        local = (variant_of[rows] - lo) * kinds + seqs[rows]
        done = np.bincount(local, minlength=(hi - lo) * kinds).reshape(hi - lo, kinds)
        weight = counts[lo:hi, None]
        cases += ((done > 1) * weight).sum(axis=0)
        extra += (np.maximum(done - 1, 0) * weight).sum(axis=0)
    reps = [Repetition(names[a], int(cases[a]), int(extra[a])) for a in np.flatnonzero(cases)]
    return tuple(sorted(reps, key=lambda r: (-r.extra, r.activity)))


def _variant_ids(
    codes: np.ndarray, bounds: np.ndarray, base: np.uint64 | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A dense variant id per case (equal ids for equal activity sequences, exactly), and the
    first case of each variant.

    Cases are grouped by a polynomial hash of their sequence; every case is then compared with
    its group's first case, and a collision falls back to grouping the sequences themselves.
    ``base`` replaces the hash's base (0 makes every sequence of a length collide).
    """
    if len(bounds) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    from parcours.engine import _paths_kernel as kernel

    hashes = kernel.case_hashes(codes, bounds, kernel.HASH_BASE if base is None else base)
    ids, first = kernel.group_hashes(hashes)
    if kernel.same_sequences(codes, bounds, first[ids]):
        return ids, first
    seen: dict[tuple[int, ...], int] = {}
    exact = np.array(
        [seen.setdefault(tuple(codes[a:b].tolist()), len(seen)) for a, b in pairwise(bounds)],
        dtype=np.int64,
    )
    return exact, np.unique(exact, return_index=True)[1]


def _variants(
    con: duckdb.DuckDBPyConnection,
    counts: np.ndarray,
    seqs: np.ndarray,
    offsets: np.ndarray,
    names: list[str],
    top: int | None,
) -> tuple[Variant, ...]:
    """The ``top`` most frequent variants (all with ``None``), ties ordered by the names of
    their activities (compared as lists of name ranks)."""
    cases, n_variants = int(counts.sum()), len(counts)
    candidates = np.arange(n_variants)
    if top is not None and top < n_variants:
        floor = np.partition(counts, n_variants - top)[n_variants - top]
        candidates = np.flatnonzero(counts >= floor)
    rank = np.empty(len(names), dtype=np.int32)
    rank[np.argsort(np.array(names, dtype=object))] = np.arange(len(names), dtype=np.int32)
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), rank[seqs])
    table = pa.table({"v": candidates, "n": counts[candidates], "seq": lists.take(candidates)})
    con.register("parcours_variants", table)
    limit = "" if top is None else f"LIMIT {int(top)}"
    chosen = con.execute(f"SELECT v FROM parcours_variants ORDER BY n DESC, seq {limit}").fetchall()
    out = []
    for (v,) in chosen:
        seq = seqs[offsets[v] : offsets[v + 1]].tolist()
        out.append(Variant(tuple(names[c] for c in seq), int(counts[v]), int(counts[v]) / cases))
    return tuple(out)


def _durations(seconds: np.ndarray) -> DurationStats:
    """Case durations; the median is the upper middle one, as pm4py reports it."""
    n = len(seconds)
    if not n:
        return DurationStats(0, None, None, None, None, None)
    ordered = np.sort(seconds)
    return DurationStats(
        n=n,
        mean=float(seconds.mean()),
        median=float(ordered[n // 2]),
        min=float(ordered[0]),
        max=float(ordered[-1]),
        p90=float(np.quantile(ordered, 0.9)),
    )
