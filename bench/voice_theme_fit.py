"""Choose the theme assignment's settings on hand-written travel complaints, not on airline tweets.

    cd bench && python voice_theme_fit.py

``voice_travel_dev.tsv`` holds travel complaints written for issue 15 (English and French, one
theme of the shipped ``travel`` taxonomy each, or ``none`` when no topic is named). Each setting
of the grid (taxonomy ``threshold`` and ``keyword_bonus``) is scored by macro-F1 over the
taxonomy's themes of the top theme (themes read as ``parcours voice`` reads them: text and
clauses, praise left out; no theme counts as ``none``). The airline tweets are not read here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from voice_v2 import travel_themes

from parcours.voice.clean import clean
from parcours.voice.themes import Taxonomy

HERE = Path(__file__).resolve().parent
THRESHOLDS = np.round(np.arange(0.30, 0.61, 0.025), 3)
BONUSES = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4)


def dev_set() -> tuple[list[str], list[str]]:
    """(texts, themes) of ``voice_travel_dev.tsv``."""
    lines = (HERE / "voice_travel_dev.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t", 1) for line in lines if line.strip() and not line.startswith("#")]
    return [clean(text) for _, text in rows], [theme for theme, _ in rows]


def dev_f1(taxonomy: Taxonomy, texts: list[str], gold: list[str]) -> float:
    themes = travel_themes(texts, taxonomy)
    predicted = [found[0] if found else "none" for found in themes]
    return float(f1_score(gold, predicted, average="macro", labels=list(taxonomy.names)))


def main() -> None:
    texts, gold = dev_set()
    shipped = Taxonomy.load("travel")
    print(
        f"{len(texts)} dev texts; shipped settings: threshold {shipped.threshold}, "
        f"keyword_bonus {shipped.keyword_bonus}: F1 {dev_f1(shipped, texts, gold):.3f}"
    )
    results = {
        (t, b): dev_f1(
            replace(shipped, threshold=float(t), keyword_bonus=b, _cache={}),
            texts,
            gold,
        )
        for t in THRESHOLDS
        for b in BONUSES
    }
    print("threshold | " + " | ".join(f"bonus {b}" for b in BONUSES))
    for t in THRESHOLDS:
        print(f"{t:.3f} | " + " | ".join(f"{results[t, b]:.3f}" for b in BONUSES))
    best = max(results, key=lambda k: (round(results[k], 3), -abs(k[0] - shipped.threshold)))
    print(f"best: threshold {best[0]}, keyword_bonus {best[1]}: F1 {results[best]:.3f}")


if __name__ == "__main__":
    main()
