"""The three-class head (neutral gate), refit from ratings, and shipped taxonomies."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.errors import VoiceError
from parcours.voice.encoders import Encoder
from parcours.voice.heads import Head, fit_neutral_gate
from parcours.voice.pipeline import analyse_file
from parcours.voice.sentiment import analyse, labels_from_ratings, refit, shipped_head
from parcours.voice.themes import SHIPPED, Taxonomy, assign


def test_neutral_gate_gives_calibrated_three_class_probabilities(tmp_path) -> None:
    rng = np.random.default_rng(2)
    centres = {"negative": (-2, 0), "neutral": (0, 2), "positive": (2, 0)}
    labels = [label for label in centres for _ in range(40)]
    x = np.concatenate([rng.normal(centres[label], 0.6, (40, 2)) for label in centres])
    # a binary head whose logit is the first coordinate: it cannot tell neutral apart
    binary = Head("use", ("negative", "positive"), np.array([[1.0, 0.0]]), np.zeros(1))
    gate = fit_neutral_gate(x, binary.logits(x)[:, 0], labels)
    head = Head(binary.encoder, binary.classes, binary.weights, binary.bias, gate=gate)
    p = head.probabilities(x)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.mean(p.argmax(axis=1) == np.repeat([0, 1, 2], 40)) > 0.85
    # the gate leaves the binary head's negative/positive decision as it was
    assert ((p[:, 2] > p[:, 0]) == (x[:, 0] > 0)).all()
    loaded = Head.load(head.save(tmp_path / "gated.npz"))
    np.testing.assert_allclose(loaded.probabilities(x), p, atol=1e-5)


def test_shipped_fast_head_reads_neutral_messages(use_encoder: Encoder) -> None:
    assert shipped_head("fast").gate is not None
    results = analyse(
        [
            "Bonjour, quels sont vos horaires d'ouverture samedi ?",
            "Service horrible, plus jamais.",
            "Merci beaucoup, tout était parfait !",
        ],
        tier="fast",
    )
    assert [r.label for r in results] == ["neutral", "negative", "positive"]
    for r in results:
        assert abs(r.p_negative + r.p_neutral + r.p_positive - 1) < 1e-3


def test_labels_from_ratings_scales() -> None:
    assert labels_from_ratings([1, 2, 3, 4, 5, None]) == [
        "negative",
        "negative",
        "neutral",
        "positive",
        "positive",
        None,
    ]
    assert (
        labels_from_ratings([0, 6, 7, 8, 9, 10])
        == ["negative"] * 2 + ["neutral"] * 2 + ["positive"] * 2
    )
    assert labels_from_ratings([20, 50, 80], scale=(0, 100)) == ["negative", "neutral", "positive"]
    with pytest.raises(VoiceError, match="outside the scale 1-5"):
        labels_from_ratings([0, 4], scale=(1, 5))


def test_refit_from_a_rated_file_without_labels(tmp_path) -> None:
    good = ["Parfait merci", "Super service", "Très bien reçu", "Excellent produit", "Top"]
    bad = ["Nul", "Arnaque", "Colis jamais reçu", "Horrible", "Très déçu"]
    flat = ["Colis reçu", "Commande passée lundi", "Reçu hier", "Sans avis", "Livré"]
    path = tmp_path / "avis.csv"
    rows = [f"{t},5" for t in good] + [f"{t},1" for t in bad] + [f"{t},3" for t in flat]
    path.write_text("texte,etoiles\n" + "\n".join(rows) + "\nSans note,\n", encoding="utf-8")
    results = analyse_file(path, "texte", rating_col="etoiles", tier="lexicon")
    assert [r.sentiment.rating for r in results][:2] == [5.0, 5.0]
    assert results[len(rows)].sentiment.rating is None  # no rating: none is made up
    texts = [r.text for r in results]
    head = refit(texts, ratings=[r.sentiment.rating for r in results], tier="lexicon")
    assert head.classes == ("negative", "neutral", "positive")
    assert head.meta["examples"] == {"negative": 5, "neutral": 5, "positive": 5}
    refitted = analyse(["Horrible", "Parfait"], tier="lexicon", head=head)
    assert [r.label for r in refitted] == ["negative", "positive"]
    with pytest.raises(VoiceError, match="labels or ratings"):
        refit(texts, tier="lexicon")


def test_shipped_taxonomies_load_and_name_themes_in_french_and_english() -> None:
    for name in SHIPPED:
        taxonomy = Taxonomy.load(name)
        assert len(taxonomy.themes) >= 5
        for theme in taxonomy.themes:
            assert theme.label("fr") and theme.label("en") and theme.description["fr"]
            assert theme.keywords and len(theme.prototypes) >= 4
    assert Taxonomy.from_file().names == Taxonomy.load("ecommerce").names
    travel = Taxonomy.load("travel")
    found = assign(
        ["Mon vol a été annulé", "Très bien, merci", "great service"], travel, encoder=None
    )
    assert found[0][0].name == "cancellation" and found[1] == () and found[2] == ()
    assert found.other == []  # praise alone is not a theme, nor "other"


def test_taxonomy_errors_are_located(tmp_path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "themes:\n  - id: attente\n    keywords: [queue]\n  - id: x\n    keyword: [typo]\n",
        encoding="utf-8",
    )
    with pytest.raises(VoiceError, match=r"mine.yaml, line 4, column 5: unknown key 'keyword'"):
        Taxonomy.load(path)
    path.write_text("themes:\n  - {id: a, keywords: [b]}\n  - {id: a, keywords: [c]}\n")
    with pytest.raises(VoiceError, match=r"unique; \['a'\] appear twice"):
        Taxonomy.load(path)
    with pytest.raises(VoiceError, match="give one of ecommerce, travel"):
        Taxonomy.load("voyage")


def test_cli_taxonomy_by_name(tmp_path) -> None:
    path = tmp_path / "avis.csv"
    path.write_text("id,avis\n1,Vol annulé sans explication\n", encoding="utf-8")
    args = ["voice", str(path), "--text-col", "avis", "--tier", "lexicon"]
    result = CliRunner().invoke(main, [*args, "--taxonomy", "travel"])
    assert result.exit_code == 0, result.output
    assert '"themes": ["cancellation"]' in result.output
    wrong = CliRunner().invoke(main, [*args, "--taxonomy", "voyage"])
    assert wrong.exit_code == 1 and "No taxonomy 'voyage'" in wrong.output
