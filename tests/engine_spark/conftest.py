"""The Spark engine's tests: one local SparkSession for the whole run, and ~50k simulated
events (ties included) loaded into both engines.

Skipped with the reason when pyspark or Java is missing, except under CI (env ``CI`` set),
where a missing Spark fails the run. With ``PARCOURS_TEST_SPARK_CONNECT`` set, the session is a
Spark Connect client of a local server (``test_connect`` runs the analyses' tests that way).
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from parcours.engine import EventLog

ORACLES = Path(__file__).parents[1] / "oracles"

#: Marks of every test here: needs Spark; PySpark's own socket leaks (left to the garbage
#: collector after each data transfer) are not ours to fail on.
SPARK = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in.*socket:pytest.PytestUnraisableExceptionWarning"
    ),
]
#: Set (to anything) to run the Spark tests over Spark Connect: a local server on this port.
CONNECT = "PARCOURS_TEST_SPARK_CONNECT"
CONNECT_PORT = 15002
SAMPLE = "omnichannel_retail"
CUSTOMERS = 7500  # about 49k events
TIE_US = 600 * 1_000_000  # times floored to 10 minutes: many same-time events


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'parcours[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (Debian: apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the Spark tests must run in CI: {reason}")
        pytest.skip(reason)
    from parcours.engine.spark import spark_session

    # small Arrow batches: customers are split across batches, the funnel must carry them
    config = {
        "spark.sql.execution.arrow.maxRecordsPerBatch": "700",
        "spark.sql.shuffle.partitions": "3",
        # keep the three partitions: customers must be split among partitions
        "spark.sql.adaptive.coalescePartitions.enabled": "false",
    }
    if os.environ.get(CONNECT):  # a local Spark Connect server, reached by its sc:// URL
        from pyspark.sql import SparkSession

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the server's Python workers
        SparkSession.builder.remote("local[2]").config(map=config).getOrCreate()
        session = spark_session(f"sc://localhost:{CONNECT_PORT}")
    else:
        session = spark_session(config=config)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def events(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    """Simulated events with coarse times (ties) and a shuffled, unique event_seq."""
    from parcours.samples import load_sample, sample_events
    from parcours.simulate import SimulationConfig, simulate

    directory = tmp_path_factory.mktemp("simulated")
    config = SimulationConfig(customers=CUSTOMERS, seed=11)
    result = simulate(load_sample(SAMPLE), directory, config, catalogue=sample_events(SAMPLE))
    table = pq.read_table(result.paths["events"])
    micros = pc.cast(table.column("timestamp"), pa.int64()).to_numpy()
    coarse = pa.array(micros - micros % TIE_US, pa.int64()).cast(pa.timestamp("us"))
    table = table.set_column(table.schema.get_field_index("timestamp"), "timestamp", coarse)
    seq = np.random.default_rng(0).permutation(table.num_rows)
    return table.append_column("event_seq", pa.array(seq, pa.int64()))


@pytest.fixture(scope="session")
def duck(events: pa.Table) -> EventLog:
    return EventLog.from_arrow(events)


@pytest.fixture(scope="session")
def sparklog(spark: Any, duck: EventLog) -> Any:
    from parcours.engine.spark import SparkEventLog

    return SparkEventLog.from_event_log(duck, spark)


def same(a: Any, b: Any, path: str = "") -> None:
    """``a == b``, with floats equal to 1e-12 (relative): sums may differ in the last bit."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), f"{path}: {a} != {b}"
    elif isinstance(a, dict) and isinstance(b, dict):
        assert sorted(a, key=str) == sorted(b, key=str), f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b), f"{path}: {len(a)} != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def log_from_cases(events: Mapping[str, Sequence[Sequence[Any]]]) -> EventLog:
    """A DuckDB log from ``{customer: [[seconds or ISO time, event, (properties)], ...]}``, as
    the oracle files write them; event_seq is the listing order."""
    epoch = datetime(2020, 1, 1)
    rows = [
        (str(customer), ev[0], str(ev[1]), ev[2] if len(ev) > 2 else None)
        for customer, evs in events.items()
        for ev in evs
    ]
    times = [
        datetime.fromisoformat(t) if isinstance(t, str) else epoch + timedelta(seconds=t)
        for _, t, _, _ in rows
    ]
    return EventLog.from_arrow(
        pa.table(
            {
                "customer_id": [r[0] for r in rows],
                "timestamp": pa.array(times, pa.timestamp("us")),
                "event": [r[2] for r in rows],
                "event_seq": pa.array(range(len(rows)), pa.int64()),
                "properties": pa.array([r[3] for r in rows], pa.string()),
            }
        )
    )
