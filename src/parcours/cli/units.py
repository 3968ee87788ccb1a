"""Measures and analysis tables in human units for the command line: ``12,3 %``, ``3 d 4 h``,
``1,234`` (by language, through :mod:`parcours.render.fmt`, the formatter the views use), and a
KPI that has no value shown as "not measured (reason)".

Imported by the commands when they run, never at ``parcours --help``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.insight.measure import KpiMeasure
from parcours.model.vocabulary import RATE_KINDS, KpiKind, Lang
from parcours.model.vocabulary import TIME_KINDS as KINDS_IN_SECONDS
from parcours.render import fmt
from parcours.render.labels import Labels

if TYPE_CHECKING:
    import pandas as pd

    from parcours.insight.measure import MeasuredJourney
    from parcours.model import KPI

#: KPI kinds and measures whose natural value is a duration in seconds.
TIME_KINDS = KINDS_IN_SECONDS | {"median_seconds"}
#: Built-in measures of the calendar series that count customers.
COUNTS = frozenset({"customers", "volume", "n"})
WORDS = {
    Lang.EN: {
        "met": "met",
        "missed": "MISSED",
        "no target": "no target",
        "target": "target",
        "not measured": "not measured",
        "custom": "a custom KPI is not computed from the data",
        "no data": "no event, answer or order at this place",
        "too few": "no value from {n} observation(s)",
        "bound": "of events bound",
        "unmatched": "events no stage or touchpoint matches",
        "silent": "touchpoints that see no event",
    },
    Lang.FR: {
        "met": "atteint",
        "missed": "MANQUÉ",
        "no target": "sans cible",
        "target": "cible",
        "not measured": "non mesuré",
        "custom": "un KPI personnalisé n'est pas calculé à partir des données",
        "no data": "aucun événement, avis ni commande à cet endroit",
        "too few": "pas de valeur sur {n} observation(s)",
        "bound": "des événements reliés",
        "unmatched": "événements qu'aucune étape ni point de contact ne reconnaît",
        "silent": "points de contact sans événement",
    },
}


def language(lang: str | None, measured: MeasuredJourney | None = None) -> Lang:
    """``lang`` when given, else the journey's language, else English."""
    if lang:
        return Lang(lang)
    return measured.journey.language if measured is not None else Lang.EN


def words(lang: Lang) -> dict[str, str]:
    return WORDS[lang]


def count(n: float, lang: Lang) -> str:
    """A whole number with the language's thousands separator (``12,345``, ``12 345``)."""
    return fmt.number(n, lang, 0)


def natural(value: float | None, kind: str, lang: Lang) -> str:
    """A measure on its natural scale (rates 0..1, seconds, counts, NPS) in human units."""
    if value is None:
        return "–"
    if kind in COUNTS:
        return count(value, lang)
    if kind in RATE_KINDS or kind == "conversion":
        return fmt.percent(value, lang)
    if kind in TIME_KINDS:
        return fmt.duration(value, Labels(lang))
    return fmt.number(value, lang, 1)


def shown(value: float | None, kpi: KPI, lang: Lang) -> str:
    """A value in a KPI's own unit in human units (:func:`parcours.render.fmt.kpi_value`)."""
    return "–" if value is None else fmt.kpi_value(value, kpi, lang)


def kpi_value(measure: KpiMeasure, lang: Lang) -> str:
    """A measured KPI's value in human units, or "not measured (reason)"."""
    said = words(lang)
    if measure.shown is None:
        if measure.kpi.kind is KpiKind.CUSTOM:
            why = said["custom"]
        elif measure.value.n == 0:
            why = said["no data"]
        else:
            why = said["too few"].format(n=count(measure.value.n, lang))
        return f"{said['not measured']} ({why})"
    return shown(measure.shown, measure.kpi, lang)


def kpi_line(measure: KpiMeasure, lang: Lang) -> str:
    """``where id: value (target T) met|MISSED|no target``, or ``... not measured (why)``."""
    said = words(lang)
    head = f"{measure.where} {measure.kpi.id}: {kpi_value(measure, lang)}"
    if measure.shown is None:
        return head
    target = measure.kpi.target
    if target is None:
        return f"{head} {said['no target']}"
    status = said["met"] if measure.met else said["missed"]
    return f"{head} ({said['target']} {shown(target, measure.kpi, lang)}) {status}"


def _is_share(column: str) -> bool:
    return column == "share" or column.endswith(("_share", "_rate")) or "conversion" in column


def cell(value: object, column: str, lang: Lang) -> str:
    """One cell of an analysis table in human units, by its column: ``*_s`` a duration,
    shares and rates a percentage, counts with thousands separators; missing values ``–``."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if column.endswith("_s"):
        return fmt.duration(float(value), Labels(lang))
    if _is_share(column):
        return fmt.percent(float(value), lang)
    if float(value).is_integer():
        return count(value, lang)
    return fmt.number(value, lang, 2)


def frame_text(frame: pd.DataFrame, lang: Lang) -> str:
    """An analysis table (a result's ``to_frame()``) as aligned text in human units; a column
    ``X_s`` (seconds) is headed ``X``, its cells are durations."""
    from parcours.cli.present import table

    columns = [str(c) for c in frame.columns]
    header = [c[:-2] if c.endswith("_s") else c for c in columns]
    rows = [
        [cell(value, column, lang) for column, value in zip(columns, record, strict=True)]
        for record in frame.itertuples(index=False, name=None)
    ]
    numeric = [i for i in range(len(columns)) if frame.iloc[:, i].dtype.kind in "iuf"]
    return table(header, rows, right=numeric)
