"""Hypothesis strategies that damage valid inputs: the fuzz tests' raw material.

``mutated(seeds, alphabet)`` draws one seed and applies a few edits: insert characters that
mean something to the format, delete, duplicate or repeat a slice, swap a character, cut the
end. ``as_bytes`` then writes it as UTF-8 that may hold lone surrogates or stray bytes."""

from __future__ import annotations

from hypothesis import strategies as st

#: Characters that matter to YAML, JSON, CSV and Mermaid, plus awkward Unicode.
SPECIAL = [
    *"[]{}:,-&*!|>'\"\n\r\t #%@\\;.0123456789eE+",
    "\x00",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ud800",
    "\udfff",
    "é",
    "\U0001f600",
    "&a",
    "*a",
    "<<",
    "nan",
    ".inf",
    "1e999",
    "9" * 80,
    "infinity",
    "epoch",
    "+25:00",
    "10000-01-01",
    "\\ud800",
    "[" * 200,
    "{" * 200,
]
fragments = st.sampled_from(SPECIAL) | st.text(max_size=8)


@st.composite
def _edit(draw: st.DrawFn, text: str) -> str:
    if not text:
        return draw(fragments)
    at = draw(st.integers(0, len(text)))
    end = draw(st.integers(at, min(len(text), at + 40)))
    kind = draw(st.sampled_from(["insert", "delete", "duplicate", "repeat", "replace", "cut"]))
    if kind == "insert":
        return text[:at] + draw(fragments) + text[at:]
    if kind == "delete":
        return text[:at] + text[end:]
    if kind == "duplicate":
        return text[:end] + text[at:end] + text[end:]
    if kind == "repeat":
        return text[:end] + text[at:end] * draw(st.integers(2, 50)) + text[end:]
    if kind == "replace":
        return text[:at] + draw(fragments) + text[at + 1 :]
    return text[:at]


@st.composite
def mutated(draw: st.DrawFn, seeds: st.SearchStrategy[str]) -> str:
    text = draw(seeds)
    for _ in range(draw(st.integers(0, 4))):
        text = draw(_edit(text))
    return text


@st.composite
def as_bytes(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> bytes:
    """UTF-8 (surrogates kept as their 3 bytes), sometimes with stray bytes inserted."""
    data = draw(texts).encode("utf-8", "surrogatepass")
    if data and draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


#: Inputs checked per Hypothesis example: fewer examples, less overhead, as many inputs.
BATCH = 4


def batches(inputs: st.SearchStrategy[object]) -> st.SearchStrategy[list[object]]:
    """Lists of :data:`BATCH` inputs (the fuzz tests count inputs as examples x BATCH)."""
    return st.lists(inputs, min_size=BATCH, max_size=BATCH)
