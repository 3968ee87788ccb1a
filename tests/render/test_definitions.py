"""A measured map reads at a glance: every KPI and every figure says what it counts (on hover
and in a legend under the map), a KPI the data could not measure says so and why, a verbatim
appears once, and churn and retention are defined by their period, in French and English."""

from __future__ import annotations

import re

from parcours.model import KPI, Journey, KpiKind, KpiPeriod, Lang
from parcours.model.measures import Measured, Measures
from parcours.render import render_html
from parcours.render.definitions import KPI_DEFINITIONS, kpi_definition

from .test_html import Tags


def _unmeasured(journey: Journey, measures: Measures) -> tuple[Journey, Measures]:
    """The journey with a custom KPI and a churn KPI added to its first stage, neither measured."""
    stage = journey.stages[0]
    extra = (
        KPI(id="nps-interne", kind=KpiKind.CUSTOM, name="Internal score"),
        KPI(id="churn-mensuel", kind=KpiKind.CHURN, period=KpiPeriod.MONTH, unit="%"),
    )
    stages = (stage.model_copy(update={"kpis": (*stage.kpis, *extra)}), *journey.stages[1:])
    return journey.model_copy(update={"stages": stages}), measures


def test_every_kpi_kind_has_a_definition_in_both_languages() -> None:
    for lang in (Lang.FR, Lang.EN):
        assert set(KPI_DEFINITIONS[lang]) == set(KpiKind)


def test_churn_and_retention_are_defined_by_their_period() -> None:
    churn = KPI(id="c", kind=KpiKind.CHURN, period=KpiPeriod.WEEK)
    assert "in one week who do not come back the next week" in kpi_definition(churn, Lang.EN)
    assert "(semaine)" in kpi_definition(churn, Lang.FR)
    monthly = KPI(id="c", kind=KpiKind.CHURN)
    assert "in one month" in kpi_definition(monthly, Lang.EN)  # churn is monthly by default
    retention = KPI(id="r", kind=KpiKind.RETENTION, period=KpiPeriod.QUARTER)
    assert "still active 3 months after" in kpi_definition(retention, Lang.EN)
    assert "encore actifs 30 jours après" in kpi_definition(
        KPI(id="r", kind=KpiKind.RETENTION), Lang.FR
    )


def test_a_kpi_without_a_value_says_not_measured_and_why(
    journey: Journey, measures: Measures
) -> None:
    journey, measures = _unmeasured(journey, measures)
    en = render_html(journey, "grid", measures=measures, lang="en")
    custom = re.search(r'data-kpi="nps-interne"[^>]*>(.*?)</li>', en, re.S)
    assert custom is not None
    assert (
        '<span class="kpi-value none">not measured (a custom KPI, not computed from the data)'
        in custom.group(1)
    )
    churn = re.search(r'data-kpi="churn-mensuel"[^>]*>(.*?)</li>', en, re.S)
    assert churn is not None and "not measured (no data here over the period)" in churn.group(1)
    fr = render_html(journey, "linear", measures=measures, lang="fr")
    assert "non mesuré (aucune donnée ici sur la période)" in fr
    # a map that was not measured does not say "not measured" on every KPI
    assert "not measured" not in render_html(journey, "grid", lang="en")


def test_kpis_and_figures_say_what_they_count_on_hover_and_in_a_legend(
    journey: Journey, measures: Measures
) -> None:
    html = render_html(journey, "grid", measures=measures, lang="en")
    parsed = Tags(html)
    kpis = [attrs for tag, attrs in parsed.tags if tag == "li" and attrs.get("class") == "kpi"]
    assert kpis and all(attrs.get("title") for attrs in kpis)
    drop = next(attrs for tag, attrs in parsed.tags if attrs.get("class") == "measure-drop_off")
    assert drop["title"].startswith("share of the customers who came here and do not reach")
    legend = html.split('<section class="legend">', 1)[1].split("</section>", 1)[0]
    assert "<h2>What the figures count</h2>" in legend
    assert "<dt>Abandonment rate</dt>" in legend and "<dt>drop-off</dt>" in legend
    assert "<dt>volume</dt>" in legend and "<dt>median time</dt>" in legend
    assert "<dt>feedback analysed</dt>" not in legend  # no place shows it
    fr = render_html(journey, "linear", measures=measures, lang="fr")
    assert "<h2>Ce que comptent les chiffres</h2>" in fr and "<dt>abandon</dt>" in fr


def test_a_verbatim_appears_once_in_a_card(journey: Journey, measures: Measures) -> None:
    first = journey.stages[0].id
    said = ("Trop  long à payer", "trop long à payer", "Le code n'arrive pas")
    stages = {**measures.stages, first: Measured(customers=10, verbatims=said)}
    html = render_html(journey, "grid", measures=Measures(stages, measures.touchpoints))
    quotes = re.findall(r'<blockquote class="verbatim">« (.*?) »</blockquote>', html)
    assert quotes == ["Trop  long à payer", "Le code n&#39;arrive pas"]


def test_a_measured_map_opens_with_its_kpis_at_a_glance(
    journey: Journey, measures: Measures
) -> None:
    journey, measures = _unmeasured(journey, measures)
    html = render_html(journey, "grid", measures=measures, lang="en")
    head = html.split('<section class="summary">', 1)[1].split("</section>", 1)[0]
    assert '<span class="kpi-value meets">1 met</span>' in head
    assert '<span class="kpi-value miss">3 missed</span>' in head
    assert '<span class="kpi-value none">2 not measured</span>' in head
    gaps = re.findall(r"<li>(.*?)</li>", head)
    # furthest first, relative to the target: 35 % for ≤ 20 %, 2.1 % for ≥ 3 %, 55 % for ≥ 60 %
    assert [gap.split(" (")[0] for gap in gaps] == [
        "Abandonment rate",
        "Click-through rate",
        "Conversion rate",
    ]
    assert gaps[0].endswith(": 35%, target ≤ 20%")
    fr = render_html(journey, "linear", measures=measures, lang="fr")
    assert "Plus grands écarts à la cible" in fr and "2 non mesurés" in fr
    assert 'class="summary"' not in render_html(journey, "grid", lang="en")  # not measured
