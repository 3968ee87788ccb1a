"""Next best action: a planted action that moves customers on is found, with its uplift."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.engine import EventLog
from parcours.engine.customers.next_action import next_actions
from parcours.errors import EngineError


def _planted(seed: int = 0) -> pd.DataFrame:
    """400 customers view a product; those who get a demo (random half) buy 60% of the time,
    the others 20%; a newsletter, sent at random, changes nothing; segment b never gets demos
    that work (10% vs 20%)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(400):
        c, segment = f"c{i}", "a" if i % 2 else "b"
        t = pd.Timestamp("2024-01-01") + pd.Timedelta(hours=i)
        rows.append((c, t, "view", segment))
        demo, news = rng.random() < 0.5, rng.random() < 0.5
        if demo:
            rows.append((c, t + pd.Timedelta(hours=1), "demo", segment))
        if news:
            rows.append((c, t + pd.Timedelta(hours=2), "newsletter", segment))
        chance = (0.6 if segment == "a" else 0.1) if demo else 0.2
        if rng.random() < chance:
            rows.append((c, t + pd.Timedelta(hours=3), "buy", segment))
            rows.append((c, t + pd.Timedelta(hours=4), "demo", segment))  # after: not counted
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "event", "segment"])


def test_the_planted_action_is_found_per_segment() -> None:
    frame = _planted()
    segments = dict(zip(frame["customer_id"], frame["segment"], strict=False))
    log = EventLog.from_pandas(frame.drop(columns=["segment"]))
    result = next_actions(log, ["view", "buy"], segments=segments, min_customers=30)
    best = result.best("view")
    assert best is not None and best.action == "demo"
    assert best.uplift is not None and 0.1 < best.uplift < 0.35
    assert best.customers_with + best.customers_without == 400
    news = next(
        a for c in result.cells if c.segment == "all" for a in c.actions if a.action == "newsletter"
    )
    assert news.uplift is not None and abs(news.uplift) < 0.1
    assert result.best("view", "a").action == "demo"  # type: ignore[union-attr]
    in_b = next(c for c in result.cells if c.segment == "b")
    assert in_b.best is None or in_b.best.action != "demo"  # demos do not work there
    assert "not controlled" in result.to_dict()["note"]["en"]


def test_next_action_needs_two_stages() -> None:
    log = EventLog.from_pandas(_planted().drop(columns=["segment"]))
    with pytest.raises(EngineError, match="two stage"):
        next_actions(log, ["view"])


def test_next_action_command(tmp_path: Path) -> None:
    file = tmp_path / "events.csv"
    _planted().drop(columns=["segment"]).to_csv(file, index=False)
    out = CliRunner().invoke(
        main, ["next-action", str(file), "--stages", "view,buy", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["cells"][0]["best"]["action"] == "demo"
