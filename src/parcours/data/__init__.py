"""Data ingest: sources, column mapping, validation, quarantine and the workspace store.

Readers: CSV/TSV (delimiter sniffed, encoding detected), Parquet, JSON Lines, XES (plain or
gzip) and SQL databases by URL. Every row read is either loaded or quarantined with its source,
line, column, raw value and reason; the report reconciles ``read = loaded + quarantined``.
The tables and their columns are in :mod:`parcours.data.schema`.
"""

from parcours.data.events import LoadedEvents, read_events
from parcours.data.ingest import create_tables, import_source
from parcours.data.mapping import ColumnMapping
from parcours.data.report import FileReport, IngestReport
from parcours.data.schema import CONTRACTS, EVENT_ORDER, EVENTS, Kind
from parcours.data.source import SourceConfig
from parcours.data.workspace import Workspace, create_workspace

__all__ = [
    "CONTRACTS",
    "EVENTS",
    "EVENT_ORDER",
    "ColumnMapping",
    "FileReport",
    "IngestReport",
    "Kind",
    "LoadedEvents",
    "SourceConfig",
    "Workspace",
    "create_tables",
    "create_workspace",
    "import_source",
    "read_events",
]
