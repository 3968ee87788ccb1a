"""Discover themes in texts that the pinned taxonomy does not cover.

Texts are clustered with k-means on their Universal Sentence Encoder embeddings (scikit-learn,
the ``voice`` extra). Each cluster is named by its top c-TF-IDF terms (unigrams and bigrams):
a term's frequency in the cluster, times ``log(1 + mean words per cluster / its frequency over
all clusters)``, so that words frequent everywhere do not name any cluster. A discovered theme
becomes a pinned one with :meth:`DiscoveredTheme.promote` and :meth:`Taxonomy.with_theme`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from parcours._optional import require
from parcours.errors import VoiceError
from parcours.voice.lexicon import fold
from parcours.voice.themes import Theme

__all__ = ["DiscoveredTheme", "Discovery", "discover"]


@dataclass(frozen=True)
class DiscoveredTheme:
    """A cluster of texts: its name, key phrases, size, rows and the most central examples."""

    name: str
    key_phrases: tuple[str, ...]
    size: int
    rows: tuple[int, ...]
    examples: tuple[str, ...]

    def promote(self, name: str | None = None) -> Theme:
        """A pinned theme: key phrases become keywords, examples become prototypes."""
        return Theme(name or self.name, self.key_phrases, self.examples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key_phrases": list(self.key_phrases),
            "size": self.size,
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class Discovery:
    """Discovered themes, largest first."""

    themes: tuple[DiscoveredTheme, ...]

    def __len__(self) -> int:
        return len(self.themes)

    def __iter__(self) -> Iterator[DiscoveredTheme]:
        return iter(self.themes)

    def __getitem__(self, index: int) -> DiscoveredTheme:
        return self.themes[index]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [t.to_dict() for t in self.themes], columns=["name", "key_phrases", "size", "examples"]
        )

    def to_dict(self) -> dict[str, Any]:
        return {"themes": [t.to_dict() for t in self.themes]}

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    text_module = require("sklearn.feature_extraction.text", extra="voice", feature="Discovery")
    french = resources.files("parcours.voice").joinpath("resources/stopwords.txt")
    words = {
        word
        for line in french.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for word in line.split()
    }
    return frozenset(words | set(text_module.ENGLISH_STOP_WORDS))


def _key_phrases(texts: list[str], labels: np.ndarray, k: int, top: int) -> list[list[str]]:
    text_module = require("sklearn.feature_extraction.text", extra="voice", feature="Discovery")
    documents = [" ".join(fold(texts[i]) for i in np.flatnonzero(labels == c)) for c in range(k)]
    vectorizer = text_module.CountVectorizer(
        ngram_range=(1, 2), stop_words=sorted(_stop_words()), token_pattern=r"(?u)\b[^\W\d_]{3,}\b"
    )
    counts = vectorizer.fit_transform(documents).toarray().astype(float)
    terms = vectorizer.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    idf = np.log(1.0 + counts.sum(axis=1).mean() / np.maximum(counts.sum(axis=0), 1.0))
    weights = tf * idf
    phrases = []
    for row in weights:
        chosen: list[str] = []
        for index in np.argsort(-row):
            term = str(terms[index])
            if row[index] <= 0 or len(chosen) == top:
                break
            words = term.split()
            if len(words) == 1 and any(term in c.split() for c in chosen):
                continue  # already part of a chosen bigram
            chosen = [c for c in chosen if c not in words] + [term]
        phrases.append(chosen)
    return phrases


def discover(
    texts: list[str],
    vectors: np.ndarray,
    *,
    n_themes: int | None = None,
    top_phrases: int = 5,
    examples: int = 3,
    min_size: int = 1,
) -> Discovery:
    """Cluster cleaned ``texts`` by their ``vectors`` into themes named by key phrases.

    ``n_themes`` defaults to about ``sqrt(len(texts) / 2)``, between 2 and 12. Clusters of fewer
    than ``min_size`` texts are left out: their texts stay in no theme.
    """
    cluster = require("sklearn.cluster", extra="voice", feature="Theme discovery")
    if len(texts) != len(vectors):
        raise VoiceError(f"Got {len(texts)} texts and {len(vectors)} vectors; give one each.")
    if len(texts) < 4:
        raise VoiceError(f"Discovery needs at least 4 texts; got {len(texts)}.")
    k = n_themes or int(np.clip(round(np.sqrt(len(texts) / 2)), 2, 12))
    k = min(k, len(texts) // 2)
    model = cluster.KMeans(n_clusters=k, n_init=4, random_state=0).fit(vectors)
    labels = np.asarray(model.labels_)
    phrases = _key_phrases(texts, labels, k, top_phrases)
    themes = []
    for c in range(k):
        rows = np.flatnonzero(labels == c)
        if len(rows) < min_size:
            continue
        distance = np.linalg.norm(vectors[rows] - model.cluster_centers_[c], axis=1)
        central = rows[np.argsort(distance)[:examples]]
        name = " / ".join(phrases[c][:3]) or f"theme {c + 1}"
        themes.append(
            DiscoveredTheme(
                name,
                tuple(phrases[c]),
                len(rows),
                tuple(int(r) for r in rows),
                tuple(texts[r] for r in central),
            )
        )
    return Discovery(tuple(sorted(themes, key=lambda t: -t.size)))
