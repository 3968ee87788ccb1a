"""The grid as a table: one row per stage × lane, its content joined, in one language (CSV)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from parcours.csv_text import csv_text
from parcours.model.journey import Journey, Stage
from parcours.model.measures import Measures
from parcours.model.vocabulary import Lang
from parcours.render.context import View
from parcours.render.html import view_data

if TYPE_CHECKING:
    import pandas as pd

#: Lanes in grid order (the emotion lane holds the stage's emotion).
LANES = (
    "goals_needs",
    "actions",
    "content",
    "touchpoints",
    "thoughts",
    "empathy",
    "emotion",
    "pain_points",
    "moments_of_truth",
    "opportunities",
    "kpis",
)
COLUMNS = ("stage_id", "stage", "lane", "content")
SEPARATOR = " | "


@dataclass(frozen=True)
class LaneRow:
    stage_id: str
    stage: str
    lane: str
    content: str


@dataclass(frozen=True)
class JourneyTable:
    """The journey's grid, one :class:`LaneRow` per stage × lane."""

    lang: Lang
    rows: tuple[LaneRow, ...]

    def to_dict(self) -> dict[str, object]:
        return {"lang": self.lang.value, "rows": [asdict(row) for row in self.rows]}

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([asdict(row) for row in self.rows], columns=list(COLUMNS))

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))

    def to_csv(self) -> str:
        """CSV text, safe to open in a spreadsheet (see :mod:`parcours.csv_text`)."""
        return csv_text(COLUMNS, ((r.stage_id, r.stage, r.lane, r.content) for r in self.rows))


def journey_table(
    journey: Journey, *, lang: Lang | str | None = None, measures: Measures | None = None
) -> JourneyTable:
    """The grid as rows; lane names are the language's labels."""
    view = view_data(journey, lang=lang, measures=measures)
    rows = [
        LaneRow(stage.id, view.tx(stage.name), view.t(f"lane.{lane}"), _content(view, stage, lane))
        for stage in journey.stages
        for lane in LANES
    ]
    return JourneyTable(view.lang, tuple(rows))


def journey_csv(journey: Journey, lang: Lang | str | None = None) -> str:
    """The grid as CSV text (columns: stage_id, stage, lane, content)."""
    return journey_table(journey, lang=lang).to_csv()


def write_csv(journey: Journey, path: str | Path, *, lang: Lang | str | None = None) -> Path:
    path = Path(path)
    path.write_text(journey_csv(journey, lang), encoding="utf-8")
    return path


def _content(v: View, stage: Stage, lane: str) -> str:
    parts: list[str]
    if lane == "goals_needs":
        parts = [f"{v.t('journey.goal')}{v.t('colon')}{v.tx(stage.goal)}"] if stage.goal else []
        parts += [v.tx(n) for n in stage.needs]
    elif lane in ("actions", "thoughts"):
        parts = [v.tx(x) for x in getattr(stage, lane)]
    elif lane == "content":
        parts = [f"{v.of('content', c.kind)}{v.t('colon')}{v.tx(c.title)}" for c in stage.content]
    elif lane == "touchpoints":
        parts = [f"{v.tx(t.name)} ({v.of('channel', t.channel)})" for t in stage.touchpoints]
    elif lane == "empathy":
        parts = [
            f"{v.t('empathy.' + part)}{v.t('colon')}{', '.join(v.tx(x) for x in items)}"
            for part in ("sees", "hears", "thinks_feels", "says_does")
            if (items := getattr(stage.empathy, part))
        ]
    elif lane == "emotion":
        parts = [v.signed(p.value) for p in v.curve.designed if p.stage_id == stage.id]
    elif lane == "pain_points":
        parts = [
            f"{v.tx(p.description)} ({v.of('severity', p.severity)})" for p in stage.pain_points
        ]
    elif lane == "moments_of_truth":
        parts = [
            f"{v.tx(t.name)}{v.t('colon')}{v.tx(t.moment_of_truth.reason)}"
            for t in stage.touchpoints
            if t.moment_of_truth
        ]
    elif lane == "opportunities":
        parts = [
            f"{v.tx(o.title)} ({v.of('quadrant', o.quadrant or 'none')})"
            for o in v.stage_opportunities[stage.id]
        ]
    else:
        kpis = v.stage_kpis(stage)
        parts = [
            " ".join(filter(None, (k.name, f"({k.where})" if k.where else "", k.target, k.value)))
            for k in kpis
        ]
    return SEPARATOR.join(parts)
