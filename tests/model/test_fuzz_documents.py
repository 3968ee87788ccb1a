"""Fuzzing the journey readers: generated and damaged documents give a valid journey or a
located error (file, line, column), never another exception."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.model.strategies import journeys
from tests.mutations import as_bytes, batches, mutated

from parcours.errors import JourneyError
from parcours.model import Journey, dump_journey, parse_journey
from parcours.model.mermaid import from_mermaid, to_mermaid

YAML_SEED = """\
name: {fr: Abonnement sport, en: Sports subscription}
language: fr
stages:
  - name: Découverte
    emotion: 1
    touchpoints:
      - {name: Publicité Instagram, channel: social_network}
  - &s name: Paiement
    touchpoints:
      - id: page-paiement
        name: Page paiement
        channel: website
        match: {events: [pay_*], where: [{property: amount, op: gt, value: 10}]}
    kpis: [{kind: abandonment, target: 0.3}]
    pain_points:
      - {description: Trop d'étapes, touchpoint: page-paiement, severity: high}
opportunities:
  - {title: Paiement en un clic, addresses: [trop-d-etapes], importance: 5, urgency: 4}
"""
README_SEED = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
README_SEED = README_SEED.split("```yaml\n", 1)[1].split("```", 1)[0]
MERMAID_SEED = """\
journey
    title Vente en ligne
    section Découverte
      Pub: 4: Léa, Marc
      %% a comment
    section Paiement
      Page de paiement: 2: Léa
"""
#: Fixed seeds keep generation cheap; the journey strategy adds variety to the fewer bytes runs.
documents = st.sampled_from([YAML_SEED, README_SEED])
json_documents = st.sampled_from([json.dumps(yaml.safe_load(YAML_SEED), ensure_ascii=False)])


def check_journey(raw: str | bytes, fmt: str) -> None:
    filename = f"fuzz.{fmt}"
    try:
        journey = parse_journey(raw, filename, fmt)  # type: ignore[arg-type]
    except JourneyError as error:
        problems = error.problems  # type: ignore[attr-defined]
        assert problems
        for problem in problems:
            assert problem.file == filename and problem.line >= 1 and problem.column >= 1
        return
    assert isinstance(journey, Journey)
    dump_journey(journey)  # a valid result can be written, and drawn as Mermaid
    to_mermaid(journey)


@settings(max_examples=1000, deadline=None)
@given(batches(mutated(documents)))
def test_damaged_yaml_gives_a_journey_or_a_located_error(texts: list[str]) -> None:
    for text in texts:
        check_journey(text, "yaml")


@settings(max_examples=125, deadline=None)
@given(batches(as_bytes(mutated(documents | journeys().map(dump_journey)))))
def test_damaged_yaml_bytes_give_a_journey_or_a_located_error(raws: list[bytes]) -> None:
    for raw in raws:
        check_journey(raw, "yaml")


@settings(max_examples=625, deadline=None)
@given(batches(mutated(json_documents)))
def test_damaged_json_gives_a_journey_or_a_located_error(texts: list[str]) -> None:
    for text in texts:
        check_journey(text, "json")


@settings(max_examples=1500, deadline=None)
@given(batches(mutated(st.sampled_from([MERMAID_SEED]))))
def test_damaged_mermaid_gives_a_journey_or_a_located_error(texts: list[str]) -> None:
    for text in texts:
        try:
            journey = from_mermaid(text, "fuzz.mmd")
        except JourneyError as error:
            for problem in error.problems:  # type: ignore[attr-defined]
                assert problem.file == "fuzz.mmd" and problem.line >= 1
            continue
        dump_journey(journey)
