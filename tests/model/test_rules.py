"""Lint rules, Eisenhower quadrants, KPI targets, presets, diff and Mermaid."""

import pytest

from parcours.errors import JourneyFileError
from parcours.model import KPI, Journey, KpiKind, Lang, Opportunity, parse_journey
from parcours.model.diff import diff_journeys
from parcours.model.lint import RULES, lint
from parcours.model.mermaid import from_mermaid, to_mermaid
from parcours.model.presets import PRESETS, new_journey

MAP = """\
name: Vente en ligne
personas: [{name: Léa}]
stages:
  - name: Découverte
    emotion: 1
    kpis: [{kind: click_through, target: 0.02}]
    empathy: {sees: [pub], hears: [amis], thinks_feels: [envie], says_does: [clique]}
    touchpoints:
      - name: Pub
        channel: online_ads
        emotion: 1
        moment_of_truth: {reason: première impression}
        match: {events: [ad_click, "ad_*"]}
  - name: Paiement
    emotion: -2
    touchpoints: []
    pain_points: [{description: Trop d'étapes}]
opportunities:
  - {title: Un clic, importance: 4}
"""


def findings(text: str, events: list[str] | None = None) -> set[tuple[str, str]]:
    return {(f.rule, f.where) for f in lint(parse_journey(text), events)}


def test_each_rule_reports_where_the_map_falls_short() -> None:
    assert findings(MAP) == {
        ("pain-point-addressed", "stages.paiement.pain_points.trop-d-etapes"),
        ("stage-kpi-target", "stages.paiement"),
        ("moment-of-truth-kpi", "stages.decouverte.touchpoints.pub"),
        ("opportunity-prioritised", "opportunities.un-clic"),
        ("stage-touchpoint", "stages.paiement"),
        ("empathy-map-complete", "stages.paiement.empathy"),
        ("persona-evidence", "personas.lea"),
        ("conversion-defined", "conversion"),
    }
    assert {r.severity for r in RULES.values()} == {"error", "warning"}
    assert all(r.explanation.endswith(")") or r.explanation.endswith(".") for r in RULES.values())


def test_binding_rule_checks_event_names_and_globs_against_the_catalogue() -> None:
    assert ("binding-known-events", "stages.decouverte.touchpoints.pub.match") not in findings(
        MAP, ["ad_click", "ad_view"]
    )
    bad = [f for f in lint(parse_journey(MAP), ["page_view"]) if f.rule == "binding-known-events"]
    assert [f.message for f in bad] == [
        "event 'ad_click' matches no known event",
        "event 'ad_*' matches no known event",
    ]
    assert all(f.severity == "error" for f in bad)


def test_rules_can_be_disabled_per_journey_and_unknown_ids_are_flagged() -> None:
    text = MAP + "lint: {disable: [persona-evidence, stage-touchpoint, no-such-rule]}\n"
    rules = {rule for rule, _ in findings(text)}
    assert "persona-evidence" not in rules and "stage-touchpoint" not in rules
    assert "lint-settings" in rules
    (unknown,) = [f.message for f in lint(parse_journey(text)) if f.rule == "lint-settings"]
    assert unknown.startswith("unknown rule 'no-such-rule'; the rules are ")
    assert "persona-evidence" in unknown and "stage-touchpoint" in unknown


@pytest.mark.parametrize(
    ("importance", "urgency", "quadrant"),
    [
        (5, 5, "do"),
        (3, 3, "do"),
        (5, 1, "plan"),
        (2, 4, "delegate"),
        (1, 2, "drop"),
        (4, None, None),
    ],
)
def test_eisenhower_quadrant(importance: int, urgency: int | None, quadrant: str | None) -> None:
    opportunity = Opportunity(id="o", title="t", importance=importance, urgency=urgency)
    assert opportunity.quadrant == quadrant


def test_kpi_target_follows_the_kind_direction() -> None:
    abandonment = KPI(id="a", kind=KpiKind.ABANDONMENT, target=0.3)
    assert abandonment.meets(0.25) and not abandonment.meets(0.4)
    nps = KPI(id="n", kind=KpiKind.NPS, target=30)
    assert nps.meets(31) and not nps.meets(10)
    assert KPI(id="x", kind=KpiKind.NPS).meets(50) is None
    with pytest.raises(ValueError, match="custom KPI needs a `name`"):
        KPI(id="c", kind=KpiKind.CUSTOM)


def test_presets_in_both_languages() -> None:
    assert PRESETS == ("3", "4", "5", "6", "lifecycle")
    sizes = {p: len(new_journey(p).stages) for p in PRESETS}
    assert sizes == {"3": 3, "4": 4, "5": 5, "6": 6, "lifecycle": 5}
    journey = new_journey("3", lang=Lang.EN)
    assert [journey.label(s.name) for s in journey.stages] == [
        "Discovery",
        "Consideration",
        "Decision",
    ]
    assert [journey.label(s.name, "fr") for s in journey.stages] == [
        "Découverte",
        "Réflexion",
        "Décision",
    ]


def test_diff_names_what_was_added_removed_and_changed() -> None:
    old = parse_journey(MAP)
    new = parse_journey(
        MAP.replace("emotion: -2", "emotion: -1")
        .replace("name: Pub", "name: Pub\n        id: pub-video")
        .replace("{title: Un clic, importance: 4}", "{title: Un clic, importance: 4, urgency: 5}")
    )
    assert [str(c) for c in diff_journeys(old, new).changes] == [
        "~ stage paiement (emotion)",
        "+ touchpoint pub-video",
        "- touchpoint pub",
        "~ opportunity un-clic (urgency)",
    ]
    assert not diff_journeys(old, old)
    assert diff_journeys(old, old).to_text() == "no changes"


def test_mermaid_export_then_import_keeps_stages_touchpoints_and_scores() -> None:
    journey = parse_journey(MAP)
    text = to_mermaid(journey)
    assert text.splitlines()[:4] == [
        "journey",
        "    title Vente en ligne",
        "    section Découverte",
        "      Pub: 4: Léa",
    ]
    back = from_mermaid(text)
    assert [s.id for s in back.stages] == ["decouverte", "paiement"]
    assert back.stages[0].touchpoints[0].emotion == 1
    assert [p.id for p in back.personas] == ["lea"]


def test_mermaid_import_errors_are_located() -> None:
    with pytest.raises(JourneyFileError, match=r"d.mmd:3:7: score 9 is outside 1..5"):
        from_mermaid("journey\n  section A\n      Task: 9: Me\n", "d.mmd")
    with pytest.raises(JourneyFileError, match=r"d.mmd:1:1: not a journey diagram"):
        from_mermaid("flowchart LR\n", "d.mmd")


def test_journey_objects_are_frozen() -> None:
    journey = parse_journey(MAP)
    with pytest.raises(ValueError, match="frozen"):
        journey.stages[0].emotion = 2  # type: ignore[misc]
    assert isinstance(journey, Journey)


def test_overlapping_bindings_are_flagged_when_a_catalogue_is_given() -> None:
    text = """
name: x
stages:
  - name: A
    touchpoints:
      - {name: Essai, channel: mobile_app, match: {events: ["class_*"], channels: [app]}}
      - {name: Web, channel: website, match: {events: [class_started], channels: [web]}}
  - name: B
    touchpoints:
      - {name: Cours, channel: mobile_app, match: {events: [class_started]}}
      - name: Push
        channel: mobile_app
        match: {events: [class_started], where: [{property: push, op: exists}]}
"""
    found = [f for f in lint(parse_journey(text), ["class_started", "class_done"])]
    overlaps = [(f.where, f.message) for f in found if f.rule == "binding-overlap"]
    # Essai and Cours share class_started (Cours has no channel); Web is on another channel;
    # Push is told apart by its `where`
    assert overlaps == [
        ("stages.a.touchpoints.essai.match", "also claimed by 'cours': class_started"),
        ("stages.a.touchpoints.web.match", "also claimed by 'cours': class_started"),
    ]
    assert not [f for f in lint(parse_journey(text)) if f.rule == "binding-overlap"]
