"""The journey, flattened into the arrays a vectorised simulation needs."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from parcours.model import Condition, Journey, KpiKind, Touchpoint
from parcours.model.vocabulary import BusinessType, Channel, MatchOp, Severity, Typology
from parcours.simulate.config import PersonaMix, SimulationConfig
from parcours.simulate.texts import theme_of

_SURVEYS = {KpiKind.NPS: "nps", KpiKind.CSAT: "csat", KpiKind.CES: "ces"}
_WAITING = {Channel.CALL_CENTRE, Channel.PHONE, Channel.STORE, Channel.LIVE_CHAT}
#: Without a persona mix, personas still differ: the first moves on more readily, the second less.
_DEFAULT_PROGRESS = (1.3, 0.75, 1.0)
_DAYS_TO_NEXT_STAGE = {Typology.SIMPLE: 0.5, Typology.COMPLEX: 3.0, Typology.LONG: 10.0}


@dataclass(frozen=True)
class TouchpointPlan:
    id: str | None  # None for a stage without touchpoints
    events: tuple[str, ...]
    channel: str
    emotion: float
    survey: str  # nps / csat / ces, else review
    asked: bool  # a survey KPI or a moment of truth: answers are frequent
    theme: str
    waits: bool  # carries a waiting time (call centre, store...)
    properties: str = ""  # JSON members every event of it carries, to satisfy `where`
    channels: tuple[str, ...] = ()  # every channel its matcher lists (the first: `channel`)


@dataclass(frozen=True)
class StagePlan:
    id: str
    touchpoints: tuple[TouchpointPlan, ...]
    moves_on: float  # base probability of reaching the next stage


@dataclass(frozen=True)
class Plan:
    stages: tuple[StagePlan, ...]
    purchase_stage: int
    days_to_next_stage: float
    basket: float  # median order amount
    persona_ids: tuple[str, ...]
    persona_shares: np.ndarray
    persona_progress: np.ndarray


def plan(journey: Journey, config: SimulationConfig, catalogue: Iterable[str] = ()) -> Plan:
    """Flatten ``journey``; globs in bindings emit the ``catalogue`` names they match."""
    names = tuple(catalogue)
    stages = tuple(_stage(journey, i, names) for i in range(len(journey.stages)))
    ids = [p.id for p in journey.personas] or ["customer"]
    mixes = config.personas or tuple(
        PersonaMix(persona=i, progress=_DEFAULT_PROGRESS[n % 3]) for n, i in enumerate(ids)
    )
    shares = np.array([m.share for m in mixes], dtype=float)
    goal = journey.conversion.events if journey.conversion else ()
    buying = [
        i
        for i, s in enumerate(stages)
        if any(fnmatch.fnmatchcase(e, g) for tp in s.touchpoints for e in tp.events for g in goal)
    ]
    purchase = buying[0] if buying else len(stages) - 1
    b2b = journey.business_type is BusinessType.B2B
    return Plan(
        stages=stages,
        purchase_stage=purchase,
        days_to_next_stage=_DAYS_TO_NEXT_STAGE[journey.typology] * (3 if b2b else 1),
        basket=15_000.0 if b2b else 80.0,
        persona_ids=tuple(m.persona for m in mixes),
        persona_shares=shares / shares.sum(),
        persona_progress=np.array([m.progress for m in mixes], dtype=float),
    )


def _stage(journey: Journey, index: int, catalogue: tuple[str, ...]) -> StagePlan:
    stage = journey.stages[index]
    emotion = stage.emotion or 0.0
    if stage.touchpoints:
        touchpoints = tuple(_touchpoint(tp, emotion, catalogue) for tp in stage.touchpoints)
    else:
        events = _names(stage.match.events, catalogue) if stage.match else ()
        channels = stage.match.channels if stage.match else ()
        channel = channels[0] if channels else ""
        names = events or (stage.id,)
        only = TouchpointPlan(None, names, channel, emotion, "review", False, "product", False)
        touchpoints = (only,)
    severe = sum(p.severity in (Severity.HIGH, Severity.CRITICAL) for p in stage.pain_points)
    moves_on = float(np.clip(0.62 + 0.08 * emotion - 0.05 * severe, 0.2, 0.95))
    return StagePlan(stage.id, touchpoints, moves_on)


def _touchpoint(
    touchpoint: Touchpoint, stage_emotion: float, catalogue: tuple[str, ...]
) -> TouchpointPlan:
    match = touchpoint.match
    events = _names(match.events, catalogue) if match else ()
    channel = match.channels[0] if match and match.channels else touchpoint.channel.value
    survey = next((_SURVEYS[k.kind] for k in touchpoint.kpis if k.kind in _SURVEYS), None)
    asked = survey is not None or touchpoint.moment_of_truth is not None
    waits = touchpoint.channel in _WAITING or any(
        k.kind is KpiKind.WAITING_TIME for k in touchpoint.kpis
    )
    emotion = touchpoint.emotion if touchpoint.emotion is not None else stage_emotion
    events = events or (touchpoint.id.replace("-", "_"),)
    theme = theme_of(touchpoint)
    members = _satisfying(match.where) if match else {}
    properties = json.dumps(members, ensure_ascii=False)[1:-1]
    return TouchpointPlan(
        touchpoint.id,
        events,
        channel,
        emotion,
        survey or "review",
        asked,
        theme,
        waits,
        properties,
        tuple(match.channels) if match else (),
    )


def _satisfying(conditions: tuple[Condition, ...]) -> dict[str, Any]:
    """Event properties for which every condition holds."""
    members: dict[str, Any] = {}
    for condition in conditions:
        value = _value_for(condition)
        *parents, leaf = condition.property.split(".")
        node = members
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return members


def _value_for(condition: Condition) -> Any:
    value = condition.value
    op = condition.op
    if op is MatchOp.EXISTS:
        return "yes"
    if op is MatchOp.IN:
        assert isinstance(value, tuple)
        return value[0]
    if op is MatchOp.NOT_IN:
        return "other"
    if op is MatchOp.GLOB:
        return re.sub(r"[*?]|\[[^]]*\]", "", str(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value + {MatchOp.GT: 1, MatchOp.LT: -1, MatchOp.NE: 1}.get(op, 0)
    if op is MatchOp.NE:
        return f"{value}_other"
    return value


def _names(patterns: tuple[str, ...], catalogue: tuple[str, ...]) -> tuple[str, ...]:
    """Event names to emit for a matcher, in order: literal names as they are; a glob gives the
    catalogue names it matches, else itself made concrete (``payment_*`` → ``payment_event``)."""
    names: list[str] = []
    for pattern in patterns:
        matched = [n for n in catalogue if fnmatch.fnmatchcase(n, pattern)]
        names += matched or [re.sub(r"[*?]|\[[^]]*\]", "event", pattern)]
    return tuple(dict.fromkeys(names))
