"""What each KPI kind and each measured figure counts, in French and English: shown on hover
(``title``) and in the legend under the map, so that two figures of one stage (a conversion and
an abandonment, a drop-off and a KPI) never sit side by side without saying what they count.

The wording follows what :mod:`parcours.engine.journey_kpis` computes.
"""

from __future__ import annotations

from parcours.model import KPI, KpiKind, KpiPeriod, Lang

#: A period said as a horizon ("still active 1 month after") and as a span ("in one month").
_AFTER = {
    Lang.FR: {
        KpiPeriod.DAY: "1 jour",
        KpiPeriod.WEEK: "1 semaine",
        KpiPeriod.MONTH: "1 mois",
        KpiPeriod.QUARTER: "3 mois",
        KpiPeriod.YEAR: "1 an",
        None: "30 jours",
    },
    Lang.EN: {
        KpiPeriod.DAY: "1 day",
        KpiPeriod.WEEK: "1 week",
        KpiPeriod.MONTH: "1 month",
        KpiPeriod.QUARTER: "3 months",
        KpiPeriod.YEAR: "1 year",
        None: "30 days",
    },
}
_SPAN = {
    Lang.FR: {
        KpiPeriod.DAY: "jour",
        KpiPeriod.WEEK: "semaine",
        KpiPeriod.MONTH: "mois",
        KpiPeriod.QUARTER: "trimestre",
        KpiPeriod.YEAR: "année",
    },
    Lang.EN: {
        KpiPeriod.DAY: "day",
        KpiPeriod.WEEK: "week",
        KpiPeriod.MONTH: "month",
        KpiPeriod.QUARTER: "quarter",
        KpiPeriod.YEAR: "year",
    },
}
KPI_DEFINITIONS: dict[Lang, dict[KpiKind, str]] = {
    Lang.FR: {
        KpiKind.NPS: "% de promoteurs (9-10) moins % de détracteurs (0-6) parmi les réponses",
        KpiKind.CSAT: "part des réponses satisfaites (4 ou 5 sur 5)",
        KpiKind.CES: "effort moyen déclaré par les répondants",
        KpiKind.CONVERSION: "part des clients passés ici qui atteignent l'étape suivante",
        KpiKind.ABANDONMENT: "part des clients passés ici qui n'atteignent pas l'étape suivante",
        KpiKind.CLICK_THROUGH: "part des clients de l'étape qui passent par ce point de contact",
        KpiKind.RETENTION: "part des clients passés ici encore actifs {after} après leur "
        "premier passage",
        KpiKind.CHURN: "part des clients actifs ici sur une période ({span}) qui n'y reviennent "
        "pas la période suivante (sur les périodes connues en entier)",
        KpiKind.LOYALTY: "part des clients qui commandent au moins deux fois sur la période",
        KpiKind.RETURN_RATE: "part des commandes retournées",
        KpiKind.COMPLAINT_RATE: "part des commandes avec réclamation",
        KpiKind.WAITING_TIME: "temps d'attente médian",
        KpiKind.RESPONSE_TIME: "temps de réponse médian",
        KpiKind.CUSTOM: "indicateur défini par l'équipe, non calculé à partir des données",
    },
    Lang.EN: {
        KpiKind.NPS: "% promoters (9-10) minus % detractors (0-6) among the answers",
        KpiKind.CSAT: "share of satisfied answers (4 or 5 out of 5)",
        KpiKind.CES: "mean effort reported by the respondents",
        KpiKind.CONVERSION: "share of the customers who came here and reach the next stage",
        KpiKind.ABANDONMENT: "share of the customers who came here and do not reach the next stage",
        KpiKind.CLICK_THROUGH: "share of the stage's customers who go through this touchpoint",
        KpiKind.RETENTION: "share of the customers who came here still active {after} after "
        "their first visit",
        KpiKind.CHURN: "share of the customers active here in one {span} who do not come back "
        "the next {span} (pooled over the periods known in full)",
        KpiKind.LOYALTY: "share of the customers who order at least twice in the period",
        KpiKind.RETURN_RATE: "share of the orders returned",
        KpiKind.COMPLAINT_RATE: "share of the orders with a complaint",
        KpiKind.WAITING_TIME: "median waiting time",
        KpiKind.RESPONSE_TIME: "median response time",
        KpiKind.CUSTOM: "an indicator the team defines, not computed from the data",
    },
}
MEASURE_DEFINITIONS: dict[Lang, dict[str, str]] = {
    Lang.FR: {
        "customers": "clients distincts passés ici",
        "volume": "événements reconnus ici",
        "conversion": "part des clients passés ici qui atteignent l'étape suivante",
        "drop_off": "part des clients passés ici qui n'atteignent pas l'étape suivante "
        "(100 % − conversion)",
        "median_seconds": "durée médiane entre le premier et le dernier événement ici",
        "attribution_share": "part des conversions créditée à ce point de contact "
        "(effet de retrait, chaîne de Markov)",
        "emotion": "émotion mesurée sur −2..+2 d'après les avis [intervalle à 95 %]",
        "negative_share": "part des avis négatifs",
        "feedback": "réponses et avis lus ici (notes et textes)",
    },
    Lang.EN: {
        "customers": "distinct customers who came here",
        "volume": "events matched here",
        "conversion": "share of the customers who came here and reach the next stage",
        "drop_off": "share of the customers who came here and do not reach the next stage "
        "(100% − conversion)",
        "median_seconds": "median time between the first and the last event here",
        "attribution_share": "share of the conversions credited to this touchpoint (removal "
        "effect, Markov chain)",
        "emotion": "emotion measured on −2..+2 from the feedback [95% interval]",
        "negative_share": "share of negative feedback",
        "feedback": "answers and reviews read here (ratings and texts)",
    },
}
#: Why a KPI of a measured map has no value.
NOT_MEASURED = {
    Lang.FR: {
        "label": "non mesuré",
        "custom": "indicateur personnalisé, non calculé à partir des données",
        "empty": "aucune donnée ici sur la période",
    },
    Lang.EN: {
        "label": "not measured",
        "custom": "a custom KPI, not computed from the data",
        "empty": "no data here over the period",
    },
}


def kpi_definition(kpi: KPI, lang: Lang) -> str:
    """What ``kpi`` counts, its period said where it has one."""
    text = KPI_DEFINITIONS[lang][kpi.kind]
    return text.format(
        after=_AFTER[lang][kpi.period],
        span=_SPAN[lang][kpi.period or KpiPeriod.MONTH],
    )


def measure_definition(key: str, lang: Lang) -> str:
    """What the measured figure ``key`` (customers, conversion, drop_off...) counts."""
    return MEASURE_DEFINITIONS[lang].get(key, "")


def not_measured(kpi: KPI, lang: Lang) -> str:
    """``not measured (why)`` for a KPI of a measured map that has no value."""
    said = NOT_MEASURED[lang]
    why = said["custom"] if kpi.kind is KpiKind.CUSTOM else said["empty"]
    return f"{said['label']} ({why})"
