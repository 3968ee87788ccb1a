"""Hostile or broken journey files: each gives one located error, never a crash or a blow-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.errors import JourneyError
from parcours.model import limits, load_journey, parse_journey

#: A 361-byte "billion laughs": 9 levels of 9 aliases each, 9**9 values once expanded.
BOMB = (
    "name: x\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "stages: [{name: s, touchpoints: *h}]\n"
)


def error_of(text: str, filename: str = "map.yaml") -> str:
    fmt = "json" if filename.endswith(".json") else "yaml"
    with pytest.raises(JourneyError) as info:
        parse_journey(text, filename, fmt)  # type: ignore[arg-type]
    return "\n".join(str(p) for p in info.value.problems)  # type: ignore[attr-defined]


def test_an_alias_bomb_is_refused_at_the_alias_that_breaks_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    assert len(BOMB) < 400
    with pytest.raises(JourneyError) as info:
        load_journey(path)
    assert str(info.value) == (
        f"{path}:7:11: the alias *e takes the document past 200,000 values once YAML aliases "
        "are expanded (write the values out, or use fewer aliases (*name))"
    )


def test_aliases_within_the_limit_still_work() -> None:
    text = "name: x\nstages:\n  - &s {name: a, emotion: 1}\n  - {name: b}\n"
    journey = parse_journey(text.replace("  - {name: b}\n", ""), "map.yaml")
    assert journey.stages[0].emotion == 1


def test_an_alias_inside_the_node_it_names_is_refused() -> None:
    assert error_of("name: x\nstages: &a [*a]\n") == (
        "map.yaml:2:13: the alias *a is inside the node it names "
        "(a journey cannot contain itself; copy the values)"
    )


def test_deep_nesting_is_refused_where_it_passes_the_limit() -> None:
    text = "name: x\nstages: " + "[" * 5000 + "]" * 5000 + "\n"
    assert error_of(text).startswith(
        "map.yaml:2:72: the document nests more than 64 levels of lists and mappings"
    )
    json_text = '{"name": "x", "stages": ' + "[" * 5000 + "]" * 5000 + "}"
    assert error_of(json_text, "map.json").startswith(
        "map.json:1:88: the document nests more than 64 levels"
    )


def test_aliases_cannot_stack_nesting_past_the_limit() -> None:
    levels = ["name: x", "a0: &a0 " + "[" * 40 + "]" * 40]
    levels += [f"a{i}: &a{i} " + "[" * 40 + f"*a{i - 1}" + "]" * 40 for i in range(1, 4)]
    assert "nests more than 64 levels" in error_of("\n".join(levels) + "\n")


def test_a_5000_digit_number_is_refused() -> None:
    text = "name: x\nstages:\n  - name: a\n    emotion: " + "1" * 5000 + "\n"
    assert error_of(text) == (
        "map.yaml:4:14: a number of 5,000 characters is longer than the 64 allowed "
        "(write a shorter number)"
    )
    json_text = '{"name": "x", "stages": [{"name": "a", "emotion": ' + "1" * 5000 + "}]}"
    assert error_of(json_text, "map.json").startswith("map.json:1:51: a number of 5,000 characters")


def test_an_overlong_text_is_refused() -> None:
    text = "name: " + "x" * (limits.MAX_TEXT + 1) + "\n"
    assert error_of(text).startswith("map.yaml:1:7: a text of 200,001 characters is longer")


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (limits.MAX_BYTES + 1))
    with pytest.raises(JourneyError, match=r"big.yaml:1:1: the file is 8,388,609 bytes"):
        load_journey(path)


@pytest.mark.parametrize(
    ("text", "filename", "where"),
    [
        ('name: "a\\ud800b"\n', "map.yaml", "map.yaml:1:7:"),
        ('{"name": "a\\udc00"}', "map.json", "map.json:1:10:"),
        ('{"name": "ok", "stages": [{"name": "a\\ud83d"}]}', "map.json", "map.json:1:36:"),
        ("name: ok\nstages: [{name: 'a\ud800'}]\n", "map.yaml", "map.yaml:2:19:"),
    ],
)
def test_a_lone_surrogate_is_refused_with_its_place(text: str, filename: str, where: str) -> None:
    problem = error_of(text, filename)
    assert problem.startswith(where)
    assert "surrogate" in problem


def test_a_surrogate_pair_escape_in_json_is_a_character() -> None:
    journey = parse_journey('{"name": "ok \\ud83d\\ude00"}', "map.json", "json")
    assert journey.name == "ok \U0001f600"


NAME = (
    "map.yaml:1:7: name: invalid value: Input should be a valid string; "
    "or Input should be a valid dictionary"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: 5\n", NAME),
        ("name: [a]\n", NAME),
        (
            "name: x\nstages:\n  - name: {fr: 5}\n",
            "map.yaml:3:11: stages.0.name: Input should be a valid string\n"
            "map.yaml:3:16: stages.0.name.fr: Input should be a valid string",
        ),
        (
            "name: x\nstages:\n  - name: a\n    touchpoints: [{name: 7, channel: website}]\n",
            "map.yaml:4:26: stages.0.touchpoints.0.name: invalid value: Input should be a valid "
            "string; or Input should be a valid dictionary",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_a_located_error(text: str, expected: str) -> None:
    assert error_of(text) == expected


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity_are_refused_in_where_and_targets(value: str) -> None:
    where = (
        "name: x\nstages:\n  - name: a\n    match: {where: [{property: p, op: gt, value: "
        f"{value}}}]}}\n"
    )
    assert error_of(where).startswith("map.yaml:4:")
    target = f"name: x\nstages:\n  - name: a\n    kpis: [{{kind: nps, target: {value}}}]\n"
    assert "finite number" in error_of(target)


def test_an_escape_beyond_unicode_is_a_located_error() -> None:
    assert error_of('name: "a\\U11000000"\n').startswith(
        "map.yaml:1:11: invalid YAML: chr() arg not in range(0x110000)"
    )
