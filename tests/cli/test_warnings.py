"""Warnings, not errors, for what a user mistyped and parcours would otherwise pass over
silently: event names a journey's bindings expect and the data never holds (``measure``,
``refresh``, ``lint``) or a funnel's steps name (``funnel``), and source columns that map to
nothing (``ingest``, ``refresh``), each with the closest existing name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parcours.cli import main

EVENTS = """\
customer_id,timestamp,event,chanel,extra,note
a,2026-01-05T10:00:00,visite_site,web,{},x
a,2026-01-06T10:00:00,paiement,web,{},y
b,2026-01-07T10:00:00,visite_site,web,{},z
"""
JOURNEY = """\
id: shop
name: Boutique
stages:
  - id: discover
    name: Découverte
    match: {events: [visite_site]}
  - id: buy
    name: Achat
    match: {events: [paiment]}
"""
SETTINGS = """\
[sources.events]
path = "events.csv"
columns = { channel = "canal", properties = "extra" }
"""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shop")
    (root / "parcours.toml").write_text(SETTINGS, encoding="utf-8")
    (root / "events.csv").write_text(EVENTS, encoding="utf-8")
    (root / "journeys").mkdir()
    (root / "journeys" / "shop.yaml").write_text(JOURNEY, encoding="utf-8")
    return root


UNSEEN = (
    "warning: stages.buy.match: event 'paiment' never occurs in the data; did you mean 'paiement'?"
)


def test_ingest_and_refresh_warn_about_columns_and_event_names(workspace: Path) -> None:
    ingested = run("ingest", workspace, "--format", "json")
    assert ingested.exit_code == 0, ingested.output
    (report,) = json.loads(ingested.stdout)["files"]
    assert report["loaded"] == 3  # warnings, not errors
    missing, dropped = report["warnings"]
    assert "column 'canal', mapped to the channel role, is not in the source" in missing
    assert "did you mean 'chanel'?" in missing
    assert "columns 'chanel', 'note' map to no role and are not kept" in dropped
    (workspace / "events.csv").write_text(EVENTS + "b,2026-01-08T10:00:00,paiement,web,{},w\n")
    refreshed = run("refresh", workspace, "--voice", "none")
    assert refreshed.exit_code == 0, refreshed.output
    assert "warning: " in refreshed.stdout and "did you mean 'chanel'?" in refreshed.stdout
    assert f"shop: {UNSEEN}" in refreshed.stderr


def test_measure_and_lint_warn_about_event_names_the_data_never_holds(workspace: Path) -> None:
    assert run("ingest", workspace).exit_code == 0
    measured = run("measure", workspace, "--voice", "none")
    assert measured.exit_code == 0, measured.output
    assert f"shop: {UNSEEN}" in measured.stderr
    as_json = run("measure", workspace, "--voice", "none", "--format", "json")
    (shop,) = json.loads(as_json.stdout).values()
    assert [w["where"] for w in shop["warnings"]] == ["stages.buy.match"]
    linted = run("lint", workspace / "journeys" / "shop.yaml")
    assert linted.exit_code == 0, linted.output  # a warning does not fail lint
    assert UNSEEN.removeprefix("warning: ") in linted.stdout
    assert "[binding-seen-events]" in linted.stdout


def test_funnel_warns_about_steps_the_data_never_holds(workspace: Path) -> None:
    counted = run("funnel", workspace / "events.csv", "--steps", "visite_site,paiment")
    assert counted.exit_code == 0, counted.output  # a warning, not an error: the funnel runs
    assert (
        "warning: step 'paiment' never occurs in the data; did you mean 'paiement'?"
        in counted.stderr
    )
    assert "visite_site" not in counted.stderr
