from __future__ import annotations

from parcours.voice.language import detect, detect_many


def test_french_english_other() -> None:
    assert detect_many(
        [
            "Le colis n'est jamais arrivé et personne ne répond au téléphone.",
            "My parcel never arrived and nobody answers the phone.",
            "Das Paket ist nie angekommen und niemand geht ans Telefon.",
            "12345 !!!",
            "",
        ]
    ) == ["fr", "en", "other", "other", "other"]


def test_short_feedback() -> None:
    assert detect("Livraison rapide, merci") == "fr"
    assert detect("Great service, thanks") == "en"
    assert detect("The WORST EXPERIENCE EVER.") == "en"
    assert detect("Molto bene, grazie") == "other"
