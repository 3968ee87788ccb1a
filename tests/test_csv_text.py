"""Every CSV parcours writes is safe in a spreadsheet and reads back as written."""

from __future__ import annotations

import csv
import io
import math

import pytest

from parcours.csv_text import csv_text, safe_cell

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tstarts with a tab",
    "\rstarts with a return",
]


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_cell_gets_a_leading_quote(value: str) -> None:
    _header, row = read_back(csv_text(["cell"], [[value]]))
    assert row == ["'" + value]


@pytest.mark.parametrize(
    ("value", "written"),
    [(-0.5, "-0.5"), (3, "3"), ("-0.5", "-0.5"), ("+1,5", "+1,5"), ("−1", "−1"), ("12%", "12%")],
)
def test_numbers_stay_numbers(value: object, written: str) -> None:
    assert read_back(csv_text(["n"], [[value]]))[1] == [written]


def test_missing_values_are_empty_and_booleans_are_words() -> None:
    assert read_back(csv_text(["a", "b", "c"], [[None, math.nan, True]]))[1] == ["", "", "true"]


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\r\nb", 'say "hi", twice', "a,b"])
def test_line_breaks_quotes_and_commas_stay_inside_their_cell(value: str) -> None:
    text = csv_text(["a", "b"], [[value, 1], ["next", 2]])
    assert read_back(text) == [["a", "b"], [value, "1"], ["next", "2"]]


def test_safe_cell_leaves_plain_text_alone() -> None:
    assert safe_cell("Paiement en un clic") == "Paiement en un clic"
    assert safe_cell("a=b") == "a=b"
