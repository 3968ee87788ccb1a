"""Text that may be written once or per language (``{fr: ..., en: ...}``), and slugs."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, TypeAlias

from pydantic import Field

from parcours.model.vocabulary import Lang

#: A text written once (``"Paiement"``) or per language (``{fr: "Paiement", en: "Payment"}``).
Text: TypeAlias = str | Annotated[dict[Lang, str], Field(min_length=1)]


def localize(text: Text | None, lang: Lang | str) -> str:
    """The text in ``lang``, else in the other language, else empty."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    wanted = Lang(lang)
    if wanted in text:
        return text[wanted]
    return next(iter(text.values()), "")


def slugify(text: Text) -> str:
    """A stable id from a name: lower case ASCII words joined by dashes (``"Décision d'achat"`` →
    ``"decision-d-achat"``)."""
    plain = localize(text, Lang.FR) if isinstance(text, dict) else text
    ascii_text = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "item"
