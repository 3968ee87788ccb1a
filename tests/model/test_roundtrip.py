"""A journey survives writing and reading, in YAML and in JSON, unchanged."""

from hypothesis import given, settings
from tests.model.strategies import journeys

from parcours.model import Journey, dump_journey, parse_journey


@settings(max_examples=150, deadline=None)
@given(journeys())
def test_yaml_round_trip_is_lossless(journey: Journey) -> None:
    text = dump_journey(journey, "yaml")
    assert parse_journey(text, fmt="yaml") == journey
    assert dump_journey(parse_journey(text, fmt="yaml"), "yaml") == text


@settings(max_examples=150, deadline=None)
@given(journeys())
def test_json_round_trip_is_lossless(journey: Journey) -> None:
    text = dump_journey(journey, "json")
    assert parse_journey(text, fmt="json") == journey
    assert dump_journey(parse_journey(text, fmt="json"), "json") == text
