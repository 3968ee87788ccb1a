"""The DuckDB engine, the default: the analyses over an :class:`EventLog` of an embedded
database (a workspace's file, or any connection)."""

from parcours.engine.duckdb.eventlog import EventLog

__all__ = ["EventLog"]
