"""A month against the month before: each stage's customers and conversion and each KPI, with
their change, on a hand-made log (exact numbers)."""

from __future__ import annotations

import pandas as pd
import pytest

from parcours.engine import EventLog
from parcours.errors import EngineError
from parcours.insight.compare import compare_periods, month_filter, previous_month
from parcours.model import Journey

JOURNEY = Journey.model_validate(
    {
        "id": "shop",
        "name": "Shop",
        "stages": [
            {
                "id": "discover",
                "name": "Discover",
                "match": {"events": ["view"]},
                "kpis": [{"id": "to-cart", "kind": "conversion", "target": 50, "unit": "%"}],
            },
            {"id": "cart", "name": "Cart", "match": {"events": ["add_to_cart"]}},
        ],
    }
)


def _log() -> EventLog:
    rows = []
    # February: 4 customers view, 1 of them adds to cart; March: 2 view, both add to cart
    for i in range(4):
        rows.append((f"f{i}", "2026-02-10", "view"))
    rows.append(("f0", "2026-02-11", "add_to_cart"))
    for c in ("m0", "m1"):
        rows += [(c, "2026-03-05", "view"), (c, "2026-03-06", "add_to_cart")]
    rows.append(("a0", "2026-04-01", "view"))  # April: in neither month
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "event"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    frame["channel"], frame["properties"] = "web", "{}"
    return EventLog.from_pandas(frame)


def test_march_against_february() -> None:
    compared = compare_periods(_log(), JOURNEY, "2026-03")
    assert (compared.period, compared.previous) == ("2026-03", "2026-02")
    got = {(c.where, c.measure): (c.before, c.after, c.change) for c in compared.changes}
    assert got[("stages.discover", "customers")] == (4, 2, -2)
    assert got[("stages.discover", "conversion")] == (0.25, 1.0, 0.75)
    assert got[("stages.cart", "customers")] == (1, 2, 1)
    assert got[("stages.discover", "to-cart")] == (25.0, 100.0, 75.0)  # the KPI, in %
    assert compared.to_frame().shape == (5, 5)


def test_months_are_written_yyyy_mm() -> None:
    assert previous_month("2026-01") == "2025-12" and previous_month("2026-03") == "2026-02"
    with pytest.raises(EngineError, match="YYYY-MM"):
        month_filter("2026-13")


def test_measure_compare_on_a_workspace(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from parcours.cli import main
    from parcours.data import create_workspace

    _log().arrow("SELECT customer_id, timestamp, event, channel FROM {events}").to_pandas().to_csv(
        tmp_path / "events.csv", index=False
    )
    create_workspace(tmp_path, sources={"events": {"path": "events.csv"}}).ingest()
    (tmp_path / "journeys" / "shop.json").write_text(
        JOURNEY.model_dump_json(exclude_none=True), encoding="utf-8"
    )
    args = ["measure", str(tmp_path), "--compare", "2026-03"]
    out = CliRunner().invoke(main, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    changes = json.loads(out.output)["shop"]["changes"]
    assert changes[0] == {
        "where": "stages.discover",
        "measure": "customers",
        "before": 4,
        "after": 2,
        "change": -2,
    }
    text = CliRunner().invoke(main, args).output
    assert "shop: 2026-03 against 2026-02" in text and "to-cart" in text
    bad = CliRunner().invoke(main, [*args[:-1], "2026-3"])
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
