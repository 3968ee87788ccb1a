"""RFM scores and named segments, their movement, and behavioural clusters with stable ids."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.engine import EventLog
from parcours.engine.customers.clusters import cluster
from parcours.engine.customers.rfm import SEGMENTS, rfm, scores, segment_of, transitions
from parcours.engine.customers.segments import segments


def test_scores_are_quintiles_and_ties_share_the_lowest() -> None:
    assert scores(np.arange(1, 11)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores(np.array([1, 1, 1, 1, 1, 1, 2, 3, 4, 5])).tolist() == [1] * 6 + [4, 4, 5, 5]
    assert scores(np.array([0, 10, 20, 30, 40]), higher_is_better=False).tolist() == [5, 4, 3, 2, 1]


def test_every_score_combination_has_one_named_segment() -> None:
    assert len(SEGMENTS) == 10 and all(s.fr and s.en for s in SEGMENTS)
    named = {segment_of(*c) for c in itertools.product(range(1, 6), repeat=3)}
    assert named == {s.id for s in SEGMENTS}
    assert segment_of(5, 5, 5) == "champions"
    assert segment_of(1, 5, 5) == "cant_lose"
    assert segment_of(5, 1, 1) == "new"
    assert segment_of(1, 1, 1) == "hibernating"


def _log(purchases: dict[str, list[tuple[str, float]]]) -> EventLog:
    rows = [
        {
            "customer_id": c,
            "timestamp": pd.Timestamp(day),
            "event": "purchase",
            "channel": "web",
            "properties": json.dumps({"amount": amount}),
        }
        for c, bought in purchases.items()
        for day, amount in bought
    ]
    return EventLog.from_pandas(pd.DataFrame(rows))


BASE = {
    # bought often, much, recently
    "loyal1": [("2024-01-05", 50), ("2024-02-05", 60), ("2024-03-25", 70), ("2024-03-30", 80)],
    "loyal2": [("2024-01-10", 40), ("2024-02-10", 60), ("2024-03-20", 90), ("2024-03-29", 80)],
    # bought often and much, long ago
    "gone1": [("2023-06-01", 90), ("2023-06-20", 90), ("2023-07-01", 90), ("2023-07-10", 99)],
    "gone2": [("2023-06-03", 90), ("2023-06-21", 95), ("2023-07-02", 90), ("2023-07-08", 97)],
    # bought once, lately
    "new1": [("2024-03-28", 10)],
    "new2": [("2024-03-27", 12)],
    # bought once, long ago
    "lost1": [("2023-05-01", 5)],
    "lost2": [("2023-05-02", 6)],
    "mid1": [("2023-12-01", 20), ("2024-01-15", 25)],
    "mid2": [("2023-12-05", 22), ("2024-01-10", 20)],
}


def test_rfm_names_the_planted_customers() -> None:
    result = rfm(_log(BASE), event="purchase", value="amount", as_of="2024-03-31")
    named = dict(zip(result.frame["customer_id"], result.frame["segment"], strict=True))
    assert named["loyal1"] == named["loyal2"] == "champions"
    assert named["gone1"] == named["gone2"] == "at_risk"  # R=2: the lost ones are older
    assert named["new1"] == named["new2"] == "new"
    assert named["lost1"] == named["lost2"] == "hibernating"
    assert sum(result.counts().values()) == len(BASE)
    out = result.to_dict()
    assert out["segments"][0]["label"] == {"en": "Champions", "fr": "Champions"}
    row = result.frame.set_index("customer_id").loc["loyal1"]
    assert (row["recency"], row["frequency"], row["monetary"]) == (1, 4, 260.0)


def test_movement_counts_each_customer_once() -> None:
    log = _log(BASE)
    before = rfm(log, event="purchase", value="amount", as_of="2023-12-31")
    after = rfm(log, event="purchase", value="amount", as_of="2024-03-31")
    moved = transitions(before, after)
    assert sum(sum(r.values()) for r in moved.counts.values()) == len(BASE)
    assert sum(moved.counts["not_yet"].values()) == 2 + 2  # new1/2 and loyal1/2 began in 2024
    assert moved.to_frame().to_numpy().sum() == len(BASE)
    assert 0 <= (moved.stayed() or 0) <= 1


def _groups(seed: int, order: list[int]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    centres = np.array([[1, 1, 0], [20, 5, 1], [5, 30, 3]], dtype=float)
    parts = [centres[g] + rng.normal(0, 0.5, (60, 3)) for g in order]
    names = [f"g{g}_{i}" for g in order for i in range(60)]
    return pd.DataFrame(np.vstack(parts), index=names, columns=["events", "value", "channels"])


def test_clusters_find_k_by_silhouette_and_keep_ids(tmp_path: Path) -> None:
    first = cluster(_groups(0, [0, 1, 2]), ks=range(2, 6))
    assert first.k == 3 and set(first.silhouette) == {2, 3, 4, 5}
    assert first.silhouette[3] == max(first.silhouette.values())
    # a refresh: new customers, the groups listed in another order; ids follow the groups
    again = cluster(_groups(1, [2, 0, 1]), ks=range(2, 6), previous=first.state(), seed=5)
    for group in range(3):
        before = {first.members[f"g{group}_{i}"] for i in range(60)}
        after = {again.members[f"g{group}_{i}"] for i in range(60)}
        assert len(before) == len(after) == 1 and before == after
    assert all(v is not None for v in again.matched.values())


def test_segment_command_json(tmp_path: Path) -> None:
    rows = [
        {"customer_id": c, "timestamp": day, "event": "purchase", "channel": ch, "amount": amount}
        for (c, bought), ch in zip(BASE.items(), itertools.cycle(["web", "store"]), strict=False)
        for day, amount in bought
    ]
    file = tmp_path / "events.csv"
    pd.DataFrame(rows).to_csv(file, index=False)
    state = tmp_path / "centroids.json"
    args = [
        "segment",
        str(file),
        "--purchase-event",
        "purchase",
        "--value",
        "amount",
        "--compare",
        "2023-12-31",
        "--k",
        "2-4",
        "--state",
        str(state),
        "--format",
        "json",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["rfm"]["customers"] == len(BASE)
    assert out["movement"]["before"] == "2023-12-31"
    assert out["clusters"]["k"] in (2, 3, 4) and len(out["clusters"]["silhouette"]) == 3
    assert json.loads(state.read_text())["centroids"]
    cards = out["personas"]
    assert len(cards) == out["clusters"]["k"]
    assert sum(c["customers"] for c in cards) == len(BASE)
    assert all(c["persona"]["evidence"][0]["kind"] == "analytics" for c in cards)
    again = json.loads(CliRunner().invoke(main, args).output)
    assert again["clusters"]["members"] == out["clusters"]["members"]  # same data, same ids


def test_segments_need_the_event_for_clusters() -> None:
    from parcours.errors import EngineError

    with pytest.raises(EngineError, match="orders table"):
        segments(_log(BASE), ks=None)


def test_workspace_segments_keep_their_ids_across_refreshes(tmp_path: Path) -> None:
    from parcours.data import create_workspace
    from parcours.engine.customers.members import workspace_segments
    from parcours.engine.customers.segments import STATE

    rows = [
        {
            "customer_id": c,
            "timestamp": day,
            "event": "purchase",
            "channel": "web",
            "amount": amount,
        }
        for c, bought in BASE.items()
        for day, amount in bought
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "events.csv", index=False)
    ws = create_workspace(tmp_path, sources={"events": {"path": "events.csv"}})
    ws.ingest()
    first = workspace_segments(ws, event="purchase", value="amount", ks=range(2, 4))
    assert (tmp_path / STATE).exists()
    again = workspace_segments(ws, event="purchase", value="amount", ks=range(2, 4))
    assert first.clusters is not None and again.clusters is not None
    assert again.clusters.members.to_dict() == first.clusters.members.to_dict()
    assert all(v is not None for v in again.clusters.matched.values())
    # each customer's cluster and RFM segment are kept in the workspace, for Filter(member_of=)
    from parcours.engine.filter import Filter
    from parcours.engine.workspace_tables import workspace_tables

    with workspace_tables(ws) as log:
        kept = dict(log.rows("SELECT customer_id, segment FROM {segments} WHERE kind = 'cluster'"))
        rfm_kept = dict(log.rows("SELECT customer_id, segment FROM {segments} WHERE kind = 'rfm'"))
        one = sorted(set(kept.values()))[0]
        with Filter(member_of=one).seen(log) as part:
            (customers,) = part.rows("SELECT count(DISTINCT customer_id) FROM {events}")[0]
    assert kept == {str(k): v for k, v in again.clusters.members.items()}
    frame = again.rfm.frame
    assert rfm_kept == dict(zip(frame["customer_id"], frame["segment"], strict=True))
    assert customers == again.clusters.sizes[one]


@pytest.mark.parametrize("mask", [62, 2])  # channels by bit mask, or by distinct count
def test_journey_features_match_a_direct_count(monkeypatch: pytest.MonkeyPatch, mask: int) -> None:
    from parcours.engine.customers import clusters

    monkeypatch.setattr(clusters, "MASK_CHANNELS", mask)
    rng = np.random.default_rng(7)
    rows = []
    for i in range(60):
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(hours=int(rng.integers(0, 500)))
        for _ in range(int(rng.integers(1, 12))):
            event = "buy" if rng.random() < 0.2 else "view"
            rows.append(
                {
                    "customer_id": f"c{i}",
                    "timestamp": start + pd.Timedelta(hours=int(rng.integers(0, 24 * 20))),
                    "event": event,
                    "channel": str(rng.choice(["web", "app", "store", "mail", None])),
                    "properties": json.dumps({"amount": float(rng.integers(1, 50))}),
                }
            )
    frame = pd.DataFrame(rows)
    frame.loc[frame["channel"] == "None", "channel"] = None
    got = clusters.journey_features(EventLog.from_pandas(frame), event="buy", value="amount")
    frame["day"] = frame["timestamp"].dt.normalize()
    frame["amount"] = [json.loads(p)["amount"] for p in frame["properties"]]
    for customer, part in frame.groupby("customer_id"):
        row = got.loc[customer]
        bought = part[part["event"] == "buy"]
        assert row["events"] == len(part)
        assert row["active_days"] == part["day"].nunique()
        assert row["channels"] == part["channel"].nunique()
        assert row["purchases"] == bought["day"].nunique()
        assert row["value"] == pytest.approx(bought["amount"].sum())
        assert row["share_web"] == pytest.approx((part["channel"] == "web").mean())
        if len(bought):
            first = (bought["day"].min() - part["day"].min()).days
            assert row["days_to_convert"] == first and row["converted"] == 1


def test_segment_a_workspace_then_measure_one_segment_from_the_cli(tmp_path: Path) -> None:
    from parcours.data import create_workspace
    from parcours.engine.workspace_tables import workspace_tables

    rows = [
        {"customer_id": c, "timestamp": day, "event": "purchase", "channel": "web", "amount": a}
        for c, bought in BASE.items()
        for day, a in bought
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "events.csv", index=False)
    ws = create_workspace(tmp_path, sources={"events": {"path": "events.csv"}})
    ws.ingest()
    (tmp_path / "journeys" / "shop.yaml").write_text(
        "id: shop\nname: Shop\nconversion: {events: [purchase]}\n"
        "stages:\n  - {id: buy, name: Buy, match: {events: [purchase]}}\n",
        encoding="utf-8",
    )
    args = ["segment", str(tmp_path), "--purchase-event", "purchase", "--value", "amount"]
    found = CliRunner().invoke(
        main, [*args, "--k", "2-3", "--clv", "-j", "shop", "--format", "json"]
    )
    assert found.exit_code == 0, found.output
    assert "stages_reached" in json.loads(found.output)["clusters"]["features"]
    with workspace_tables(ws) as log:
        valued = log.rows("SELECT count(*) FROM {segments} WHERE kind = 'rfm' AND clv > 0")
    assert valued[0][0] > 0  # the CLV model ran and each customer kept a predicted value
    measured = CliRunner().invoke(
        main, ["measure", str(tmp_path), "--segment", "champions", "--format", "json"]
    )
    assert measured.exit_code == 0, measured.output
    stages = json.loads(measured.output)["shop"]["stages"]
    assert stages["buy"]["customers"] == 2  # loyal1 and loyal2
    missing = CliRunner().invoke(main, ["measure", str(tmp_path), "--segment", "champion"])
    assert missing.exit_code == 1 and "no segment 'champion'" in missing.output
    assert "champions" in missing.output  # the segments there are, to choose from


def test_stages_reached_is_a_feature_given_a_journey() -> None:
    from parcours.engine.customers.clusters import journey_features
    from parcours.model import Journey

    journey = Journey.model_validate(
        {
            "id": "shop",
            "name": "Shop",
            "stages": [
                {"id": "discover", "name": "Discover", "match": {"events": ["view"]}},
                {
                    "id": "cart",
                    "name": "Cart",
                    "touchpoints": [
                        {
                            "id": "basket",
                            "name": "Basket",
                            "channel": "website",
                            "match": {"events": ["add_*"]},
                        }
                    ],
                },
                {"id": "buy", "name": "Buy", "match": {"events": ["purchase"]}},
            ],
        }
    )
    rows = [
        ("x", "2024-01-01", "view"),
        ("x", "2024-01-03", "add_to_cart"),
        ("x", "2024-01-03", "view"),
        ("y", "2024-01-02", "view"),
        ("z", "2024-01-02", "purchase"),
        ("w", "2024-01-02", "newsletter"),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "event"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    frame["channel"], frame["properties"] = "web", "{}"
    log = EventLog.from_pandas(frame)
    got = journey_features(log, event="purchase", journey=journey)["stages_reached"]
    assert got.to_dict() == {"w": 0.0, "x": 2.0, "y": 1.0, "z": 1.0}
    assert "stages_reached" not in journey_features(log, event="purchase").columns


@pytest.mark.parametrize("with_orders", [True, False])
def test_clv_reads_the_orders_amounts_without_a_value(tmp_path: Path, with_orders: bool) -> None:
    """``--clv`` without ``--value``: the orders' amounts when the workspace has them (each
    customer valued), else the purchase events, which carry no value (nobody valued)."""
    from parcours.data import Workspace, create_workspace
    from parcours.engine.workspace_tables import workspace_tables

    bought = [(c, day, a) for c, days in BASE.items() for day, a in days]
    events = [{"customer_id": c, "timestamp": d, "event": "purchase"} for c, d, _ in bought]
    pd.DataFrame(events).to_csv(tmp_path / "events.csv", index=False)
    sources: dict[str, dict[str, str]] = {"events": {"path": "events.csv"}}
    if with_orders:
        orders = [
            {"order_id": f"o{i}", "customer_id": c, "timestamp": d, "amount": a}
            for i, (c, d, a) in enumerate(bought)
        ]
        pd.DataFrame(orders).to_csv(tmp_path / "orders.csv", index=False)
        sources["orders"] = {"kind": "orders", "path": "orders.csv"}
    create_workspace(tmp_path, sources=sources).ingest()
    args = ["segment", str(tmp_path), "--purchase-event", "purchase", "--k", "0", "--clv"]
    found = CliRunner().invoke(main, args)
    assert found.exit_code == 0, found.output
    with workspace_tables(Workspace.open(tmp_path)) as log:
        valued = dict(log.rows("SELECT customer_id, clv FROM {segments} WHERE kind = 'rfm'"))
    if with_orders:  # Gamma-Gamma values even a one-off buyer (at the population's mean)
        assert {c for c, v in valued.items() if v is not None and v > 0} == set(BASE)
    else:
        assert all(v is None for v in valued.values())
