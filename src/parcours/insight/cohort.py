"""Which customers a measure covers: a cohort by first event and customer attributes."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb

from parcours.engine.binding import literal
from parcours.errors import EngineError

_views = itertools.count()


@dataclass(frozen=True)
class Cohort:
    """Which customers to measure: those whose first event falls in ``since`` (inclusive) ..
    ``until`` (exclusive), and whose customer attributes equal ``segment`` (``{"persona": "lea"}``).
    """

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    segment: Mapping[str, str] = field(default_factory=dict)

    def customers(self, connection: duckdb.DuckDBPyConnection) -> str:
        """A query giving the cohort's customer ids in ``connection``."""
        having = [f"min(timestamp) >= {literal(str(self.since))}::TIMESTAMP"] if self.since else []
        if self.until:
            having.append(f"min(timestamp) < {literal(str(self.until))}::TIMESTAMP")
        query = "SELECT customer_id FROM events GROUP BY 1"
        if having:
            query += f" HAVING {' AND '.join(having)}"
        if self.segment:
            tables = connection.execute("SHOW TABLES").fetchall()
            if ("customers",) not in tables:
                raise EngineError(
                    "a segment needs a customers table with attributes; declare a customers "
                    "source in parcours.toml and run `parcours ingest`"
                )
            equal = [
                f"json_extract_string(attributes, {literal('$.' + json.dumps(key))}) = {literal(v)}"
                for key, v in self.segment.items()
            ]
            query += f" INTERSECT SELECT customer_id FROM customers WHERE {' AND '.join(equal)}"
        return query


def cohort_views(
    connection: duckdb.DuckDBPyConnection,
    names: dict[str, str],
    cohort: Cohort,
) -> dict[str, str]:
    """Temporary views of events, feedback and orders restricted to the cohort's customers."""
    customers = cohort.customers(connection)
    views = {}
    n = next(_views)
    for table, name in names.items():
        view = f"parcours_cohort_{n}_{table}"
        connection.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {name} "
            f"WHERE customer_id IN ({customers})"
        ).fetchall()
        views[table] = view
    return views
