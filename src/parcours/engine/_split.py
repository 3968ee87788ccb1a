"""How the compiled kernels share their work between the cores this process may use."""

from __future__ import annotations

import os
from itertools import pairwise

import numpy as np


def cores() -> int:
    """The CPUs this process may run on: its affinity (narrowed by ``taskset`` or a container's
    cpuset) where the system tells it, else the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def ranges(items: int, parts: int) -> list[tuple[int, int]]:
    """``items`` split into ``parts`` consecutive ranges ``(start, stop)`` of near-equal size."""
    return list(pairwise(np.linspace(0, items, parts + 1).astype(np.int64).tolist()))
