"""SQL databases by URL, through SQLAlchemy (extra ``parcours[sql]``): a table or a query.

``sqlite:///path/to.db`` needs nothing more; ``postgresql://user@host/db`` uses the first
installed driver among psycopg (v3), pg8000 and psycopg2. Rows are streamed, numbered from 1,
and hashed as they are read, so importing an unchanged table twice adds nothing.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from parcours._optional import require
from parcours.data.rows import RowReader, Wanted, to_text
from parcours.errors import DataError

_PG_DRIVERS = (("psycopg", "psycopg"), ("pg8000", "pg8000"), ("psycopg2", "psycopg2"))


def is_url(location: str) -> bool:
    """True when ``location`` names a database rather than a file."""
    return "://" in location and not location.startswith("file://")


def normalise_url(url: str) -> str:
    """Pick an installed PostgreSQL driver when the URL names none."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        for module, driver in _PG_DRIVERS:
            if importlib.util.find_spec(module) is not None:
                return f"postgresql+{driver}://" + url.removeprefix("postgresql://")
        raise DataError(
            f"{safe_url(url)}: no PostgreSQL driver is installed. "
            "Install one with: pip install pg8000 (or psycopg[binary])"
        )
    return url


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and the ``source`` column."""
    if "@" not in url:
        return url
    head, tail = url.rsplit("@", 1)
    scheme, _, credentials = head.partition("://")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in credentials else ''}@{tail}"


class SqlReader(RowReader):
    """Reads ``table`` or ``query`` from the database at ``url``."""

    FETCH = 10_000

    def __init__(
        self, url: str, wanted: Wanted, *, table: str | None = None, query: str | None = None
    ) -> None:
        if (table is None) == (query is None):
            raise DataError(f"{safe_url(url)}: give either a table or a query to read.")
        super().__init__(f"{safe_url(url)}#{table or query}", wanted)
        self.url, self.table, self.query = url, table, query

    def open(self) -> None:
        sa = require("sqlalchemy", extra="sql", feature="Reading SQL databases")
        try:
            self._engine = sa.create_engine(normalise_url(self.url))
            self._connection = self._engine.connect()
            statement = sa.text(self.query) if self.query else self._select(sa)
            self._result = self._connection.execution_options(stream_results=True).execute(
                statement
            )
        except sa.exc.SQLAlchemyError as exc:
            self.close()
            raise DataError(f"{self.label}: cannot read from the database: {exc}") from exc
        found = list(self._result.keys())
        self.warnings = self.wanted.check(self.label, found)
        self.columns = [c for c in self.wanted.columns if c in found]
        index = {name: i for i, name in enumerate(found)}
        self._take = [index[c] for c in self.columns]
        self._rest = [(i, n) for i, n in enumerate(found) if n not in set(self.columns)]

    def _select(self, sa: Any) -> Any:
        schema, _, name = (self.table or "").rpartition(".")
        return sa.select(sa.text("*")).select_from(sa.table(name, schema=schema or None))

    def batches(self) -> Iterator[pa.RecordBatch]:
        builder, take, rest = self.builder(), self._take, self._rest
        collect = self.wanted.collect_properties and rest
        digest = hashlib.sha256(self.label.encode())
        number = 0
        while rows := self._result.fetchmany(self.FETCH):
            for row in rows:
                number += 1
                values = [to_text(v) for v in row]
                digest.update("\x1f".join(v or "\x00" for v in values).encode() + b"\x1e")
                props = {n: values[i] for i, n in rest} if collect else None
                builder.add(number, [values[i] for i in take], props)
            self.rows = self.last_line = self.position = number
            yield from builder.flush()
        self.content_hash = digest.hexdigest()

    def close(self) -> None:
        for name in ("_connection", "_engine"):
            resource = getattr(self, name, None)
            if resource is not None:
                resource.close() if name == "_connection" else resource.dispose()
