"""The voice of the customer laid onto the map: per touchpoint and stage, the measured emotion
(mean text sentiment on the −2..+2 scale, with its count and 95 % interval), the share of
negative feedback, the top pain-point and delight themes (read per aspect, so a review praising
the product and blaming the delivery counts on both) and example verbatims (personal data
masked).

Feedback texts come from the workspace's ``feedback`` table (through
:meth:`parcours.engine.journey_kpis.JourneyKpis.feedback_texts`); each distinct text is analysed
once, then :func:`parcours.voice.summary.summarise` groups the answers by place. Given a
``memo`` (a :data:`Memo`), texts analysed by an earlier call with it are not analysed again: the
measures of one data set's parts (a snapshot's map per segment) read each text once.
"""

from __future__ import annotations

from typing import Any

from parcours._optional import require
from parcours.model import Journey
from parcours.model.measures import Measured

#: Feedback texts analysed, by (tier, text): their :class:`parcours.voice.pipeline.VoiceRecord`.
Memo = dict[tuple[str, str], Any]


def heard(
    rows: list[tuple[str | None, str]], journey: Journey, tier: str, memo: Memo | None = None
) -> tuple[dict[str, Measured], dict[str, Measured]]:
    """What the feedback texts ``rows`` (touchpoint, text) say, per touchpoint and per stage, as
    the voice fields of :class:`Measured`; nothing when there is no text. ``memo``: the texts
    already analysed (read, and completed with the new ones)."""
    if not rows:
        return {}, {}
    pipeline = require("parcours.voice.pipeline", extra="voice", feature="Feedback analysis")
    summary = require("parcours.voice.summary", extra="voice", feature="Feedback analysis")
    known: Memo = {} if memo is None else memo
    new = [t for t in dict.fromkeys(text for _, text in rows) if (tier, t) not in known]
    if new:
        analysed = pipeline.analyse_feedback(new, tier=tier)
        known.update({(tier, text): record for text, record in zip(new, analysed, strict=True)})
    answers = pipeline.VoiceResults(tier, tuple(known[tier, text] for _, text in rows))
    stage_of = {t.id: s.id for s, t in journey.touchpoints()}
    places = [touchpoint for touchpoint, _ in rows]
    per_touchpoint = summary.summarise(answers, [p if p in stage_of else None for p in places])
    per_stage = summary.summarise(answers, [stage_of.get(p or "") for p in places])
    return _measured(per_touchpoint), _measured(per_stage)


def _measured(groups: Any) -> dict[str, Measured]:
    return {
        g.group: Measured(
            emotion=g.emotion,
            emotion_interval=(2 * g.ci_low, 2 * g.ci_high),
            feedback=g.count,
            negative_share=g.negative_share,
            themes=tuple((p.theme, p.count) for p in g.pain_points),
            delights=tuple((p.theme, p.count) for p in g.delights),
            verbatims=g.pain_points[0].examples if g.pain_points else (),
        )
        for g in groups
    }
