"""The bundled sample journeys: they load, follow the method of the seeds, speak French and
English everywhere, and bind to the events of their catalogue."""

from __future__ import annotations

import fnmatch
import re
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from parcours.errors import JourneyError
from parcours.model import (
    Channel,
    EventMatcher,
    Journey,
    KpiKind,
    Lang,
    Quadrant,
    Severity,
    dump_journey,
    parse_journey,
)
from parcours.model.presets import preset_stages
from parcours.model.vocabulary import ContentKind
from parcours.samples import (
    SAMPLES,
    events_path,
    load_sample,
    sample_events,
    sample_path,
)

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
SNAKE_GLOB = re.compile(r"^[a-z*][a-z0-9_*]*$")


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request: pytest.FixtureRequest) -> tuple[str, Journey]:
    return request.param, load_sample(request.param)


@pytest.fixture(scope="module")
def journeys() -> dict[str, Journey]:
    return {name: load_sample(name) for name in SAMPLES}


def bindings(journey: Journey) -> Iterator[tuple[str, EventMatcher]]:
    for stage in journey.stages:
        if stage.match is not None:
            yield stage.id, stage.match
        for touchpoint in stage.touchpoints:
            if touchpoint.match is not None:
                yield f"{stage.id}.{touchpoint.id}", touchpoint.match


# -- files and loading ----------------------------------------------------------------------------


def test_names_are_the_four_samples() -> None:
    assert SAMPLES == ("audiocrab", "rainstorm", "sport_subscription", "omnichannel_retail")


def test_sample_files_ship_in_the_package(sample: tuple[str, Journey]) -> None:
    name, _ = sample
    assert sample_path(name).is_file()
    assert sample_path(name).name == f"{name}.yaml"
    assert events_path(name).is_file()


def test_unknown_sample_names_the_choices() -> None:
    with pytest.raises(JourneyError, match="audiocrab"):
        load_sample("audiocrabe")


def test_sample_is_a_french_journey_with_a_slug_id(sample: tuple[str, Journey]) -> None:
    name, journey = sample
    assert journey.language is Lang.FR
    assert journey.id == name.replace("_", "-")
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", journey.id)


def test_sample_round_trips(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    assert parse_journey(dump_journey(journey, "yaml"), "again.yaml", "yaml") == journey
    assert parse_journey(dump_journey(journey, "json"), "again.json", "json") == journey


# -- the method of the seeds ----------------------------------------------------------------------


def test_map_level_fields(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    assert journey.description and journey.success
    assert len(journey.objectives) >= 2


def test_personas_are_complete(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    assert 1 <= len(journey.personas) <= 2
    for persona in journey.personas:
        assert persona.demographics.age and persona.demographics.location
        for field in ("behaviours", "motivations", "goals", "likes", "dislikes"):
            assert getattr(persona, field), f"{persona.id}: no {field}"
        assert persona.preferred_channels and persona.evidence


def test_every_stage_is_described(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    for stage in journey.stages:
        assert stage.goal and stage.needs and stage.actions and stage.thoughts, stage.id
        assert stage.emotion is not None, stage.id
        assert stage.empathy.complete, stage.id
        assert stage.content, stage.id


def test_every_stage_has_a_touchpoint_and_a_kpi_with_a_target(
    sample: tuple[str, Journey],
) -> None:
    _, journey = sample
    for stage in journey.stages:
        assert stage.touchpoints, stage.id
        assert any(kpi.target is not None for kpi in stage.kpis), stage.id


def test_touchpoints_have_channel_interaction_owner_and_emotion(
    sample: tuple[str, Journey],
) -> None:
    _, journey = sample
    for _, touchpoint in journey.touchpoints():
        assert touchpoint.interaction and touchpoint.owner, touchpoint.id
        assert touchpoint.emotion is not None, touchpoint.id


def test_moments_of_truth_have_a_reason_and_a_kpi_with_a_target(
    sample: tuple[str, Journey],
) -> None:
    _, journey = sample
    moments = [t for _, t in journey.touchpoints() if t.moment_of_truth is not None]
    assert moments
    for touchpoint in moments:
        assert touchpoint.moment_of_truth is not None
        assert touchpoint.moment_of_truth.reason, touchpoint.id
        assert any(kpi.target is not None for kpi in touchpoint.kpis), touchpoint.id


def test_pain_points_are_located_with_evidence(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    pains = list(journey.pain_points())
    assert pains
    for _, pain in pains:
        assert pain.touchpoint is not None and pain.evidence, pain.id


def test_every_pain_point_is_addressed_by_an_opportunity(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    addressed = {ref for o in journey.opportunities for ref in o.addresses}
    assert {pain.id for _, pain in journey.pain_points()} <= addressed


def test_opportunities_are_ranked_and_owned(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    for opportunity in journey.opportunities:
        assert opportunity.quadrant is not None, opportunity.id
        assert opportunity.effort is not None and opportunity.owner, opportunity.id
        assert opportunity.addresses, opportunity.id


def test_each_sample_fills_the_four_quadrants(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    assert {o.quadrant for o in journey.opportunities} == set(Quadrant)


def test_all_four_quadrants_appear_across_the_samples(journeys: dict[str, Journey]) -> None:
    quadrants = {o.quadrant for j in journeys.values() for o in j.opportunities}
    assert quadrants == set(Quadrant)


def test_emotion_dips_where_the_pain_is(sample: tuple[str, Journey]) -> None:
    """A touchpoint carrying a high or critical pain point feels negative, and the lowest stage
    of the emotion curve carries a pain point."""
    _, journey = sample
    serious = {Severity.HIGH, Severity.CRITICAL}
    for stage in journey.stages:
        touchpoints = {t.id: t for t in stage.touchpoints}
        for pain in stage.pain_points:
            if pain.severity in serious and pain.touchpoint is not None:
                emotion = touchpoints[pain.touchpoint].emotion
                assert emotion is not None and emotion < 0, (stage.id, pain.id)
    lowest = min(journey.stages, key=lambda s: s.emotion if s.emotion is not None else 0)
    assert lowest.pain_points, lowest.id


# -- the four journeys of the brief ---------------------------------------------------------------


def stage_ids(preset: str) -> list[str]:
    return [str(stage["id"]) for stage in preset_stages(preset)]


def test_audiocrab_runs_the_three_phases(journeys: dict[str, Journey]) -> None:
    journey = journeys["audiocrab"]
    assert journey.business_type.value == "b2c"
    assert [s.id for s in journey.stages] == stage_ids("3")


def test_rainstorm_is_a_complex_b2b_journey_with_content_per_stage(
    journeys: dict[str, Journey],
) -> None:
    journey = journeys["rainstorm"]
    assert journey.business_type.value == "b2b"
    assert journey.typology.value == "complex"
    assert [s.id for s in journey.stages][:3] == stage_ids("3")
    kinds = {c.kind for s in journey.stages for c in s.content}
    wanted = {
        ContentKind.BLOG,
        ContentKind.EBOOK,
        ContentKind.CASE_STUDY,
        ContentKind.DEMO,
        ContentKind.WEBINAR,
        ContentKind.TESTIMONIAL,
        ContentKind.WHITE_PAPER,
        ContentKind.PRICING,
        ContentKind.OBJECTION_HANDLING,
    }
    assert wanted <= kinds


def test_sport_subscription_loses_customers_at_payment(journeys: dict[str, Journey]) -> None:
    journey = journeys["sport_subscription"]
    assert [s.id for s in journey.stages] == stage_ids("lifecycle")
    payment = next(t for _, t in journey.touchpoints() if t.id == "page-paiement")
    assert payment.moment_of_truth is not None
    abandonment = [k for k in payment.kpis if k.kind is KpiKind.ABANDONMENT]
    assert abandonment and abandonment[0].target is not None
    pains = [p for _, p in journey.pain_points() if p.touchpoint == payment.id]
    assert pains and pains[0].severity is Severity.CRITICAL


def test_omnichannel_retail_spans_five_steps_six_channels_and_the_seed_kpis(
    journeys: dict[str, Journey],
) -> None:
    journey = journeys["omnichannel_retail"]
    assert [s.id for s in journey.stages] == stage_ids("5")
    channels = {t.channel for _, t in journey.touchpoints()}
    assert {
        Channel.WEBSITE,
        Channel.MOBILE_APP,
        Channel.STORE,
        Channel.CALL_CENTRE,
        Channel.EMAIL,
        Channel.SMS,
    } <= channels
    kpis = {k.kind for s in journey.stages for k in s.kpis} | {
        k.kind for _, t in journey.touchpoints() for k in t.kpis
    }
    assert {
        KpiKind.NPS,
        KpiKind.CSAT,
        KpiKind.CES,
        KpiKind.RETENTION,
        KpiKind.RETURN_RATE,
        KpiKind.COMPLAINT_RATE,
        KpiKind.WAITING_TIME,
    } <= kpis


# -- French and English everywhere ----------------------------------------------------------------


def _is_text(annotation: Any) -> bool:
    """Whether a field's type admits a per-language text (``dict[Lang, str]``)."""
    if annotation == dict[Lang, str]:
        return True
    return any(_is_text(arg) for arg in typing.get_args(annotation))


def texts(model: BaseModel, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value of a text field under ``model``, with its dotted path."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        where = f"{path}.{name}" if path else name
        items = value if isinstance(value, tuple) else (value,)
        for index, item in enumerate(items):
            at = f"{where}[{index}]" if isinstance(value, tuple) else where
            if isinstance(item, BaseModel):
                yield from texts(item, at)
            elif item is not None and _is_text(info.annotation):
                yield at, item


def test_every_text_is_in_french_and_english(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    found = list(texts(journey))
    assert len(found) > 100
    for where, text in found:
        assert isinstance(text, dict), f"{where}: written once, not as {{fr, en}}"
        assert set(text) == {Lang.FR, Lang.EN}, where
        assert all(value.strip() for value in text.values()), where


def test_text_walker_sees_a_text_written_once() -> None:
    journey = Journey.model_validate({"name": "Parcours", "stages": [{"name": "Achat"}]})
    assert [(where, text) for where, text in texts(journey)] == [
        ("name", "Parcours"),
        ("stages[0].name", "Achat"),
    ]


# -- data bindings and the event catalogue --------------------------------------------------------


def test_every_touchpoint_is_bound_to_events_and_channels(sample: tuple[str, Journey]) -> None:
    _, journey = sample
    for stage, touchpoint in journey.touchpoints():
        match = touchpoint.match
        assert match is not None and match.events and match.channels, (stage.id, touchpoint.id)
        # literal names, so that a simulator can emit exactly these; globs only on stages
        for event in match.events:
            assert SNAKE.fullmatch(event), (stage.id, touchpoint.id, event)
    for where, match in bindings(journey):
        for pattern in match.events:
            assert SNAKE_GLOB.fullmatch(pattern), (where, pattern)
        for channel in match.channels:
            assert SNAKE.fullmatch(channel), (where, channel)


def test_catalogue_is_one_snake_case_name_per_line(sample: tuple[str, Journey]) -> None:
    name, _ = sample
    events = sample_events(name)
    assert events and len(set(events)) == len(events)
    assert all(SNAKE.fullmatch(event) for event in events)
    assert events_path(name).read_text(encoding="utf-8").splitlines() == list(events)


def test_catalogue_covers_every_binding(sample: tuple[str, Journey]) -> None:
    name, journey = sample
    catalogue = sample_events(name)
    for where, match in bindings(journey):
        assert match.unknown_events(catalogue) == [], where


def test_every_catalogue_event_is_bound(sample: tuple[str, Journey]) -> None:
    name, journey = sample
    patterns = [p for _, match in bindings(journey) for p in match.events]
    unused = [
        e for e in sample_events(name) if not any(fnmatch.fnmatchcase(e, p) for p in patterns)
    ]
    assert unused == []


def test_lint_finds_nothing_with_the_catalogue(sample: tuple[str, Journey]) -> None:
    lint_module = pytest.importorskip("parcours.model.lint")
    name, journey = sample
    findings = lint_module.lint(journey, sample_events(name))
    assert [f for f in findings if f.severity == "error"] == []
    assert findings == []  # the samples are the showcase: no warnings either
