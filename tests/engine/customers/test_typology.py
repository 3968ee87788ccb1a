"""Journey typology: each planted journey gets its kind, on thresholds that can be moved."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.engine import EventLog
from parcours.engine.customers.typology import Thresholds, journey_typology
from parcours.errors import EngineError

ROWS = [
    # impulse: an ad, a view, a purchase, within an hour
    *[
        ("impulse", f"2024-03-01 10:{m:02d}", e, "web")
        for m, e in [(0, "ad_click"), (5, "product_view"), (20, "purchase")]
    ],
    # research: 25 events over 6 days and 4 channels, then a purchase
    *[
        (
            "research",
            f"2024-03-0{1 + i % 6} 1{i % 10}:00",
            "product_view",
            ["web", "store", "phone", "email"][i % 4],
        )
        for i in range(25)
    ],
    ("research", "2024-03-07 10:00", "purchase", "store"),
    # follow-up: a touch every week over three months
    *[
        (
            "followup",
            (pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=w)).isoformat(),
            "advisor_call",
            "phone",
        )
        for w in range(13)
    ],
    # the purchase ends the journey: later events do not count
    ("impulse", "2024-06-01 10:00", "product_view", "web"),
]


def _log() -> EventLog:
    return EventLog.from_pandas(
        pd.DataFrame(
            [
                {"customer_id": c, "timestamp": pd.Timestamp(t), "event": e, "channel": ch}
                for c, t, e, ch in ROWS
            ]
        )
    )


def test_planted_journeys_get_their_kind() -> None:
    result = journey_typology(_log(), conversion="purchase")
    got = result.frame.set_index("customer_id")
    assert got["kind"].to_dict() == {"followup": "long", "impulse": "simple", "research": "complex"}
    assert got.loc["impulse", "events"] == 3  # stopped at the purchase
    assert got.loc["impulse", "span_days"] == pytest.approx(20 / 1440)
    assert bool(got.loc["research", "converted"]) and not got.loc["followup", "converted"]
    assert result.counts() == {"simple": 1, "complex": 1, "long": 1}
    out = result.to_dict()
    assert out["kinds"][0]["label"]["fr"] == "Simple (achat d'impulsion)"


def test_thresholds_move_the_kinds() -> None:
    strict = Thresholds(simple_max_days=0.001, long_min_days=100)
    got = journey_typology(_log(), conversion="purchase", thresholds=strict).frame
    assert set(got["kind"]) == {"complex"}
    without = journey_typology(_log()).frame.set_index("customer_id")
    # without a conversion its June visit counts: 92 days, but 2 active days are no follow-up
    assert without.loc["impulse", "kind"] == "complex"
    with pytest.raises(EngineError, match="below long_min_days"):
        Thresholds(simple_max_days=40)


def test_typology_command(tmp_path: Path) -> None:
    file = tmp_path / "events.csv"
    pd.DataFrame(ROWS, columns=["customer_id", "timestamp", "event", "channel"]).to_csv(
        file, index=False
    )
    out = CliRunner().invoke(
        main, ["typology", str(file), "--conversion", "purchase", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    kinds = {k["kind"]: k["customers"] for k in json.loads(out.output)["kinds"]}
    assert kinds == {"simple": 1, "complex": 1, "long": 1}
