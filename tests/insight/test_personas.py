"""Persona cards from segments, the journey measured per segment, and both on the map: exact
numbers on a hand-made log of 8 customers in two clusters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from parcours.engine import EventLog
from parcours.engine.filter import Filter, parse_filter
from parcours.errors import EngineError
from parcours.insight.measure import measure
from parcours.insight.personas import SegmentCard, representative, segment_cards
from parcours.model import Journey
from parcours.render.html import render_html
from parcours.snapshot import Snapshot, _snapshot

JOURNEY = Journey.model_validate(
    {
        "id": "shop",
        "name": "Shop",
        "conversion": {"events": ["purchase"]},
        "stages": [
            {"id": "discover", "name": "Discover", "match": {"events": ["view"]}},
            {"id": "cart", "name": "Cart", "match": {"events": ["add_to_cart"]}},
            {"id": "buy", "name": "Buy", "match": {"events": ["purchase"]}},
        ],
    }
)
#: (customer, day of March 2026, event, channel)
EVENTS = [
    *[
        (c, day, event, "web")
        for c in ("a1", "a2")
        for day, event in ((1, "view"), (2, "add_to_cart"), (3, "purchase"))
    ],
    ("a3", 1, "view", "app"),
    ("a3", 4, "purchase", "app"),
    ("b1", 2, "view", "web"),
    ("b2", 2, "view", "web"),
    ("b2", 5, "add_to_cart", "web"),
    ("b3", 3, "view", "web"),
    ("b4", 1, "add_to_cart", "web"),  # reached the cart before discovering: path cart > discover
    ("b4", 6, "view", "web"),
    ("z9", 1, "view", "web"),  # in no segment
]
SEGMENTS = [
    ("a1", "cluster", "c1", 100.0),
    ("a2", "cluster", "c1", 50.0),
    ("a3", "cluster", "c1", None),
    *[(b, "cluster", "c2", None) for b in ("b1", "b2", "b3", "b4")],
    ("a1", "rfm", "champions", 100.0),
    ("b1", "rfm", "new", None),
]
FEEDBACK = [
    ("a1", "delivery was fast and great"),
    ("a2", "fast delivery, great price"),
    ("a3", "bad app <script>alert(1)</script>"),
]


def hand_made_tables() -> dict[str, pd.DataFrame]:
    """The events, segments and feedback tables of the hand-made log."""
    events = pd.DataFrame(
        [
            (c, pd.Timestamp(2026, 3, day), event, channel, "{}", i)
            for i, (c, day, event, channel) in enumerate(EVENTS, 1)
        ],
        columns=["customer_id", "timestamp", "event", "channel", "properties", "event_seq"],
    )
    members = pd.DataFrame(SEGMENTS, columns=["customer_id", "kind", "segment", "clv"])
    said = pd.DataFrame(
        [(c, pd.Timestamp(2026, 3, 20), text) for c, text in FEEDBACK],
        columns=["customer_id", "timestamp", "text"],
    )
    return {"events": events, "segments": members, "feedback": said}


@pytest.fixture(scope="module")
def log() -> Iterator[EventLog]:
    con = duckdb.connect()
    for name, frame in hand_made_tables().items():
        con.register(f"{name}_frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
    yield EventLog(con, "events", tables={"segments": "segments", "feedback": "feedback"})
    con.close()


def test_a_card_per_cluster_with_exact_figures(log: EventLog) -> None:
    c1, c2 = segment_cards(log, JOURNEY).cards
    assert (c1.segment, c1.customers, c1.share) == ("c1", 3, pytest.approx(3 / 7))
    assert c1.typical_path == ("discover", "cart", "buy")
    assert c1.typical_share == pytest.approx(2 / 3)
    assert dict(c1.reached) == {"discover": 1.0, "cart": pytest.approx(2 / 3), "buy": 1.0}
    assert c1.conversion == 1.0
    assert (c1.clv_mean, c1.clv_total) == (75.0, 150.0)  # a3 has no predicted value
    assert c1.channel == "web" and c1.name["fr"] == "Segment c1 : surtout web"
    assert c1.verbatims[:2] == ("fast delivery, great price", "delivery was fast and great")
    assert (c2.customers, c2.share, c2.typical_path, c2.typical_share) == (
        4,
        4 / 7,
        ("discover",),
        0.5,
    )
    assert dict(c2.reached) == {"discover": 1.0, "cart": 0.5, "buy": 0.0}
    assert (c2.conversion, c2.clv_mean, c2.clv_total, c2.verbatims) == (0.0, None, None, ())
    assert SegmentCard.from_dict(c1.to_dict()) == c1


def test_cards_follow_the_period_and_without_a_conversion_the_last_stage(log: EventLog) -> None:
    early = Filter(until=pd.Timestamp(2026, 3, 3).to_pydatetime())  # days 1 and 2
    c1, c2 = segment_cards(log, JOURNEY, where=early).cards
    assert c1.typical_path == ("discover", "cart") and c1.conversion == 0.0
    assert (c2.customers, dict(c2.reached)["cart"]) == (3, pytest.approx(1 / 3))  # b1 b2 b4
    open_ended = JOURNEY.model_copy(update={"conversion": None})
    assert segment_cards(log, open_ended).cards[0].conversion == 1.0  # all of c1 reached buy


def test_representative_verbatims_share_the_most_words() -> None:
    texts = ["the app is slow", "slow app", "app slow again today", "great team", "slow app"]
    assert representative(texts) == ("slow app", "the app is slow", "app slow again today")
    assert representative([]) == ()


def test_the_journey_measured_for_one_segment(log: EventLog) -> None:
    whole = measure(log, JOURNEY).measures
    c2 = measure(log, JOURNEY, where=Filter(member_of="c2")).measures
    champions = measure(log, JOURNEY, where=Filter(member_of="champions")).measures
    assert whole.stages["discover"].customers == 8
    assert (c2.stages["discover"].customers, c2.stages["cart"].customers) == (4, 2)
    assert not c2.stages["buy"].customers
    assert champions.stages["buy"].customers == 1  # an RFM segment filters the same way
    assert parse_filter(segment=["c1", "persona=lea"]) == Filter(
        segment={"persona": "lea"}, member_of="c1"
    )
    with pytest.raises(EngineError, match="one segment"):
        parse_filter(segment=["c1", "c2"])


def test_a_segment_without_segments_names_the_command(log: EventLog) -> None:
    bare = replace(log, tables={})
    with pytest.raises(EngineError, match="parcours segment WORKSPACE"):
        Filter(member_of="c1").apply(bare)
    assert segment_cards(bare, JOURNEY).cards == ()


def test_the_snapshot_keeps_cards_and_each_segments_measures(log: EventLog) -> None:
    _, taken = _snapshot(log, JOURNEY, "all", Filter(), None)
    assert [c["segment"] for c in taken.personas] == ["c1", "c2"]
    assert taken.segments["c1"].stages["discover"].customers == 3
    assert taken.segments["c2"].stages["cart"].customers == 2
    again = Snapshot.from_dict(taken.to_dict())
    assert again.segments == taken.segments and again.cards() == taken.cards()
    assert again.ranked() == taken.ranked()
    older = {
        k: v
        for k, v in taken.to_dict().items()
        if k not in ("personas", "segments", "opportunities")
    }
    old = Snapshot.from_dict(older)
    assert old.personas == () and not old.segments and old.opportunities == ()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_persona_view_shows_the_cards_escaped(log: EventLog, lang: str) -> None:
    cards = segment_cards(log, JOURNEY).cards
    page = render_html(JOURNEY, "persona", personas=cards, lang=lang)
    assert page.count('class="persona persona-measured"') == 2
    assert "<script>alert(1)</script>" not in page
    assert "bad app &lt;script&gt;alert(1)&lt;/script&gt;" in page
    typical = page.split('class="typical-path"')[1].split("</ol>")[0]
    assert [p.split("</li>")[0] for p in typical.split("<li>")[1:]] == ["Discover", "Cart", "Buy"]
    assert ("Parcours type" if lang == "fr" else "Typical path") in page
    assert ("75" in page) and ("150" in page)  # CLV mean and total of c1
    assert "persona-measured" not in render_html(JOURNEY, "persona", lang=lang)


@pytest.fixture(scope="module")
def voiced() -> Iterator[EventLog]:
    """The hand-made log, its feedback texts said at the delivery touchpoint."""
    con = duckdb.connect()
    for name, frame in hand_made_tables().items():
        if name == "feedback":
            frame = frame.assign(
                survey_type="csat", rating=[5.0, 4.0, 1.0], touchpoint="delivery", language="en"
            )
        con.register(f"{name}_frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
    yield EventLog(con, "events", tables={"segments": "segments", "feedback": "feedback"})
    con.close()


def test_the_measures_per_segment_read_each_feedback_text_once(voiced: EventLog) -> None:
    """A memo shared by the whole map's measure and each segment's: the segments' texts were
    analysed for the whole map, so none is analysed again, and the measures are those of a
    measure of its own."""
    log = voiced
    journey = Journey.model_validate(
        {
            "id": "shop",
            "name": "Shop",
            "conversion": {"events": ["purchase"]},
            "stages": [
                {"id": "discover", "name": "Discover", "match": {"events": ["view"]}},
                {"id": "cart", "name": "Cart", "match": {"events": ["add_to_cart"]}},
                {
                    "id": "buy",
                    "name": "Buy",
                    "touchpoints": [
                        {
                            "id": "delivery",
                            "name": "Delivery",
                            "channel": "delivery",
                            "match": {"events": ["purchase"]},
                        }
                    ],
                },
            ],
        }
    )
    memo: dict = {}
    whole = measure(log, journey, voice="lexicon", memo=memo)
    assert sorted(text for _, text in memo) == sorted(text for _, text in FEEDBACK)
    analysed = dict(memo)
    for segment in ("c1", "c2"):
        alone = measure(log, journey, where=Filter(member_of=segment), voice="lexicon")
        shared = measure(log, journey, where=Filter(member_of=segment), voice="lexicon", memo=memo)
        assert shared.measures == alone.measures
        assert memo == analysed  # the same records: nothing analysed again
    assert whole.measures == measure(log, journey, voice="lexicon").measures
    # the records are read from the memo: the first text heard as the third
    first, third = (("lexicon", FEEDBACK[i][1]) for i in (0, 2))
    swapped = {**memo, first: memo[third]}
    shared = measure(log, journey, where=Filter(member_of="c1"), voice="lexicon", memo=swapped)
    alone = measure(log, journey, where=Filter(member_of="c1"), voice="lexicon")
    assert shared.measures != alone.measures
    _, taken = _snapshot(log, journey, "all", Filter(), "lexicon")
    assert taken.segments["c1"] == alone.measures
