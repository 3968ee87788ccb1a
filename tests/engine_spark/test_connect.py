"""The analyses over Spark Connect (``spark_master = "sc://..."``) equal those on DuckDB.

A process holds either a classic Spark session or a Spark Connect one, so the analyses' Spark
tests run again in a child pytest whose session is a client of a local Spark Connect server
(``conftest.CONNECT``): the same comparisons with DuckDB, through ``spark_session("sc://...")``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CONNECT, SPARK

pytestmark = SPARK
HERE = Path(__file__).parent
ANALYSES = ["test_funnel.py", "test_paths.py", "test_retention.py", "test_timing.py"]


@pytest.mark.skipif(bool(os.environ.get(CONNECT)), reason="already the Spark Connect run")
def test_the_analyses_agree_over_spark_connect(spark):
    pytest.importorskip("grpc", reason="Spark Connect needs pip install 'parcours[spark]'")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"]
        + [str(HERE / name) for name in ANALYSES],
        env={**os.environ, CONNECT: "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "skipped" not in run.stdout.splitlines()[-1]
