"""Pinned themes by meaning and keywords; discovery of the rest; promotion into the taxonomy."""

from __future__ import annotations

import pytest

from parcours.errors import VoiceError
from parcours.voice.discovery import discover
from parcours.voice.encoders import Encoder
from parcours.voice.themes import Taxonomy, Theme, assign


def test_default_taxonomy_by_meaning(use_encoder: Encoder) -> None:
    taxonomy = Taxonomy.from_file()
    result = assign(
        [
            "Mon colis n'est toujours pas arrivé.",
            "I was charged twice for one order.",
            "Impossible de joindre quelqu'un au téléphone.",
            "La météo était belle.",
        ],
        taxonomy,
        encoder=use_encoder,
    )
    assert result[0][0].name == "livraison"
    assert result[1][0].name == "paiement"
    assert result[2][0].name == "service client"
    assert result.unassigned == [3]


def test_keyword_bonus_adds_to_the_similarity(use_encoder: Encoder) -> None:
    theme = Theme("attente", ("queue*",), ("On a attendu une heure au guichet.",))
    texts = ["Une queue interminable", "Il pleuvait ce matin"]
    plain = Taxonomy((theme,), keyword_bonus=0.0).scores(texts, use_encoder)
    bonus = Taxonomy((theme,), keyword_bonus=0.3).scores(texts, use_encoder)
    assert bonus[0, 0] == pytest.approx(plain[0, 0] + 0.3) and bonus[1, 0] == plain[1, 0]


def test_keywords_only_without_a_model() -> None:
    result = assign(["Le prix est trop élevé", "Rien à voir"], Taxonomy.from_file(), encoder=None)
    assert [m.name for m in result[0]] == ["prix"] and result[1] == ()
    assert list(result.to_frame()["theme"]) == ["prix"]


def test_user_taxonomy_file_and_errors(tmp_path) -> None:
    path = tmp_path / "taxonomy.yaml"
    Taxonomy((Theme("attente", ("attente", "queue*")),), threshold=0.5, keyword_bonus=0.1).save(
        path
    )
    taxonomy = Taxonomy.from_file(path)
    assert taxonomy.names == ("attente",) and taxonomy.threshold == 0.5
    assert taxonomy.keyword_bonus == 0.1
    path.write_text("keyword_bonus: beaucoup\nthemes:\n  - id: a\n    keywords: [a]\n")
    with pytest.raises(VoiceError, match=r"'keyword_bonus' must be a number, like 0\.25"):
        Taxonomy.from_file(path)
    path.write_text("themes:\n  - name: vide\n", encoding="utf-8")
    with pytest.raises(
        VoiceError, match="line 2, column 5: theme 'vide' needs keywords or examples"
    ):
        Taxonomy.from_file(path)


def test_discover_and_promote(use_encoder: Encoder) -> None:
    texts = [
        "Le parking du magasin est toujours plein.",
        "Impossible de se garer près du magasin.",
        "Parking saturé le samedi.",
        "No parking space at the store.",
        "Pas assez de places de parking.",
        "The car park is always full.",
        "Les toilettes du magasin étaient sales.",
        "Toilettes fermées, aucune indication.",
        "The restrooms were dirty.",
        "Toilettes hors service encore une fois.",
        "Dirty toilets in the shop.",
        "Toilettes introuvables dans le magasin.",
    ]
    discovery = discover(texts, use_encoder.embed(texts), n_themes=2)
    assert sorted(t.size for t in discovery) == [6, 6]
    names = " ".join(t.name for t in discovery)
    assert "parking" in names and "toilettes" in names
    promoted = Taxonomy.from_file().with_theme(discovery[0].promote("stationnement"))
    assert promoted.names[-1] == "stationnement"
    assert assign(["Encore aucune place de parking"], promoted, encoder=use_encoder)[0]
    with pytest.raises(VoiceError, match="at least 4"):
        discover(texts[:2], use_encoder.embed(texts[:2]))
