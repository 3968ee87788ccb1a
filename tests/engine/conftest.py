"""Helpers for engine tests: event logs built from small literal cases with real DuckDB."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import strategies as st

from parcours.engine import EventLog
from parcours.model import parse_journey

ORACLES = Path(__file__).parents[1] / "oracles"

#: A two-stage shop map bound by the compiled-pass tests (returns, spans): a stage matched by
#: two events, one of which is also its touchpoint's, and a stage matched through its touchpoint.
BOUTIQUE = parse_journey("""
name: Boutique
stages:
  - name: Visite
    match: {events: [page_view, faq_view]}
    touchpoints:
      - id: site
        name: Site
        channel: website
        match: {events: [page_view]}
  - name: Paiement
    touchpoints:
      - id: paiement
        name: Paiement
        channel: website
        match: {events: [payment_started]}
""")

EPOCH = datetime(2020, 1, 1)
#: The event names of random logs: three that steps name, one that no step names.
EVENTS = ["a", "b", "c", "x"]


def random_logs(
    customers: int, last_second: int, events: int
) -> st.SearchStrategy[dict[str, list[tuple[int, str]]]]:
    """Random ``{customer: [(second, event), ...]}`` cases for :func:`log_from_cases`: up to
    ``customers`` customers with 1 to ``events`` events each, in time order, at seconds
    ``0..last_second`` (so ties are common)."""
    return st.dictionaries(
        keys=st.sampled_from([f"u{i}" for i in range(customers)]),
        values=st.lists(
            st.tuples(st.integers(0, last_second), st.sampled_from(EVENTS)),
            min_size=1,
            max_size=events,
        ).map(sorted),
        min_size=1,
        max_size=customers,
    )


def _as_time(value: Any) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return EPOCH + timedelta(seconds=value)


def log_from_cases(events: Mapping[str, Sequence[Sequence[Any]]]) -> EventLog:
    """An event log from ``{customer: [[time, event, (properties)], ...]}``; seq = listing order."""
    rows: dict[str, list[Any]] = {
        "customer_id": [],
        "timestamp": [],
        "event": [],
        "event_seq": [],
        "properties": [],
    }
    seq = 0
    for customer, evs in events.items():
        for ev in evs:
            rows["customer_id"].append(str(customer))
            rows["timestamp"].append(_as_time(ev[0]))
            rows["event"].append(str(ev[1]))
            rows["event_seq"].append(seq)
            rows["properties"].append(ev[2] if len(ev) > 2 else None)
            seq += 1
    table = pa.table(
        {
            **{k: v for k, v in rows.items() if k != "timestamp"},
            "timestamp": pa.array(rows["timestamp"], type=pa.timestamp("us")),
        }
    )
    return EventLog.from_arrow(table)


@pytest.fixture
def make_log():
    return log_from_cases
