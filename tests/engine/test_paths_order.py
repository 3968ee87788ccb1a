"""Paths read the events in storage order when it is the sorted order, else sorted; variants are
grouped exactly even when their hashes collide."""

from __future__ import annotations

import importlib
import random

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.engine import EventLog, paths

from .conftest import log_from_cases

paths_module = importlib.import_module("parcours.engine.duckdb.paths")

logs = st.dictionaries(
    keys=st.sampled_from([f"u{i}" for i in range(8)]),
    values=st.lists(
        st.tuples(st.integers(0, 12), st.sampled_from("abcd")), min_size=1, max_size=8
    ).map(sorted),
    min_size=1,
    max_size=8,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=logs, seed=st.integers(0, 1000))
def test_shuffled_source_gives_the_same_paths(events, seed):
    log = log_from_cases(events)
    table = log.connection.sql(f"SELECT * FROM {log.source}").to_arrow_table()
    rows = list(range(table.num_rows))
    random.Random(seed).shuffle(rows)
    shuffled = EventLog.from_arrow(table.take(pa.array(rows, pa.int64())))
    assert paths(shuffled, top_variants=None).to_dict() == paths(log, top_variants=None).to_dict()


def test_variant_ids_exact_when_every_hash_collides():
    sequences = [[0, 1, 2], [2, 1, 0], [0, 1, 2], [1], [0], [1], [2, 1, 0, 3]]
    codes = np.array([c for s in sequences for c in s], dtype=np.int32)
    bounds = np.r_[0, np.cumsum([len(s) for s in sequences])].astype(np.int64)
    hashed = paths_module._variant_ids(codes, bounds)
    collided = paths_module._variant_ids(codes, bounds, base=np.uint64(0))  # hash = length only
    for ids, first in (hashed, collided):
        assert ids[first].tolist() == list(range(len(first)))
        assert all(ids[:f].tolist().count(ids[f]) == 0 for f in first.tolist())
        groups = {tuple(s): set() for s in sequences}
        for s, i in zip(sequences, ids.tolist(), strict=True):
            groups[tuple(s)].add(i)
        assert all(len(g) == 1 for g in groups.values())
        assert len({next(iter(g)) for g in groups.values()}) == len(groups)
