"""Themes: a pinned taxonomy assigned by meaning and keywords.

A :class:`Taxonomy` holds themes (an id, French/English names and descriptions, keywords,
example phrases, and an optional stage/touchpoint link). parcours ships taxonomies for common
journeys (:data:`SHIPPED`: ``ecommerce``, the default, ``travel``, ``banking_insurance``,
``telecom``, ``public_services``; ``resources/taxonomies/``); :meth:`Taxonomy.load` takes one of
those names or the path of your own YAML, checked with errors that give the line and column.
A text's score for a theme is its best cosine similarity to the theme's prototypes (Universal
Sentence Encoder), plus the taxonomy's ``keyword_bonus`` (0.25 unless its YAML sets it) when
one of the theme's keywords occurs. Themes scoring at least the taxonomy's ``threshold`` are
assigned, best first. Praise or blame that names no topic ("Très bien, merci", "great service":
:func:`parcours.voice.cues.is_praise_only`) gets no theme; any other text with none falls in the
explicit ``other`` bucket, left to discovery (:mod:`parcours.voice.discovery`), whose clusters can
be promoted into the taxonomy with :meth:`Taxonomy.with_theme`. Without an encoder (lexicon tier)
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
from parcours.voice.cues import is_praise_only
from parcours.voice.encoders import Encoder
from parcours.voice.lexicon import fold, keyword_pattern

__all__ = [
    "SHIPPED",
    "Taxonomy",
    "Theme",
    "ThemeAssignments",
    "ThemeMatch",
    "assign",
]

#: The taxonomies shipped under ``resources/taxonomies/`` (the first is the default).
SHIPPED = ("ecommerce", "travel", "banking_insurance", "telecom", "public_services")
_KEYS = {"id", "name", "description", "keywords", "examples", "prototypes", "stage", "touchpoint"}


@dataclass(frozen=True)
class Theme:
    """One pinned theme: ``name`` is its id in results; ``labels`` and ``description`` give its
    French and English wording (``{"fr": ..., "en": ...}``); ``prototypes`` are its examples."""

    name: str
    keywords: tuple[str, ...] = ()
    prototypes: tuple[str, ...] = ()
    stage: str | None = None
    touchpoint: str | None = None
    labels: dict[str, str] = field(default_factory=dict, compare=False)
    description: dict[str, str] = field(default_factory=dict, compare=False)

    def label(self, lang: str = "en") -> str:
        """The theme's name in ``lang`` (its id when it has none)."""
        return self.labels.get(lang) or self.name

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["keywords"], data["prototypes"] = list(self.keywords), list(self.prototypes)
        data = {k: v for k, v in data.items() if v not in (None, [], {})}
        if self.labels:
            data["id"], data["name"] = data.pop("name"), data.pop("labels")
        if "prototypes" in data:
            data["examples"] = data.pop("prototypes")
        return data


@dataclass(frozen=True)
class Taxonomy:
    """Themes, the score at which they are assigned (``threshold``) and what a keyword adds to
    a theme's similarity (``keyword_bonus``)."""

    themes: tuple[Theme, ...]
    threshold: float = 0.45
    keyword_bonus: float = 0.25
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(theme.name for theme in self.themes)

    @classmethod
    def from_dict(
        cls, data: Any, source: str = "taxonomy", places: list[str] | None = None
    ) -> Taxonomy:
        """A taxonomy from parsed YAML; ``places`` ("line L, column C" of each theme) locate
        errors."""
        if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
            raise VoiceError(f"{source}: expected a mapping with a 'themes' list.")
        themes = []
        for number, entry in enumerate(data["themes"], start=1):
            where = f"{source}, {places[number - 1]}" if places else source
            themes.append(_theme(entry, number, where))
        seen = [t.name for t in themes]
        twice = sorted({name for name in seen if seen.count(name) > 1})
        if twice:
            raise VoiceError(f"{source}: theme ids must be unique; {twice} appear twice.")
        numbers = {}
        for key, example in (("threshold", 0.45), ("keyword_bonus", 0.25)):
            try:
                numbers[key] = float(data.get(key, getattr(cls, key)))
            except (TypeError, ValueError):
                raise VoiceError(f"{source}: '{key}' must be a number, like {example}.") from None
        return cls(tuple(themes), numbers["threshold"], numbers["keyword_bonus"])

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> Taxonomy:
        """Read a taxonomy YAML (the shipped default, ``ecommerce``, if None)."""
        if path is None:
            return cls.load(SHIPPED[0])
        try:
            text = Path(path).read_text(encoding="utf-8")
            data = yaml.safe_load(text)
        except (OSError, yaml.YAMLError) as exc:
            raise VoiceError(f"Cannot read the taxonomy {path}: {exc}") from exc
        return cls.from_dict(data, str(path), _theme_places(text))

    @classmethod
    def load(cls, name_or_path: str | Path) -> Taxonomy:
        """A shipped taxonomy by name (:data:`SHIPPED`) or your own YAML file by path."""
        if str(name_or_path) in SHIPPED:
            folder = resources.files("parcours.voice").joinpath("resources/taxonomies")
            text = folder.joinpath(f"{name_or_path}.yaml").read_text(encoding="utf-8")
            return cls.from_dict(yaml.safe_load(text), str(name_or_path), _theme_places(text))
        if not Path(name_or_path).is_file():
            raise VoiceError(
                f"No taxonomy {str(name_or_path)!r}: give one of {', '.join(SHIPPED)} or the "
                "path of a YAML file."
            )
        return cls.from_file(name_or_path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "keyword_bonus": self.keyword_bonus,
            "themes": [t.to_dict() for t in self.themes],
        }

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
        bonus = self.keyword_bonus if encoder is not None else 1.0
        folded = [fold(text) for text in texts]
        for column, pattern in enumerate(self._patterns()):
            if pattern is not None:
                hits = np.array([pattern.search(text) is not None for text in folded])
                scores[:, column] += bonus * hits
        return scores


def _wording(value: Any, key: str, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"fr": value, "en": value}
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    raise VoiceError(f"{where}: '{key}' must be a text or a mapping like {{fr: ..., en: ...}}.")


def _phrases(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise VoiceError(f"{where}: '{key}' must be a list of phrases.")
    return tuple(map(str, value))


def _theme(entry: Any, number: int, where: str) -> Theme:
    """One theme entry of a taxonomy YAML, checked."""
    if not isinstance(entry, dict):
        raise VoiceError(f"{where}: theme {number} must be a mapping with an id and keywords.")
    unknown = sorted(set(map(str, entry)) - _KEYS)
    if unknown:
        raise VoiceError(f"{where}: unknown key {unknown[0]!r}; use {', '.join(sorted(_KEYS))}.")
    name = entry.get("name")
    ident = entry.get("id") or (name if isinstance(name, str) else None)
    if not ident:
        raise VoiceError(f"{where}: theme {number} needs an 'id' (or a 'name' text).")
    keywords = _phrases(entry.get("keywords"), "keywords", where)
    examples = _phrases(entry.get("examples"), "examples", where)
    examples += _phrases(entry.get("prototypes"), "prototypes", where)
    if not keywords and not examples:
        raise VoiceError(f"{where}: theme {str(ident)!r} needs keywords or examples (prototypes).")
    return Theme(
        name=str(ident),
        keywords=keywords,
        prototypes=examples,
        stage=entry.get("stage"),
        touchpoint=entry.get("touchpoint"),
        labels=_wording(name, "name", where) if isinstance(name, dict) else {},
        description=_wording(entry.get("description"), "description", where),
    )


def _theme_places(text: str) -> list[str]:
    """ "line L, column C" of each entry of the YAML's ``themes`` list (empty if unreadable)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "themes" and isinstance(value, yaml.SequenceNode):
            return [
                f"line {item.start_mark.line + 1}, column {item.start_mark.column + 1}"
                for item in value.value
            ]
    return []


@dataclass(frozen=True)
class ThemeMatch:
    name: str
    score: float


@dataclass(frozen=True)
class ThemeAssignments:
    """The themes of each text, best first (empty: praise alone, or below the threshold: the
    ``other`` bucket, left to discovery)."""

    items: tuple[tuple[ThemeMatch, ...], ...]
    praise: tuple[bool, ...] = ()

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

    @property
    def other(self) -> list[int]:
        """Rows of the texts that name a topic but no pinned theme: the ``other`` bucket."""
        praise = self.praise or (False,) * len(self.items)
        return [row for row in self.unassigned if not praise[row]]

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
    ``max_themes``, best first), none to praise alone. ``vectors`` are ``encoder``'s embeddings
    if already computed."""
    scores = taxonomy.scores(texts, encoder, vectors)
    threshold = taxonomy.threshold if encoder is not None else 1.0
    praise = tuple(is_praise_only(text) for text in texts)
    items = []
    for row, alone in zip(scores, praise, strict=True):
        order = [c for c in np.argsort(-row, kind="stable")[:max_themes] if row[c] >= threshold]
        items.append(
            ()
            if alone
            else tuple(ThemeMatch(taxonomy.themes[c].name, round(float(row[c]), 4)) for c in order)
        )
    return ThemeAssignments(tuple(items), praise)
