"""Recommendations on the UCI Online Retail slice, leave-last-basket-out, against popularity."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.engine import EventLog
from parcours.engine.customers.recommend import Baskets, baskets, evaluate, recommend
from parcours.errors import EngineError

RETAIL = Path(__file__).parents[2] / "oracles" / "online_retail" / "online_retail_first20k.csv.gz"


def _events() -> pd.DataFrame:
    raw = pd.read_csv(RETAIL, dtype=str)
    raw = raw[raw["CustomerID"].notna() & (raw["Quantity"].astype(float) > 0)]
    return pd.DataFrame(
        {
            "customer_id": raw["CustomerID"],
            "timestamp": raw["InvoiceDate"],
            "event": "purchase",
            "sku": raw["StockCode"],
            "invoice": raw["InvoiceNo"],
        }
    )


@pytest.fixture(scope="module")
def retail() -> Baskets:
    frame = _events()
    frame["properties"] = [
        json.dumps({"sku": s, "invoice": i})
        for s, i in zip(frame["sku"], frame["invoice"], strict=True)
    ]
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return baskets(
        EventLog.from_pandas(frame.drop(columns=["sku", "invoice"])),
        event="purchase",
        item="sku",
        basket="invoice",
    )


def test_baskets_follow_the_invoices(retail: Baskets) -> None:
    raw = _events()
    assert (
        retail.frame.groupby("customer_id")["basket"].max().add(1).sum() == raw["invoice"].nunique()
    )
    assert len(retail.frame) == len(raw[["customer_id", "invoice", "sku"]].drop_duplicates())


def test_recommenders_beat_popularity_by_the_bar(retail: Baskets) -> None:
    result = evaluate(retail, ["popularity", "cooccurrence", "als"])
    assert result.customers == 164
    assert result.lift("cooccurrence") >= 1.3  # the bar
    assert result.lift("als") >= 1.3
    cooc = result.metrics["cooccurrence"]
    assert 0 < cooc["ndcg_at_10"] <= 1
    assert cooc["coverage"] > 10 * result.metrics["popularity"]["coverage"]


def test_recommend_lists_ten_products(retail: Baskets) -> None:
    lists = recommend(retail, ["17850", "nobody"], k=10)
    assert len(lists["17850"]) == len(set(lists["17850"])) == 10
    popular = recommend(retail, ["x"], method="popularity")["x"]
    assert lists["nobody"] == popular  # an unknown customer gets the popular products
    with pytest.raises(EngineError, match="unknown method"):
        recommend(retail, ["x"], method="magic")


def test_recommend_command(tmp_path: Path) -> None:
    file = tmp_path / "purchases.csv"
    _events().to_csv(file, index=False)  # sku and invoice become properties
    args = [
        "recommend",
        str(file),
        "--purchase-event",
        "purchase",
        "--item",
        "sku",
        "--basket",
        "invoice",
        "--format",
        "json",
    ]
    out = CliRunner().invoke(main, [*args, "--customer", "17850"])
    assert out.exit_code == 0, out.output
    assert len(json.loads(out.output)["recommendations"]["17850"]) == 10
    checked = CliRunner().invoke(main, [*args, "--evaluate"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["lift_over_popularity"]["cooccurrence"] >= 1.3
