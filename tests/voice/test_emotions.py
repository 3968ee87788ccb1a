"""Zero-shot emotions from prototype sentences; a user-supplied label set."""

from __future__ import annotations

import numpy as np
import pytest

from parcours.errors import VoiceError
from parcours.voice.emotions import EmotionSet, score_emotions
from parcours.voice.encoders import Encoder

LABELS = {"joy", "trust", "surprise", "sadness", "fear", "anger", "disgust", "frustration"}


def test_shipped_label_set() -> None:
    assert set(EmotionSet.from_file().labels) == LABELS


def test_scores_with_an_encoder(use_encoder: Encoder) -> None:
    results = score_emotions(
        [
            "Je suis furieux, c'est un scandale, vous vous moquez de nous !",
            "I'm so happy with my order, what a joy!",
        ],
        encoder=use_encoder,
    )
    assert results[0].dominant in {"anger", "frustration"}
    assert results[1].dominant == "joy"
    for item in results:
        assert abs(sum(item.scores.values()) - 1) < 1e-3 and 0 < item.confidence <= 1
    assert list(results.to_frame().columns[:8]) == list(results.labels)


def test_keywords_without_a_model() -> None:
    results = score_emotions(
        ["J'en ai marre, toujours pas de réponse", "Rien à dire"], encoder=None
    )
    assert results[0].dominant == "frustration" and results[0].confident
    assert not results[1].confident  # no keyword: uniform scores


def test_custom_label_set(tmp_path, use_encoder: Encoder) -> None:
    path = tmp_path / "emotions.yaml"
    path.write_text(
        "relief:\n  prototypes: ['Ouf, quel soulagement, tout est réglé.', 'What a relief!']\n"
        "worry:\n  prototypes: ['Je suis inquiet pour ma commande.', 'I am worried.']\n",
        encoding="utf-8",
    )
    emotion_set = EmotionSet.from_file(path)
    results = score_emotions(
        ["Quel soulagement, mon colis est enfin là"], encoder=use_encoder, emotion_set=emotion_set
    )
    assert results.labels == ("relief", "worry") and results[0].dominant == "relief"
    assert np.isclose(sum(results[0].scores.values()), 1, atol=1e-3)
    path.write_text("relief: {}\n", encoding="utf-8")
    with pytest.raises(VoiceError, match="relief"):
        EmotionSet.from_file(path)
