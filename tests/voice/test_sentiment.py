"""Sentiment tiers on real encoders, ratings kept, refit on a user's verbatims."""

from __future__ import annotations

import numpy as np
import pytest

from parcours.errors import VoiceError
from parcours.voice import analyse, refit
from parcours.voice.encoders import Encoder
from parcours.voice.sentiment import head_file, shipped_head

TEXTS = [
    "Colis jamais reçu et personne ne répond au service client.",
    "Livraison rapide, produit parfait, je recommande !",
    "The package arrived broken and the refund never came.",
    "Excellent service, the staff were lovely and helpful.",
]
EXPECTED = ["negative", "positive", "negative", "positive"]


def test_fast_tier(use_encoder: Encoder) -> None:
    results = analyse(TEXTS, tier="fast", ratings=[1, 5, None, 4.5])
    assert [s.label for s in results] == EXPECTED
    assert [s.rating for s in results] == [1.0, 5.0, None, 4.5]
    frame = results.to_frame()
    assert list(frame["label"]) == EXPECTED and frame["score"].between(-1, 1).all()
    assert results.to_dict()["tier"] == "fast"


def test_accurate_tier(e5_encoder: Encoder) -> None:
    results = analyse(TEXTS, tier="accurate")
    assert [s.label for s in results] == EXPECTED
    assert all(abs(s.p_negative + s.p_neutral + s.p_positive - 1) < 1e-3 for s in results)


def test_ratings_must_match_texts() -> None:
    with pytest.raises(VoiceError, match="2 ratings for 1 texts"):
        analyse(["ok"], tier="lexicon", ratings=[1, 2])


def test_refit_on_own_verbatims(use_encoder: Encoder, tmp_path) -> None:
    negative = [
        "Mon colis est encore en retard.",
        "Still no refund after a month.",
        "Le conseiller m'a raccroché au nez.",
        "The app crashes at checkout.",
        "Facturé deux fois, aucune réponse.",
        "Rude staff and long queues.",
    ] * 3
    neutral = [
        "Quels sont vos horaires ?",
        "How do I change my address?",
        "Commande passée lundi.",
        "I called about my subscription.",
        "Je voudrais une facture.",
        "Is delivery possible on Sunday?",
    ] * 3
    positive = [
        "Livraison en avance, merci !",
        "Great support, solved in minutes.",
        "Très bon produit, conforme.",
        "Lovely staff, I recommend.",
        "Remboursement rapide, parfait.",
        "Smooth checkout, thanks!",
    ] * 3
    texts = negative + neutral + positive
    labels = ["negative"] * 18 + ["neutral"] * 18 + ["positive"] * 18
    path = tmp_path / "my_head.npz"
    head = refit(texts, labels, tier="fast", path=path)
    assert head.classes == ("negative", "neutral", "positive") and path.exists()
    results = analyse(
        ["Quels sont vos horaires d'ouverture ?", "Encore en retard !"], tier="fast", head=path
    )
    assert [s.label for s in results] == ["neutral", "negative"]
    with pytest.raises(VoiceError, match="tier 'accurate'"):
        analyse(["x"], tier="accurate", head=path)


def test_binary_refit_keeps_a_neutral_zone() -> None:
    texts = ["super", "génial", "parfait", "excellent"] * 5 + ["nul", "horrible", "déçu"] * 5
    labels = ["positive"] * 20 + ["negative"] * 15
    head = refit(texts, labels, tier="lexicon")
    assert head.is_binary and head.calibration.half_width > 0
    results = analyse(["J'ai commandé lundi.", "Parfait !"], tier="lexicon", head=head)
    assert [s.label for s in results] == ["neutral", "positive"]
    with pytest.raises(VoiceError, match="3 texts and 2 labels"):
        refit(["a", "b", "c"], ["positive", "negative"], tier="lexicon")


def test_the_accurate_head_follows_the_e5_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARCOURS_E5_WEIGHTS", raising=False)
    assert head_file("accurate") == "e5.npz" and head_file("fast") == "use.npz"
    default = shipped_head("accurate")
    assert default.meta["e5_weights"] == "int8"
    monkeypatch.setenv("PARCOURS_E5_WEIGHTS", "q4")
    assert head_file("accurate") == "e5-q4.npz" and head_file("lexicon") == "lexicon.npz"
    assert not np.array_equal(shipped_head("accurate").weights, default.weights)
    monkeypatch.setenv("PARCOURS_E5_WEIGHTS", "int4")
    with pytest.raises(VoiceError, match="PARCOURS_E5_WEIGHTS='int4'"):
        shipped_head("accurate")
