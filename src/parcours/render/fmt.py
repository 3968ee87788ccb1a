"""Numbers as the views and the command line print them, in French (``12,5 %``, ``1 234``
with a narrow no-break space) or English (``12.5%``, ``1,234``); durations in days, hours and
minutes (``3 j 4 h``, ``3 d 4 h``, ``12 min``); a KPI's value in its own unit (``45,2 %``)."""

from __future__ import annotations

from parcours.model.journey import KPI
from parcours.model.vocabulary import RATE_KINDS, TIME_KINDS, Lang
from parcours.render.labels import Labels

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
MINUS = "\u2212"


def number(value: float, lang: Lang, digits: int = 2) -> str:
    """``value`` rounded to at most ``digits`` decimals, trailing zeros dropped, with the
    language's decimal and thousands separators."""
    text = f"{abs(value):,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang is Lang.FR:
        text = text.replace(",", NARROW_NBSP).replace(".", ",")
    return (MINUS if value < 0 and text.strip("0,.") else "") + text


def percent(share: float, lang: Lang) -> str:
    """A share in 0..1 as a percentage."""
    text = number(share * 100, lang, 1)
    return f"{text}{NBSP}%" if lang is Lang.FR else f"{text}%"


def signed(value: float, lang: Lang) -> str:
    """An emotion on the −2..+2 scale, always signed (``+1,5``, ``−0,5``, ``0``)."""
    text = number(value, lang, 1)
    return f"+{text}" if value > 0 and text != "0" else text


def duration(seconds: float, labels: Labels) -> str:
    """A duration in its two largest units, rounded to the smaller one (``45 s``, ``12 min``,
    ``1 h 30 min``, ``3 j 4 h``): minutes are whole, seconds show only under a minute."""
    lang = labels.lang
    if abs(seconds) < 59.5:
        return f"{number(seconds, lang, 0)}{NBSP}{labels('unit.seconds')}"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{number(minutes, lang, 0)}{NBSP}{labels('unit.minutes')}"
    for size, unit, small_unit in ((1440, "days", "hours"), (60, "hours", "minutes")):
        step = size // 24 if unit == "days" else 1  # days count whole hours, hours whole minutes
        whole = round(minutes / step) * step
        if whole >= size:
            big, rest = divmod(whole, size)
            text = f"{number(big, lang, 0)}{NBSP}{labels('unit.' + unit)}"
            if rest:
                text += f"{NBSP}{number(rest // step, lang, 0)}{NBSP}{labels('unit.' + small_unit)}"
            return text
    return f"{number(minutes, lang, 0)}{NBSP}{labels('unit.minutes')}"  # not reached


def with_unit(value: float, unit: str | None, lang: Lang) -> str:
    text = number(value, lang)
    if not unit:
        return text
    return f"{text}{NBSP}{unit}" if unit != "%" or lang is Lang.FR else f"{text}%"


def kpi_value(value: float, kpi: KPI, lang: Lang) -> str:
    """A value in a KPI's own unit (as measured values and targets are written) in human
    units: a share without a unit as a percentage (``45.2%``), a time without a unit as a
    duration, anything else to one decimal with the language's separators (``1,234.5 €``).
    A rate kind's value outside 0..1 is not a share (a CSAT target of 4 out of 5): a number."""
    unit = (kpi.unit or "").strip() or None
    if unit is None and kpi.kind in RATE_KINDS and 0 <= value <= 1:
        return percent(value, lang)
    if unit is None and kpi.kind in TIME_KINDS:
        return duration(value, Labels(lang))
    return with_unit(round(value, 1), unit, lang)
