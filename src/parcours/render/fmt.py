"""Numbers as the views print them, in French (``12,5 %``) or English (``12.5%``)."""

from __future__ import annotations

from parcours.model.vocabulary import Lang
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
    """A duration in its largest sensible unit (``45 s``, ``12 min``, ``2,5 h``, ``3 j``)."""
    for size, unit in ((86400, "days"), (3600, "hours"), (60, "minutes")):
        if seconds >= size:
            return f"{number(seconds / size, labels.lang, 1)}{NBSP}{labels('unit.' + unit)}"
    return f"{number(seconds, labels.lang, 0)}{NBSP}{labels('unit.seconds')}"


def with_unit(value: float, unit: str | None, lang: Lang) -> str:
    text = number(value, lang)
    if not unit:
        return text
    return f"{text}{NBSP}{unit}" if unit != "%" or lang is Lang.FR else f"{text}%"
