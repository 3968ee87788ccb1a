"""Data-driven personas: a card per behavioural segment, written from the measures.

A card describes one cluster of :mod:`parcours.engine.customers.clusters` against the whole
base: its size and share; its distinguishing features, ranked by effect size (the standardised
mean difference d = (segment mean - base mean) / base deviation, |d| >= 0.2 kept, at most
:data:`TRAITS`); its dominant channels (its mean share of events on each channel); its mean
purchase value and conversion rate; and, when given, its journey typology mix and its mean churn
risk (1 - P(alive)). :meth:`PersonaCard.persona` turns a card into a journey
:class:`~parcours.model.Persona` (French and English text) whose ``evidence`` names the
measures it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parcours.engine.customers.clusters import Clusters
from parcours.model.journey import Evidence, Persona
from parcours.model.vocabulary import EvidenceKind

TRAITS = 4
WORDS = {  # feature -> (en, fr)
    "events": ("events", "événements"),
    "active_days": ("active days", "jours actifs"),
    "channels": ("channels used", "canaux utilisés"),
    "purchases": ("purchases", "achats"),
    "value": ("purchase value", "valeur d'achat"),
    "converted": ("conversion", "conversion"),
    "days_to_convert": ("days to convert", "jours avant conversion"),
    "stages_reached": ("stages reached", "étapes atteintes"),
}


@dataclass(frozen=True)
class Trait:
    feature: str
    segment_mean: float
    base_mean: float
    effect_size: float

    def words(self, lang: str) -> str:
        en, fr = WORDS.get(self.feature, (self.feature.replace("share_", "share of "),) * 2)
        if self.feature.startswith("share_"):
            channel = self.feature.removeprefix("share_")
            en, fr = f"events on {channel}", f"événements sur {channel}"
        more = self.effect_size > 0
        if lang == "fr":
            return f"{'plus' if more else 'moins'} de {fr} (d = {self.effect_size:+.2f})"
        return f"{'more' if more else 'fewer'} {en} (d = {self.effect_size:+.2f})"


@dataclass(frozen=True)
class PersonaCard:
    """What sets one segment apart, measured."""

    segment: str
    customers: int
    share: float
    traits: tuple[Trait, ...]
    channels: tuple[tuple[str, float], ...]  # (channel, mean share of events), largest first
    value: float | None
    conversion: float | None
    typology: dict[str, float] | None = None
    churn: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "customers": self.customers,
            "share": self.share,
            "traits": [t.__dict__ for t in self.traits],
            "channels": [{"channel": c, "share": s} for c, s in self.channels],
            "value": self.value,
            "conversion": self.conversion,
            "typology": self.typology,
            "churn": self.churn,
        }

    def persona(self, source: str = "parcours segment", date: dt.date | None = None) -> Persona:
        """The card as a journey persona, in French and English, with its evidence."""
        top = self.channels[0][0] if self.channels else None
        head = {"en": f"Segment {self.segment}", "fr": f"Segment {self.segment}"}
        if top:
            head = {"en": f"{head['en']}: mostly {top}", "fr": f"{head['fr']} : surtout {top}"}
        described = {
            "en": f"{self.customers:,} customers ({self.share:.0%} of the base), found by "
            "k-means on their journeys.",
            "fr": f"{self.customers:,} clients ({self.share:.0%} de la base), trouvés par k-means "
            "sur leurs parcours.".replace(",", " "),
        }
        behaviours = [{"en": t.words("en"), "fr": t.words("fr")} for t in self.traits]
        if self.conversion is not None:
            behaviours.append(
                {
                    "en": f"converts at {self.conversion:.0%}",
                    "fr": f"convertit à {self.conversion:.0%}",
                }
            )
        if self.churn is not None:
            behaviours.append(
                {"en": f"churn risk {self.churn:.0%}", "fr": f"risque d'attrition {self.churn:.0%}"}
            )
        evidence = Evidence(
            source=f"{source}: segment {self.segment}, {self.customers} customers, effect sizes "
            "against the whole base",
            kind=EvidenceKind.ANALYTICS,
            date=date,
        )
        if self.typology:
            kind = max(self.typology, key=lambda k: self.typology[k])  # type: ignore[index]
            behaviours.append({"en": f"mostly {kind} journeys", "fr": f"parcours surtout {kind}"})
        return Persona.model_validate(
            {
                "id": f"segment-{self.segment}",
                "name": head,
                "description": described,
                "behaviours": behaviours,
                "evidence": [evidence],
            }
        )


def persona_cards(
    features: pd.DataFrame,
    clusters: Clusters,
    *,
    typology: Mapping[str, str] | None = None,
    churn: Mapping[str, float] | None = None,
) -> tuple[PersonaCard, ...]:
    """A card per cluster of ``clusters`` over the ``features`` it was fitted on (by customer;
    ``typology``: customer -> kind; ``churn``: customer -> churn probability)."""
    members = clusters.members.reindex(features.index)
    base_mean, base_std = features.mean(), features.std().replace(0, np.nan)
    kinds = None if typology is None else pd.Series(typology).reindex(features.index)
    risk = None if churn is None else pd.Series(churn, dtype=float).reindex(features.index)
    cards = []
    for segment in sorted(clusters.centroids):
        mask = (members == segment).to_numpy()
        part = features[mask]
        d = ((part.mean() - base_mean) / base_std).dropna()
        d = d[d.abs() >= 0.2].reindex(d.abs().sort_values(ascending=False).index).dropna()
        traits = tuple(
            Trait(f, float(part[f].mean()), float(base_mean[f]), float(d[f]))
            for f in list(d.index)[:TRAITS]
        )
        shares = [c for c in features.columns if c.startswith("share_")]
        channels = tuple(
            (c.removeprefix("share_"), float(part[c].mean()))
            for c in sorted(shares, key=lambda c: -part[c].mean())
            if part[c].mean() > 0
        )[:3]
        mix = None
        if kinds is not None:
            mix = {str(k): float(v) for k, v in kinds[mask].value_counts(normalize=True).items()}
        cards.append(
            PersonaCard(
                segment=segment,
                customers=int(mask.sum()),
                share=float(mask.mean()),
                traits=traits,
                channels=channels,
                value=float(part["value"].mean()) if "value" in part else None,
                conversion=float(part["converted"].mean()) if "converted" in part else None,
                typology=mix,
                churn=None if risk is None else float(risk[mask].mean()),
            )
        )
    return tuple(cards)
