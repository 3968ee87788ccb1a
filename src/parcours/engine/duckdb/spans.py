"""Each customer's first and last time at every place of a bound journey
(:meth:`parcours.engine.backend.Backend.keep_spans`) on DuckDB: the bound events read as
integers in (customer, time, event_seq) order (:mod:`parcours.engine.duckdb.ordered`) and
walked once by a compiled pass (:func:`parcours.engine._returns_kernel.spans`), which counts
each place's distinct customers per period on the way, instead of group-bys on the customer
ids. Customers are keyed by ``hash(customer_id)`` (:meth:`EventLog.customer_key`)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from parcours.engine._returns_kernel import spans
from parcours.engine.duckdb.ordered import ordered
from parcours.engine.period import Every
from parcours.engine.spans_result import PlaceCustomers

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog

_DAY_US = 86_400_000_000
_EPOCH = date(1970, 1, 1)
_arrows = itertools.count()


def keep_spans(log: EventLog, name: str, every: Every | None) -> PlaceCustomers:
    """Keep the spans under ``name`` (``customer``, ``level``, ``place``, ``first``, ``last``)
    and return each place's distinct customers per period of their events there."""
    rows = ordered(log)
    stage_names, touchpoint_names = rows.names["stage"], rows.names["touchpoint"]
    places = len(stage_names) + len(touchpoint_names)
    period, starts = _periods(rows.ts, every)
    key, place, first, last, customers = spans(
        rows.key,
        rows.ts,
        rows.codes["stage"][rows.order],
        rows.codes["touchpoint"][rows.order],
        period,
        len(stage_names),
        places,
        len(starts),
    )
    del period
    level = np.where(place < 0, 0, np.where(place < len(stage_names), 1, 2)).astype(np.int8)
    table = pa.table(
        {
            "customer": key,
            "level": pa.DictionaryArray.from_arrays(level, ["customer", "stage", "touchpoint"]),
            "place": pa.DictionaryArray.from_arrays(
                pa.array(place, mask=place < 0), [*stage_names, *touchpoint_names]
            ),
            "first": pa.array(first, type=pa.timestamp("us")),
            "last": pa.array(last, type=pa.timestamp("us")),
        }
    )
    arrow = f"parcours_spans_arrow_{next(_arrows)}"
    log.connection.register(arrow, table)
    try:
        log.keep(
            name,
            "SELECT customer, CAST(level AS VARCHAR) AS level, CAST(place AS VARCHAR) AS place, "
            f"first, last FROM {arrow}",
        )
    finally:
        log.connection.unregister(arrow)
    names = [("stage", s) for s in stage_names] + [("touchpoint", t) for t in touchpoint_names]
    return {
        names[p]: {starts[i]: int(customers[p, i]) for i in np.flatnonzero(customers[p])}
        for p in range(places)
    }


def _periods(ts: np.ndarray, every: Every | None) -> tuple[np.ndarray, list[date | None]]:
    """Each time's period as an index from 0, and the periods' first days (weeks start on
    Monday), as DuckDB's ``date_trunc`` gives them."""
    if every is None or len(ts) == 0:
        return np.zeros(len(ts), dtype=np.int64), [None]
    if every == "month":
        months = ts.astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
        low = int(months.min())
        count = int(months.max()) - low + 1
        firsts = [date(1970 + m // 12, m % 12 + 1, 1) for m in range(low, low + count)]
        return months - low, list(firsts)
    days = ts // _DAY_US
    step = 1
    if every == "week":
        days -= (days + 3) % 7  # 1970-01-01 was a Thursday
        step = 7
    low = int(days.min())
    index = (days - low) // step
    count = int(index.max()) + 1
    return index, [_EPOCH + timedelta(days=low + step * i) for i in range(count)]
