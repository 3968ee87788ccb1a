"""Themes: a pinned taxonomy assigned by meaning and keywords.

A :class:`Taxonomy` holds themes (name, French/English keywords, prototype sentences, and an
optional stage/touchpoint link). A text's score for a theme is its best cosine similarity to
the theme's prototypes (Universal Sentence Encoder), plus :data:`KEYWORD_BONUS` when one of the
theme's keywords occurs. Themes scoring at least the taxonomy's ``threshold`` are assigned, best
first; a text with none goes to discovery (:mod:`parcours.voice.discovery`), whose clusters can be
promoted into the taxonomy with :meth:`Taxonomy.with_theme`. Without an encoder (lexicon tier)
only keywords count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from parcours.errors import VoiceError
from parcours.voice.encoders import Encoder
from parcours.voice.lexicon import fold, keyword_pattern

__all__ = ["KEYWORD_BONUS", "Taxonomy", "Theme", "ThemeAssignments", "ThemeMatch", "assign"]

#: Added to the similarity of a theme whose keyword occurs in the text.
KEYWORD_BONUS = 0.25


@dataclass(frozen=True)
class Theme:
    """One pinned theme."""

    name: str
    keywords: tuple[str, ...] = ()
    prototypes: tuple[str, ...] = ()
    stage: str | None = None
    touchpoint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["keywords"], data["prototypes"] = list(self.keywords), list(self.prototypes)
        return {k: v for k, v in data.items() if v not in (None, [])}


@dataclass(frozen=True)
class Taxonomy:
    """Themes and the similarity threshold at which they are assigned."""

    themes: tuple[Theme, ...]
    threshold: float = 0.45
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(theme.name for theme in self.themes)

    @classmethod
    def from_dict(cls, data: Any, source: str = "taxonomy") -> Taxonomy:
        if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
            raise VoiceError(f"{source}: expected a mapping with a 'themes' list.")
        themes = []
        for number, entry in enumerate(data["themes"], start=1):
            if not isinstance(entry, dict) or not entry.get("name"):
                raise VoiceError(f"{source}: theme {number} needs a 'name'.")
            if not entry.get("keywords") and not entry.get("prototypes"):
                raise VoiceError(f"{source}: theme {entry['name']!r} needs keywords or prototypes.")
            themes.append(
                Theme(
                    name=str(entry["name"]),
                    keywords=tuple(map(str, entry.get("keywords") or ())),
                    prototypes=tuple(map(str, entry.get("prototypes") or ())),
                    stage=entry.get("stage"),
                    touchpoint=entry.get("touchpoint"),
                )
            )
        return cls(tuple(themes), float(data.get("threshold", cls.threshold)))

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> Taxonomy:
        """Read a taxonomy YAML (like ``resources/taxonomy.yaml``; the shipped one if None)."""
        if path is None:
            text = resources.files("parcours.voice").joinpath("resources/taxonomy.yaml")
            return cls.from_dict(yaml.safe_load(text.read_text(encoding="utf-8")), "default")
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise VoiceError(f"Cannot read the taxonomy {path}: {exc}") from exc
        return cls.from_dict(data, str(path))

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "themes": [t.to_dict() for t in self.themes]}

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(
            yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return path

    def with_theme(self, theme: Theme) -> Taxonomy:
        """A copy with ``theme`` added (or replacing the theme of the same name)."""
        kept = tuple(t for t in self.themes if t.name != theme.name)
        return replace(self, themes=(*kept, theme), _cache={})

    def _patterns(self) -> list[Any]:
        if "patterns" not in self._cache:
            self._cache["patterns"] = [
                keyword_pattern(list(t.keywords)) if t.keywords else None for t in self.themes
            ]
        return self._cache["patterns"]

    def _prototypes(self, encoder: Encoder) -> list[np.ndarray | None]:
        key = f"prototypes:{encoder.name}"
        if key not in self._cache:
            self._cache[key] = [
                encoder.embed(list(t.prototypes)) if t.prototypes else None for t in self.themes
            ]
        return self._cache[key]

    def scores(
        self, texts: list[str], encoder: Encoder | None, vectors: np.ndarray | None = None
    ) -> np.ndarray:
        """Score of each text (rows) for each theme (columns); see the module docstring."""
        scores = np.zeros((len(texts), len(self.themes)))
        if encoder is not None and texts:
            vectors = encoder.embed(texts) if vectors is None else vectors
            for column, prototypes in enumerate(self._prototypes(encoder)):
                if prototypes is not None:
                    scores[:, column] = (vectors @ prototypes.T).max(axis=1)
        bonus = KEYWORD_BONUS if encoder is not None else 1.0
        folded = [fold(text) for text in texts]
        for column, pattern in enumerate(self._patterns()):
            if pattern is not None:
                hits = np.array([pattern.search(text) is not None for text in folded])
                scores[:, column] += bonus * hits
        return scores


@dataclass(frozen=True)
class ThemeMatch:
    name: str
    score: float


@dataclass(frozen=True)
class ThemeAssignments:
    """The themes of each text, best first (empty: below the threshold, left to discovery)."""

    items: tuple[tuple[ThemeMatch, ...], ...]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[tuple[ThemeMatch, ...]]:
        return iter(self.items)

    def __getitem__(self, index: int) -> tuple[ThemeMatch, ...]:
        return self.items[index]

    @property
    def unassigned(self) -> list[int]:
        """Rows of the texts that got no theme."""
        return [row for row, matches in enumerate(self.items) if not matches]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"row": row, "theme": m.name, "score": m.score}
                for row, matches in enumerate(self.items)
                for m in matches
            ],
            columns=["row", "theme", "score"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {"items": [[asdict(m) for m in matches] for matches in self.items]}

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def assign(
    texts: list[str],
    taxonomy: Taxonomy,
    *,
    encoder: Encoder | None,
    vectors: np.ndarray | None = None,
    max_themes: int = 3,
) -> ThemeAssignments:
    """Assign each cleaned text the themes scoring at least the threshold (at most
    ``max_themes``, best first). ``vectors`` are ``encoder``'s embeddings if already computed."""
    scores = taxonomy.scores(texts, encoder, vectors)
    threshold = taxonomy.threshold if encoder is not None else 1.0
    items = []
    for row in scores:
        order = [c for c in np.argsort(-row, kind="stable")[:max_themes] if row[c] >= threshold]
        items.append(
            tuple(ThemeMatch(taxonomy.themes[c].name, round(float(row[c]), 4)) for c in order)
        )
    return ThemeAssignments(tuple(items))
