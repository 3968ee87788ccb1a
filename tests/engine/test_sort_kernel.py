"""The hot columns' sort: stable by (key, timestamp), whatever the threads and bucket sizes."""

from __future__ import annotations

import numpy as np
import pytest

from parcours.engine._sort_kernel import sort_events


@pytest.mark.parametrize("rows", [0, 1, 7, 5_000, 250_000])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_sort_events_is_a_stable_sort_by_key_then_time(rows: int, threads: int) -> None:
    rng = np.random.default_rng(rows + threads)
    customers = rng.integers(0, max(rows // 20, 1), rows).astype(np.uint64)
    key = customers * np.uint64(0x9E3779B97F4A7C15)  # spread over the top bits, as hashes are
    key[: rows // 10] = key[0] if rows else key[:0]  # one customer with many events
    ts = rng.integers(0, 50, rows)  # many equal times: ties keep the input order
    carry = np.arange(rows)
    out = np.empty_like(key), np.empty_like(ts), np.empty_like(carry)
    sort_events(key, ts, carry, *out, threads=threads)
    expected = np.lexsort((carry, ts, key))
    assert np.array_equal(out[2], expected)
    assert np.array_equal(out[0], key[expected])
    assert np.array_equal(out[1], ts[expected])
