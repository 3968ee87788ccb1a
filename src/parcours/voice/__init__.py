"""Voice of the customer: French and English feedback analysis, offline.

Clean text (:mod:`parcours.voice.clean`), detect its language (:func:`detect`), read its
sentiment in three tiers (:func:`analyse`: ``accurate`` e5, ``fast`` USE, ``lexicon`` no model),
refit a head on your own labelled verbatims (:func:`refit`) or read sentiment from your own
local Hugging Face checkpoint (``analyse(texts, model=PATH)``, :mod:`parcours.voice.hf`, the
``hf`` extra), score emotions (:func:`score_emotions`), assign pinned themes
(:class:`Taxonomy`, :func:`assign`) and discover new ones (:func:`discover`);
:func:`analyse_feedback` does it all for a batch. Names are imported on first use, and the
sentence encoders only when a tier needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "mask": "clean",
    "repair": "clean",
    "detect": "language",
    "Sentiment": "sentiment",
    "SentimentResults": "sentiment",
    "analyse": "sentiment",
    "refit": "sentiment",
    "TIERS": "sentiment",
    "Head": "heads",
    "EmotionSet": "emotions",
    "EmotionResults": "emotions",
    "score_emotions": "emotions",
    "Taxonomy": "themes",
    "Theme": "themes",
    "ThemeAssignments": "themes",
    "assign": "themes",
    "Discovery": "discovery",
    "DiscoveredTheme": "discovery",
    "discover": "discovery",
    "VoiceRecord": "pipeline",
    "VoiceResults": "pipeline",
    "analyse_feedback": "pipeline",
    "analyse_file": "pipeline",
    "discover_themes": "pipeline",
    "get_encoder": "encoders",
    "load_checkpoint": "hf",
    "VoiceSummary": "summary",
    "summarise": "summary",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'parcours.voice' has no attribute {name!r}")
    module = importlib.import_module(f"parcours.voice.{_EXPORTS[name]}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
