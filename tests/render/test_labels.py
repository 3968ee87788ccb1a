"""Labels, number formats, icons and the curve geometry."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from parcours.model.vocabulary import (
    Channel,
    ContentKind,
    Direction,
    Effort,
    EvidenceKind,
    KpiKind,
    Lang,
    Quadrant,
    Severity,
    Status,
)
from parcours.render import LABELS
from parcours.render.curve import smooth_path
from parcours.render.fmt import duration, number, percent, signed
from parcours.render.icons import FAMILY, SYMBOLS
from parcours.render.labels import Labels

ENUMS = {
    "channel": Channel,
    "kpi": KpiKind,
    "direction": Direction,
    "severity": Severity,
    "quadrant": Quadrant,
    "effort": Effort,
    "status": Status,
    "content": ContentKind,
    "evidence": EvidenceKind,
}


def test_both_languages_have_the_same_keys() -> None:
    assert LABELS[Lang.FR].keys() == LABELS[Lang.EN].keys()
    assert all(LABELS[Lang.FR].values()) and all(LABELS[Lang.EN].values())


def test_every_vocabulary_word_has_a_label_in_both_languages() -> None:
    for lang in Lang:
        labels = Labels(lang)
        for group, enum in ENUMS.items():
            for value in enum:
                assert labels.of(group, value)


def test_every_channel_has_a_drawn_icon() -> None:
    assert set(FAMILY) == set(Channel)
    assert set(FAMILY.values()) == set(SYMBOLS)


def test_numbers_follow_the_language() -> None:
    assert number(1234.5, Lang.FR) == "1\u202f234,5"
    assert number(1234.5, Lang.EN) == "1,234.5"
    assert number(-0.004, Lang.EN) == "0"
    assert percent(0.125, Lang.FR) == "12,5\u00a0%"
    assert percent(0.125, Lang.EN) == "12.5%"
    assert signed(1.5, Lang.FR) == "+1,5" and signed(-2, Lang.EN) == "\u22122"
    assert signed(0, Lang.EN) == "0"
    assert duration(45, Labels(Lang.EN)) == "45\u00a0s"
    assert duration(5400, Labels(Lang.FR)) == "1\u00a0h\u00a030\u00a0min"
    assert duration(720, Labels(Lang.EN)) == "12\u00a0min"
    assert duration(3 * 86400 + 4 * 3600 + 600, Labels(Lang.EN)) == "3\u00a0d\u00a04\u00a0h"
    assert number(1234567.5, Lang.FR) == "1\u202f234\u202f567,5"
    assert duration(3 * 86400, Labels(Lang.FR)) == "3\u00a0j"


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=2, max_size=12))
def test_the_smooth_curve_never_overshoots(values: list[float]) -> None:
    points = [(i * 10.0, y) for i, y in enumerate(values)]
    path = smooth_path(points)
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    ys = numbers[1::2]
    assert min(ys) >= min(values) - 0.01 and max(ys) <= max(values) + 0.01
    assert path.count("C") == len(points) - 1
