"""Stage presets the seed articles name, in French and English.

==========  =============================================================  ======
preset      stages                                                         seed
==========  =============================================================  ======
``3``       découverte, réflexion, décision                                 [002]
``4``       besoin et recherche, comparaison, décision, fidélisation        [000]
``5``       reconnaissance, considération, décision d'achat, fidélisation,  [003]
            recommandation
``6``       prise de conscience ... recommandation                          [004]
lifecycle   research, evaluation, purchase, use, after-sales service        [001]
==========  =============================================================  ======
"""

from __future__ import annotations

from parcours.model.journey import Journey
from parcours.model.vocabulary import BusinessType, Lang

_PRESETS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # (id, French, English)
    "3": (
        ("decouverte", "Découverte", "Discovery"),
        ("reflexion", "Réflexion", "Consideration"),
        ("decision", "Décision", "Decision"),
    ),
    "4": (
        (
            "besoin-recherche",
            "Reconnaissance du besoin et recherche d'informations",
            "Need recognition and information search",
        ),
        ("comparaison", "Comparaison des solutions", "Comparison of solutions"),
        ("decision", "Décision", "Decision"),
        ("fidelisation", "Fidélisation après-vente", "After-sales loyalty"),
    ),
    "5": (
        ("reconnaissance", "Reconnaissance", "Awareness"),
        ("consideration", "Considération", "Consideration"),
        ("decision-achat", "Décision d'achat", "Purchase decision"),
        ("fidelisation", "Fidélisation", "Loyalty"),
        ("recommandation", "Recommandation", "Advocacy"),
    ),
    "6": (
        ("prise-de-conscience", "Prise de conscience du besoin", "Becoming aware of the need"),
        ("comparaison", "Comparaison des options", "Comparing the options"),
        ("offre-sur-mesure", "Recherche d'une offre sur mesure", "Looking for a tailored offer"),
        ("soutien", "Recherche de soutien", "Seeking support"),
        ("apres-usage", "Questionnements après usage", "Questions after use"),
        ("recommandation", "Recommandation", "Recommendation"),
    ),
    "lifecycle": (
        ("recherche", "Recherche", "Research"),
        ("evaluation", "Évaluation", "Evaluation"),
        ("achat", "Achat", "Purchase"),
        ("utilisation", "Utilisation", "Use"),
        ("service-apres-vente", "Service après-vente", "After-sales service"),
    ),
}

#: The preset names, in the order ``parcours init --preset`` lists them.
PRESETS: tuple[str, ...] = tuple(_PRESETS)


def preset_stages(preset: str) -> list[dict[str, object]]:
    """The stages of ``preset`` as journey-document mappings with ``{fr, en}`` names."""
    try:
        stages = _PRESETS[preset]
    except KeyError:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}") from None
    return [{"id": i, "name": {Lang.FR: fr, Lang.EN: en}} for i, fr, en in stages]


_NEW_NAME = {Lang.FR: "Mon parcours client", Lang.EN: "My customer journey"}


def new_journey(
    preset: str = "5",
    *,
    lang: Lang = Lang.FR,
    business_type: BusinessType = BusinessType.B2C,
    name: str | None = None,
) -> Journey:
    """A starting map with the stages of ``preset``, to complete by hand or from data."""
    return Journey.model_validate(
        {
            "name": name or _NEW_NAME[lang],
            "business_type": business_type,
            "language": lang,
            "stages": preset_stages(preset),
        }
    )
