"""Aspect-based sentiment: clauses, the mixed label, cues, and per-theme sentiment on the map."""

from __future__ import annotations

import numpy as np
import pytest

from parcours.insight.voice import heard
from parcours.model import load_journey
from parcours.samples import sample_path
from parcours.voice.aspects import split_clauses
from parcours.voice.cues import CUE_MAX_WORDS, adjust
from parcours.voice.pipeline import analyse_feedback
from parcours.voice.summary import summarise


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "Très bien.Livraison rapideMais emballage abîmé",
            ["Très bien", "Livraison rapide", "Mais emballage abîmé"],
        ),
        ("Très bien sauf les frais de livraison", ["Très bien", "sauf les frais de livraison"]),
        ("Produits OK, Chronopost KO", ["Produits OK", "Chronopost KO"]),
        (
            "Le produit est top, par contre le SAV est nul ; néanmoins je recommande",
            ["Le produit est top", "par contre le SAV est nul", "néanmoins je recommande"],
        ),
        (
            "Great product but late. However, the refund was quick!",
            ["Great product", "but late", "However, the refund was quick"],
        ),
        (
            "Comfy seats although the wifi apart from that",
            ["Comfy seats", "although the wifi", "apart from that"],
        ),
        # no cut inside numbers, names, or a comma between two sides that agree
        ("Note 4.5 sur 5, parfait et rapide", ["Note 4.5 sur 5, parfait et rapide"]),
        ("Mon iPhone et mon MacBook, livrés vite", ["Mon iPhone et mon MacBook, livrés vite"]),
    ],
)
def test_clauses_split_on_contrast_and_sentences(text: str, clauses: list[str]) -> None:
    found = split_clauses(text)
    assert [c.text for c in found] == clauses
    assert all(text[c.start : c.end] == c.text for c in found)


def test_cues_read_negated_problems_as_positive_and_plain_gripes_as_negative() -> None:
    probabilities = np.array([[0.9, 0.05, 0.05]] * 4 + [[0.1, 0.6, 0.3]] * 4)
    texts = [
        "Rien à redire",
        "Pas de soucis",
        "RAS",
        "Nothing to complain about",
        "Livraison tardive",
        "Le colis a mis une éternité à arriver",
        "Late delivery",
        "The flight was not delayed",
    ]
    adjusted = adjust(probabilities, texts)
    np.testing.assert_allclose(adjusted.sum(axis=1), 1.0)
    assert list(adjusted.argmax(axis=1)) == [2, 2, 2, 2, 0, 0, 0, 2]
    untouched = adjust(probabilities[:1], ["Bonjour"])
    np.testing.assert_allclose(untouched, probabilities[:1])
    review = "Livraison tardive. " + "Le film raconte une longue histoire de famille. " * 6
    assert len(review.split()) > CUE_MAX_WORDS
    np.testing.assert_allclose(adjust(probabilities[4:5], [review]), probabilities[4:5])


TEXTS = [
    "Produit parfait mais livraison en retard",
    "Colis jamais reçu, remboursez-moi",
    "Pas de soucis, conforme à la description",
    "Très bien, merci",
    "Le parking du magasin est toujours plein",
]


def test_mixed_label_aspects_and_jsonl_fields() -> None:
    results = analyse_feedback(TEXTS, tier="lexicon", lang="fr")
    labels = [r.sentiment.label for r in results]
    assert labels[:4] == ["mixed", "negative", "positive", "positive"]
    aspects = {(a.theme, a.label) for a in results[0].aspects}
    assert {("qualité", "positive"), ("livraison", "negative")} <= aspects
    first = results[0].aspects[0]
    assert TEXTS[0][first.start : first.end] == first.text == "Produit parfait"
    record = results[0].to_dict()
    assert {"id", "lang", "text", "sentiment", "emotions", "themes"} <= set(record)
    assert record["aspects"][0]["label"] == "positive" and record["other"] is False
    assert abs(sum(record["sentiment"]["probabilities"].values()) - 1) < 1e-3
    # praise alone gets no theme and is not "other"; a topic no theme covers is
    assert results[3].themes == () and not results[3].other
    assert results[4].themes == () and results[4].other


def test_per_theme_sentiment_reaches_the_touchpoints() -> None:
    journey = load_journey(sample_path("sport_subscription"))
    rows = [("page-offres", TEXTS[0]), ("page-offres", TEXTS[1]), ("avis-store", TEXTS[3])]
    touchpoints, stages = heard(rows, journey, "lexicon")
    offers = touchpoints["page-offres"]
    assert dict(offers.themes)["livraison"] == 2  # negative in a mixed review and a complaint
    assert dict(offers.delights) == {"qualité": 1}  # the product praised in the mixed one
    assert offers.negative_share == 0.5  # the mixed review is not counted negative
    assert dict(stages["evaluation"].delights) == {"qualité": 1}
    assert offers.to_dict()["delights"] == (("qualité", 1),)
    summary = summarise(analyse_feedback(TEXTS[:2], tier="lexicon", lang="fr"))
    assert summary["all"].pain_points[0].examples == tuple(TEXTS[:2])
