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
