"""Voice v2 (issue 15) accuracy measures, printed by ``bench/voice_eval.py --v2``.

* Binary and 3-class macro-F1 of the shipped heads *with* the problem / no-problem cues
  (``parcours.voice.cues.adjust``), on the same held-out sets and samples as ``voice_eval.py``;
  the 3-class head is read without any refit (airline tweets are never trained on).
* Pain-point themes of the airline tweets with the shipped ``travel`` taxonomy and the theme ->
  reason map ``bench/voice_travel_airline_map.yaml``, both committed before this was first run:
  macro-F1 over the 9 reasons ("Can't Tell" left out; an unmapped theme counts as a wrong
  reason), themes read as ``parcours voice`` reads them (text and clauses, praise left out); and
  the share of negative tweets given a pinned theme or a discovery cluster (``other`` bucket
  clustered with ``parcours.voice.discovery.discover``, clusters of at least 1 % of it).
* Error patterns of issue 15 on the hand-written ``tests/voice/data/error_patterns.csv`` (mixed,
  negated problems, concrete gripes): the share read as expected by ``analyse_feedback``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import voice_data
import yaml
from sklearn.metrics import f1_score
from voice_eval import featurise

from parcours.voice.aspects import read_aspects
from parcours.voice.cues import adjust
from parcours.voice.discovery import discover
from parcours.voice.encoders import get_encoder
from parcours.voice.heads import LABELS
from parcours.voice.pipeline import analyse_feedback
from parcours.voice.sentiment import from_probabilities, shipped_head
from parcours.voice.themes import Taxonomy, assign

HERE = Path(__file__).resolve().parent
PATTERNS = HERE.parent / "tests" / "voice" / "data" / "error_patterns.csv"


def sentiment_rows(tier: str) -> dict[str, float]:
    """Binary F1 (Allociné test, UCI test) and 3-class F1 (airline), with and without cues."""
    out: dict[str, float] = {}
    for name in ("allocine_test", "uci_test", "airline"):
        vectors, frame = featurise(tier, name)
        raw = shipped_head(tier).probabilities(vectors)  # type: ignore[arg-type]
        cued = adjust(raw, frame["text"].tolist())
        for key, p in (("raw", raw), ("cues", cued)):
            if name == "airline":
                predicted = np.array(LABELS)[p.argmax(axis=1)]
                out[f"airline3 {key}"] = float(
                    f1_score(frame["label3"], predicted, average="macro")
                )
            else:
                predicted = np.where(p[:, 2] > p[:, 0], "positive", "negative")
                out[f"{name} {key}"] = float(f1_score(frame["label"], predicted, average="macro"))
    return out


def travel_themes(texts: list[str], taxonomy: Taxonomy) -> list[tuple[str, ...]]:
    use = get_encoder("use")

    def themes_of(pieces: list[str]):  # type: ignore[no-untyped-def]
        vectors = voice_data.embeddings("use", "airline clauses", pieces)
        return assign(pieces, taxonomy, encoder=use, vectors=vectors)

    def clauses_of(pieces: list[str]):  # type: ignore[no-untyped-def]
        blank = from_probabilities(np.tile([0.0, 1.0, 0.0], (len(pieces), 1)), "bench")
        return blank, themes_of(pieces)

    blank = from_probabilities(np.tile([0.0, 1.0, 0.0], (len(texts), 1)), "bench")
    themes = themes_of(texts)
    _, _, merged = read_aspects(texts, blank, themes, clauses_of)
    return [tuple(m.name for m in found) for found in merged]


def theme_rows() -> dict[str, float]:
    frame = voice_data.load("airline")
    negative = frame[frame["label3"] == "negative"].reset_index(drop=True)
    taxonomy = Taxonomy.load("travel")
    mapping = yaml.safe_load((HERE / "voice_travel_airline_map.yaml").read_text())
    texts = negative["text"].tolist()
    themes = travel_themes(texts, taxonomy)
    reasons = negative["negativereason"].fillna("Can't Tell")
    keep = (reasons != "Can't Tell").to_numpy()
    predicted = [mapping.get(found[0], "another theme") if found else "none" for found in themes]
    names = sorted(set(mapping.values()))
    f1 = float(f1_score(reasons[keep], np.array(predicted)[keep], average="macro", labels=names))
    themed = [i for i, found in enumerate(themes) if found]
    rest = [i for i, found in enumerate(themes) if not found]
    clustered = 0
    if len(rest) >= 4:
        rest_texts = [texts[i] for i in rest]
        vectors = voice_data.embeddings("use", "airline", rest_texts)
        found = discover(rest_texts, vectors, min_size=max(3, len(rest) // 100))
        clustered = sum(t.size for t in found)
    return {
        "theme f1": f1,
        "reason tweets": float(int(keep.sum())),
        "negative tweets": float(len(texts)),
        "pinned share": len(themed) / len(texts),
        "theme or cluster share": (len(themed) + clustered) / len(texts),
    }


def pattern_rows(tier: str) -> dict[str, float]:
    frame = pd.read_csv(PATTERNS)
    results = analyse_feedback(frame["text"].tolist(), tier=tier)  # type: ignore[arg-type]
    frame["got"] = [record.sentiment.label for record in results]
    right = frame["got"] == frame["expected"]
    return {str(k): float(v) for k, v in right.groupby(frame["pattern"]).mean().items()}
