"""Synthetic data for a journey map, with planted truths (``parcours simulate``).

Writes ``events``, ``customers``, ``feedback`` (French and English verbatims) and ``orders`` as
Parquet files, streamed batch by batch so that 100M events fit in memory. The same journey,
config and seed always give the same files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from parcours.model import Journey
from parcours.simulate.config import SimulationConfig, load_config
from parcours.simulate.generator import generate
from parcours.simulate.plan import plan

__all__ = ["SimulationConfig", "SimulationResult", "load_config", "simulate"]

TABLES = ("events", "customers", "feedback", "orders")


@dataclass(frozen=True)
class SimulationResult:
    directory: Path
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def paths(self) -> dict[str, Path]:
        return {name: self.directory / f"{name}.parquet" for name in TABLES}

    def to_dict(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "rows": self.rows}


def simulate(
    journey: Journey,
    directory: str | Path,
    config: SimulationConfig | None = None,
    *,
    catalogue: Iterable[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Simulate ``config.customers`` customers on ``journey``; write Parquet files in
    ``directory``. Globs in bindings emit the ``catalogue`` event names they match.
    ``progress(done, total)`` is called after each batch of customers."""
    config = config or SimulationConfig()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    journey_plan = plan(journey, config, catalogue)
    writers: dict[str, pq.ParquetWriter] = {}
    rows = dict.fromkeys(TABLES, 0)
    try:
        done = 0
        for batch_no, first in enumerate(range(0, config.customers, config.batch_customers)):
            size = min(config.batch_customers, config.customers - first)
            batch = generate(journey_plan, config, batch_no, first, size)
            for name in TABLES:
                table = getattr(batch, name)
                if name not in writers:
                    path = directory / f"{name}.parquet"
                    writers[name] = pq.ParquetWriter(path, table.schema, compression="zstd")
                writers[name].write_table(table)
                rows[name] += table.num_rows
            done += size
            if progress:
                progress(done, config.customers)
    finally:
        for writer in writers.values():
            writer.close()
    return SimulationResult(directory, rows)
