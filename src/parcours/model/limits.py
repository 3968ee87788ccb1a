"""Limits on a journey document (YAML, JSON or Mermaid), so that a broken or hostile file gives
a located error instead of a crash or a memory blow-up: size, nesting depth, values after YAML
alias expansion, and the length of one string or number. A real journey map stays far below each
of them. Reading a document's bytes and decoding its text, within those limits, is here too."""

from __future__ import annotations

from pathlib import Path

from parcours.errors import JourneyFileError, Problem

#: Bytes in one journey file.
MAX_BYTES = 8 * 2**20
#: Nested mappings and lists (a journey uses about ten levels).
MAX_DEPTH = 64
#: Values (keys, scalars, lists, mappings) in the document once every YAML alias is expanded.
MAX_NODES = 200_000
#: Characters in one string.
MAX_TEXT = 200_000
#: Characters in one number.
MAX_NUMBER = 64


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def has_surrogate(text: str) -> bool:
    """True when ``text`` holds a lone UTF-16 surrogate (not a character, cannot be written)."""
    return not text.isascii() and any("\ud800" <= char <= "\udfff" for char in text)


def refuse(filename: str, line: int, column: int, message: str, hint: str) -> JourneyFileError:
    """The error for a limit broken at ``line``:``column``."""
    return JourneyFileError(Problem(filename, line, column, message, hint=hint))


def check_size(size: int, filename: str) -> None:
    if size > MAX_BYTES:
        message = f"the file is {size:,} bytes, more than the {MAX_BYTES:,} a journey may hold"
        raise refuse(filename, 1, 1, message, "split the map, or check this is a journey file")


def text_too_long(length: int) -> tuple[str, str]:
    return (
        f"a text of {length:,} characters is longer than the {MAX_TEXT:,} allowed",
        "shorten it",
    )


def number_too_long(length: int) -> tuple[str, str]:
    return (
        f"a number of {length:,} characters is longer than the {MAX_NUMBER} allowed",
        "write a shorter number",
    )


def too_deep() -> tuple[str, str]:
    return (
        f"the document nests more than {MAX_DEPTH} levels of lists and mappings",
        "a journey needs about ten; check the brackets and the indentation",
    )


SURROGATE = (
    "a text holds a lone UTF-16 surrogate (U+D800..U+DFFF), which is not a character",
    "write the character itself, or \\U0001F600-style escapes in YAML",
)


def read_bytes(path: Path) -> bytes:
    """The bytes of a journey document; a located error when it cannot be read or is too big."""
    try:
        check_size(path.stat().st_size, str(path))
        return path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise JourneyFileError(Problem(str(path), 0, 0, f"cannot read the file: {reason}")) from exc


def decode(raw: bytes | str, filename: str) -> str:
    """The document's text: UTF-8 (a byte-order mark allowed), no lone surrogate, not too big."""
    check_size(len(raw), filename)
    if isinstance(raw, str):
        if has_surrogate(raw):
            offset = next(i for i, char in enumerate(raw) if "\ud800" <= char <= "\udfff")
            raise refuse(filename, *position(raw, offset), *SURROGATE)
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise refuse(
            filename, line, column, "the file is not valid UTF-8", "save the file as UTF-8"
        ) from exc
