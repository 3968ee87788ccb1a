"""Feedback verbatims in French and English, by theme and polarity, for simulated surveys.

A touchpoint's theme is guessed from its id, name and channel (``page-paiement`` → payment). The
texts are short, plain and varied enough for sentiment and theme analysis to have work to do.
"""

from __future__ import annotations

import re

from parcours.model import Channel, Touchpoint
from parcours.model.text import localize

Polarity = str  # "negative" | "neutral" | "positive"

_THEME_WORDS: tuple[tuple[str, str], ...] = (
    ("payment", r"paie|pay|checkout|caisse|panier|cart|carte"),
    ("delivery", r"livr|deliver|colis|parcel|shipping|expedi|track|suivi"),
    ("service", r"service|support|sav|assist|call|appel|hotline|chat|conseill|advisor"),
    ("store", r"magasin|store|boutique|shop"),
    ("price", r"prix|price|tarif|pricing|devis|quote|offre"),
)
_CHANNEL_THEMES = {
    Channel.CALL_CENTRE: "service",
    Channel.PHONE: "service",
    Channel.CHATBOT: "service",
    Channel.LIVE_CHAT: "service",
    Channel.STORE: "store",
    Channel.DELIVERY: "delivery",
}

TEXTS: dict[str, dict[str, dict[Polarity, tuple[str, ...]]]] = {
    "fr": {
        "payment": {
            "negative": (
                "Le paiement a échoué deux fois, j'ai abandonné mon panier.",
                "Trop d'étapes pour payer, et la page a planté à la fin.",
                "Impossible de valider ma carte, aucun message clair.",
                "Le code de confirmation n'est jamais arrivé, paiement bloqué.",
            ),
            "neutral": ("Paiement fait, rien de particulier.", "Le paiement fonctionne."),
            "positive": (
                "Paiement rapide et simple, en deux clics.",
                "Très pratique de payer avec l'appli, aucun souci.",
                "Paiement sécurisé et confirmation immédiate, parfait.",
            ),
        },
        "delivery": {
            "negative": (
                "Colis jamais reçu, et personne pour me répondre.",
                "Livraison avec une semaine de retard, très déçu.",
                "Le suivi du colis ne se met pas à jour depuis des jours.",
                "Carton abîmé à la livraison, produit rayé.",
            ),
            "neutral": ("Livraison dans les délais annoncés.", "Colis reçu, suivi correct."),
            "positive": (
                "Livré en 24 heures, emballage impeccable.",
                "Suivi de livraison très clair, livreur aimable.",
                "Reçu plus tôt que prévu, génial !",
            ),
        },
        "service": {
            "negative": (
                "Quarante minutes d'attente au téléphone pour rien.",
                "Le service client ne répond pas à mes mails.",
                "On m'a transféré trois fois sans résoudre mon problème.",
                "Conseiller désagréable, je me suis senti ignoré.",
            ),
            "neutral": ("J'ai eu une réponse au bout d'un moment.", "Appel traité normalement."),
            "positive": (
                "Conseillère très à l'écoute, problème réglé en cinq minutes.",
                "Service client réactif et efficace, merci !",
                "Réponse rapide et précise du support.",
            ),
        },
        "store": {
            "negative": (
                "Personne pour me conseiller en magasin.",
                "Produit en rupture alors que le site l'indiquait disponible.",
                "File d'attente interminable à la caisse.",
            ),
            "neutral": ("Magasin bien rangé, passage rapide.", "Retrait en magasin sans surprise."),
            "positive": (
                "Vendeur passionné qui m'a très bien conseillé.",
                "Retrait en magasin en deux minutes, top.",
                "Boutique agréable, j'ai pu essayer le produit.",
            ),
        },
        "price": {
            "negative": (
                "Beaucoup trop cher pour ce que c'est.",
                "Frais cachés découverts au dernier moment.",
                "Le devis était incompréhensible.",
            ),
            "neutral": ("Prix dans la moyenne du marché.", "Tarif correct sans plus."),
            "positive": (
                "Excellent rapport qualité-prix.",
                "Promotion intéressante, prix clair dès le début.",
                "Offre transparente, aucun frais caché.",
            ),
        },
        "product": {
            "negative": (
                "Le site est lent et les informations manquent.",
                "Je n'ai pas trouvé de réponse à mes questions.",
                "Produit décevant, il ne tient pas ses promesses.",
                "Navigation confuse, j'ai perdu du temps.",
            ),
            "neutral": ("Informations suffisantes pour me décider.", "Expérience correcte."),
            "positive": (
                "Produit excellent, je recommande vivement.",
                "Les avis clients m'ont vraiment aidé à choisir.",
                "Site clair et agréable, j'ai trouvé tout de suite.",
                "Très satisfait, l'expérience est fluide.",
            ),
        },
    },
    "en": {
        "payment": {
            "negative": (
                "Payment failed twice so I gave up on my cart.",
                "Too many steps to pay and the page crashed at the end.",
                "My card was rejected with no clear message.",
            ),
            "neutral": ("Paid without anything special to report.", "Checkout works."),
            "positive": (
                "Quick and easy checkout, two clicks.",
                "Paying in the app was smooth, no issues.",
                "Secure payment and instant confirmation, perfect.",
            ),
        },
        "delivery": {
            "negative": (
                "Parcel never arrived and nobody answers.",
                "Delivery was a week late, very disappointed.",
                "Tracking has not updated for days.",
            ),
            "neutral": ("Delivered on the announced date.", "Parcel received, tracking was fine."),
            "positive": (
                "Delivered within 24 hours, perfect packaging.",
                "Clear tracking and a friendly courier.",
                "Arrived earlier than expected, great!",
            ),
        },
        "service": {
            "negative": (
                "Forty minutes on hold for nothing.",
                "Customer service never answers my emails.",
                "Transferred three times and still no solution.",
            ),
            "neutral": ("I got an answer after a while.", "The call was handled normally."),
            "positive": (
                "The agent listened and fixed it in five minutes.",
                "Responsive and helpful support, thank you!",
                "Fast and accurate answer from the help desk.",
            ),
        },
        "store": {
            "negative": (
                "Nobody in the store could help me.",
                "Out of stock although the website said available.",
                "Endless queue at the till.",
            ),
            "neutral": ("Tidy store, quick visit.", "Click and collect as expected."),
            "positive": (
                "Passionate staff who gave great advice.",
                "Click and collect took two minutes, great.",
                "Nice shop, I could try the product.",
            ),
        },
        "price": {
            "negative": (
                "Far too expensive for what it is.",
                "Hidden fees discovered at the last minute.",
                "The quote was impossible to understand.",
            ),
            "neutral": ("Prices in line with the market.", "Fair price, nothing more."),
            "positive": (
                "Great value for money.",
                "Good deal and a clear price from the start.",
                "Transparent offer, no hidden fees.",
            ),
        },
        "product": {
            "negative": (
                "The website is slow and information is missing.",
                "I could not find answers to my questions.",
                "Disappointing product, it does not deliver.",
            ),
            "neutral": ("Enough information to decide.", "A decent experience."),
            "positive": (
                "Excellent product, highly recommended.",
                "Customer reviews really helped me choose.",
                "Clear and pleasant website, found it right away.",
            ),
        },
    },
}


def theme_of(touchpoint: Touchpoint | None) -> str:
    """The feedback theme a touchpoint's verbatims talk about."""
    if touchpoint is None:
        return "product"
    words = f"{touchpoint.id} {localize(touchpoint.name, 'fr')} {localize(touchpoint.name, 'en')}"
    for theme, pattern in _THEME_WORDS:
        if re.search(pattern, words, re.IGNORECASE):
            return theme
    return _CHANNEL_THEMES.get(touchpoint.channel, "product")
