"""The no-model tier: lexicon polarity with negation, intensity and complaint phrases."""

from __future__ import annotations

from parcours.voice import analyse
from parcours.voice.lexicon import load_lexicon


def test_polarity_signs() -> None:
    lexicon = load_lexicon()
    assert lexicon.polarity("Très bon produit, je recommande !") > 0
    assert lexicon.polarity("Colis jamais reçu") < 0  # a complaint without affect words
    assert lexicon.polarity("Ce n'est pas bon") < 0 < lexicon.polarity("pas mal du tout")
    assert lexicon.polarity("very good") > lexicon.polarity("good") > 0
    assert lexicon.polarity("J'ai commandé le 3 mars.") == 0


def test_lexicon_tier_labels() -> None:
    results = analyse(
        [
            "Livraison rapide, merci 👍",
            "Still waiting for my refund, terrible service",
            "I ordered on Monday.",
        ],
        tier="lexicon",
    )
    assert [s.label for s in results] == ["positive", "negative", "neutral"]
    assert all(-1 <= s.score <= 1 and 0 < s.confidence <= 1 for s in results)


def test_polarity_of_exactly_zero_is_neutral_even_for_a_biased_head() -> None:
    import numpy as np

    from parcours.voice.heads import Head, OrdinalCalibration

    # a head refitted on mostly positive verbatims: its bias alone would read "positive"
    biased = Head("lexicon", ("negative", "positive"), np.ones((1, 1)), np.array([2.0]))
    biased = Head(
        biased.encoder,
        biased.classes,
        biased.weights,
        biased.bias,
        OrdinalCalibration(1.0, -0.5, 0.5),
    )
    texts = ["J'ai commandé le 3 mars.", "Très bon produit"]
    for head in (None, biased):
        results = analyse(texts, tier="lexicon", head=head)
        assert results[0].label == "neutral" and results[0].score == 0
        assert results[0].p_negative == results[0].p_positive < results[0].p_neutral
        assert results[1].label == "positive"
