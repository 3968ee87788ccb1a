"""Train the sentiment heads shipped in ``src/parcours/voice/heads/``.

    python scripts/train_voice_heads.py [e5] [use] [lexicon]
    python scripts/train_voice_heads.py --gate-only [e5] [use]   # keep the binary weights
    PARCOURS_E5_WEIGHTS=q4 python scripts/train_voice_heads.py e5   # heads/e5-q4.npz

The e5 head is fitted on the embeddings of the e5 weights run (``PARCOURS_E5_WEIGHTS``, int8 by
default: ``heads/e5.npz``; q4: ``heads/e5-q4.npz``), since a head fitted on one kind of
embeddings loses F1 on the other (``docs/benchmarks.md``, issue 15).

Training data (licences allow a shipped model): the 2,000 Allociné train reviews (French
movie reviews, MIT, T. Blard) and the train part of the fixed UCI split (English
Yelp/Amazon/IMDB sentences, Kotzias et al. 2015, CC BY 4.0), both from
``../shared/data/feedback``. Airline tweets and dair-ai emotions are never used here. The recipe
(features, data size) was chosen by 5-fold cross-validation on these train sets only
(``bench/voice_head_cv.py``; Allociné test was not read).

Recipe, per tier: the pool is split 80/20 (stratified by set and label, seed 0). A logistic
head (scikit-learn, regularisation by 5-fold cross-validation) is fitted on the 80 %; the
lexicon tier's logit is its polarity sum as is. The neutral zone (centred on the head's
boundary) is fitted on the held-out 20 % (negative/positive) plus the hand-written neutral
messages of ``resources/neutral_calibration.txt``, by class-balanced maximum likelihood of the
ordinal calibration (``parcours.voice.heads.fit_ordinal``). Weights are stored as float32 ``.npz``.

Neutral gate (issue 15; e5 and USE heads): a class-balanced logistic model of neutral vs. polar
over the embedding and ``|z|`` (``parcours.voice.heads.fit_neutral_gate``), fitted on the held-out
20 % (polar) plus the hand-written messages of ``resources/neutral_calibration.txt`` (neutral)
and ``resources/customer_messages.tsv`` (neutral, negative, positive customer messages of several
journeys). With a gate the head reads three classes from the text itself; its negative/positive
decision stays the binary head's. ``--gate-only`` fits the gate on the shipped head's binary
weights without refitting them.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import voice_data

from parcours.voice.clean import clean
from parcours.voice.e5_onnx import e5_kind
from parcours.voice.heads import LABELS, Head, fit_head, fit_neutral_gate, fit_ordinal
from parcours.voice.lexicon import load_lexicon
from parcours.voice.sentiment import head_file

HEADS = Path(__file__).resolve().parents[1] / "src" / "parcours" / "voice" / "heads"
TIERS = {"e5": "accurate", "use": "fast", "lexicon": "lexicon"}
SOURCES = "Allociné train (MIT, T. Blard) + UCI sentiment sentences train split (CC BY 4.0)"


def neutral_messages() -> list[str]:
    text = resources.files("parcours.voice").joinpath("resources/neutral_calibration.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return [clean(line) for line in lines if line.strip() and not line.startswith("#")]


def customer_messages() -> tuple[list[str], list[str]]:
    """The hand-written customer messages: (texts, labels)."""
    text = resources.files("parcours.voice").joinpath("resources/customer_messages.tsv")
    rows = [
        line.split("\t", 1)
        for line in text.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [clean(t) for _, t in rows], [label for label, _ in rows]


def with_gate(head: Head, kind: str) -> Head:
    """``head`` with a neutral gate fitted (see the module docstring)."""
    frame = pool()
    rows = split(frame)
    labels = frame.loc[rows, "label"].tolist()  # in set order, like the vectors
    neutral = neutral_messages()
    messages, message_labels = customer_messages()
    vectors = np.concatenate(
        [
            np.concatenate(
                [
                    featurise(kind, name, frame.loc[rows & (frame["set"] == name), "text"].tolist())
                    for name in ("allocine_train", "uci_train")
                ]
            ),
            featurise(kind, "messages", messages + neutral),
        ]
    )
    all_labels = labels + message_labels + ["neutral"] * len(neutral)
    z = head.logits(vectors)[:, 0]
    gate = fit_neutral_gate(vectors, z, all_labels)
    meta = {**head.meta, "neutral_gate": "customer_messages.tsv + neutral_calibration.txt"}
    gated = Head(head.encoder, head.classes, head.weights, head.bias, head.calibration, meta, gate)
    predicted = np.array(LABELS)[gated.probabilities(vectors).argmax(axis=1)]
    accuracy = float(np.mean(predicted == np.array(all_labels)))
    print(f"{kind}: neutral gate slope={gate.slope:.3f} calibration-set accuracy={accuracy:.3f}")
    return gated


def pool() -> pd.DataFrame:
    parts = [
        voice_data.load(name, voice_data.TRAIN_LIMIT.get(name))
        for name in ("allocine_train", "uci_train")
    ]
    for part, name in zip(parts, ("allocine_train", "uci_train"), strict=True):
        part["set"] = name
    return pd.concat(parts, ignore_index=True)[["text", "label", "set"]]


def featurise(kind: str, name: str, texts: list[str]) -> np.ndarray:
    if kind == "lexicon":
        return load_lexicon().polarities(texts)[:, None]
    return voice_data.embeddings(kind, name, texts)  # type: ignore[arg-type]


def split(frame: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the 20 % calibration rows, stratified by set and label, seed 0."""
    rng = np.random.default_rng(0)
    mask = np.zeros(len(frame), dtype=bool)
    for _, group in frame.groupby(["set", "label"], sort=True):
        index = group.index.to_numpy()
        mask[rng.choice(index, size=round(0.2 * len(index)), replace=False)] = True
    return mask


def train(kind: str) -> Head:
    frame = pool()
    vectors = np.concatenate(
        [
            featurise(kind, name, frame.loc[frame["set"] == name, "text"].tolist())
            for name in ("allocine_train", "uci_train")
        ]
    )
    calibration_rows = split(frame)
    labels = frame["label"].tolist()
    meta = {"trained_on": SOURCES, "recipe": "scripts/train_voice_heads.py"}
    if kind == "e5":
        meta["e5_weights"] = e5_kind()
    if kind == "lexicon":
        # The polarity sum is the logit itself (no sentiment at 0); only the calibration is fit.
        head = Head("lexicon", ("negative", "positive"), np.ones((1, 1)), np.zeros(1), meta=meta)
    else:
        head = fit_head(
            vectors[~calibration_rows],
            [label for label, held in zip(labels, calibration_rows, strict=True) if not held],
            kind,
            meta=meta,
        )
    neutral = neutral_messages()
    z = np.concatenate(
        [
            head.logits(vectors[calibration_rows])[:, 0],
            head.logits(featurise(kind, "neutral_calibration", neutral))[:, 0],
        ]
    )
    calibration_labels = [
        label for label, held in zip(labels, calibration_rows, strict=True) if held
    ] + ["neutral"] * len(neutral)
    # The zone stays centred on the head's own boundary: an off-centre zone fitted on this small
    # calibration set moved the negative/positive boundary and did worse (docs/benchmarks.md).
    calibration = fit_ordinal(z, calibration_labels, centred=True)
    fitted = Head(head.encoder, head.classes, head.weights, head.bias, calibration, head.meta)
    predicted = [
        LABELS[i]
        for i in fitted.probabilities(
            np.concatenate(
                [vectors[calibration_rows], featurise(kind, "neutral_calibration", neutral)]
            )
        ).argmax(axis=1)
    ]
    accuracy = np.mean([p == t for p, t in zip(predicted, calibration_labels, strict=True)])
    print(
        f"{kind}: C={head.meta.get('C', '-')} slope={calibration.slope:.3f} "
        f"neutral zone=[{calibration.low:.2f}, {calibration.high:.2f}] "
        f"calibration-set accuracy={accuracy:.3f}"
    )
    return fitted


def main(kinds: list[str]) -> None:
    gate_only = "--gate-only" in kinds
    kinds = [kind for kind in kinds if kind != "--gate-only"]
    for kind in kinds or ["lexicon", "use", "e5"]:
        if gate_only:
            head = with_gate(Head.load(HEADS / head_file(TIERS[kind])), kind)
        else:
            head = train(kind)
            head = head if kind == "lexicon" else with_gate(head, kind)
        path = head.save(HEADS / head_file(TIERS[kind]))
        print(f"  wrote {path.relative_to(HEADS.parents[3])} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
