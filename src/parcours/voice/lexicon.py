"""The no-model sentiment tier: a small French and English lexicon with negation.

The word list is ``resources/lexicon.yaml``, written for parcours (no research-only lexicon).
:func:`polarity` sums word weights over a text, flips a word preceded within three tokens by a
negator, scales it after an intensifier, and adds complaint phrases that carry no affect word
("colis jamais reçu"). The raw sum is the tier's polarity logit; its ordinal calibration (neutral
zone and confidence) is fitted like the heads' (``scripts/train_voice_heads.py``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

__all__ = ["Lexicon", "fold", "keyword_pattern", "load_lexicon"]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\U0001f000-\U0001faff\u2600-\u27bf]")
_NEGATION_WINDOW = 3


def fold(text: str) -> str:
    """Lower case without accents: the form lexicon entries and keywords are matched on."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class _Entries:
    """Words (exact or prefix) with a value."""

    exact: dict[str, float]
    prefixes: tuple[tuple[str, float], ...]
    _seen: dict[str, float | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, groups: dict[float, list[str]]) -> _Entries:
        exact: dict[str, float] = {}
        prefixes: list[tuple[str, float]] = []
        for value, words in groups.items():
            for word in words:
                word = fold(str(word))
                if word.endswith("*"):
                    prefixes.append((word[:-1], float(value)))
                else:
                    exact[word] = float(value)
        return cls(exact, tuple(sorted(prefixes, key=lambda item: -len(item[0]))))

    def get(self, token: str) -> float | None:
        if token in self.exact:
            return self.exact[token]
        if token not in self._seen:
            found = next((v for prefix, v in self.prefixes if token.startswith(prefix)), None)
            self._seen[token] = found
        return self._seen[token]


def keyword_pattern(phrases: list[str]) -> re.Pattern[str]:
    """A regex matching any of ``phrases`` (folded; ``*`` = any word ending) as whole words."""
    parts = [
        re.escape(fold(p)).replace(r"\*", r"\w*").replace(r"\ ", r"\s+")
        for p in sorted(phrases, key=len, reverse=True)
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


@dataclass(frozen=True)
class Lexicon:
    """Word weights, complaint phrases, negators and intensifiers (see the module docstring)."""

    words: _Entries
    phrases: dict[str, float]
    phrase_pattern: re.Pattern[str]
    complaints: tuple[tuple[re.Pattern[str], float], ...]
    negators: frozenset[str]
    intensifiers: _Entries

    def polarity(self, text: str) -> float:
        """The raw polarity sum of one text (negative below zero)."""
        folded = fold(text)
        total = 0.0
        for pattern, weight in self.complaints:
            total += weight * len(pattern.findall(folded))
        # Multi-word entries become one token so that negation and intensity apply to them.
        folded = self.phrase_pattern.sub(
            lambda m: " " + re.sub(r"\s+", "_", m.group(0)) + " ", folded
        )
        tokens: list[str] = []
        for chunk in folded.split():
            tokens.extend([chunk] if "_" in chunk else _TOKEN.findall(chunk))
        last_negator = -_NEGATION_WINDOW - 1
        scale = 1.0
        for index, token in enumerate(tokens):
            if token in self.negators:
                last_negator = index
                continue
            value = self.phrases.get(token) if "_" in token else self.words.get(token)
            boost = self.intensifiers.get(token)
            next_is_polar = index + 1 < len(tokens) and self.words.get(tokens[index + 1])
            if boost is not None and next_is_polar:
                scale = boost
                continue
            if value is None:
                continue
            if index - last_negator <= _NEGATION_WINDOW:
                value = -0.75 * value
            total += value * scale
            scale = 1.0
        return total

    def polarities(self, texts: list[str]) -> np.ndarray:
        """:meth:`polarity` of each text."""
        return np.array([self.polarity(text) for text in texts], dtype=np.float64)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The shipped lexicon (``resources/lexicon.yaml``), read once."""
    source = resources.files("parcours.voice").joinpath("resources/lexicon.yaml").read_text()
    data = yaml.safe_load(source)
    groups: dict[float, list[str]] = {}
    for sign, section in ((1, "positive"), (-1, "negative")):
        for weight, words in data[section].items():
            groups.setdefault(sign * float(weight), []).extend(words)
    phrases = {fold(w).replace(" ", "_"): v for v, ws in groups.items() for w in ws if " " in w}
    single = {v: [w for w in ws if " " not in w] for v, ws in groups.items()}
    complaints = tuple(
        (keyword_pattern(list(words)), float(weight))
        for weight, words in data["complaints"].items()
    )
    multi_word = [key.replace("_", " ") for key in phrases]
    return Lexicon(
        words=_Entries.build(single),
        phrases=phrases,
        phrase_pattern=keyword_pattern(multi_word),
        complaints=complaints,
        negators=frozenset(fold(str(w)) for w in data["negators"]),
        intensifiers=_Entries.build(
            {float(k): [w for w in v if " " not in w] for k, v in data["intensifiers"].items()}
        ),
    )
