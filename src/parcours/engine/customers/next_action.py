"""Next best action: per stage (and segment), the action most associated with moving on.

A journey's stages are reached by events, in order (``stages``: one event per stage, a
customer reaching a stage at their first such event). For each stage but the last, among the
customers who reached it: an *action* (any other event, or one of ``actions``) counts for a
customer when they did it after reaching the stage and before reaching the next one (or before
their last event, when they never did). Then per action:

- ``rate_with``: the share of those who did it that reached the next stage;
- ``rate_without``: the same share among those who did not;
- ``uplift`` = ``rate_with - rate_without``, with both sample sizes.

The best action of a stage is the one with the largest uplift among those done by at least
``min_customers`` customers (and not done by as many). This is an association in history, not
a controlled experiment: the result says so, with the sample sizes, so that a team can test it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.dialect import literal
from parcours.errors import EngineError

ALL = "all"


@dataclass(frozen=True)
class ActionEffect:
    """How an action done at a stage goes with reaching the next one."""

    action: str
    customers_with: int
    rate_with: float
    customers_without: int
    rate_without: float | None

    @property
    def uplift(self) -> float | None:
        return None if self.rate_without is None else self.rate_with - self.rate_without

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "uplift": self.uplift}


@dataclass(frozen=True)
class StageActions:
    """The actions of one segment at one stage, best first."""

    segment: str
    stage: str
    next_stage: str
    customers: int
    moved_on: int
    actions: tuple[ActionEffect, ...]
    best: ActionEffect | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "stage": self.stage,
            "next_stage": self.next_stage,
            "customers": self.customers,
            "moved_on": self.moved_on,
            "best": None if self.best is None else self.best.to_dict(),
            "actions": [a.to_dict() for a in self.actions],
        }


@dataclass(frozen=True)
class NextActions:
    """Per segment and stage, the actions and the best one."""

    stages: tuple[str, ...]
    min_customers: int
    cells: tuple[StageActions, ...]

    def best(self, stage: str, segment: str = ALL) -> ActionEffect | None:
        return next((c.best for c in self.cells if c.stage == stage and c.segment == segment), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stages": list(self.stages),
            "min_customers": self.min_customers,
            "note": {
                "en": "Associations in history, not controlled experiments: test before rollout.",
                "fr": "Associations observées, pas des expériences contrôlées : à tester.",
            },
            "cells": [c.to_dict() for c in self.cells],
        }

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {
                "segment": c.segment,
                "stage": c.stage,
                "customers": c.customers,
                "best": None if c.best is None else c.best.action,
                "uplift": None if c.best is None else c.best.uplift,
                "customers_with": None if c.best is None else c.best.customers_with,
            }
            for c in self.cells
        ]
        return pd.DataFrame(rows)


def next_actions(
    log: Backend,
    stages: Sequence[str],
    *,
    actions: Sequence[str] | None = None,
    segments: Mapping[str, str] | None = None,
    min_customers: int = 30,
) -> NextActions:
    """The next best action of each stage of ``stages``, overall and per segment of
    ``segments`` (customer -> segment id)."""
    if len(stages) < 2:
        raise EngineError("name at least two stage events, in order.")
    d = log.dialect
    reach = ", ".join(
        f"min(CASE WHEN event = {literal(s, d)} THEN timestamp END) AS t{i}"
        for i, s in enumerate(stages)
    )
    excluded = ", ".join(literal(s, d) for s in stages)
    chosen = ""
    if actions:
        chosen = f" AND e.event IN ({', '.join(literal(a, d) for a in actions)})"
    cells = []
    for k in range(len(stages) - 1):
        reached = log.rows(
            f"""WITH r AS (SELECT customer_id, {reach} FROM {{events}} GROUP BY customer_id)
            SELECT customer_id, CASE WHEN t{k + 1} >= t{k} THEN 1 ELSE 0 END FROM r
            WHERE t{k} IS NOT NULL"""
        )
        done = log.rows(
            f"""WITH r AS (SELECT customer_id, {reach} FROM {{events}} GROUP BY customer_id)
            SELECT DISTINCT e.customer_id, e.event FROM {{events}} e
            JOIN r ON r.customer_id = e.customer_id
            WHERE r.t{k} IS NOT NULL AND e.timestamp > r.t{k}
              AND (r.t{k + 1} IS NULL OR r.t{k + 1} < r.t{k} OR e.timestamp < r.t{k + 1})
              AND e.event NOT IN ({excluded}){chosen}"""
        )
        moved = pd.Series({str(c): int(m) for c, m in reached}, dtype=int)
        did = pd.DataFrame(done, columns=["customer_id", "action"]).astype(str)
        groups = {ALL: moved.index}
        if segments:
            labels = pd.Series({c: segments.get(c) for c in moved.index}).dropna()
            for name, members in labels.groupby(labels).groups.items():
                groups[str(name)] = pd.Index(members)
        for name, members in groups.items():
            cells.append(
                _cell(name, stages[k], stages[k + 1], moved.loc[members], did, min_customers)
            )
    return NextActions(tuple(stages), min_customers, tuple(cells))


def _cell(
    segment: str,
    stage: str,
    following: str,
    moved: pd.Series,
    did: pd.DataFrame,
    min_customers: int,
) -> StageActions:
    mine = did[did["customer_id"].isin(moved.index)]
    total, went = len(moved), int(moved.sum())
    effects = []
    for action, who in mine.groupby("action")["customer_id"]:
        with_ = moved.loc[who.unique()]
        n_with, n_without = len(with_), total - len(with_)
        rate_with = float(with_.mean())
        rate_without = (went - int(with_.sum())) / n_without if n_without else None
        effects.append(ActionEffect(str(action), n_with, rate_with, n_without, rate_without))
    effects.sort(key=lambda e: (-(e.uplift if e.uplift is not None else -2), e.action))
    eligible = [
        e
        for e in effects
        if e.customers_with >= min_customers
        and e.customers_without >= min_customers
        and e.uplift is not None
        and e.uplift > 0
    ]
    return StageActions(
        segment, stage, following, total, went, tuple(effects), eligible[0] if eligible else None
    )
