"""Which channels earn the conversions: heuristic models and Markov removal effects.

Heuristics share each path's conversions and value among its touches: ``first`` and ``last``
give all to one touch, ``linear`` splits equally among touches, ``position`` gives 40% to the
first and the last touch and splits 20% among the middle ones (50/50 for two touches),
``time-decay`` weighs a touch by ``2 ** (-age / half_life)``: ages are in seconds for paths derived
from events (``half_life`` a duration, default 7 days) and in touches before the conversion
for path files (``half_life`` a number of touches, default 1). ``markov`` shares conversions in
proportion to exact removal effects (see :mod:`parcours.engine.markov`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd

from parcours.engine import markov
from parcours.engine.conversion_paths import ConversionPaths
from parcours.engine.durations import parse_duration
from parcours.errors import EngineError

Model = Literal["first", "last", "linear", "time-decay", "position", "markov"]
MODELS: tuple[str, ...] = ("first", "last", "linear", "time-decay", "position", "markov")


@dataclass(frozen=True)
class ChannelCredit:
    """Conversions and value credited to one channel (and its removal effect for Markov)."""

    channel: str
    conversions: float
    value: float
    removal_effect: float | None = None


@dataclass(frozen=True)
class AttributionResult:
    """Credits per channel for one model, largest first."""

    model: str
    channels: tuple[ChannelCredit, ...]
    order: int | None = None
    conversion_probability: float | None = None
    transitions: tuple[tuple[str, str, float], ...] = ()

    def credit(self, channel: str) -> ChannelCredit:
        for c in self.channels:
            if c.channel == channel:
                return c
        raise KeyError(channel)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"model": self.model}
        if self.order is not None:
            out["order"] = self.order
            out["conversion_probability"] = self.conversion_probability
        out["channels"] = [
            {k: v for k, v in asdict(c).items() if v is not None} for c in self.channels
        ]
        return out

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(c) for c in self.channels])

    def transition_frame(self) -> pd.DataFrame:
        """Markov transition probabilities: channel_from, channel_to, probability."""
        return pd.DataFrame(self.transitions, columns=["channel_from", "channel_to", "probability"])

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def attribute(
    paths: ConversionPaths,
    model: Model = "markov",
    *,
    order: int = 1,
    half_life: float | str | timedelta | None = None,
) -> AttributionResult:
    """Credit conversions and value to channels with ``model``."""
    if model == "markov":
        return _markov(paths, order)
    if model not in MODELS:
        raise EngineError(f"unknown attribution model {model!r}; use one of {', '.join(MODELS)}.")
    conv: dict[str, float] = dict.fromkeys(paths.channels, 0.0)
    value: dict[str, float] = dict.fromkeys(paths.channels, 0.0)
    decay = _half_life(paths, half_life) if model == "time-decay" else 0.0
    for i, path in enumerate(paths.paths):
        c, v = paths.conversions[i], paths.value[i]
        if not c and not v:
            continue
        ages = paths.ages_s[i] if paths.ages_s is not None else None
        weights = _weights(model, len(path), ages, decay)
        for channel, w in zip(path, weights, strict=True):
            conv[channel] += c * w
            value[channel] += v * w
    credits = [ChannelCredit(ch, conv[ch], value[ch]) for ch in paths.channels]
    credits.sort(key=lambda x: (-x.conversions, x.channel))
    return AttributionResult(model=model, channels=tuple(credits))


def _half_life(paths: ConversionPaths, half_life: float | str | timedelta | None) -> float:
    if paths.ages_s is None:
        result = 1.0 if half_life is None else float(half_life)  # type: ignore[arg-type]
    else:
        result = parse_duration(half_life or "7d").total_seconds()
    if result <= 0:
        raise EngineError(f"half_life must be positive; got {half_life!r}.")
    return result


def _weights(model: str, n: int, ages: tuple[float, ...] | None, half_life: float) -> np.ndarray:
    w = np.zeros(n)
    if model == "first":
        w[0] = 1
    elif model == "last":
        w[-1] = 1
    elif model == "linear":
        w[:] = 1 / n
    elif model == "position":
        if n <= 2:
            w[:] = 1 / n
        else:
            w[0] = w[-1] = 0.4
            w[1:-1] = 0.2 / (n - 2)
    else:  # time-decay
        age = np.asarray(ages, dtype=float) if ages is not None else np.arange(n - 1, -1, -1.0)
        raw = np.power(2.0, -age / half_life)
        w = raw / raw.sum()
    return w


def _markov(paths: ConversionPaths, order: int) -> AttributionResult:
    chain = markov.build_chain(paths, order)
    base, effects = markov.removal_effects(chain, chain.to_conversion)
    if base <= 0:
        raise EngineError("no path converts: Markov attribution needs at least one conversion.")
    _, value_effects = markov.removal_effects(chain, chain.to_value)
    conv_share = _shares(effects)
    value_share = _shares(value_effects)
    credits = [
        ChannelCredit(
            ch,
            paths.total_conversions * conv_share[ch],
            paths.total_value * value_share[ch],
            effects[ch],
        )
        for ch in chain.channels
    ]
    credits.sort(key=lambda x: (-x.conversions, x.channel))
    return AttributionResult(
        model="markov",
        channels=tuple(credits),
        order=order,
        conversion_probability=base,
        transitions=tuple(markov.transition_matrix(chain)),
    )


def _shares(effects: dict[str, float]) -> dict[str, float]:
    total = sum(effects.values())
    return {ch: (e / total if total > 0 else 0.0) for ch, e in effects.items()}
