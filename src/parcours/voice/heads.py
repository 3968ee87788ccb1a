"""Sentiment heads: small linear models over sentence embeddings, stored as data.

A head turns embeddings into probabilities over :data:`LABELS` with numpy alone.

* A **binary head** (shipped; trained on negative/positive reviews) gives a polarity logit
  ``z``. Three classes come from an ordinal logistic calibration of that logit with two cut
  points: ``P(negative) = sigmoid(slope * (low - z))``, ``P(positive) = sigmoid(slope * (z -
  high))``, ``P(neutral)`` the rest. ``slope``, ``low`` and ``high`` are fitted by maximum
  likelihood on a calibration set that holds neutral texts (see
  ``scripts/train_voice_heads.py``; the shipped heads keep the zone centred on the head's own
  boundary), so the neutral zone and the confidence (the probability of the chosen label) are
  calibrated, not guessed.
* A binary head may carry a **neutral gate** (:class:`NeutralGate`, shipped since issue 15): a
  logistic model of "neutral vs. polar" over the embedding and ``|z|``, fitted on neutral and
  polar customer messages. Then ``P(neutral) = sigmoid(gate)``, and the rest splits into
  negative and positive by ``sigmoid(slope * z)``: the neutral band is learned from the text, not
  a fixed cut on the score, and the negative/positive decision stays the binary head's.
* A **three-class head** (from :func:`parcours.voice.refit` on a user's labelled verbatims or
  star ratings) is a multinomial logistic regression: softmax over the three labels.

Heads are saved as ``.npz`` (arrays plus a JSON ``meta`` string, no pickle). Fitting uses
scikit-learn (the ``voice`` extra); inference does not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError

__all__ = [
    "LABELS",
    "Head",
    "NeutralGate",
    "OrdinalCalibration",
    "fit_head",
    "fit_neutral_gate",
    "fit_ordinal",
]

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)))


@dataclass(frozen=True)
class OrdinalCalibration:
    """Maps a polarity logit to three calibrated probabilities (see the module docstring)."""

    slope: float = 1.0
    low: float = 0.0
    high: float = 0.0

    def probabilities(self, z: np.ndarray) -> np.ndarray:
        """Rows of ``(P(negative), P(neutral), P(positive))`` for logits ``z``."""
        z = np.asarray(z, dtype=np.float64)
        negative = _sigmoid(self.slope * (self.low - z))
        positive = _sigmoid(self.slope * (z - self.high))
        neutral = np.clip(1.0 - negative - positive, 0.0, 1.0)
        return np.stack([negative, neutral, positive], axis=1)

    @property
    def half_width(self) -> float:
        """Half the neutral zone, in calibrated logit units (``slope`` times logit units)."""
        return self.slope * (self.high - self.low) / 2


def fit_ordinal(z: np.ndarray, labels: list[str], *, centred: bool = False) -> OrdinalCalibration:
    """Fit ``slope``, ``low`` and ``high`` by class-balanced maximum likelihood (grid search).

    ``z`` are a binary head's logits on texts labelled negative, neutral and positive. With
    ``centred`` the neutral zone is kept symmetric around 0 (for a logit whose 0 means "no
    evidence", like the lexicon's polarity sum).
    """
    target = np.array([LABELS.index(label) for label in labels])
    if len(set(target.tolist())) < 3:
        raise VoiceError(
            "Calibrating the neutral zone needs negative, neutral and positive examples; "
            f"got only {sorted({LABELS[i] for i in set(target.tolist())})}."
        )
    # Each label weighs the same in the likelihood, whatever its share of the calibration set.
    weight = 1.0 / np.bincount(target, minlength=3)[target]
    rows = np.arange(len(target))
    best = (np.inf, OrdinalCalibration())
    for slope in np.geomspace(0.1, 10.0, 30):
        for centre in [0.0] if centred else np.linspace(-4.0, 4.0, 33):
            for half in np.linspace(0.0, 6.0, 31) / slope:
                calibration = OrdinalCalibration(float(slope), centre - half, centre + half)
                p = calibration.probabilities(z)[rows, target]
                loss = -float(np.sum(weight * np.log(np.maximum(p, 1e-9))))
                if loss < best[0]:
                    best = (loss, calibration)
    return best[1]


@dataclass(frozen=True)
class NeutralGate:
    """``P(neutral)`` from the embedding and the binary logit's size (module docstring)."""

    weights: np.ndarray  # one per embedding dimension, then one for |z|
    bias: float
    slope: float

    def probabilities(self, vectors: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Rows of ``(P(negative), P(neutral), P(positive))``."""
        x = np.asarray(vectors, dtype=np.float64)
        gate = x @ self.weights[:-1] + self.weights[-1] * np.abs(z) + self.bias
        neutral = _sigmoid(gate)
        positive = _sigmoid(self.slope * z)
        return np.stack([(1 - neutral) * (1 - positive), neutral, (1 - neutral) * positive], axis=1)


def fit_neutral_gate(vectors: np.ndarray, z: np.ndarray, labels: list[str]) -> NeutralGate:
    """Fit a :class:`NeutralGate` on embeddings, their binary logits ``z`` and their labels.

    The gate is a class-balanced logistic regression of neutral vs. polar (regularisation by
    5-fold cross-validation); ``slope`` maximises the likelihood of the polar labels.
    """
    linear_model = require("sklearn.linear_model", extra="voice", feature="Fitting a head")
    target = np.asarray(labels)
    if not {"negative", "neutral", "positive"} <= set(labels):
        raise VoiceError("A neutral gate needs negative, neutral and positive examples.")
    x = np.column_stack([np.asarray(vectors, dtype=np.float64), np.abs(z)])
    neutral = (target == "neutral").astype(int)
    best_c = _cross_validated_c(x, neutral.astype(str), min(5, int(neutral.sum())), balanced=True)
    model = linear_model.LogisticRegression(C=best_c, max_iter=2000, class_weight="balanced")
    model.fit(x, neutral)
    polar = target != "neutral"
    sign = np.where(target[polar] == "positive", 1.0, -1.0)
    slopes = np.geomspace(0.05, 10.0, 80)
    losses = [float(np.sum(np.logaddexp(0.0, -s * sign * z[polar]))) for s in slopes]
    return NeutralGate(
        model.coef_[0].copy(), float(model.intercept_[0]), float(slopes[np.argmin(losses)])
    )


@dataclass(frozen=True)
class Head:
    """A linear head over one encoder's embeddings; see the module docstring."""

    encoder: str
    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    calibration: OrdinalCalibration = OrdinalCalibration()
    meta: dict[str, Any] = field(default_factory=dict)
    gate: NeutralGate | None = None

    @property
    def is_binary(self) -> bool:
        return self.classes == ("negative", "positive")

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        """Raw linear scores, shape ``(n, len(weights))``."""
        return np.asarray(vectors, dtype=np.float64) @ self.weights.T + self.bias

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Rows of ``(P(negative), P(neutral), P(positive))``."""
        logits = self.logits(vectors)
        if self.is_binary and self.gate is not None:
            return self.gate.probabilities(vectors, logits[:, 0])
        if self.is_binary:
            return self.calibration.probabilities(logits[:, 0])
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probs = exp / exp.sum(axis=1, keepdims=True)
        out = np.zeros((len(probs), 3))
        for column, label in enumerate(self.classes):
            out[:, LABELS.index(label)] = probs[:, column]
        return out

    def save(self, path: str | Path) -> Path:
        """Write the head to ``path`` (``.npz``) and return the path."""
        path = Path(path)
        meta = {
            **self.meta,
            "encoder": self.encoder,
            "classes": list(self.classes),
            "slope": self.calibration.slope,
            "low": self.calibration.low,
            "high": self.calibration.high,
        }
        arrays: dict[str, Any] = {
            "weights": self.weights.astype(np.float32),
            "bias": self.bias.astype(np.float32),
        }
        if self.gate is not None:
            meta["gate_bias"], meta["gate_slope"] = self.gate.bias, self.gate.slope
            arrays["gate_weights"] = self.gate.weights.astype(np.float32)
        arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Head:
        """Read a head written by :meth:`save`."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                weights, bias = data["weights"], data["bias"]
                gate_weights = data.get("gate_weights")
        except (OSError, KeyError, ValueError) as exc:
            raise VoiceError(
                f"Cannot read the sentiment head {path}: {exc}. Write it with Head.save() "
                "or parcours.voice.refit()."
            ) from exc
        calibration = OrdinalCalibration(meta.pop("slope"), meta.pop("low"), meta.pop("high"))
        gate = None
        if gate_weights is not None:
            gate = NeutralGate(
                gate_weights.astype(np.float64), meta.pop("gate_bias"), meta.pop("gate_slope")
            )
        return cls(
            encoder=meta.pop("encoder"),
            classes=tuple(meta.pop("classes")),
            weights=weights.astype(np.float64),
            bias=bias.astype(np.float64),
            calibration=calibration,
            meta=meta,
            gate=gate,
        )


def _cross_validated_c(
    x: np.ndarray, y: np.ndarray, folds: int, *, balanced: bool = False
) -> float:
    """The regularisation strength with the best mean held-out log-loss over ``folds`` folds."""
    linear_model = require("sklearn.linear_model", extra="voice", feature="Fitting a head")
    selection = require("sklearn.model_selection", extra="voice", feature="Fitting a head")
    splitter = selection.StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    losses: dict[float, float] = {}
    for c in np.geomspace(0.01, 100, 7):
        total = 0.0
        for train, test in splitter.split(x, y):
            model = linear_model.LogisticRegression(
                C=c, max_iter=2000, class_weight="balanced" if balanced else None
            ).fit(x[train], y[train])
            p = model.predict_proba(x[test])[
                np.arange(len(test)), np.searchsorted(model.classes_, y[test])
            ]
            total -= float(np.sum(np.log(np.maximum(p, 1e-12))))
        losses[float(c)] = total
    return min(losses, key=lambda c: losses[c])


def fit_head(
    vectors: np.ndarray, labels: list[str], encoder: str, *, meta: dict[str, Any] | None = None
) -> Head:
    """Fit a logistic head (regularisation chosen by 5-fold cross-validation).

    With only ``negative``/``positive`` labels the head is binary (its calibration is left at
    slope 1 and no neutral zone; fit one with :func:`fit_ordinal`); with ``neutral`` too it has
    3 classes.
    """
    linear_model = require("sklearn.linear_model", extra="voice", feature="Fitting a head")
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise VoiceError(f"Unknown sentiment labels {unknown}; use {', '.join(LABELS)}.")
    classes = tuple(label for label in LABELS if label in set(labels))
    if "negative" not in classes or "positive" not in classes:
        raise VoiceError(
            f"A head needs negative and positive examples (got {list(classes)}); label more."
        )
    counts = {label: labels.count(label) for label in classes}
    folds = min(5, *counts.values())
    if folds < 2:
        raise VoiceError(f"Each label needs at least 2 examples to fit a head; got {counts}.")
    x = np.asarray(vectors, dtype=np.float64)
    y = np.asarray(labels)
    best_c = _cross_validated_c(x, y, folds)
    model = linear_model.LogisticRegression(C=best_c, max_iter=2000).fit(x, y)
    ordered = [list(model.classes_).index(label) for label in classes]
    if len(classes) == 2:
        weights, bias = model.coef_[:1], model.intercept_[:1]
    else:
        weights, bias = model.coef_[ordered], model.intercept_[ordered]
    info = {**(meta or {}), "C": best_c, "examples": counts}
    return Head(encoder, classes, np.asarray(weights), np.asarray(bias), meta=info)
