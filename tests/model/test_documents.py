"""Reading journey documents: located errors, hints, formats."""

from pathlib import Path

import pytest

from parcours.errors import JourneyFileError, JourneyValidationError
from parcours.model import Channel, Lang, dump_journey, load_journey, parse_journey

VALID = """\
name: {fr: Abonnement sport, en: Sports subscription}
language: fr
stages:
  - name: Découverte
    emotion: 1
    touchpoints:
      - {name: Publicité Instagram, channel: social_network}
  - name: Paiement
    touchpoints:
      - {id: page-paiement, name: Page paiement, channel: website}
    pain_points:
      - {description: Trop d'étapes, touchpoint: page-paiement, severity: high}
opportunities:
  - {title: Paiement en un clic, addresses: [trop-d-etapes], importance: 5, urgency: 4}
"""


def problems_of(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises((JourneyValidationError, JourneyFileError)) as info:
        parse_journey(text, "map.yaml", fmt)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_valid_document_gives_typed_objects_with_slug_ids() -> None:
    journey = parse_journey(VALID)
    assert [s.id for s in journey.stages] == ["decouverte", "paiement"]
    assert journey.stages[0].touchpoints[0].id == "publicite-instagram"
    assert journey.stages[0].touchpoints[0].channel is Channel.SOCIAL_NETWORK
    assert journey.label(journey.name, Lang.EN) == "Sports subscription"
    assert journey.opportunities[0].quadrant == "do"


def test_unknown_key_is_located_with_a_did_you_mean_hint() -> None:
    text = VALID.replace(
        "    touchpoints:\n      - {id: page", "    touchpoint:\n      - {id: page"
    )
    (problem,) = problems_of(text)
    assert problem.startswith("map.yaml:9:5: stages.1.touchpoint: unknown key `touchpoint`")
    assert "did you mean `touchpoints`?" in problem


def test_every_problem_is_reported_with_line_and_column() -> None:
    text = VALID.replace("emotion: 1", "emotion: 3").replace("social_network", "socail_network")
    problems = problems_of(text)
    assert problems == [
        "map.yaml:5:14: stages.0.emotion: Input should be less than or equal to 2",
        "map.yaml:7:46: stages.0.touchpoints.0.channel: 'socail_network' is not an allowed value"
        " (did you mean `social_network`?)",
    ]


def test_missing_required_key_points_at_its_parent() -> None:
    (problem,) = problems_of(VALID.replace("{name: Publicité Instagram, ", "{"))
    assert problem.startswith("map.yaml:7:9: stages.0.touchpoints.0.name: missing required key")


def test_broken_reference_is_located_and_lists_what_exists() -> None:
    (problem,) = problems_of(VALID.replace("touchpoint: page-paiement", "touchpoint: page-paie"))
    assert problem.startswith("map.yaml:12:50: stages.1.pain_points.0.touchpoint: unknown")
    assert "touchpoints of this stage: page-paiement" in problem


def test_duplicate_ids_and_duplicate_keys_are_errors() -> None:
    twice = VALID.replace("name: Paiement", "name: Découverte")
    assert "duplicate stage id 'decouverte'" in problems_of(twice)[0]
    (problem,) = problems_of("name: a\nname: b\n")
    assert problem.startswith("map.yaml:2:1: duplicate key `name`")


def test_yaml_and_json_syntax_errors_are_located() -> None:
    (problem,) = problems_of("name: [unclosed\n")
    assert problem.startswith("map.yaml:2:1: invalid YAML")
    (problem,) = problems_of('{"name": "x",\n "stages": [}', "json")
    assert problem.startswith("map.yaml:2:13: invalid JSON")


def test_json_validation_errors_are_located_too() -> None:
    (problem,) = problems_of('{\n  "name": "x",\n  "layuot": "grid"\n}', "json")
    assert problem == "map.yaml:3:3: layuot: unknown key `layuot` (did you mean `layout`?)"


def test_french_words_and_dates_stay_text() -> None:
    journey = parse_journey("name: Non\ndescription: 2024-05-01\nsuccess: yes\n")
    assert (journey.name, journey.description, journey.success) == ("Non", "2024-05-01", "yes")


def test_empty_and_non_mapping_documents_say_how_to_start() -> None:
    assert "empty" in problems_of("")[0] and "parcours init" in problems_of("")[0]
    assert "a list, not a mapping" in problems_of("- a\n- b\n")[0]


def test_files_are_read_by_suffix_and_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(dump_journey(parse_journey(VALID), "json"), encoding="utf-8")
    assert load_journey(path) == parse_journey(VALID)
    bad = tmp_path / "map.txt"
    bad.write_text("name: x")
    with pytest.raises(JourneyFileError, match=r"map.txt:1:1: unknown journey file type"):
        load_journey(bad)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Décision\n".encode("latin-1"))
    with pytest.raises(JourneyFileError, match=r"latin.yaml:1:8: the file is not valid UTF-8"):
        load_journey(latin)
