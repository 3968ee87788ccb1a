"""Heads: numpy inference, ordinal calibration, save/load, fitting."""

from __future__ import annotations

import numpy as np
import pytest

from parcours.errors import VoiceError
from parcours.voice.heads import Head, OrdinalCalibration, fit_head, fit_ordinal


def test_ordinal_probabilities_are_a_distribution_ordered_by_the_logit() -> None:
    z = np.linspace(-6, 6, 25)
    p = OrdinalCalibration(slope=1.3, low=-0.8, high=0.8).probabilities(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (np.diff(p[:, 2]) > 0).all() and (np.diff(p[:, 0]) < 0).all()
    assert p[12].argmax() == 1  # z = 0 is neutral


def test_fit_ordinal_recovers_a_neutral_zone() -> None:
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.normal(-4, 1, 300), rng.normal(0, 1, 300), rng.normal(4, 1, 300)])
    labels = ["negative"] * 300 + ["neutral"] * 300 + ["positive"] * 300
    calibration = fit_ordinal(z, labels)
    predicted = calibration.probabilities(z).argmax(axis=1)
    assert np.mean(predicted == np.repeat([0, 1, 2], 300)) > 0.85
    with pytest.raises(VoiceError, match="neutral"):
        fit_ordinal(z[:10], labels[:10])


def test_fit_save_load_roundtrip(tmp_path) -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(-1, 1, (60, 8)), rng.normal(1, 1, (60, 8))])
    labels = ["negative"] * 60 + ["positive"] * 60
    head = fit_head(x, labels, "use")
    assert head.is_binary and head.weights.shape == (1, 8)
    loaded = Head.load(head.save(tmp_path / "head.npz"))
    np.testing.assert_allclose(loaded.probabilities(x), head.probabilities(x), atol=1e-5)
    assert loaded.meta["examples"] == {"negative": 60, "positive": 60}


def test_three_class_head_and_bad_labels() -> None:
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(m, 0.5, (30, 4)) for m in (-2, 0, 2)])
    labels = ["negative"] * 30 + ["neutral"] * 30 + ["positive"] * 30
    head = fit_head(x, labels, "e5")
    assert head.classes == ("negative", "neutral", "positive")
    assert np.mean(head.probabilities(x).argmax(axis=1) == np.repeat([0, 1, 2], 30)) > 0.9
    with pytest.raises(VoiceError, match="Unknown sentiment labels"):
        fit_head(x, ["bad"] * 90, "e5")
    with pytest.raises(VoiceError, match="negative and positive"):
        fit_head(x[:60], labels[:60], "e5")


def test_unreadable_head_names_the_file(tmp_path) -> None:
    path = tmp_path / "nope.npz"
    path.write_text("not a head")
    with pytest.raises(VoiceError, match=r"nope\.npz"):
        Head.load(path)
