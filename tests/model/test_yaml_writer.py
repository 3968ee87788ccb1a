"""The journey YAML writer: any text, number or nesting reads back as written, with PyYAML's
safe loader and with the journey loader; plain text stays plain where it is unambiguous."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.model.documents import load_fragment
from parcours.model.yaml_writer import dump_yaml

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(text, values, max_size=4))
def test_what_is_written_reads_back_the_same(data: dict[str, Any]) -> None:
    written = dump_yaml(data)
    assert yaml.safe_load(written) == data
    assert load_fragment(written, "<test>") == data


def test_keywords_numbers_and_breaks_are_quoted_plain_text_is_not() -> None:
    data = {"a": "Décision d'achat — étape 2", "b": ["yes", "null", "1.5", "2024-05-01", "a: b"]}
    data["c"] = "x\x85y\u2028z"
    written = dump_yaml(data)
    assert "a: Décision d'achat — étape 2\n" in written
    assert '- "yes"' in written and '- "2024-05-01"' in written and '- "a: b"' in written
    assert "\\x85" in written and "\\u2028" in written
    assert yaml.safe_load(written) == data
    assert dump_yaml({"f": 1e-05}) == "f: 1.0e-05\n"
