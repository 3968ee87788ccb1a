"""Local Hugging Face checkpoints: a tiny BERT built and saved here, loaded back offline."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from parcours.errors import VoiceError
from parcours.voice import analyse, analyse_feedback
from parcours.voice.hf import load_checkpoint, map_labels

HAS_HF = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))
needs_hf = pytest.mark.skipif(
    not HAS_HF, reason="torch and transformers are not installed (pip install 'parcours[hf]')"
)
WORDS = ["colis", "jamais", "reçu", "super", "merci", "the", "parcel", "never", "came"]


def tiny_checkpoint(folder: Path, id2label: dict[int, str], favourite: int) -> Path:
    """A 2-layer BERT with a word-level vocabulary whose classifier always favours one output."""
    import torch
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
    vocab = {word: i for i, word in enumerate(specials + WORDS)}
    backend = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    backend.pre_tokenizer = Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        model_max_length=32,
    )
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=len(id2label),
        id2label=id2label,
        label2id={name: i for i, name in id2label.items()},
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.bias[favourite] = 5.0
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@needs_hf
def test_three_label_checkpoint_reads_texts(tmp_path: Path) -> None:
    folder = tiny_checkpoint(tmp_path / "ckpt", {0: "negative", 1: "neutral", 2: "positive"}, 0)
    texts = ["Colis jamais reçu", "the parcel never came", "", "mot inconnu " * 100]
    results = analyse(texts, model=folder, ratings=[1, None, 3, None])
    assert results.tier == "hf" and len(results) == 4
    assert [s.label for s in results] == ["negative"] * 4
    assert [s.rating for s in results] == [1.0, None, 3.0, None]
    for s in results:
        assert abs(s.p_negative + s.p_neutral + s.p_positive - 1) < 1e-3
        assert s.score == pytest.approx(s.p_positive - s.p_negative, abs=1e-3)
    checkpoint = load_checkpoint(folder)
    assert checkpoint.device in ("cpu", "cuda") and checkpoint.labels == (
        "negative",
        "neutral",
        "positive",
    )


@needs_hf
def test_star_labels_are_summed_into_three_classes(tmp_path: Path) -> None:
    stars = {i: f"{i + 1} star{'s' if i else ''}" for i in range(5)}
    folder = tiny_checkpoint(tmp_path / "stars", stars, 3)  # "4 stars" wins
    result = analyse(["super merci"], model=folder)[0]
    assert result.label == "positive" and result.p_positive > 0.9


@needs_hf
def test_feedback_pipeline_takes_its_sentiment_from_the_checkpoint(tmp_path: Path) -> None:
    folder = tiny_checkpoint(tmp_path / "ckpt", {0: "NEG", 1: "NEU", 2: "POS"}, 2)
    results = analyse_feedback(
        ["Colis jamais reçu, je suis furieux."], tier="lexicon", model=folder
    )
    record = results[0].to_dict()
    assert record["sentiment"]["label"] == "positive"  # the checkpoint's, not the lexicon's
    assert record["emotion"]["dominant"] in record["emotions"]


@needs_hf
def test_generic_labels_and_errors(tmp_path: Path) -> None:
    folder = tiny_checkpoint(tmp_path / "generic", {0: "LABEL_0", 1: "LABEL_1"}, 1)
    assert [s.label for s in analyse(["merci"], model=folder)] == ["positive"]
    with pytest.raises(VoiceError, match="either a head or a model"):
        analyse(["merci"], model=folder, head=tmp_path / "head.npz")
    (tmp_path / "empty").mkdir()
    with pytest.raises(VoiceError, match="Cannot load the Hugging Face checkpoint"):
        load_checkpoint(tmp_path / "empty")


def test_label_names_map_onto_ours() -> None:
    assert map_labels({0: "NEG", 1: "NEU", 2: "POS"}) == ["negative", "neutral", "positive"]
    assert map_labels({0: "négatif", 1: "positif"}) == ["negative", "positive"]
    assert map_labels({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}) == [
        "negative",
        "neutral",
        "positive",
    ]
    assert map_labels({0: "1 star", 1: "3 stars", 2: "5 stars"}) == [
        "negative",
        "neutral",
        "positive",
    ]
    assert map_labels({0: "bad", 1: "good"}, {"bad": "negative", "good": "positive"}) == [
        "negative",
        "positive",
    ]
    with pytest.raises(VoiceError, match="label_map"):
        map_labels({0: "joy", 1: "anger"})
    with pytest.raises(VoiceError, match="unknown targets"):
        map_labels({0: "bad", 1: "good"}, {"bad": "negative", "good": "great"})


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(VoiceError, match="is not a folder"):
        load_checkpoint(tmp_path / "nowhere")
