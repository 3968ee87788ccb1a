"""Rule-based lead scores: fit and engagement points, grades A1-C3, MQL and SQL.

One engine query gives, per customer and rule, how much the rule matched up to the as-of time
(:mod:`parcours.engine.customers.scoring_rules` says how rules match): the sum over matching
events of their decay weight (``0.5 ** (age in days / half_life)``, and 0 outside the window),
the largest weight for a ``once`` rule, 1 or 0 for a fit rule. Then, per customer:

- a rule's points are its points times that match; a group's points are capped at its cap;
- ``fit`` sums the fit rules, ``engagement`` the engagement rules, ``score`` both;
- ``grade`` is a letter for fit (A at or above the A threshold, B at or above B, else C) and a
  digit for engagement (1, 2 or 3 likewise): A1 is the best lead, C3 the coldest;
- ``stage`` is ``sql`` at or above the SQL threshold, ``mql`` at or above the MQL one, else
  ``lead``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from parcours.engine.backend import Backend
from parcours.engine.customers.scoring_rules import Rule, ScoringRules
from parcours.engine.dialect import glob, json_text, literal, micros, timestamp
from parcours.errors import EngineError

STAGES = ("lead", "mql", "sql")
GRADES = tuple(f"{letter}{digit}" for letter in "ABC" for digit in "123")
STAGE_LABELS = {
    "lead": {"en": "Lead", "fr": "Lead"},
    "mql": {"en": "Marketing qualified lead", "fr": "Lead qualifié marketing"},
    "sql": {"en": "Sales qualified lead", "fr": "Lead qualifié commercial"},
}


@dataclass(frozen=True)
class LeadScores:
    """Per customer: fit, engagement, score, grade, stage, and the points of each rule."""

    as_of: datetime
    rules: ScoringRules
    frame: pd.DataFrame  # customer_id, fit, engagement, score, grade, stage
    points: pd.DataFrame  # customer_id x rule name: points after caps

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "stage": {s: int((self.frame["stage"] == s).sum()) for s in STAGES},
            "grade": {
                g: int(n) for g, n in self.frame["grade"].value_counts().sort_index().items()
            },
        }

    def reasons(self, customer: str, top: int = 3) -> list[dict[str, Any]]:
        """The rules that weigh most in a customer's score, with their points."""
        row = self.points.loc[customer]
        order = row.abs().sort_values(ascending=False)
        return [{"rule": r, "points": float(row[r])} for r in order.index[:top] if row[r]]

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "rules": self.rules.name,
            "thresholds": {"mql": self.rules.mql, "sql": self.rules.sql},
            "stages": {s: STAGE_LABELS[s] for s in STAGES},
            "counts": self.counts(),
            "leads": [
                {**row, "reasons": self.reasons(row["customer_id"])}
                for row in self.frame.to_dict(orient="records")
            ],
        }

    def _repr_html_(self) -> str:
        return str(self.frame.head(50).to_html(index=False))


def score_leads(
    log: Backend, rules: ScoringRules, *, as_of: date | datetime | str | None = None
) -> LeadScores:
    """Score every customer of ``log`` with ``rules`` at ``as_of`` (default: the last event)."""
    if not rules.rules:
        raise EngineError(f"the scoring rules {rules.name!r} hold no rule.")
    d = log.dialect
    if as_of is None:
        last = log.rows("SELECT max(timestamp) FROM {events}")[0][0]
        if last is None:
            raise EngineError("the event log is empty: nothing to score.")
        moment = last
    else:
        moment = _moment(as_of)
    now = timestamp(moment.isoformat(sep=" "), d)
    age = f"(({micros(now, d)} - {micros('timestamp', d)}) / 86400000000.0)"
    weight = "1.0"
    if rules.half_life is not None:
        weight = f"power(0.5, {age} / {rules.half_life!r})"
    if rules.window is not None:
        weight = f"(CASE WHEN {age} <= {rules.window!r} THEN {weight} ELSE 0.0 END)"
    columns = []
    for i, rule in enumerate(rules.rules):
        match = _condition(rule, d)
        if rule.kind == "fit":
            columns.append(f"max(CASE WHEN {match} THEN 1.0 ELSE 0.0 END) AS r{i}")
        elif rule.once:
            columns.append(f"max(CASE WHEN {match} THEN w ELSE 0.0 END) AS r{i}")
        else:
            columns.append(f"sum(CASE WHEN {match} THEN w ELSE 0.0 END) AS r{i}")
    weighed = (
        f"SELECT customer_id, event, channel, properties, {weight} AS w FROM {{events}} "
        f"WHERE timestamp <= {now}"
    )
    table = log.arrow(
        f"SELECT customer_id, {', '.join(columns)} FROM ({weighed}) q "
        "GROUP BY customer_id ORDER BY customer_id"
    )
    if not table.num_rows:
        raise EngineError(f"no events on or before {moment}: nothing to score.")
    ids = pd.Index(table.column("customer_id").to_pandas(), name="customer_id")
    # numpy on the columns: pandas frames of 1M+ rows cost more in copies than the arithmetic
    matched = np.column_stack(
        [
            pc.fill_null(table.column(f"r{i}").cast(pa.float64()), 0.0).to_numpy()
            for i in range(len(rules.rules))
        ]
    )
    points = _capped(matched * [r.points for r in rules.rules], rules)
    kinds = np.array([r.kind for r in rules.rules])
    fit = points[:, kinds == "fit"].sum(axis=1)
    engagement = points[:, kinds == "engagement"].sum(axis=1)
    score = fit + engagement
    # grade and stage by index into their names: no string built per customer
    letter = np.where(fit >= rules.fit_grades[0], 0, np.where(fit >= rules.fit_grades[1], 1, 2))
    high, middle = rules.engagement_grades
    digit = np.where(engagement >= high, 0, np.where(engagement >= middle, 1, 2))
    stage = np.where(score >= rules.sql, 2, np.where(score >= rules.mql, 1, 0))
    frame = pd.DataFrame(
        {
            "customer_id": ids.array,
            "fit": fit,
            "engagement": engagement,
            "score": score,
            "grade": pd.Categorical.from_codes(letter * 3 + digit, GRADES),
            "stage": pd.Categorical.from_codes(stage, STAGES),
        }
    )
    names = [r.name for r in rules.rules]
    return LeadScores(moment, rules, frame, pd.DataFrame(points, index=ids, columns=names))


def _capped(points: np.ndarray, rules: ScoringRules) -> np.ndarray:
    """Scale down the positive points of each capped group so that they sum to its cap
    (``points``: one column per rule, in the rules' order)."""
    out = points.copy()
    for group, cap in rules.groups.items():
        members = [i for i, r in enumerate(rules.rules) if r.group == group]
        if not members:
            continue
        chosen = out[:, members]
        positive = chosen.clip(min=0)
        total = positive.sum(axis=1)
        factor = np.where(total > cap, cap / np.where(total > 0, total, 1.0), 1.0)
        out[:, members] = np.where(chosen < 0, chosen, positive * factor[:, None])
    return out


def _condition(rule: Rule, dialect: Any) -> str:
    parts = []
    if rule.event and any(ch in rule.event for ch in "*?["):
        parts.append(glob("event", rule.event, dialect))
    elif rule.event:
        parts.append(f"event = {literal(rule.event, dialect)}")
    if rule.channel:
        parts.append(f"channel = {literal(rule.channel, dialect)}")
    if rule.property:
        text = json_text(rule.property, dialect)
        if rule.equals is not None:
            parts.append(f"{text} = {literal(rule.equals, dialect)}")
        elif rule.op is not None and rule.value is not None:
            op = "=" if rule.op == "=" else ("<>" if rule.op == "!=" else rule.op)
            parts.append(f"TRY_CAST({text} AS DOUBLE) {op} {float(rule.value)!r}")
        else:
            parts.append(f"{text} IS NOT NULL")
    return " AND ".join(parts) if parts else "TRUE"


def _moment(value: date | datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 23, 59, 59, 999999)
    try:
        text = str(value)
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise EngineError(f"{value!r} is not a date; write it as YYYY-MM-DD.") from exc
    if len(text) <= 10:
        return parsed.replace(hour=23, minute=59, second=59, microsecond=999999)
    return parsed.replace(tzinfo=None)
