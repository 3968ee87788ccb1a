"""How the compiled kernels share their work between the cores this process may use."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from parcours.settings import cpu_quota


def cores() -> int:
    """The CPUs this process may use (:func:`parcours.settings.cpu_quota`)."""
    return cpu_quota()


def ranges(items: int, parts: int) -> list[tuple[int, int]]:
    """``items`` split into ``parts`` consecutive ranges ``(start, stop)`` of near-equal size."""
    return list(pairwise(np.linspace(0, items, parts + 1).astype(np.int64).tolist()))
