"""Per-group summaries of analysed feedback, for laying voice results onto the map.

:func:`summarise` groups :class:`~parcours.voice.pipeline.VoiceResults` (by stage, touchpoint,
period... any label per record) and gives each group its volume, mean sentiment with a 95 %
confidence interval, the measured emotion on the map's -2..+2 scale (twice the mean score), the
share of negative feedback, mean emotion scores, the top pain-point themes and the top delight
themes with masked example verbatims. Themes are read per aspect
(:mod:`parcours.voice.aspects`): "Produit parfait mais livraison en retard" makes ``livraison`` a
pain point and ``qualité`` a delight of its group.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from parcours.errors import VoiceError
from parcours.voice.pipeline import VoiceRecord, VoiceResults

__all__ = ["GroupSummary", "PainPoint", "VoiceSummary", "summarise"]


@dataclass(frozen=True)
class PainPoint:
    """A theme among a group's negative (or, for a delight, positive) aspects: in how many
    feedbacks, and a few masked verbatims."""

    theme: str
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class GroupSummary:
    """The voice of one group of feedback."""

    group: str
    count: int
    mean_score: float
    ci_low: float
    ci_high: float
    emotion: float
    negative_share: float
    emotions: dict[str, float]
    pain_points: tuple[PainPoint, ...]
    delights: tuple[PainPoint, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class VoiceSummary:
    """Group summaries, in first-seen group order."""

    groups: tuple[GroupSummary, ...]

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self) -> Iterator[GroupSummary]:
        return iter(self.groups)

    def __getitem__(self, group: str) -> GroupSummary:
        for summary in self.groups:
            if summary.group == group:
                return summary
        raise KeyError(group)

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for g in self.groups:
            row = g.to_dict()
            row["pain_points"] = "; ".join(f"{p.theme} ({p.count})" for p in g.pain_points)
            row["delights"] = "; ".join(f"{p.theme} ({p.count})" for p in g.delights)
            row.update({f"emotion_{k}": v for k, v in row.pop("emotions").items()})
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {"groups": [g.to_dict() for g in self.groups]}

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def _summarise_group(
    group: str, records: list[VoiceRecord], top: int, examples: int
) -> GroupSummary:
    scores = [r.sentiment.score for r in records]
    n = len(scores)
    mean = sum(scores) / n
    spread = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1) / n) * 1.96 if n > 1 else 1.0
    labels = records[0].emotions.scores.keys()
    negative = [r for r in records if r.sentiment.label == "negative"]
    return GroupSummary(
        group=group,
        count=n,
        mean_score=round(mean, 4),
        ci_low=round(max(-1.0, mean - spread), 4),
        ci_high=round(min(1.0, mean + spread), 4),
        emotion=round(2 * mean, 4),
        negative_share=round(len(negative) / n, 4),
        emotions={k: round(sum(r.emotions.scores[k] for r in records) / n, 4) for k in labels},
        pain_points=_themes_felt(records, "negative", top, examples),
        delights=_themes_felt(records, "positive", top, examples),
    )


def _felt(record: VoiceRecord, label: str) -> set[str]:
    """The themes ``record`` speaks of with ``label`` (its aspects; its themes if it has none)."""
    if record.aspects:
        return {a.theme for a in record.aspects if a.label == label and a.theme is not None}
    return {m.name for m in record.themes} if record.sentiment.label == label else set()


def _themes_felt(
    records: list[VoiceRecord], label: str, top: int, examples: int
) -> tuple[PainPoint, ...]:
    felt = [_felt(r, label) for r in records]
    counts = Counter(theme for themes in felt for theme in sorted(themes))
    return tuple(
        PainPoint(
            theme,
            count,
            tuple(r.text for r, themes in zip(records, felt, strict=True) if theme in themes)[
                :examples
            ],
        )
        for theme, count in counts.most_common(top)
    )


def summarise(
    results: VoiceResults,
    groups: Sequence[Any] | None = None,
    *,
    top_themes: int = 3,
    examples: int = 2,
) -> VoiceSummary:
    """Summarise ``results`` per group (``groups[i]`` labels record ``i``; one group if None).

    Records whose group is missing (None or NaN) are left out.
    """
    if groups is not None and len(groups) != len(results):
        raise VoiceError(f"Got {len(groups)} group labels for {len(results)} records.")
    members: dict[str, list[VoiceRecord]] = {}
    for index, record in enumerate(results):
        label = "all" if groups is None else groups[index]
        if label is None or (isinstance(label, float) and math.isnan(label)):
            continue
        members.setdefault(str(label), []).append(record)
    return VoiceSummary(
        tuple(_summarise_group(g, rs, top_themes, examples) for g, rs in members.items())
    )
