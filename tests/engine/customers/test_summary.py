"""The per-customer summary from a workspace's orders or purchase events, against CDNOW."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parcours.data import create_workspace
from parcours.engine.customers.clv import lifetime_value
from parcours.engine.customers.models import fit_gamma_gamma
from parcours.engine.customers.summary import customer_summary
from parcours.engine.workspace_tables import workspace_tables
from parcours.errors import EngineError

CDNOW = Path(__file__).parents[2] / "oracles" / "cdnow"


def _transactions() -> pd.DataFrame:
    raw = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master", "id", "date", "cds", "value"],
    )
    day = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return pd.DataFrame({"customer_id": raw["id"].astype(str), "day": day, "value": raw["value"]})


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("cdnow")
    bought = _transactions()
    # the purchases twice: as orders, and as events among other events
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(bought))],
            "customer_id": bought["customer_id"],
            "timestamp": (bought["day"] + pd.Timedelta(hours=10)).dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "amount": bought["value"],
        }
    )
    orders.to_csv(root / "orders.csv", index=False)
    events = pd.DataFrame(
        {
            "customer_id": bought["customer_id"],
            "timestamp": orders["timestamp"],
            "event": "purchase",
            "value": bought["value"],  # an unmapped column: a property of the event
        }
    )
    browse = events.assign(event="view", value=None)
    pd.concat([events, browse]).to_csv(root / "events.csv", index=False)
    ws = create_workspace(
        root,
        sources={
            "events": {"path": "events.csv"},
            "orders": {"kind": "orders", "path": "orders.csv"},
        },
    )
    ws.ingest()
    return ws


def test_orders_give_the_published_cdnow_summary(workspace) -> None:
    with workspace_tables(workspace) as log:
        summary = customer_summary(log, calibration_end="1997-09-30", unit="week")
    mine = summary.to_frame().assign(ID=lambda f: f["customer_id"].astype(int)).set_index("ID")
    published = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv").set_index("ID")
    mine = mine.loc[published.index]
    assert len(summary) == len(published) == 2357
    assert (mine["frequency"] == published["x"]).all()
    np.testing.assert_allclose(mine["recency"], published["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(mine["T"], published["T"], atol=0.005 + 1e-9)
    repeat = published["x"] > 0
    np.testing.assert_allclose(
        mine.loc[repeat, "monetary_value"], published.loc[repeat, "zbar"], atol=0.005 + 1e-9
    )
    assert mine.loc[~repeat, "monetary_value"].isna().all()
    # the holdout: purchase days from 1997-10-01 to the last one (1998-06-30)
    assert summary.holdout_length == pytest.approx(273 / 7)
    assert mine["holdout"].sum() > 0
    # the Gamma-Gamma of Fader & Hardie's note, fitted on the unrounded means: p=6.25, q=3.74,
    # gamma=15.44 to the published two decimals
    spend = fit_gamma_gamma(mine["frequency"], mine["monetary_value"].fillna(0))
    assert {k: round(v, 2) for k, v in spend.to_dict().items()} == {
        "p": 6.25,
        "q": 3.74,
        "gamma": 15.44,
    }


def test_purchase_events_give_the_same_summary_as_orders(workspace) -> None:
    with workspace_tables(workspace) as log:
        orders = customer_summary(log, calibration_end="1997-09-30", unit="day")
        events = customer_summary(
            log, event="purchase", value="value", calibration_end="1997-09-30", unit="day"
        )
    pd.testing.assert_frame_equal(orders.to_frame(), events.to_frame())
    # in days, recency and T are whole numbers
    assert np.all(np.round(orders.T) == orders.T)


def test_lifetime_value_predicts_the_holdout(workspace) -> None:
    with workspace_tables(workspace) as log:
        summary = customer_summary(log, calibration_end="1997-09-30")
    result = lifetime_value(summary, horizon=summary.holdout_length)
    frame = result.to_frame()
    # BG/NBD tracks the 39-week holdout in aggregate (here 1,653 predicted purchase days
    # against 1,882 seen)
    predicted, seen = frame["expected_purchases"].sum(), frame["holdout_purchases"].sum()
    assert 0.8 < predicted / seen < 1.4
    # customers who bought more in calibration are expected to buy more, and do
    top = frame.nlargest(200, "expected_purchases")["holdout_purchases"].mean()
    assert top > 4 * frame["holdout_purchases"].mean()
    assert ((frame["churn"] >= 0) & (frame["churn"] <= 1)).all()
    assert result.gamma_gamma is not None and result.total_clv is not None
    assert (frame["clv"] > 0).all()
    # per segment: the RFM-like split of frequent and one-time buyers
    segments = {
        c: ("repeat" if f > 0 else "once")
        for c, f in zip(frame["customer_id"], frame["frequency"], strict=True)
    }
    table = result.by_segment(segments)
    assert table["customers"].sum() == len(frame)
    assert table.loc["repeat", "clv_per_customer"] > table.loc["once", "clv_per_customer"]
    assert table["clv"].sum() == pytest.approx(result.total_clv)
    discounted = lifetime_value(summary, horizon=summary.holdout_length, discount_rate=0.01)
    assert discounted.total_clv is not None and discounted.total_clv < result.total_clv


def test_summary_needs_purchases(workspace) -> None:
    with workspace_tables(workspace) as log:
        with pytest.raises(EngineError, match="no purchases"):
            customer_summary(log, event="refund")
        with pytest.raises(EngineError, match="before the first purchase"):
            customer_summary(log, calibration_end="1990-01-01")
        with pytest.raises(EngineError, match="not a date"):
            customer_summary(log, calibration_end="soon")
