"""The simulator: deterministic, consistent with the map, and its planted effects show."""

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from parcours.errors import SimulationError
from parcours.model.catalogue import read_catalogue
from parcours.samples import load_sample, sample_path
from parcours.simulate import SimulationConfig, load_config, simulate
from parcours.simulate.plan import plan

SPORT = "sport_subscription"


def run(tmp_path: Path, name: str, **config: object) -> Path:
    journey = load_sample(SPORT)
    catalogue = read_catalogue(sample_path(SPORT).with_suffix(".events.txt"))
    settings = SimulationConfig.model_validate({"customers": 3000, **config})
    return simulate(journey, tmp_path / name, settings, catalogue=catalogue).directory


def sql(directory: Path, query: str) -> list[tuple]:
    con = duckdb.connect()
    for table in ("events", "feedback", "orders", "customers"):
        con.execute(f"CREATE VIEW {table} AS FROM read_parquet('{directory / table}.parquet')")
    return con.execute(query).fetchall()


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    a, b, c = run(tmp_path, "a"), run(tmp_path, "b"), run(tmp_path, "c", seed=8)
    for table in ("events", "feedback", "orders", "customers"):
        assert pq.read_table(a / f"{table}.parquet") == pq.read_table(b / f"{table}.parquet")
    assert pq.read_table(a / "events.parquet") != pq.read_table(c / "events.parquet")


def test_events_follow_the_map(tmp_path: Path) -> None:
    directory = run(tmp_path, "sim")
    catalogue = set(read_catalogue(sample_path(SPORT).with_suffix(".events.txt")))
    names = {row[0] for row in sql(directory, "SELECT DISTINCT event FROM events")}
    assert names <= catalogue
    assert sql(directory, "SELECT count(DISTINCT customer_id) FROM customers") == [(3000,)]
    # stored sorted by customer then time
    unsorted = sql(
        directory,
        "SELECT count(*) FROM (SELECT customer_id, timestamp, lag(customer_id) OVER w AS pc,"
        " lag(timestamp) OVER w AS pt FROM (SELECT *, row_number() OVER () AS rn FROM events)"
        " WINDOW w AS (ORDER BY rn)) WHERE pc = customer_id AND pt > timestamp OR pc > customer_id",
    )
    assert unsorted == [(0,)]
    # an order comes from a customer who got through payment to the confirmation touchpoint
    assert sql(
        directory,
        "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM events e"
        " WHERE e.customer_id = o.customer_id"
        " AND e.event IN ('subscription_started', 'email_opened'))",
    ) == [(0,)]
    ((orders, buyers),) = sql(
        directory,
        "SELECT (SELECT count(*) FROM orders),"
        " count(DISTINCT customer_id) FROM events WHERE event LIKE 'payment_%'",
    )
    assert 0 < orders < buyers
    languages = dict(sql(directory, "SELECT language, count(*) FROM feedback GROUP BY 1"))
    assert set(languages) == {"fr", "en"} and languages["fr"] > languages["en"]


def test_planted_abandonment_rises_at_its_touchpoint(tmp_path: Path) -> None:
    effect = {"kind": "abandonment", "touchpoint": "page-paiement", "change": 0.5}
    effect["from"] = "2026-04-01"
    directory = run(tmp_path, "sim", customers=20000, effects=[effect])
    journey = load_sample(SPORT)
    achat = next(s for s in journey.stages if s.id == "achat")
    after = journey.stages[journey.stages.index(achat) + 1]
    stage_events = [e for t in achat.touchpoints for e in t.match.events]  # type: ignore[union-attr]
    next_events = [e for t in after.touchpoints for e in t.match.events]  # type: ignore[union-attr]
    query = f"""
        WITH entered AS (
            SELECT customer_id, min(timestamp) AS t FROM events
            WHERE {" OR ".join(f"event GLOB '{e}'" for e in stage_events)} GROUP BY 1),
        went_on AS (
            SELECT DISTINCT customer_id FROM events
            WHERE event IN ({", ".join(f"'{e}'" for e in next_events)}))
        SELECT t >= DATE '2026-04-01' AS late, avg((w.customer_id IS NULL)::INT)
        FROM entered LEFT JOIN went_on w USING (customer_id) GROUP BY 1 ORDER BY 1"""
    (_, before), (_, later) = sql(directory, query)
    assert later / before == pytest.approx(1.5, rel=0.15)


def test_planted_waiting_time_and_sentiment_effects_show(tmp_path: Path) -> None:
    since = {"from": "2026-04-01"}
    effects = [
        {"kind": "waiting_time", "touchpoint": "service-client-telephone", "factor": 2.0, **since},
        {"kind": "sentiment", "touchpoint": "page-paiement", "shift": -2.0, **since},
    ]
    directory = run(tmp_path, "sim", customers=8000, effects=effects)
    waits = sql(
        directory,
        "SELECT timestamp >= DATE '2026-04-01',"
        " median((properties::JSON->>'waiting_seconds')::DOUBLE)"
        " FROM events WHERE event IN ('call_centre_call', 'subscription_cancelled')"
        " GROUP BY 1 ORDER BY 1",
    )
    (_, before), (_, later) = waits
    assert later / before == pytest.approx(2.0, rel=0.25)
    ratings = sql(
        directory,
        "SELECT timestamp >= DATE '2026-04-01', avg(rating) FROM feedback"
        " WHERE touchpoint = 'page-paiement' GROUP BY 1 ORDER BY 1",
    )
    (_, before), (_, later) = ratings
    assert later < before - 0.6  # a −2 shift, damped by the 1..5 scale


def test_personas_behave_differently_by_default() -> None:
    journey = load_sample(SPORT)
    assert len(journey.personas) >= 2
    progress = plan(journey, SimulationConfig()).persona_progress
    assert len(set(progress.tolist())) == len(progress)


def test_a_bounded_abandonment_on_one_channel(tmp_path: Path) -> None:
    effect = {"kind": "abandonment", "touchpoint": "page-paiement", "change": 1.0}
    effect |= {"from": "2026-03-01", "to": "2026-04-01", "channel": "web"}
    mix = {"app": 0.6, "web": 0.4}
    directory = run(tmp_path, "sim", customers=20000, effects=[effect], channel_mix=mix)
    channels = dict(
        sql(
            directory,
            "SELECT channel, count(DISTINCT customer_id) FROM events"
            " WHERE event = 'pricing_view' GROUP BY 1",
        )
    )
    assert set(channels) == {"app", "web"}  # the offers page lists both: the customer's device
    assert channels["web"] / (channels["app"] + channels["web"]) == pytest.approx(0.4, abs=0.03)
    # touchpoints on one channel keep it
    assert {
        c
        for (c,) in sql(directory, "SELECT DISTINCT channel FROM events WHERE event = 'video_view'")
    } == {"social"}
    query = """
        WITH paying AS (
            SELECT customer_id, min(timestamp) AS t, arg_min(channel, timestamp) AS c
            FROM events WHERE event = 'payment_started' GROUP BY 1),
        done AS (SELECT DISTINCT customer_id FROM events WHERE event = 'payment_succeeded')
        SELECT c, month(t) AS m, avg((d.customer_id IS NOT NULL)::INT)
        FROM paying LEFT JOIN done d USING (customer_id) WHERE month(t) IN (2, 3, 4)
        GROUP BY 1, 2"""
    rates = {(c, m): r for c, m, r in sql(directory, query)}
    assert rates[("web", 3)] < 0.5 * rates[("web", 2)]  # the incident: web, in March
    assert rates[("web", 4)] == pytest.approx(rates[("web", 2)], abs=0.08)  # over in April
    assert rates[("app", 3)] == pytest.approx(rates[("app", 2)], abs=0.08)  # app untouched


def test_an_effect_on_a_channel_outside_the_mix_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "sim.yaml"
    path.write_text(
        "effects:\n  - {kind: abandonment, touchpoint: page-paiement, change: 1.0,"
        " from: 2026-03-01, channel: web}\n",
        encoding="utf-8",
    )
    with pytest.raises(SimulationError, match="channel_mix"):
        load_config(path)
