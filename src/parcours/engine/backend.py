"""The one interface every analysis calls: an event log on some engine.

An analysis is written once against :class:`Backend`; each engine implements it, the way an
httpx client talks to its transport: :class:`parcours.engine.duckdb.EventLog` (embedded DuckDB,
the default) and :class:`parcours.engine.spark.SparkEventLog` (Apache Spark). Analyses never ask
which engine they run on: SQL they write reads ``{events}`` and is spelled for
``log.dialect`` (:mod:`parcours.engine.dialect`); the sequence analyses that each engine runs
its own way (funnel levels, paths, flows, conversion rows) are methods of the log, returning
the typed results of their result modules.

The log's rows follow the events contract (:mod:`parcours.data.schema`): ``customer_id``,
``timestamp`` (naive UTC), ``event``, ``channel``, ``event_seq`` (the tie-breaker of the one
ordering ``customer_id, timestamp, event_seq``) and ``properties`` (JSON text), plus any column
an analysis added (``stage``, ``touchpoint``). Beside the events, a log may hold the other
tables of a workspace, on the same engine: SQL reads them as ``{customers}``, ``{feedback}``,
``{orders}`` and ``{segments}`` (each customer's segments, written by ``parcours segment`` on a
workspace: :mod:`parcours.engine.customers.members`) (:data:`TABLES`); a query naming a table
the log lacks is a clear error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import pyarrow as pa

from parcours.engine.dialect import Dialect
from parcours.engine.flows_result import Direction, FlowResult
from parcours.engine.funnel_plan import FunnelLevels, FunnelPlan
from parcours.engine.paths_result import PathsResult
from parcours.engine.period import Every
from parcours.engine.returns_result import Returns
from parcours.engine.spans_result import PlaceCustomers
from parcours.errors import EngineError

#: The tables a log may hold beside its events, by role (their contracts: parcours.data.schema).
TABLES: tuple[str, ...] = ("customers", "feedback", "orders", "segments")


def substitute(sql: str, names: dict[str, str]) -> str:
    """``sql`` with ``{events}`` and each ``{table}`` replaced by its name in ``names``."""
    for role in ("events", *TABLES):
        token = "{" + role + "}"
        if token in sql:
            if role not in names:
                raise EngineError(
                    f"this analysis needs the workspace's {role} table, and there is none: "
                    f"declare a [sources.{role}] in parcours.toml and run `parcours ingest`."
                )
            sql = sql.replace(token, names[role])
    return sql


class Backend(Protocol):
    """An event log on one engine."""

    @property
    def dialect(self) -> Dialect:
        """How the engine spells its SQL: literals, quoted names, JSON access, globs, times
        and quantiles come from :mod:`parcours.engine.dialect` for this dialect."""
        ...

    def columns(self) -> list[str]:
        """Column names of the log."""
        ...

    def has_column(self, name: str) -> bool: ...

    def has_table(self, role: str) -> bool:
        """Whether the log holds the ``role`` table (``customers``, ``feedback``, ``orders``)."""
        ...

    def table_columns(self, role: str) -> list[str]:
        """Column names of the ``role`` table."""
        ...

    def count(self) -> int:
        """The number of events."""
        ...

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` (which reads ``{events}``; ``?`` marks ``params``)."""
        ...

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """The rows of ``sql`` as an Arrow table, on the caller's side."""
        ...

    def keep(self, name: str, sql: str) -> None:
        """Hold the rows of ``sql`` under ``name`` for the next queries (a temporary table, a
        cached view); :meth:`drop` forgets them."""
        ...

    def drop(self, name: str) -> None: ...

    def view(self, sql: str, *, materialise: bool = False) -> Backend:
        """A log whose events are the rows of ``sql`` (which reads ``{events}``), computed when
        read, or once when ``materialise``; :meth:`release` frees it."""
        ...

    def scoped(self, tables: dict[str, str]) -> Backend:
        """A log whose tables named in ``tables`` (a role: ``events``, ``feedback``...) are the
        rows of their SQL (which reads the tables of this log), computed when read;
        :meth:`release` frees them."""
        ...

    def release(self) -> None:
        """Free what :meth:`view` or :meth:`scoped` made for this log (nothing otherwise)."""
        ...

    def funnel_levels(self, plan: FunnelPlan) -> FunnelLevels:
        """Per customer who entered the funnel: level, step times and breakdown value."""
        ...

    def paths(self, top_variants: int | None) -> PathsResult:
        """Directly-follows graph, variants, durations and loops."""
        ...

    def flows(self, event: str, steps: int, direction: Direction) -> FlowResult:
        """Sankey links around each customer's first ``event``."""
        ...

    def returns(self, every: Every | None) -> list[Returns]:
        """Per place, period and channel of a bound log: customers who came back to a place
        (:func:`parcours.engine.returns.returns`)."""
        ...

    def earlier_events(self, stages: list[str]) -> list[tuple[str, str, int, int]]:
        """Per stage of a bound log but the last (``stages``: the map's order) and event name:
        the customers who had the event before their first event at the stage, and those of
        them who reached the next stage (:meth:`parcours.engine.outcomes.Outcomes.
        by_earlier_event`)."""
        ...

    def keep_spans(self, name: str, every: Every | None) -> PlaceCustomers:
        """Of a bound log: hold under ``name`` (as :meth:`keep`) each customer's first and last
        time at every stage and touchpoint met and overall (columns ``customer``: the key of
        :meth:`customer_key`, ``level``: ``stage``, ``touchpoint`` or ``customer``, ``place``:
        the id, NULL for ``customer``, ``first``, ``last``), and return each place's distinct
        customers per period of ``every`` of their events there."""
        ...

    def customer_key(self, column: str) -> str:
        """SQL of the key that the spans (:meth:`keep_spans`) give the customer whose id is
        ``column``: what joins them with the other tables."""
        ...

    def conversion_rows(
        self, conversion: str, value: str | None, channel: str, ages: bool = True
    ) -> list[tuple[Any, ...]]:
        """Per (customer, conversion): touch channels, touch times (µs), converted, last time
        (µs), conversion value; without ``ages``, per distinct (channels, converted): channels,
        None, converted, None, summed value, number of paths."""
        ...
