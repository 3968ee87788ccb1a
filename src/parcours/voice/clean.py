"""Clean feedback text before anything is stored, shown or analysed.

:func:`clean` chains the steps, in this order:

1. :func:`repair`: undo mojibake (UTF-8 read with the wrong code page). ``ftfy`` knows the common
   Windows code pages; seed 003 was read as ISO-8859-16, which ``ftfy`` does not try, so the
   code page that explains the most byte sequences is found first and undone, then ``ftfy`` runs.
2. :func:`strip_html`: drop tags, scripts and styles; unescape entities.
3. :func:`normalise`: Unicode NFC, no zero-width characters, emoji without variation selectors or
   skin tones and without repeats, single spaces.
4. :func:`mask`: personal data replaced by placeholders: ``[email]``, ``[card]`` (digit runs that
   pass the Luhn check), ``[iban]``, ``[phone]`` (French and international), ``[url]``, ``@user``.
"""

from __future__ import annotations

import html
import re
import unicodedata

from parcours._optional import require

ftfy = require("ftfy", extra="voice", feature="Feedback text repair")

__all__ = ["clean", "mask", "normalise", "repair", "strip_html"]

#: Code pages that UTF-8 text is commonly misread with, most common first.
_CODE_PAGES = ("cp1252", "iso8859_16", "cp1250", "iso8859_2", "iso8859_15", "mac_roman")
# A misread multi-byte UTF-8 character: a lead byte then 1-3 continuation bytes, each shown as
# one character of the code page. The candidates are checked per code page below.
_MOJIBAKE_RUN = re.compile(r"[\u00c0-\u017f\u2020-\u221e√][\u0080-\u02ff\u2010-\u2122]{1,3}")
_LONE_A_GRAVE = re.compile("[ĂÃ]  ?")
_COMMON_LETTERS = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆñáíóú’“”«»€–—…")


def _decode_run(run: str, code_page: str) -> str | None:
    """The UTF-8 character ``run`` stands for when misread with ``code_page``, else None."""
    try:
        raw = run.encode(code_page)
    except UnicodeEncodeError:
        return None
    # Take the longest valid prefix: a lead byte and as many continuation bytes as it needs.
    for end in range(len(raw), 1, -1):
        try:
            decoded = raw[:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(decoded) == 1 and decoded in _COMMON_LETTERS:
            return decoded + run[len(raw[:end].decode(code_page)) :]
    return None


def _undo_code_page(text: str, code_page: str) -> tuple[str, int]:
    hits = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal hits
        decoded = _decode_run(match.group(0), code_page)
        if decoded is None:
            return match.group(0)
        hits += 1
        return decoded

    return _MOJIBAKE_RUN.sub(fix, text), hits


def repair(text: str) -> str:
    """Undo mojibake, then let ``ftfy`` fix what is left (quotes, entities, line breaks)."""
    if _MOJIBAKE_RUN.search(text):
        best, best_hits = text, 0
        for code_page in _CODE_PAGES:
            fixed, hits = _undo_code_page(text, code_page)
            if hits > best_hits:
                best, best_hits = fixed, hits
        text = best
        if best_hits:
            # "à" is C3 A0: once its no-break space has become a plain one, only the lead is left.
            text = _LONE_A_GRAVE.sub("à ", text)
    return ftfy.fix_text(text, unescape_html=False, uncurl_quotes=True)


_DROP_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_LINE_TAGS = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6])\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<!--.*?-->", re.DOTALL)


def strip_html(text: str) -> str:
    """Remove HTML tags (scripts and styles with their content) and unescape entities."""
    if "<" in text:
        text = _DROP_BLOCKS.sub(" ", text)
        text = _LINE_TAGS.sub("\n", text)
        text = _TAG.sub(" ", text)
    return html.unescape(text) if "&" in text else text


_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_EMOJI_MODIFIERS = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_EMOJI = "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff]"
_REPEATED_EMOJI = re.compile(f"({_EMOJI})(?:\\s*\\1)+")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, no invisible characters, one emoji where a run repeats it, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _EMOJI_MODIFIERS.sub("", text)
    text = _REPEATED_EMOJI.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}\b")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_DIGIT_RUN = re.compile(r"(?<![\w+])\d(?:[ -]?\d){12,18}(?!\w)")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){5,12}"  # international
    r"|0[1-9](?:[ .-]?\d{2}){4}"  # French national: 0X XX XX XX XX
    r")(?!\w)"
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[card]" if _luhn_ok(digits) else match.group(0)


def mask(text: str) -> str:
    """Replace personal data with placeholders (see the module docstring)."""
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub("[url]", text)
    text = _MENTION.sub("@user", text)
    text = _IBAN.sub("[iban]", text)
    text = _DIGIT_RUN.sub(_mask_card, text)
    return _PHONE.sub("[phone]", text)


def clean(text: str) -> str:
    """Repair, strip HTML, normalise and mask one text; the form stored and shown.

    The chain runs again until the text no longer changes (at most 4 times): ftfy reads a
    damaged sequence differently once a soft hyphen, control character or line break around it
    is gone, and cleaning a clean text must give it back unchanged.
    """
    for _ in range(4):
        cleaned = mask(normalise(strip_html(repair(text))))
        if cleaned == text:
            break
        text = cleaned
    return cleaned
