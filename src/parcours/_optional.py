"""Lazy import of optional extras, with an error that names the pip line."""

from __future__ import annotations

import importlib
from types import ModuleType

from parcours.errors import MissingDependencyError


def require(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import ``module``, or raise MissingDependencyError naming the pip line of ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(feature, extra, module) from exc
