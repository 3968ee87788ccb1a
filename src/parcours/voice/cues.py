"""Sentiment cues that sentence encoders miss: concrete problems and negated problems.

``resources/cues.yaml`` (written for parcours, French and English) lists *problem* phrases, a
fact that is bad news without any emotion word ("livraison tardive", "late delivery"), and
*no-problem* phrases, an understated positive ("pas de souci", "rien à redire", "no problem").
A problem phrase right after a negator ("pas en retard", "never late") counts as no problem.
:func:`adjust` moves a text's three probabilities when one cue kind alone is present: a problem
adds :data:`CUE_LOGIT` to the negative log-odds; a negated problem first swaps the negative and
positive probabilities when the negative one is larger (the encoder read the problem word, not
its negation, as the lexicon tier's negation flips a word), then adds :data:`CUE_LOGIT` to the
positive log-odds. The result stays a distribution. A text of more than :data:`CUE_MAX_WORDS`
words keeps its probabilities: one phrase is weak evidence in a long review (its clauses are
still moved one by one, see :mod:`parcours.voice.aspects`). It also lists the *generic* words
(service, experience, merci...) that, with sentiment and stop words, make a clause praise alone:
:func:`is_praise_only`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

from parcours.voice.lexicon import fold, keyword_pattern, load_lexicon

__all__ = ["CUE_LOGIT", "CUE_MAX_WORDS", "Cues", "adjust", "is_praise_only", "load_cues"]

#: Log-odds added to the cued label (negative for a problem, positive for a negated problem),
#: fixed by hand (not fitted on any evaluation set): about 7 to 1 odds for one cue kind.
CUE_LOGIT = 2.0
#: Longest text (in words) that its cues move: a short message or a clause. Chosen on the 20 %
#: of Allociné train held out from the heads' weights, where cues on every text lowered French
#: macro-F1 from 0.852 to 0.840 and this limit kept 0.852 (``docs/benchmarks.md``, issue 15).
CUE_MAX_WORDS = 40
_NEGATOR = re.compile(
    r"(?:^|\s)(?:pas|jamais|plus|sans|not|never|no|n't|isn't|wasn't)\s+(?:\S+\s+)?$"
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Cues:
    """Counts of problem and no-problem phrases in one text."""

    problems: int
    no_problems: int


@dataclass(frozen=True)
class _CueLists:
    problems: re.Pattern[str]
    no_problems: re.Pattern[str]
    generic: frozenset[str]
    stop_words: frozenset[str]

    def find(self, text: str) -> Cues:
        folded = fold(text)
        problems = no_problems = 0
        for match in self.problems.finditer(folded):
            if _NEGATOR.search(folded[: match.start()]):
                no_problems += 1
            else:
                problems += 1
        no_problems += len(self.no_problems.findall(folded))
        return Cues(problems, no_problems)


@lru_cache(maxsize=1)
def load_cues() -> _CueLists:
    """The shipped cue lists (``resources/cues.yaml``), read once."""
    files = resources.files("parcours.voice")
    data = yaml.safe_load(files.joinpath("resources/cues.yaml").read_text(encoding="utf-8"))
    stop_text = files.joinpath("resources/stopwords.txt").read_text(encoding="utf-8")
    stop_words = {
        word for line in stop_text.splitlines() if not line.startswith("#") for word in line.split()
    }
    return _CueLists(
        keyword_pattern([str(p) for p in data["problems"]]),
        keyword_pattern([str(p) for p in data["no_problem"]]),
        frozenset(fold(str(w)).rstrip("*") for w in data["generic"]),
        frozenset(stop_words | set(data["english_stop_words"])),
    )


def adjust(probabilities: np.ndarray, texts: list[str]) -> np.ndarray:
    """``probabilities`` (rows of negative, neutral, positive) moved by each text's cues."""
    cues = load_cues()
    out = np.array(probabilities, dtype=np.float64, copy=True)
    for row, text in enumerate(texts):
        if len(text.split()) > CUE_MAX_WORDS:
            continue
        found = cues.find(text)
        if bool(found.problems) == bool(found.no_problems):
            continue  # none, or both: the clauses tell them apart
        if found.no_problems and out[row, 0] > out[row, 2]:
            out[row, [0, 2]] = out[row, [2, 0]]
        logits = np.log(np.maximum(out[row], 1e-9))
        logits[0 if found.problems else 2] += CUE_LOGIT
        logits -= logits.max()
        out[row] = np.exp(logits) / np.exp(logits).sum()
    return out


def is_praise_only(text: str) -> bool:
    """True when ``text`` holds only sentiment words, generic words (service, merci...) and stop
    words: praise or blame that names no topic, so no theme applies."""
    cues = load_cues()
    lexicon = load_lexicon()
    words = _WORD.findall(fold(text))
    if not words:
        return True
    for word in words:
        stem = word.split("'")[-1]
        if stem in cues.stop_words or word in cues.stop_words or len(stem) < 2:
            continue
        if stem in cues.generic or lexicon.words.get(stem) is not None:
            continue
        return False
    return True
