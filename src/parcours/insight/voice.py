"""The voice of the customer laid onto the map: per touchpoint and stage, the measured emotion
(mean text sentiment on the −2..+2 scale, with its count and 95 % interval), the share of
negative feedback, the top pain-point themes and example verbatims (personal data masked).

Feedback texts come from the workspace's ``feedback`` table; each distinct text is analysed once.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np

from parcours._optional import require
from parcours.model import Journey

Z95 = 1.959963984540054
TOP_THEMES = 3
VERBATIMS = 2


@dataclass(frozen=True)
class Answer:
    touchpoint: str | None
    text: str  # cleaned and masked
    emotion: float  # sentiment score × 2: the map's −2..+2 scale
    negative: bool
    themes: tuple[str, ...]


@dataclass(frozen=True)
class VoiceSummary:
    feedback: int
    emotion: float
    interval: tuple[float, float]
    negative_share: float
    themes: tuple[tuple[str, int], ...]
    verbatims: tuple[str, ...]


def read_answers(connection: duckdb.DuckDBPyConnection, feedback: str, tier: str) -> list[Answer]:
    """Every feedback text of ``feedback`` (a table or view), analysed with ``tier``; none when
    the feedback holds ratings only."""
    columns = {row[0] for row in connection.execute(f"DESCRIBE {feedback}").fetchall()}
    if "text" not in columns:
        return []
    voice = require("parcours.voice.pipeline", extra="voice", feature="Feedback analysis")
    rows = connection.execute(
        f"SELECT touchpoint, text, rating FROM {feedback} "
        "WHERE text IS NOT NULL AND trim(text) <> ''"
    ).fetchall()
    distinct = list(dict.fromkeys(text for _, text, _ in rows))
    results = voice.analyse_feedback(distinct, tier=tier) if distinct else []
    by_text = {text: record for text, record in zip(distinct, results, strict=True)}
    answers = []
    for touchpoint, text, _ in rows:
        record = by_text[text]
        answers.append(
            Answer(
                touchpoint,
                record.text,
                2 * record.sentiment.score,
                record.sentiment.label == "negative",
                tuple(m.name for m in record.themes),
            )
        )
    return answers


def summarise(answers: Iterable[Answer]) -> VoiceSummary | None:
    """The voice of a group of answers, or None when there are none."""
    group = list(answers)
    if not group:
        return None
    emotions = np.array([a.emotion for a in group])
    n = emotions.size
    half = Z95 * float(emotions.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    mean = float(emotions.mean())
    negative = [a for a in group if a.negative]
    themes = Counter(theme for a in negative for theme in a.themes).most_common(TOP_THEMES)
    top = themes[0][0] if themes else None
    examples = [a.text for a in negative if top is None or top in a.themes]
    return VoiceSummary(
        feedback=n,
        emotion=mean,
        interval=(max(mean - half, -2.0), min(mean + half, 2.0)),
        negative_share=len(negative) / n,
        themes=tuple(themes),
        verbatims=tuple(dict.fromkeys(examples))[:VERBATIMS],
    )


def voice_by_place(
    answers: list[Answer], journey: Journey
) -> tuple[dict[str, VoiceSummary], dict[str, VoiceSummary]]:
    """Summaries per touchpoint and per stage (its touchpoints' answers)."""
    touchpoints: dict[str, VoiceSummary] = {}
    stages: dict[str, VoiceSummary] = {}
    for stage in journey.stages:
        ids = {t.id for t in stage.touchpoints}
        for touchpoint_id in ids:
            summary = summarise(a for a in answers if a.touchpoint == touchpoint_id)
            if summary is not None:
                touchpoints[touchpoint_id] = summary
        summary = summarise(a for a in answers if a.touchpoint in ids)
        if summary is not None:
            stages[stage.id] = summary
    return touchpoints, stages
