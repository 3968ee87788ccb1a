"""The settings loader fuzzed: whatever ``parcours.toml`` holds (any bytes, any TOML of any
types under the known keys and others) and whatever ``PARCOURS_*`` variables say, loading gives
settings or a SettingsError naming the file, never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.errors import SettingsError
from parcours.settings import Settings

KEYS = [*Settings.model_fields, "sources", "unknown", "sources.events", "sources.events.columns"]
SCALARS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=False).map(repr),
    st.booleans().map(lambda b: str(b).lower()),
    st.text(max_size=30).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.just('[1, "a", {x = 1}]'),
    st.just('{ path = "events.csv", columns = { channel = 3 } }'),
    st.just("1979-05-27T07:32:00Z"),
)
LINES = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(KEYS), SCALARS).map(lambda kv: f"{kv[0]} = {kv[1]}"),
        st.sampled_from(KEYS).map(lambda k: f"[{k}]"),
        st.text(max_size=40),
    ),
    max_size=12,
).map("\n".join)
FUZZ = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def load(root: Path, raw: bytes, env: dict[str, str] | None = None) -> None:
    (root / "parcours.toml").write_bytes(raw)
    try:
        loaded = Settings.load(root, env=env or {})
    except SettingsError as error:
        assert "parcours.toml" in str(error) or "PARCOURS_" in str(error)
    else:
        assert isinstance(loaded, Settings)


@FUZZ
@given(raw=st.binary(max_size=300))
def test_any_bytes(tmp_path: Path, raw: bytes) -> None:
    load(tmp_path, raw)


@FUZZ
@given(text=LINES, bom=st.booleans())
def test_any_toml_under_any_key(tmp_path: Path, text: str, bom: bool) -> None:
    load(tmp_path, ("\ufeff" if bom else "").encode() + text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(
    env=st.dictionaries(
        st.sampled_from(
            [f"PARCOURS_{k.upper()}" for k in Settings.model_fields] + ["PARCOURS_A__B"]
        ),
        st.text(max_size=20).filter(lambda v: "\x00" not in v),
        max_size=4,
    )
)
def test_any_environment(tmp_path: Path, env: dict[str, str]) -> None:
    load(tmp_path, b'engine = "duckdb"\n', env)


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b'engine = "duck\xffdb"\n', "line 1, column 15"),
        (b'journeys = "j"\n\nstore = "\xc3"\n', "line 3, column 10"),
    ],
)
def test_a_file_that_is_not_utf8_is_located(tmp_path: Path, raw: bytes, where: str) -> None:
    (tmp_path / "parcours.toml").write_bytes(raw)
    with pytest.raises(SettingsError, match=f"{where}: not UTF-8 text"):
        Settings.load(tmp_path, env={})


def test_a_byte_order_mark_is_read_as_utf8(tmp_path: Path) -> None:
    (tmp_path / "parcours.toml").write_bytes(b'\xef\xbb\xbfjourneys = "cartes"\n')
    assert Settings.load(tmp_path, env={}).journeys == Path("cartes")
