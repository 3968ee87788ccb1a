"""Aspect-based sentiment: a feedback split into clauses, each with its theme and its sentiment.

:func:`split_clauses` cuts a text at sentence boundaries (``.``, ``!``, ``?``, ``;``, line
breaks, and run-together scraped text such as ``"Très bien.Livraison rapideMais emballage
abîmé"``) and before contrast markers (French: mais, sauf, par contre, cependant, en revanche,
néanmoins, toutefois, pourtant, seul bémol...; English: but, except, however, although, though,
apart from, only issue...). A clause holding a comma is also cut there when its two sides lean
opposite ways (lexicon and cues: ``"Produits OK, Chronopost KO"``).

Each clause is scored and themed like a text; each of its themes (or none) makes an
:class:`Aspect` (theme, span in the cleaned text, label and score). :func:`read_aspects` gives
a text the label ``mixed`` when one clause is clearly positive and another clearly negative (each
label's probability at least :data:`MIXED_CONFIDENCE`), and adds its clauses' themes to its own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from parcours.voice.cues import load_cues
from parcours.voice.lexicon import fold, load_lexicon
from parcours.voice.sentiment import Sentiment, SentimentResults
from parcours.voice.themes import ThemeAssignments, ThemeMatch

__all__ = ["MIXED_CONFIDENCE", "Aspect", "Clause", "read_aspects", "split_clauses"]

#: Each of a positive and a negative aspect must reach this probability for ``mixed``.
MIXED_CONFIDENCE = 0.6

_CONTRAST = [
    # French
    "mais",
    "sauf",
    "par contre",
    "cependant",
    "en revanche",
    "neanmoins",
    "toutefois",
    "pourtant",
    "seul bemol",
    "seul petit bemol",
    "petit bemol",
    "seul hic",
    "seul defaut",
    "seul point negatif",
    "seul souci",
    "seul probleme",
    "bien que",
    "malgre",
    "hormis",
    "a part",
    "dommage que",
    # English
    "but",
    "except",
    "however",
    "although",
    "though",
    "even though",
    "apart from",
    "only issue",
    "only problem",
    "only complaint",
    "only downside",
    "only thing",
    "the only",
    "nevertheless",
    "nonetheless",
    "on the other hand",
    "despite",
    "whereas",
]
_MARKER = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in _CONTRAST) + r")(?!\w)"
)
# Sentence ends (not a decimal point), line breaks, and a lower-case word run into a capitalised
# one ("rapideMais"; three lower-case letters first, so "iPhone" and "McDonald" stay whole).
_BOUNDARY = re.compile(r"(?<!\d)[.!?;…]+|[.!?;…]+(?!\d)|\n+|(?<=[a-zà-ÿ]{3})(?=[A-ZÀ-Ý][a-zà-ÿ])")
_EDGES = " \t\r\n,;:-–—.!?…"
_HAS_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Clause:
    """A piece of a text: ``text[start:end]`` of the cleaned text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Aspect:
    """One clause of a feedback with its theme (None: no pinned theme) and its sentiment."""

    theme: str | None
    start: int
    end: int
    text: str
    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the index of its source character."""
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = fold(char)
        out.append(folded)
        offsets.extend([index] * len(folded))
    offsets.append(len(text))
    return "".join(out), offsets


def _cuts(text: str) -> list[int]:
    cuts = {match.end() for match in _BOUNDARY.finditer(text)}
    folded, offsets = _folded_with_offsets(text)
    cuts |= {offsets[match.start()] for match in _MARKER.finditer(folded)}
    return sorted(c for c in cuts if 0 < c < len(text))


def _trim(text: str, start: int, end: int) -> Clause | None:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip(_EDGES))
    right = len(piece.rstrip(_EDGES))
    if right <= left:
        return None
    return Clause(piece[left:right], start + left, start + right)


def _polarity(text: str) -> float:
    cues = load_cues().find(text)
    return load_lexicon().polarity(text) - 2.0 * cues.problems + 2.0 * cues.no_problems


def _opposed_commas(text: str, clause: Clause) -> list[Clause]:
    """Cut ``clause`` at its commas where the two sides lean opposite ways."""
    groups: list[list[int]] = []
    offset = clause.start
    for piece in clause.text.split(","):
        span = [offset, offset + len(piece)]
        offset += len(piece) + 1
        if groups:
            left, right = text[groups[-1][0] : groups[-1][1]], text[span[0] : span[1]]
            both = _HAS_WORD.search(left) and _HAS_WORD.search(right)
            if not (both and _polarity(left) * _polarity(right) < 0):
                groups[-1][1] = span[1]
                continue
        groups.append(span)
    trimmed = [_trim(text, start, end) for start, end in groups]
    return [part for part in trimmed if part is not None]


def split_clauses(text: str) -> tuple[Clause, ...]:
    """The clauses of ``text`` (see the module docstring); a text of one clause gives itself.

    Spans are trimmed of spaces and punctuation; a piece without a word (two letters or more)
    joins the clause before it.
    """
    bounds = [0, *_cuts(text), len(text)]
    raw: list[Clause] = []
    for start, end in itertools.pairwise(bounds):
        clause = _trim(text, start, end)
        if clause is None:
            continue
        if raw and not _HAS_WORD.search(clause.text):
            previous = raw.pop()
            clause = Clause(text[previous.start : clause.end], previous.start, clause.end)
        raw.append(clause)
    clauses = [part for clause in raw for part in _opposed_commas(text, clause)]
    if len(clauses) <= 1:
        whole = _trim(text, 0, len(text))
        return (whole or Clause(text, 0, len(text)),)
    return tuple(clauses)


def _aspects_of(
    clauses: tuple[Clause, ...],
    sentiments: list[Sentiment],
    themes: list[tuple[ThemeMatch, ...]],
) -> tuple[Aspect, ...]:
    """One aspect per clause and theme of the clause (one with no theme when it has none)."""
    aspects = []
    for clause, sentiment, matches in zip(clauses, sentiments, themes, strict=True):
        names: list[str | None] = [m.name for m in matches]
        for name in names or [None]:
            aspect = Aspect(
                name, clause.start, clause.end, clause.text, sentiment.label, sentiment.score
            )
            aspects.append(aspect)
    return tuple(aspects)


def read_aspects(
    texts: list[str],
    sentiments: SentimentResults,
    themes: ThemeAssignments,
    score_clauses: Callable[[list[str]], tuple[SentimentResults, ThemeAssignments]],
) -> tuple[list[tuple[Aspect, ...]], list[Sentiment], list[tuple[ThemeMatch, ...]]]:
    """Aspects of each cleaned text, its overall sentiment (``mixed`` where aspects disagree)
    and its themes (the text's, then its clauses', best first, at most three).

    ``sentiments`` and ``themes`` are those of the whole texts; ``score_clauses`` reads the
    sentiment and themes of a list of clauses (called once, for the texts of several clauses).
    """
    clauses = [split_clauses(text) for text in texts]
    pieces = [c.text for parts in clauses if len(parts) > 1 for c in parts]
    piece_sentiments, piece_themes = score_clauses(pieces) if pieces else ((), ())
    position = 0
    all_aspects, overall, all_themes = [], [], []
    for row, parts in enumerate(clauses):
        sentiment, matches = sentiments[row], themes[row]
        if len(parts) == 1:
            aspects = _aspects_of(parts, [sentiment], [matches])
            all_aspects.append(aspects)
            overall.append(sentiment)
            all_themes.append(matches)
            continue
        span = range(position, position + len(parts))
        position += len(parts)
        clause_sentiments = [piece_sentiments[i] for i in span]
        clause_themes = [piece_themes[i] for i in span]
        aspects = _aspects_of(parts, clause_sentiments, clause_themes)
        best: dict[str, ThemeMatch] = {m.name: m for m in matches}
        for found in clause_themes:
            for match in found:
                if match.name not in best or best[match.name].score < match.score:
                    best[match.name] = match
        named = [m.name for m in matches]
        extra = sorted((m for m in best.values() if m.name not in named), key=lambda m: -m.score)
        all_themes.append((*matches, *extra)[:3])
        all_aspects.append(aspects)
        overall.append(_overall(sentiment, clause_sentiments))
    return all_aspects, overall, all_themes


def _overall(sentiment: Sentiment, clauses: list[Sentiment]) -> Sentiment:
    sure: dict[str, float] = {}  # each label's most confident clause
    for clause in clauses:
        if clause.confidence >= MIXED_CONFIDENCE:
            sure[clause.label] = max(sure.get(clause.label, 0.0), clause.confidence)
    if {"negative", "positive"} <= set(sure):
        confidence = round(min(sure["negative"], sure["positive"]), 4)
        return replace(sentiment, label="mixed", confidence=confidence)
    return sentiment
