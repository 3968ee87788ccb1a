"""Labelled feedback sets for training and evaluating ``parcours.voice`` (dev only, not shipped).

The sets live in ``../shared/data/feedback/`` beside the checkout (see its README for licences):
Allociné (MIT) and UCI sentences (CC BY 4.0) may train shipped heads; airline tweets and dair-ai
emotions are for evaluation only. UCI has no official split: :func:`uci_split` is a fixed
stratified 70/30 split (by source and label, seed 0); only its train part trains heads.

Embeddings of cleaned texts are cached per text under ``bench/out/cache/`` (git-ignored), keyed
by encoder and a hash of the text.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from parcours.voice.clean import clean
from parcours.voice.encoders import MAX_CHARS, EncoderName, get_encoder

REPO = Path(__file__).resolve().parents[1]
FEEDBACK = REPO.parent / "shared" / "data" / "feedback"
CACHE = REPO / "bench" / "out" / "cache"


def _read(name: str) -> pd.DataFrame:
    path = FEEDBACK / f"{name}.csv"
    if not path.exists():
        sys.exit(f"{path} is missing: these scripts need ../shared/data/feedback beside the repo.")
    frame = pd.read_csv(path)
    frame["text"] = [clean(text) for text in frame["text"].astype(str)]
    return frame


def uci_split() -> tuple[pd.DataFrame, pd.DataFrame]:
    """UCI sentences split 70/30, stratified by source and label, seed 0: (train, test)."""
    frame = _read("en_uci_reviews_binary")
    rng = np.random.default_rng(0)
    test_rows: list[int] = []
    for _, group in frame.groupby(["source", "label"], sort=True):
        index = group.index.to_numpy()
        test_rows.extend(rng.choice(index, size=round(0.3 * len(index)), replace=False))
    test = frame.loc[sorted(test_rows)]
    return frame.drop(index=test.index), test


def load(name: str, limit: int | None = None) -> pd.DataFrame:
    """One named set with cleaned ``text``: allocine_train, allocine_test, uci_train, uci_test,
    airline, emotion; at most ``limit`` rows (a fixed random sample, seed 0, in file order)."""
    if name.startswith("uci_"):
        train, test = uci_split()
        frame = (train if name == "uci_train" else test).reset_index(drop=True)
    else:
        frame = _read(FILES[name])
    if limit is not None and len(frame) > limit:
        rows = np.sort(np.random.default_rng(0).choice(len(frame), size=limit, replace=False))
        frame = frame.iloc[rows].reset_index(drop=True)
    return frame


FILES = {
    "allocine_train": "fr_allocine_binary_train",
    "allocine_test": "fr_allocine_binary_test",
    "airline": "en_airline_tweets_train",
    "emotion": "en_emotion_dairai_2000",
}
#: Rows used per set: all 2,000 Allociné train reviews train the heads (1,000 did until the
#: cross-validation of ``bench/voice_head_cv.py``); the accurate tier (e5, slow here) is
#: evaluated on fixed samples of the long sets.
TRAIN_LIMIT: dict[str, int] = {}
E5_EVAL_LIMIT = {"allocine_test": 500, "airline": 1500, "emotion": 500}


def embeddings(encoder: EncoderName, name: str, texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts`` as :meth:`Encoder.embed` computes them (cut to ``MAX_CHARS``),
    from the per-text cache; ``name`` only labels the progress messages."""
    start = time.perf_counter()
    vectors = embed_texts(encoder, [text[:MAX_CHARS] if text.strip() else "." for text in texts])
    seconds = time.perf_counter() - start
    if seconds > 1:
        print(f"  embedded {name} with {encoder} in {seconds:.0f} s", file=sys.stderr)
    return vectors


def rows_for(encoder: str, name: str) -> int | None:
    """How many rows of set ``name`` scripts use with ``encoder`` (None: all)."""
    if name in TRAIN_LIMIT:
        return TRAIN_LIMIT[name]
    return E5_EVAL_LIMIT.get(name) if encoder == "e5" else None


def text_cache(encoder: EncoderName) -> Path:
    # e5 runs on onnxruntime since issue 15, with int8 or q4 weights: each kind and graph
    # recipe cached apart
    if encoder == "e5":
        from parcours.voice.e5_onnx import RECIPE, e5_kind

        return CACHE / f"e5-onnx-{e5_kind()}-r{RECIPE}_per_text.npz"
    # and USE on onnxruntime, with int8 or float weights, since issue 15's fast-tier work
    from parcours.voice.use_onnx import use_kind

    return CACHE / f"use-onnx-{use_kind()}_per_text.npz"


def embed_texts(encoder: EncoderName, texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts`` as given (no cut), cached per text under ``bench/out/cache``.

    Used by the experiments that embed parts of texts (heads, tails); saved every 100 texts.
    """
    path = text_cache(encoder)
    store: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as data:
            store = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    keys = [hashlib.sha1(text.encode()).hexdigest() for text in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in store}.items())
    model = get_encoder(encoder)._model
    for start in range(0, len(missing), 100):
        batch = missing[start : start + 100]
        raw = (
            model.query([t for _, t in batch])
            if encoder == "e5"
            else model.encode([t for _, t in batch])
        )
        for (key, _), vector in zip(batch, np.asarray(raw, dtype=np.float32), strict=True):
            store[key] = vector / max(float(np.linalg.norm(vector)), 1e-12)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.savez(path, keys=np.array(list(store)), vectors=np.stack(list(store.values())))
        print(f"  {encoder}: {start + len(batch)}/{len(missing)} new texts", file=sys.stderr)
    return np.stack([store[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)


if __name__ == "__main__":
    # Warm the cache, training sets first: python bench/voice_data.py [encoder ...]
    for encoder_name in sys.argv[1:] or ["use", "e5"]:
        for set_name in (
            "uci_train",
            "allocine_train",
            "uci_test",
            "allocine_test",
            "airline",
            "emotion",
        ):
            frame = load(set_name, rows_for(encoder_name, set_name))
            embeddings(encoder_name, set_name, frame["text"].tolist())  # type: ignore[arg-type]
