"""Attribution equals ChannelAttribution's outputs on its 10,000 paths (oracles/attribution/)."""

from __future__ import annotations

import csv
from functools import cache

import pytest

from parcours.engine import attribute, read_paths

from .conftest import ORACLES

HERE = ORACLES / "attribution"
BIG = ["alpha", "iota", "eta", "beta", "theta"]  # over 1,900 conversions each


def rows(name: str) -> dict[str, dict[str, float]]:
    with (HERE / name).open() as f:
        return {
            r["channel_name"]: {k: float(v) for k, v in r.items() if k != "channel_name"}
            for r in csv.DictReader(f)
        }


@cache
def paths():
    return read_paths(HERE / "paths.csv.gz")


@pytest.mark.parametrize("model", ["first", "last", "linear"])
def test_heuristics_exact(model):
    expected = rows("expected_heuristics.csv")
    result = attribute(paths(), model)
    for channel, want in expected.items():
        got = result.credit(channel)
        assert got.conversions == pytest.approx(want[f"{model}_touch_conversions"], abs=1e-9)
        assert got.value == pytest.approx(want[f"{model}_touch_value"], rel=1e-12)


def test_markov_order1_transition_matrix():
    with (HERE / "out_transition_matrix_order1_channels.csv").open() as f:
        names = {r["id_channel"]: r["channel_name"] for r in csv.DictReader(f)}
    with (HERE / "out_transition_matrix_order1.csv").open() as f:
        want = {
            (
                names.get(r["channel_from"], r["channel_from"]),
                names.get(r["channel_to"], r["channel_to"]),
            ): float(r["transition_probability"])
            for r in csv.DictReader(f)
        }
    got = {(a, b): p for a, b, p in attribute(paths(), "markov").transitions}
    assert set(got) == set(want)
    for key, p in want.items():
        assert got[key] == pytest.approx(p, abs=1e-6)


def test_markov_order1_exact():
    expected = rows("expected_markov_order1_exact.csv")
    result = attribute(paths(), "markov", order=1)
    assert result.conversion_probability == pytest.approx(19785 / (19785 + 68602), abs=1e-12)
    for channel, want in expected.items():
        got = result.credit(channel)
        assert got.removal_effect == pytest.approx(want["removal_effect_exact"], abs=1e-6)
        assert got.conversions == pytest.approx(want["total_conversions_exact"], abs=1e-6)


@pytest.mark.parametrize(
    ("order", "file"),
    [
        (1, "channelattribution_markov_order1_simulated.csv"),
        (2, "out_markov_order2_null_seed0.csv"),
        (3, "out_markov_order3_null_seed0.csv"),
    ],
)
def test_markov_big_channels_within_5_percent_of_simulation(order, file):
    expected = rows(file)
    result = attribute(paths(), "markov", order=order)
    total = sum(c.conversions for c in result.channels)
    assert total == pytest.approx(paths().total_conversions)
    for channel in BIG:
        got = result.credit(channel)
        assert got.conversions == pytest.approx(expected[channel]["total_conversions"], rel=0.05)
        assert got.value == pytest.approx(expected[channel]["total_conversion_value"], rel=0.07)
