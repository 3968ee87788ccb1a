"""Findings said in plain French and English (plain text: whoever renders it escapes it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.insight.findings import ChannelChange
from parcours.model import KPI, Journey
from parcours.model.text import localize

if TYPE_CHECKING:
    from parcours.insight.incidents import Incident

_MEASURES = {
    "conversion": {
        "fr": "la conversion vers l'étape suivante",
        "en": "conversion to the next stage",
    },
    "customers": {"fr": "le nombre de clients", "en": "the number of customers"},
}
_PER = {
    "day": {"fr": "par jour", "en": "a day"},
    "week": {"fr": "par semaine", "en": "a week"},
    "month": {"fr": "par mois", "en": "a month"},
}


def summary(
    journey: Journey,
    incident: Incident,
    kpi: KPI | None,
    stage: str,
    touchpoint: str | None,
    channel: ChannelChange | None,
) -> dict[str, str]:
    """One sentence or two per language: when, where, from what to what, what it cost, and the
    channel that explains it."""
    series = incident.series
    rate = series.measure != "customers"
    start, end = incident.first_day.isoformat(), incident.last_day.isoformat()
    out = {}
    for lang in ("fr", "en"):
        what = (
            localize(kpi.name, lang) if kpi is not None and kpi.name else None
        ) or _MEASURES.get(series.measure, {}).get(lang, series.measure)
        place = _place(journey, stage, touchpoint, lang)
        before = _value(incident.baseline, rate, series.every, lang)
        after = _value(incident.observed, rate, series.every, lang)
        if lang == "fr":
            text = f"Du {start} au {end}, {what} {place} passe de {before} à {after}"
            text += f" ({_number(incident.n, lang)} {'observations' if rate else 'clients'})"
            if incident.cost >= 0.5:
                text += f" : environ {_number(incident.cost, lang)} clients perdus"
            text += "."
            if channel is not None:
                text += (
                    f" Le canal {channel.channel} en explique l'essentiel "
                    f"({_number(channel.lost, lang)} clients perdus"
                    f"{_from_to(channel, rate, series.every, lang)})."
                )
        else:
            text = f"From {start} to {end}, {what} {place} went from {before} to {after}"
            text += f" ({_number(incident.n, lang)} {'observations' if rate else 'customers'})"
            if incident.cost >= 0.5:
                text += f": about {_number(incident.cost, lang)} customers lost"
            text += "."
            if channel is not None:
                text += (
                    f" The {channel.channel} channel accounts for most of it "
                    f"({_number(channel.lost, lang)} customers lost"
                    f"{_from_to(channel, rate, series.every, lang)})."
                )
        out[lang] = text
    return out


def _place(journey: Journey, stage: str, touchpoint: str | None, lang: str) -> str:
    for s in journey.stages:
        if s.id != stage:
            continue
        stage_name = localize(s.name, lang)
        for t in s.touchpoints:
            if t.id == touchpoint:
                name = localize(t.name, lang)
                if lang == "fr":
                    return f"au point de contact « {name} » (étape « {stage_name} »)"
                return f"at touchpoint “{name}” (stage “{stage_name}”)"
        return f"à l'étape « {stage_name} »" if lang == "fr" else f"at stage “{stage_name}”"
    return stage


def _from_to(channel: ChannelChange, rate: bool, every: str, lang: str) -> str:
    if channel.baseline is None or channel.observed is None:
        return ""
    before = _value(channel.baseline, rate, every, lang)
    after = _value(channel.observed, rate, every, lang)
    return f", {before} → {after}"


def _value(value: float, rate: bool, every: str, lang: str) -> str:
    if rate:
        percent = f"{100 * value:.1f}".replace(".", "," if lang == "fr" else ".")
        return f"{percent} %" if lang == "fr" else f"{percent}%"
    return f"{_number(value, lang)} {_PER[every][lang]}"


def _number(value: float, lang: str) -> str:
    text = f"{round(value):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def place_text(journey: Journey, stage: str, touchpoint: str | None, lang: str) -> str:
    """Where on the map, as a phrase: at touchpoint “...” (stage “...”), or at stage “...”."""
    return _place(journey, stage, touchpoint, lang)


def share_text(value: float, lang: str) -> str:
    """A share as a percentage, in the language's spelling."""
    return _value(value, True, "day", lang)


def number_text(value: float, lang: str) -> str:
    """A whole number with the language's thousands separator."""
    return _number(value, lang)
