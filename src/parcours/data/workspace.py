"""The workspace: a folder with ``parcours.toml``, ``journeys/`` and an embedded DuckDB file.

::

    ws = create_workspace("shop", sources={"events": {"path": "data/events.csv"}})
    report = ws.ingest()                 # imports every declared source, prints nothing
    ws.journeys()                        # {"sport": Path("journeys/sport.yaml"), ...}
    ws.views_folder("sport")             # views/sport: where the journey's views are written
    ws.quarantine("events", limit=20)    # the rows it could not use: file, line, column, reason
    with ws.connect() as con:            # the DuckDB file: events, customers, feedback,
        con.sql("SELECT * FROM events")  # orders, quarantine, imports
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
from pydantic import ValidationError

from parcours.data.ingest import create_tables, import_source
from parcours.data.progress import progress_bar
from parcours.data.quarantine import Quarantine, read_quarantine
from parcours.data.report import FileReport, IngestReport
from parcours.data.source import SourceConfig
from parcours.errors import DataError
from parcours.settings import TOML_NAME, Settings, invalid_settings

#: DuckDB's memory cap while importing, unless the workspace sets ``memory_limit``: without one,
#: DuckDB takes up to 80 % of the RAM (17 GB for a 100M-event import on a 23 GB machine); with
#: it, the import of 100M events peaks at 4.1 GB and takes 7 % longer (docs/benchmarks.md).
INGEST_MEMORY = "4GB"
#: The folder of a workspace where each journey's views are written, one sub-folder per journey.
VIEWS = "views"


class Workspace:
    """A workspace on disk, seen through its :class:`~parcours.settings.Settings`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        #: The declared sources, read from the ``[sources.NAME]`` tables of the settings.
        self.sources: dict[str, SourceConfig] = {}
        for name, table in settings.sources.items():
            try:
                self.sources[name] = SourceConfig.model_validate(table)
            except ValidationError as exc:
                raise invalid_settings(
                    settings.workspace, exc, ("sources", name), SourceConfig
                ) from None

    @classmethod
    def open(cls, path: str | Path = ".", **overrides: Any) -> Workspace:
        """The workspace at ``path``; ``overrides`` win over its file and the environment."""
        return cls(Settings.load(path, **overrides))

    @property
    def root(self) -> Path:
        return self.settings.workspace

    def journeys(self, names: Iterable[str] | None = None) -> dict[str, Path]:
        """The journey files of the workspace (YAML, then JSON) by file stem: all, or those
        ``names`` in that order. Raises DataError naming any that is not there."""
        folder = self.settings.journeys_path
        files = {p.stem: p for p in sorted(folder.glob("*.y*ml")) + sorted(folder.glob("*.json"))}
        wanted = list(names) if names else list(files)
        unknown = [name for name in wanted if name not in files]
        if unknown:
            raise DataError(
                f"{folder}: no journey named {', '.join(map(repr, unknown))}; "
                f"found {', '.join(files) or 'none'}."
            )
        return {name: files[name] for name in wanted}

    def views_folder(self, journey: str) -> Path:
        """The folder where the views of the journey ``journey`` (its file stem) are written."""
        return self.root / VIEWS / journey

    def connect(self, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A connection to the workspace's DuckDB file (close it, or use ``with``)."""
        config: dict[str, Any] = {}
        if self.settings.memory_limit:
            config["memory_limit"] = self.settings.memory_limit
        if self.settings.threads:
            config["threads"] = self.settings.threads
        path = self.settings.database_path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.Error as exc:
            raise DataError(f"{path}: cannot open the workspace database: {exc}") from exc

    def ingest(
        self, sources: Iterable[str] | None = None, *, progress: bool | None = False
    ) -> IngestReport:
        """Import the declared sources (all, or those named); each source is one transaction."""
        declared = self.sources
        names = list(sources) if sources else list(declared)
        unknown = [n for n in names if n not in declared]
        if unknown:
            raise DataError(
                f"{self.root / TOML_NAME}: no source named {', '.join(map(repr, unknown))}; "
                f"declared: {', '.join(declared) or '(none: add a [sources.events] table)'}."
            )
        files: list[FileReport] = []
        with self.connect() as con, progress_bar(progress) as on_input:
            if not self.settings.memory_limit:  # the sort of a large import stays near the cap
                con.execute(f"SET memory_limit = '{INGEST_MEMORY}'")
            create_tables(con)
            for name in names:
                files += import_source(
                    con, name, declared[name], root=str(self.root), on_input=on_input
                )
        return IngestReport(tuple(files), str(self.settings.database_path))

    def quarantine(self, source: str | None = None, *, limit: int | None = None) -> Quarantine:
        """The rows the imports could not use (all sources, or the declared ``source``), at
        most ``limit``, with file, line, column, raw value and reason; the database is not
        created when there is none yet."""
        return read_quarantine(
            self.settings.database_path,
            self.sources,
            source=source,
            limit=limit,
            where=str(self.root / TOML_NAME),
        )


def create_workspace(
    path: str | Path,
    *,
    sources: Mapping[str, SourceConfig | Mapping[str, Any]] | None = None,
    engine: str = "duckdb",
    overwrite: bool = False,
) -> Workspace:
    """Write ``parcours.toml`` (and ``journeys/``) at ``path``; return the workspace.

    Raises DataError when a ``parcours.toml`` is already there, unless ``overwrite``.
    """
    root = Path(path)
    toml = root / TOML_NAME
    if toml.exists() and not overwrite:
        raise DataError(f"{toml}: a workspace is already here; open it, or pass overwrite=True.")
    try:
        configs = {
            name: spec if isinstance(spec, SourceConfig) else SourceConfig.model_validate(spec)
            for name, spec in (sources or {}).items()
        }
    except ValidationError as exc:
        raise DataError(f"{toml}: invalid source: {exc}") from None
    lines = [
        "# parcours workspace: see `parcours ingest --help`",
        f"engine = {json.dumps(engine)}",
        'database = "parcours.duckdb"',
        'journeys = "journeys"',
    ]
    for name, config in configs.items():
        lines += ["", f"[sources.{json.dumps(name)}]"]
        for key, value in config.model_dump(exclude_defaults=True, mode="json").items():
            lines.append(f"{key} = {_toml(value)}")
    (root / "journeys").mkdir(parents=True, exist_ok=True)
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Workspace.open(root)


def _toml(value: Any) -> str:
    """A TOML value for strings, numbers, booleans, lists and flat tables."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)
