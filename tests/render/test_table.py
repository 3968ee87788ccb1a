"""The grid as CSV: one row per stage × lane, in the chosen language."""

from __future__ import annotations

import csv
import io

from parcours.model import Journey
from parcours.render import journey_csv, journey_table
from parcours.render.table import COLUMNS, LANES

from .conftest import SCRIPT


def test_one_row_per_stage_and_lane(journey: Journey) -> None:
    rows = list(csv.DictReader(io.StringIO(journey_csv(journey))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(journey.stages) * len(LANES)
    assert [r["stage_id"] for r in rows[:: len(LANES)]] == [s.id for s in journey.stages]


def test_content_is_joined_in_the_chosen_language(journey: Journey) -> None:
    fr = {(r.stage_id, r.lane): r.content for r in journey_table(journey).rows}
    en = {(r.stage_id, r.lane): r.content for r in journey_table(journey, lang="en").rows}
    assert fr["decouverte", "Points de contact"] == (
        "Recherche Google (Moteur de recherche) | Instagram (Réseaux sociaux)"
    )
    assert en["decouverte", "Touchpoints"] == (
        "Google search (Search engine) | Instagram (Social networks)"
    )
    assert en["decision", "Moments of truth"] == "Payment: The price promise is kept or not"
    assert en["reflexion", "Opportunities"] == "Show the total price on the pricing page (Do now)"
    assert fr["decision", "Points de friction"] == ("Le paiement demande trop d'étapes (critique)")


def test_measured_kpis_appear_in_the_kpi_lane(journey: Journey, measures: object) -> None:
    table = journey_table(journey, lang="en", measures=measures)  # type: ignore[arg-type]
    kpis = {r.stage_id: r.content for r in table.rows if r.lane == "KPIs"}
    assert kpis["decouverte"] == "Click-through rate target ≥ 3% 2.1%"


def test_frame_and_dict(journey: Journey) -> None:
    table = journey_table(journey, lang="en")
    frame = table.to_frame()
    assert list(frame.columns) == list(COLUMNS) and len(frame) == len(table.rows)
    assert table.to_dict()["lang"] == "en"
    assert "<table" in table._repr_html_() and "Touchpoints" in table._repr_html_()


def test_user_text_is_kept_as_written(hostile: Journey) -> None:
    rows = list(csv.DictReader(io.StringIO(journey_csv(hostile))))
    assert rows[0]["stage"] == SCRIPT


def test_formulas_and_carriage_returns_are_defused(journey: Journey) -> None:
    stages = list(journey.stages)
    stages[0] = stages[0].model_copy(update={"name": "=1+2", "goal": "line\rbreak"})
    text = journey_csv(journey.model_copy(update={"stages": tuple(stages)}), "en")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(journey.stages) * len(LANES)
    assert {r["stage"] for r in rows[: len(LANES)]} == {"'=1+2"}
    assert rows[0]["content"].startswith("Goal: line\rbreak | ")
