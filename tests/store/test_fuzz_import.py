"""Fuzzing ``import_journey``: any text gives a located JourneyError or a version whose export is
the same text; never another exception (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from parcours.errors import JourneyError
from parcours.store import Store

from .conftest import JOURNEY_JSON, JOURNEY_YAML


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid document with a slice replaced by random text: deeper paths than pure noise."""
    base = draw(st.sampled_from([JOURNEY_YAML, JOURNEY_JSON]))
    start = draw(st.integers(0, len(base)))
    end = draw(st.integers(start, min(len(base), start + 20)))
    return base[:start] + draw(st.text(max_size=12)) + base[end:]


TEXTS = st.text(max_size=200) | mutated() | st.sampled_from(["", "\x00", "id: a\x00", "{}"])


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXTS)
def test_any_text_is_a_located_error_or_a_lossless_version(
    store: Store, tmp_path: Path, text: str
) -> None:
    try:
        version = store.import_journey("fuzz", text, author_id=None)
    except JourneyError as error:
        event("refused")
        problems = getattr(error, "problems", None)
        assert problems, f"not located: {error!r}"
        assert all(p.file.startswith("fuzz.") and p.line >= 0 for p in problems)
        return
    event("stored")
    assert version.text == text
    out = store.export_journey("fuzz", tmp_path / f"fuzz.{version.format}")
    assert out.read_bytes() == text.encode("utf-8")
