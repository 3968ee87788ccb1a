"""Sentiment from a user-supplied local Hugging Face checkpoint (the ``hf`` extra).

A team that has fine-tuned (or licensed) a sequence-classification model points
:func:`parcours.voice.analyse` at its folder with ``model=PATH``. The folder is read with
``transformers`` (``AutoTokenizer`` and ``AutoModelForSequenceClassification``,
``local_files_only=True``: nothing is downloaded) and runs on the GPU when ``torch`` sees one.

The checkpoint's labels (``config.id2label``) are mapped onto negative / neutral / positive by
name: ``neg``/``neu``/``pos`` prefixes in English or French (``négatif``...), star ratings
(``1 star`` .. ``5 stars``: 1-2 negative, 3 neutral, 4-5 positive) or, for generic
``LABEL_i`` names, their order (two labels: negative, positive; three: negative, neutral,
positive). Pass ``label_map`` when the names say something else. The probabilities of labels
mapped to the same class are added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError
from parcours.voice.heads import LABELS

__all__ = ["Checkpoint", "load_checkpoint", "map_labels"]

_FEATURE = "Sentiment from a local Hugging Face checkpoint"
_PREFIXES = (("neg", "negative"), ("nég", "negative"), ("neu", "neutral"), ("pos", "positive"))
_STARS = {1: "negative", 2: "negative", 3: "neutral", 4: "positive", 5: "positive"}


def _by_name(name: str) -> str | None:
    """Our label for a checkpoint label named ``name``, or None when the name does not say."""
    lowered = name.strip().lower()
    stars = re.match(r"^([1-5])\s*(star|étoile)", lowered)
    if stars:
        return _STARS[int(stars.group(1))]
    return next((label for prefix, label in _PREFIXES if lowered.startswith(prefix)), None)


def map_labels(id2label: dict[int, str], label_map: dict[str, str] | None = None) -> list[str]:
    """Our label for each of the checkpoint's outputs, in output order."""
    names = [str(id2label[i]) for i in sorted(id2label)]
    if label_map is not None:
        missing = [name for name in names if name not in label_map]
        bad = sorted(set(label_map.values()) - set(LABELS))
        if missing or bad:
            raise VoiceError(
                f"label_map must map every checkpoint label {names} to one of "
                f"{', '.join(LABELS)}; missing {missing}, unknown targets {bad}."
            )
        return [label_map[name] for name in names]
    mapped = [_by_name(name) for name in names]
    if all(label is not None for label in mapped):
        return [str(label) for label in mapped]
    if all(re.fullmatch(r"label_\d+", name.lower()) for name in names) and len(names) in (2, 3):
        return ["negative", "positive"] if len(names) == 2 else list(LABELS)
    raise VoiceError(
        f"Cannot tell which of the checkpoint's labels {names} are negative, neutral or "
        "positive; pass label_map={'<its label>': 'negative' | 'neutral' | 'positive', ...}."
    )


@dataclass(frozen=True)
class Checkpoint:
    """A loaded sequence-classification checkpoint; :meth:`probabilities` reads texts."""

    path: Path
    device: str
    labels: tuple[str, ...]  # our label for each model output
    max_length: int
    _tokenizer: Any = field(repr=False)
    _model: Any = field(repr=False)

    def probabilities(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Rows of ``(P(negative), P(neutral), P(positive))``; texts cut at ``max_length``."""
        torch = require("torch", extra="hf", feature=_FEATURE)
        out = np.zeros((len(texts), 3))
        columns = np.array([LABELS.index(label) for label in self.labels])
        for start in range(0, len(texts), batch_size):
            batch = [text if text.strip() else "." for text in texts[start : start + batch_size]]
            encoded = self._tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            ).to(self.device)
            with torch.inference_mode():
                logits = self._model(**encoded).logits.float()
            probs = torch.softmax(logits, dim=-1).cpu().numpy().astype(np.float64)
            rows = out[start : start + len(batch)]
            for column in range(3):
                rows[:, column] = probs[:, columns == column].sum(axis=1)
        return out


def load_checkpoint(
    path: str | Path,
    *,
    device: str | None = None,
    label_map: dict[str, str] | None = None,
    max_length: int = 256,
) -> Checkpoint:
    """Load the checkpoint folder ``path`` (local files only) onto ``device`` (default: the
    GPU when torch sees one, else the CPU). See the module docstring for ``label_map``."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise VoiceError(
            f"{folder} is not a folder; give the local folder of a Hugging Face "
            "sequence-classification checkpoint (config.json, weights, tokenizer files)."
        )
    key = tuple(sorted(label_map.items())) if label_map else None
    return _load(str(folder.resolve()), device, key, max_length)


@lru_cache(maxsize=2)
def _load(
    folder: str, device: str | None, label_map: tuple[tuple[str, str], ...] | None, max_length: int
) -> Checkpoint:
    transformers = require("transformers", extra="hf", feature=_FEATURE)
    torch = require("torch", extra="hf", feature=_FEATURE)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = transformers.AutoModelForSequenceClassification.from_pretrained(
            folder, local_files_only=True
        )
    except (OSError, ValueError, KeyError) as exc:
        raise VoiceError(
            f"Cannot load the Hugging Face checkpoint in {folder}: {exc}. It needs a "
            "config.json for a sequence-classification model, its weights and its tokenizer "
            "files (save them with model.save_pretrained() and tokenizer.save_pretrained())."
        ) from exc
    labels = map_labels(
        {int(i): str(name) for i, name in model.config.id2label.items()},
        dict(label_map) if label_map else None,
    )
    if not {"negative", "positive"} <= set(labels):
        raise VoiceError(
            f"The checkpoint in {folder} maps to {sorted(set(labels))}; a sentiment model needs "
            "at least a negative and a positive label (pass label_map)."
        )
    limit = min(max_length, int(getattr(tokenizer, "model_max_length", max_length) or max_length))
    model.to(device).eval()
    return Checkpoint(Path(folder), device, tuple(labels), limit, tokenizer, model)
