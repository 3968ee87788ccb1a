"""Choose the accurate tier's sentiment recipe by cross-validation on the TRAIN sets only.

    python bench/voice_head_cv.py [--allocine 1000|2000]

Every variant is scored by 5-fold cross-validation (stratified by set and label, seed 0) on the
training pool that ships heads: Allociné train (FR, MIT) and the train part of the fixed UCI
split (EN, CC BY 4.0). Allociné test, the UCI test part, the airline tweets and dair-ai are never
read here. The score printed is the macro-F1 (negative/positive) of the out-of-fold predictions,
separately on the French (Allociné) and English (UCI) rows of the pool.

Variants (features x head):

* ``e5 head``: e5 ``query:`` embedding of the first 1,000 characters (what the tier did so far).
* ``e5 head+tail``: the mean of the embeddings of the first and the last 1,000 characters (the
  same text for a review of 1,000 characters or less), renormalised.
* ``use ...``: the same with the multilingual USE; ``e5+use``: both concatenated.
* ``+ prototypes w``: the head's logit plus ``w`` times a zero-shot score, the cosine to the mean
  of positive ``query:`` prototype sentences minus that to the negative ones (``PROTOTYPES``),
  times 20 (about one logit unit per 0.05 of cosine).
* ``zero-shot``: the prototype score alone (no training).

The logistic head's ``C`` is picked per variant on the same folds (grid 0.1 .. 100).
Embeddings are cached per text under ``bench/out/cache``.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
import voice_data
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

#: Zero-shot prototypes, written for this experiment (French and English, reviews and service).
PROTOTYPES = {
    "positive": [
        "C'est excellent, j'ai adoré.",
        "Très bonne expérience, je recommande vivement.",
        "Un vrai plaisir, tout était parfait.",
        "Je suis très satisfait, merci beaucoup.",
        "Un chef-d'œuvre, magnifique du début à la fin.",
        "This is excellent, I loved it.",
        "Great experience, highly recommended.",
        "I am very happy with it, thank you.",
    ],
    "negative": [
        "C'est nul, je suis très déçu.",
        "Une expérience horrible, à éviter absolument.",
        "Ennuyeux et raté, une perte de temps.",
        "Je suis mécontent, rien ne fonctionne.",
        "Le pire achat que j'aie jamais fait.",
        "This is terrible, I am very disappointed.",
        "Awful experience, avoid at all costs.",
        "Boring and a complete waste of time.",
    ],
}
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
PROTOTYPE_SCALE = 20.0


def head_tail(encoder: str, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of the first 1,000 characters and of their mean with the last 1,000."""
    prepared = [text if text.strip() else "." for text in texts]
    head = voice_data.embed_texts(encoder, [text[:1000] for text in prepared])  # type: ignore[arg-type]
    tail = voice_data.embed_texts(encoder, [text[-1000:] for text in prepared])  # type: ignore[arg-type]
    both = head + tail
    return head, both / np.linalg.norm(both, axis=1, keepdims=True)


def prototype_score(vectors: np.ndarray) -> np.ndarray:
    """Cosine to the positive prototypes' mean minus cosine to the negative ones', x scale."""
    centres = {
        label: voice_data.embed_texts("e5", sentences).mean(axis=0)
        for label, sentences in PROTOTYPES.items()
    }
    direction = centres["positive"] - centres["negative"]
    return PROTOTYPE_SCALE * (vectors @ direction)


def out_of_fold(x: np.ndarray, y: np.ndarray, strata: np.ndarray, c: float) -> np.ndarray:
    """Out-of-fold logits of a logistic head with strength ``c``."""
    logits = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for train, test in folds.split(x, strata):
        model = LogisticRegression(C=c, max_iter=3000).fit(x[train], y[train])
        logits[test] = model.decision_function(x[test])
    return logits


def scores(logits: np.ndarray, y: np.ndarray, is_fr: np.ndarray) -> tuple[float, float]:
    predicted = (logits > 0).astype(int)
    return tuple(  # type: ignore[return-value]
        float(f1_score(y[rows], predicted[rows], average="macro")) for rows in (is_fr, ~is_fr)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allocine", type=int, default=2000, help="Allociné train rows used")
    args = parser.parse_args()
    allocine = voice_data.load("allocine_train", None if args.allocine >= 2000 else args.allocine)
    allocine["set"] = "allocine_train"
    uci = voice_data.load("uci_train")
    uci["set"] = "uci_train"
    pool = pd.concat([allocine, uci], ignore_index=True)
    texts = pool["text"].tolist()
    y = (pool["label"] == "positive").to_numpy().astype(int)
    strata = (pool["set"] + "_" + pool["label"]).to_numpy()
    is_fr = (pool["set"] == "allocine_train").to_numpy()
    e5_head, e5_both = head_tail("e5", texts)
    use_head, use_both = head_tail("use", texts)
    features = {
        "e5 head": e5_head,
        "e5 head+tail": e5_both,
        "use head": use_head,
        "use head+tail": use_both,
        "e5+use head+tail": np.hstack([e5_both, use_both]),
    }
    print(f"pool: {is_fr.sum()} Allociné train + {(~is_fr).sum()} UCI train; 5-fold CV\n")
    print("| variant | C | CV F1 FR | CV F1 EN |\n|---|---|---|---|")
    zero = {name: prototype_score(features[name]) for name in ("e5 head", "e5 head+tail")}
    for name, vectors in zero.items():
        fr, en = scores(vectors, y, is_fr)
        print(f"| zero-shot prototypes, {name} | - | {fr:.3f} | {en:.3f} |")
    for name, x in features.items():
        best = max(C_GRID, key=lambda c: sum(scores(out_of_fold(x, y, strata, c), y, is_fr)))
        logits = out_of_fold(x, y, strata, best)
        fr, en = scores(logits, y, is_fr)
        print(f"| {name} | {best:g} | {fr:.3f} | {en:.3f} |")
        if name.startswith("e5"):
            for weight in (0.5, 1.0, 2.0):
                blended = logits + weight * zero[name if name in zero else "e5 head+tail"]
                fr, en = scores(blended, y, is_fr)
                print(f"| {name} + prototypes {weight:g} | {best:g} | {fr:.3f} | {en:.3f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
