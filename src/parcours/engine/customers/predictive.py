"""Predictive lead score: a calibrated logistic regression, explained, and its backtest.

From a table with one row per lead (a customer, a session...) and a 0/1 outcome column:

- numeric columns are taken as they are, with ``log1p`` on counts and durations that are never
  negative and skewed (a long right tail), text and boolean columns one-hot encoded; all
  standardised on the training rows;
- a logistic regression (scikit-learn, L2) gives each lead's log-odds; the probability is
  calibrated by Platt scaling fitted on held-out folds of the training rows
  (``CalibratedClassifierCV``, sigmoid, 5 folds);
- each lead's top factors are the features with the largest contributions ``coef × value``
  (standardised) to its log-odds, with their sign;
- the backtest scores held-out rows (a stratified, seeded split) and reports AUC, PR-AUC, Brier
  score, expected calibration error (10 equal-width bins) and conversion lift by decile, beside
  the same metrics of a recency-frequency baseline: a logistic regression on the recency and
  frequency columns alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from parcours._optional import require
from parcours.errors import EngineError

TOP_FACTORS = 3


@dataclass(frozen=True)
class Metrics:
    """How well a score ranks and how honest its probabilities are, on held-out rows."""

    auc: float
    pr_auc: float
    brier: float
    calibration_error: float
    lift_by_decile: tuple[float, ...]  # conversion rate of each decile (best first) / base rate

    def to_dict(self) -> dict[str, Any]:
        return {
            "auc": self.auc,
            "pr_auc": self.pr_auc,
            "brier": self.brier,
            "calibration_error": self.calibration_error,
            "lift_by_decile": list(self.lift_by_decile),
        }


@dataclass(frozen=True)
class Backtest:
    """The model's and the baseline's metrics on the same held-out rows."""

    rows: int
    held_out: int
    base_rate: float
    model: Metrics
    baseline: Metrics | None
    baseline_columns: tuple[str, ...]
    coefficients: dict[str, float] = field(default_factory=dict)

    @property
    def beats_baseline(self) -> bool | None:
        return None if self.baseline is None else self.model.auc > self.baseline.auc

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "held_out": self.held_out,
            "base_rate": self.base_rate,
            "model": self.model.to_dict(),
            "baseline": None if self.baseline is None else self.baseline.to_dict(),
            "baseline_columns": list(self.baseline_columns),
            "beats_baseline": self.beats_baseline,
            "coefficients": self.coefficients,
        }

    def to_frame(self) -> pd.DataFrame:
        rows = {"model": self.model.to_dict()}
        if self.baseline is not None:
            rows["baseline"] = self.baseline.to_dict()
        frame = pd.DataFrame(rows).T
        return frame.drop(columns=["lift_by_decile"])


@dataclass(frozen=True)
class LeadModel:
    """A fitted predictive score: encode rows, give calibrated probabilities and factors."""

    columns: tuple[str, ...]
    logged: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    mean: pd.Series
    scale: pd.Series
    linear: Any  # sklearn LogisticRegression on the standardised features
    calibrated: Any  # sklearn CalibratedClassifierCV

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        return (_encode(frame, self.columns, self.logged, self.categories) - self.mean) / self.scale

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.calibrated.predict_proba(self.encode(frame).to_numpy())[:, 1])

    def factors(self, frame: pd.DataFrame, top: int = TOP_FACTORS) -> list[list[dict[str, Any]]]:
        """Per row, the ``top`` features pushing its score most, with their contribution to
        the log-odds (positive: towards converting)."""
        encoded = self.encode(frame)
        contributions = encoded.to_numpy() * self.linear.coef_[0]
        names = list(encoded.columns)
        out = []
        for row in contributions:
            order = np.argsort(-np.abs(row))[:top]
            out.append([{"feature": names[j], "contribution": float(row[j])} for j in order])
        return out


def fit_lead_model(
    frame: pd.DataFrame, label: str, *, exclude: Sequence[str] = (), seed: int = 0
) -> LeadModel:
    """Fit the calibrated score on ``frame`` (its ``label`` column: the outcome)."""
    require("sklearn", extra="customers", feature="the predictive lead score")
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    y = _labels(frame, label)
    features = frame.drop(columns=[label, *exclude])
    columns = tuple(features.columns)
    logged = tuple(
        c
        for c in columns
        if pd.api.types.is_numeric_dtype(features[c])
        and not pd.api.types.is_bool_dtype(features[c])
        and features[c].min() >= 0
        and features[c].skew() > 2
    )
    categories = {
        c: tuple(sorted(features[c].astype(str).unique()))
        for c in columns
        if not pd.api.types.is_numeric_dtype(features[c]) or pd.api.types.is_bool_dtype(features[c])
    }
    encoded = _encode(features, columns, logged, categories)
    mean, scale = encoded.mean(), encoded.std().replace(0, 1).fillna(1)
    z = ((encoded - mean) / scale).to_numpy()
    linear = LogisticRegression(max_iter=5000, C=1.0).fit(z, y)
    calibrated = CalibratedClassifierCV(
        LogisticRegression(max_iter=5000, C=1.0), method="sigmoid", cv=5
    ).fit(z, y)
    return LeadModel(columns, logged, categories, mean, scale, linear, calibrated)


def backtest(
    frame: pd.DataFrame,
    label: str,
    *,
    recency: str | None = None,
    frequency: str | None = None,
    exclude: Sequence[str] = (),
    test_size: float = 0.3,
    seed: int = 0,
) -> Backtest:
    """Fit on a stratified share of the rows, measure on the rest, beside the baseline."""
    require("sklearn", extra="customers", feature="the lead score backtest")
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    y = _labels(frame, label)
    if not 0 < test_size < 1:
        raise EngineError(f"test_size must be between 0 and 1, got {test_size}.")
    train, test = train_test_split(frame, test_size=test_size, random_state=seed, stratify=y)
    model = fit_lead_model(train, label, exclude=exclude, seed=seed)
    truth = _labels(test, label)
    metrics = evaluate(truth, model.probability(test))
    baseline = None
    chosen = tuple(c for c in (recency, frequency) if c)
    if chosen:
        missing = [c for c in chosen if c not in frame.columns]
        if missing:
            raise EngineError(f"no column {missing[0]!r} for the recency-frequency baseline.")
        simple = LogisticRegression(max_iter=5000).fit(
            np.log1p(train[list(chosen)].astype(float).clip(lower=0)), _labels(train, label)
        )
        baseline = evaluate(
            truth,
            simple.predict_proba(np.log1p(test[list(chosen)].astype(float).clip(lower=0)))[:, 1],
        )
    names = list(model.encode(test.head(1)).columns)
    coefficients = dict(zip(names, (float(c) for c in model.linear.coef_[0]), strict=True))
    return Backtest(
        rows=len(frame),
        held_out=len(test),
        base_rate=float(y.mean()),
        model=metrics,
        baseline=baseline,
        baseline_columns=chosen,
        coefficients=coefficients,
    )


def evaluate(truth: np.ndarray, probability: np.ndarray) -> Metrics:
    """AUC, PR-AUC (average precision), Brier, calibration error and lift by decile."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    truth = np.asarray(truth, dtype=int)
    probability = np.asarray(probability, dtype=float)
    if len(set(truth)) < 2:
        raise EngineError("the held-out rows hold one outcome only: give more rows.")
    bins = np.minimum((probability * 10).astype(int), 9)
    error = sum(
        abs(truth[bins == b].mean() - probability[bins == b].mean()) * np.sum(bins == b)
        for b in range(10)
        if np.any(bins == b)
    ) / len(truth)
    order = np.argsort(-probability, kind="stable")
    deciles = np.array_split(truth[order], 10)
    base = truth.mean()
    return Metrics(
        auc=float(roc_auc_score(truth, probability)),
        pr_auc=float(average_precision_score(truth, probability)),
        brier=float(brier_score_loss(truth, probability)),
        calibration_error=float(error),
        lift_by_decile=tuple(float(d.mean() / base) for d in deciles if len(d)),
    )


def _labels(frame: pd.DataFrame, label: str) -> np.ndarray:
    if label not in frame.columns:
        raise EngineError(
            f"no outcome column {label!r}; the columns are {', '.join(map(str, frame.columns))}."
        )
    raw = frame[label]
    if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        values = raw.astype(float)
    else:
        text = raw.astype(str).str.strip().str.lower()
        mapping = {
            "true": 1.0,
            "yes": 1.0,
            "1": 1.0,
            "oui": 1.0,
            "false": 0.0,
            "no": 0.0,
            "0": 0.0,
            "non": 0.0,
        }
        values = text.map(mapping)
    if values.isna().any() or not set(values.unique()) <= {0.0, 1.0}:
        bad = raw[values.isna() | ~values.isin([0.0, 1.0])].iloc[0]
        raise EngineError(
            f"outcome column {label!r} holds {bad!r}; it must be 0/1, true/false or yes/no."
        )
    return values.to_numpy(int)


def _encode(
    frame: pd.DataFrame,
    columns: Sequence[str],
    logged: Sequence[str],
    categories: dict[str, tuple[str, ...]],
) -> pd.DataFrame:
    parts: dict[str, pd.Series] = {}
    for c in columns:
        if c in categories:
            text = frame[c].astype(str)
            for value in categories[c]:
                parts[f"{c}={value}"] = (text == value).astype(float)
        else:
            number = pd.to_numeric(frame[c], errors="coerce").astype(float).fillna(0.0)
            parts[c] = np.log1p(number.clip(lower=0)) if c in logged else number
    return pd.DataFrame(parts, index=frame.index)


def read_leads(path: str) -> pd.DataFrame:
    """A lead table (CSV, optionally gzipped, or Parquet): one row per lead."""
    from pathlib import Path

    from parcours.errors import DataError

    location = Path(path)
    try:
        if location.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(location)
        return pd.read_csv(location, sep=None, engine="python")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: cannot read the lead table ({exc}).") from exc


def backtest_file(path: str, label: str, **options: Any) -> Backtest:
    """:func:`backtest` on a lead table file."""
    return backtest(read_leads(path), label, **options)
