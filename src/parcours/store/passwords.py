"""Passwords (OWASP ASVS 5.0 level 1): length rules, a list of common passwords, argon2.

A password has 12 to 128 characters, any characters (spaces and emoji included, no composition
rule). It is refused when it is a common password, or one of them with only digits or symbols
added around it (``password1234!``), or a single character or word repeated, or the account's
email. The common passwords are SecLists' ``10k-most-common.txt`` (``resources/``, MIT licence).
Hashes are argon2id through pwdlib, with its default parameters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from parcours.errors import PasswordRejected

MIN_LENGTH = 12
MAX_LENGTH = 128
_DECORATION = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")
_DIGITS_UP = "0123456789" * (MAX_LENGTH // 10 + 2)
_DIGITS_DOWN = _DIGITS_UP[::-1]


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords shipped with parcours, lower case."""
    text = resources.files("parcours.store").joinpath("resources/common-passwords.txt")
    return frozenset(line.strip().lower() for line in text.read_text("utf-8").splitlines())


@cache
def hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@cache
def dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so both cases take the same time."""
    return hasher().hash("no account has this password, it only spends the same time")


def check_password(password: str, email: str = "") -> None:
    """Raise PasswordRejected, saying why and what to do, when ``password`` breaks a rule."""
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        raise PasswordRejected(
            "too_short",
            f"the password has {length} characters; use at least {MIN_LENGTH} "
            "(a few unrelated words make a long password easy to remember)",
            f"le mot de passe a {length} caractères ; il en faut au moins {MIN_LENGTH} "
            "(quelques mots sans rapport font un long mot de passe facile à retenir)",
        )
    if length > MAX_LENGTH:
        raise PasswordRejected(
            "too_long",
            f"the password has {length} characters; use at most {MAX_LENGTH}",
            f"le mot de passe a {length} caractères ; il en faut au plus {MAX_LENGTH}",
        )
    lowered = password.strip().lower()
    if email and lowered in {email.strip().lower(), email.strip().lower().partition("@")[0]}:
        raise PasswordRejected(
            "email",
            "the password is the account's email; choose a password nobody can guess from it",
            "le mot de passe est l'adresse du compte ; choisissez-en un qu'on ne peut pas deviner",
        )
    if _is_common(lowered):
        raise PasswordRejected(
            "common",
            "the password is a common one (or one with digits or symbols added) that attackers "
            "try first; choose another, for example a few unrelated words",
            "ce mot de passe est courant (ou l'est, chiffres ou symboles mis à part) et les "
            "attaquants l'essaient en premier ; choisissez-en un autre, par exemple quelques mots "
            "sans rapport",
        )


def _is_common(lowered: str) -> bool:
    common = common_passwords()
    core = _DECORATION.match(lowered)
    stem = (core.group(1) if core else "") or lowered
    if lowered in common or stem in common:
        return True
    if lowered in _DIGITS_UP or lowered in _DIGITS_DOWN:  # 123456789012, 210987654321
        return True
    # one character or one short word repeated: aaaaaaaaaaaa, abcabcabcabc, monkeymonkey
    for size in range(1, len(stem) // 2 + 1):
        if len(stem) % size == 0 and stem[:size] * (len(stem) // size) == stem:
            return True
    return False


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches, and a new hash when the stored one should be upgraded."""
    return hasher().verify_and_update(password, password_hash)
