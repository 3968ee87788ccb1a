"""A SparkSession set up for parcours: UTC session time zone, quiet logs, Arrow transfers.

``spark_session()`` starts (or reuses) a local session on two cores; a master URL
(``spark://host:7077``, ``yarn``, ``k8s://...``) runs on a cluster, and an ``sc://host:15002``
URL connects through Spark Connect (the analyses' Spark tests also run over a local Spark Connect
server). On a cluster, or behind a Spark Connect server, the executors need ``parcours``
installed (the funnel's per-customer state machine runs there, in Python).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from parcours._optional import require
from parcours.errors import EngineError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL = "local[2]"
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")

#: Settings every parcours session gets (Spark Connect included): naive timestamps are UTC.
BASE_CONFIG: dict[str, str] = {"spark.sql.session.timeZone": "UTC"}

#: Settings of a classic (non-Connect) session: Arrow carries data to Python, quiet driver.
CLASSIC_CONFIG: dict[str, str] = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{LOG_CONFIG}",
}

#: Extra settings of a local session: few shuffle partitions, no web UI.
LOCAL_CONFIG: dict[str, str] = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.ui.enabled": "false",
    "spark.driver.memory": "2g",
    # small inputs run as one task after a shuffle, large ones by the advisory partition size
    "spark.sql.adaptive.coalescePartitions.parallelismFirst": "false",
}


def pyspark(feature: str) -> ModuleType:
    """The ``pyspark`` module, or MissingDependencyError naming the pip line of the extra."""
    return require("pyspark", extra="spark", feature=feature)


def spark_session(
    master: str | None = None, *, config: Mapping[str, str] | None = None
) -> SparkSession:
    """A SparkSession for parcours: ``local[2]`` by default, a cluster for a master URL, Spark
    Connect for an ``sc://`` URL; ``config`` adds or overrides Spark settings."""
    pyspark("the Spark engine")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("parcours")
    url = master or LOCAL
    remote = url.startswith("sc://")
    settings = dict(BASE_CONFIG)
    if remote:
        builder = builder.remote(url)
    else:
        builder = builder.master(url)
        settings.update(CLASSIC_CONFIG)
        if url.startswith("local"):
            settings.update(LOCAL_CONFIG)
            # local workers must run this interpreter, which has parcours and pyarrow
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings.update(config or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # PySpark's own error tree; a missing Java is the usual cause
        reason = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else "error"
        raise EngineError(
            f"cannot start Spark on {url!r}: {reason}. Spark needs "
            "Java 17 on the PATH or in JAVA_HOME (Debian: apt-get install "
            "openjdk-17-jre-headless); a cluster or Spark Connect URL must be reachable."
        ) from exc
    if not remote:
        session.sparkContext.setLogLevel("ERROR")
    return session
