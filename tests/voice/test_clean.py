"""Cleaning: mojibake repaired, HTML stripped, whitespace and emoji normalised, data masked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parcours.voice.clean import clean, mask, normalise, repair, strip_html

# Lines copied from ../shared/seeds/003_a51610082d3a3b9a.txt (UTF-8 read as ISO-8859-16).
SEED_003 = [
    "Customer journey : guide complet pour maĂźtriser le parcours client de A Ă\u00a0 Z",
    "MaĂźtriser le parcours client en 2025 est devenu un enjeu incontournable pour toute "
    "entreprise souhaitant se dĂ©marquer dans un marchĂ© ultra-concurrentiel.",
    "les Ă©motions et les freins rencontrĂ©s par les clients Ă  chaque Ă©tape. Elle s’avĂšre "
    "cruciale",
    "dans une pertinente stratĂ©gie globale oĂč chaque interaction compte",
]


def test_seed_003_comes_out_readable() -> None:
    fixed = [repair(line) for line in SEED_003]
    assert fixed[0] == "Customer journey : guide complet pour maîtriser le parcours client de A à Z"
    assert fixed[1].startswith("Maîtriser le parcours client")
    assert "se démarquer dans un marché ultra-concurrentiel" in fixed[1]
    assert "les émotions et les freins rencontrés par les clients à chaque étape" in fixed[2]
    assert "s'avère cruciale" in fixed[2]
    assert "stratégie globale où chaque" in fixed[3]
    # The same text once its no-break spaces have become plain spaces.
    assert repair("de A Ă  Z, jusqu’Ă la fin, Ă©tape") == "de A à Z, jusqu'à la fin, étape"


def test_windows_1252_mojibake_and_clean_text_are_handled() -> None:
    assert repair("Le colis est arrivÃ© abÃ®mÃ©") == "Le colis est arrivé abîmé"
    correct = "Déjà très bien, café crème à Noël — « génial » ; Ärger über Öl"
    assert repair(correct) == correct


def test_html_is_stripped_and_entities_unescaped() -> None:
    html = "<p>Super&nbsp;service&nbsp;!<br>Merci &amp; bravo</p><script>track()</script>"
    assert normalise(strip_html(html)) == "Super service ! Merci & bravo"


def test_emoji_are_normalised() -> None:
    assert normalise("Merci 👍🏽👍🏽👍🏽 ❤️   vraiment\u200b") == "Merci 👍 ❤ vraiment"


def test_personal_data_is_masked() -> None:
    text = (
        "Écrivez à jean.dupont@exemple.fr ou appelez le 06 12 34 56 78, le +33 6 12 34 56 78, "
        "le +1 (555) 123-4567 ; carte 4111 1111 1111 1111 ; IBAN FR76 3000 6000 0112 3456 7890 "
        "189 ; voir https://exemple.fr/suivi?id=42 @jdupont"
    )
    masked = mask(text)
    assert masked == (
        "Écrivez à [email] ou appelez le [phone], le [phone], le [phone] ; carte [card] ; "
        "IBAN [iban] ; voir [url] @user"
    )


def test_numbers_that_are_not_personal_data_are_kept() -> None:
    # Fails the Luhn check, and an order number is not a phone number.
    text = "commande 1234567890123, carte 4970 1012 3456 7890, 3 articles à 12,50 €"
    assert mask(text) == text


@given(st.text(max_size=200))
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert "  " not in once and once == once.strip()
