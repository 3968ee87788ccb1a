"""Spark is an optional extra: parcours imports without it, and asking for it names the pip line.
These tests need neither pyspark nor Java."""

from __future__ import annotations

import subprocess
import sys

import pytest

from parcours.errors import MissingDependencyError


def test_importing_the_engines_does_not_import_pyspark():
    code = (
        "import sys, parcours, parcours.engine, parcours.engine.spark, "
        "parcours.engine.workspace_tables, parcours.insight; print('pyspark' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_pyspark_names_the_extra(monkeypatch):
    from parcours.engine.spark import spark_session

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'parcours\[spark\]'"):
        spark_session()
