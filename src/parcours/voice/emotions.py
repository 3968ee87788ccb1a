"""Emotions per text, zero-shot, from a configurable label set.

Each label has French and English prototype sentences (``resources/emotions.yaml``: joy, trust,
surprise, sadness, fear, anger, disgust, frustration). A text's similarity to each label's
prototype centroid, less that centroid's mean similarity to all prototypes (so that no label
wins by being close to everything), divided by a temperature, goes through a softmax: the
scores sum to 1. ``confidence`` is the top score; ``confident`` says whether it
clears :data:`MIN_CONFIDENCE`, i.e. whether the dominant emotion should be shown at all.
The lexicon tier scores by keyword counts instead (no model).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from parcours.errors import VoiceError
from parcours.voice.encoders import Encoder
from parcours.voice.lexicon import fold, keyword_pattern

__all__ = ["MIN_CONFIDENCE", "EmotionResults", "EmotionSet", "Emotions", "score_emotions"]

#: Below this top score the dominant emotion is flagged as not confident.
MIN_CONFIDENCE = 0.35
#: Softmax temperature per encoder: the spread of cosine similarities differs between them.
TEMPERATURE = {"e5": 0.01, "use": 0.03}


@dataclass(frozen=True)
class EmotionSet:
    """Labels with their prototype sentences and keywords."""

    prototypes: dict[str, tuple[str, ...]]
    keywords: dict[str, tuple[str, ...]]
    _centroids: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.prototypes)

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> EmotionSet:
        """Read a label set (YAML like ``resources/emotions.yaml``; the shipped one if None)."""
        if path is None:
            text = resources.files("parcours.voice").joinpath("resources/emotions.yaml")
            source, name = text.read_text(encoding="utf-8"), "resources/emotions.yaml"
        else:
            source, name = Path(path).read_text(encoding="utf-8"), str(path)
        data = yaml.safe_load(source)
        if not isinstance(data, dict) or not data:
            raise VoiceError(f"{name}: expected a mapping of emotion labels; see emotions.yaml.")
        for label, entry in data.items():
            if not isinstance(entry, dict) or not entry.get("prototypes"):
                raise VoiceError(f"{name}: emotion {label!r} needs a list of prototypes.")
        return cls(
            prototypes={str(k): tuple(map(str, v["prototypes"])) for k, v in data.items()},
            keywords={str(k): tuple(map(str, v.get("keywords", []))) for k, v in data.items()},
        )

    def centroids(self, encoder: Encoder) -> tuple[np.ndarray, np.ndarray]:
        """Unit centroid of each label's prototype embeddings (rows in :attr:`labels` order)
        and each centroid's mean similarity to all prototypes, subtracted as its bias so that
        no label wins by being close to everything."""
        if encoder.name not in self._centroids:
            embedded = [encoder.embed(list(self.prototypes[label])) for label in self.labels]
            rows = [vectors.mean(axis=0) for vectors in embedded]
            centroids = np.stack([row / np.linalg.norm(row) for row in rows])
            bias = (np.concatenate(embedded) @ centroids.T).mean(axis=0)
            self._centroids[encoder.name] = (centroids, bias)
        return self._centroids[encoder.name]


@dataclass(frozen=True)
class Emotions:
    """Emotion scores of one text (summing to 1), its dominant label and confidence."""

    scores: dict[str, float]
    dominant: str
    confidence: float
    confident: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "scores": self.scores,
            "dominant": self.dominant,
            "confidence": self.confidence,
            "confident": self.confident,
        }


@dataclass(frozen=True)
class EmotionResults:
    """Emotions of a list of texts, in input order."""

    labels: tuple[str, ...]
    items: tuple[Emotions, ...]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Emotions]:
        return iter(self.items)

    def __getitem__(self, index: int) -> Emotions:
        return self.items[index]

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {
                **e.scores,
                "dominant": e.dominant,
                "confidence": e.confidence,
                "confident": e.confident,
            }
            for e in self.items
        ]
        return pd.DataFrame(rows, columns=[*self.labels, "dominant", "confidence", "confident"])

    def to_dict(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "items": [e.to_dict() for e in self.items]}

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def _keyword_scores(texts: list[str], emotion_set: EmotionSet) -> np.ndarray:
    patterns = [
        keyword_pattern(list(emotion_set.keywords[label]) or ["\x00"])
        for label in emotion_set.labels
    ]
    counts = np.array(
        [[len(p.findall(fold(text))) for p in patterns] for text in texts], float
    ).reshape(len(texts), len(patterns))
    totals = counts.sum(axis=1, keepdims=True)
    uniform = np.full_like(counts, 1.0 / max(1, counts.shape[1]))
    return np.where(totals > 0, counts / np.maximum(totals, 1.0), uniform)


def score_emotions(
    texts: list[str],
    *,
    encoder: Encoder | None,
    vectors: np.ndarray | None = None,
    emotion_set: EmotionSet | None = None,
) -> EmotionResults:
    """Emotion scores of cleaned ``texts``: by similarity with ``encoder`` (its ``vectors`` may
    be given when already computed), or by keywords when ``encoder`` is None."""
    emotion_set = emotion_set or default_emotion_set()
    if encoder is None:
        scores = _keyword_scores(texts, emotion_set)
    else:
        vectors = encoder.embed(texts) if vectors is None else vectors
        centroids, bias = emotion_set.centroids(encoder)
        logits = (vectors @ centroids.T - bias) / TEMPERATURE[encoder.name]
        logits -= logits.max(axis=1, keepdims=True)
        scores = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    items = []
    for row in scores:
        best = int(np.argmax(row))
        confidence = round(float(row[best]), 4)
        items.append(
            Emotions(
                scores={
                    label: round(float(v), 4)
                    for label, v in zip(emotion_set.labels, row, strict=True)
                },
                dominant=emotion_set.labels[best],
                confidence=confidence,
                confident=confidence >= MIN_CONFIDENCE,
            )
        )
    return EmotionResults(emotion_set.labels, tuple(items))


_DEFAULT: list[EmotionSet] = []


def default_emotion_set() -> EmotionSet:
    """The shipped label set, read once (its centroids are cached per encoder)."""
    if not _DEFAULT:
        _DEFAULT.append(EmotionSet.from_file())
    return _DEFAULT[0]
