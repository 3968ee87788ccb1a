"""Markov attribution computed exactly on the absorbing chain (a linear solve, no simulation).

States of order ``k`` are the last ``k`` channels touched (shorter at the start of a path):
``a > b > c`` at order 2 visits ``(a)``, ``(a, b)``, ``(b, c)``. Each path adds its conversions
plus non-conversions to the transitions ``(start) -> s1 -> ... -> sn``, then its conversions to
``sn -> (conversion)`` and its non-conversions to ``sn -> (null)``. The conversion probability
from ``(start)`` solves ``(I - Q) x = r`` (``Q`` among transient states, ``r`` into conversion).
Removing a channel sends every state containing it to ``(null)``; its removal effect is
``1 - p_removed / p``. Value uses the same chain with each conversion weighted by its value
(expected value instead of probability), as ChannelAttribution does.

The solve is sparse (SciPy's SuperLU) when SciPy is installed, dense NumPy otherwise.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import numpy as np

from parcours.engine.conversion_paths import ConversionPaths
from parcours.errors import EngineError

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
MAX_ORDER = 4
_SPARSE = importlib.util.find_spec("scipy") is not None


@dataclass(frozen=True)
class MarkovChain:
    """Transitions among states (``0`` is ``(start)``) as edge lists with counts, one edge per
    pair of states."""

    channels: tuple[str, ...]
    digits: np.ndarray  # (S, order) channel code per state slot; 0 = empty, start = all 0
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    to_conversion: np.ndarray  # (S,) conversions leaving each state
    to_value: np.ndarray  # (S,) conversion value leaving each state
    to_null: np.ndarray  # (S,)

    @property
    def size(self) -> int:
        return len(self.to_null)

    @property
    def outgoing(self) -> np.ndarray:
        return np.bincount(self.src, self.weight, self.size) + self.to_conversion + self.to_null

    def state_name(self, i: int) -> str:
        if i == 0:
            return START
        return ",".join(self.channels[d - 1] for d in self.digits[i] if d)

    def absorbed(self, into: np.ndarray, keep: np.ndarray | None = None) -> float:
        """Expected ``into`` (per-state absorption weights) reached from ``(start)``; states
        outside ``keep`` (a boolean mask) are sent to ``(null)``."""
        out = self.outgoing
        prob = self.weight / out[self.src]
        r = into / np.where(out > 0, out, 1.0)
        mask = np.ones(self.size, bool) if keep is None else keep
        edges = mask[self.src] & mask[self.dst]
        ids = np.cumsum(mask) - 1
        n = int(mask.sum())
        rows, cols, vals = ids[self.src[edges]], ids[self.dst[edges]], prob[edges]
        if _SPARSE:
            from scipy.sparse import coo_matrix, identity
            from scipy.sparse.linalg import spsolve

            q = coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsc()
            x = spsolve((identity(n, format="csc") - q), r[mask])
        else:
            q = np.zeros((n, n))
            np.add.at(q, (rows, cols), vals)
            x = np.linalg.solve(np.eye(n) - q, r[mask])
        return float(np.atleast_1d(x)[0])


def build_chain(paths: ConversionPaths, order: int) -> MarkovChain:
    """Count the transitions of ``paths`` among states of ``order`` channels."""
    if not 1 <= order <= MAX_ORDER:
        raise EngineError(f"Markov order must be 1 to {MAX_ORDER}; got {order}.")
    channels = tuple(paths.channels)
    code = {c: i + 1 for i, c in enumerate(channels)}
    lengths = np.fromiter((len(p) for p in paths.paths), dtype=np.int64, count=len(paths.paths))
    tokens = np.fromiter((code[c] for p in paths.paths for c in p), dtype=np.int64)
    path_of = np.repeat(np.arange(len(lengths)), lengths)
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    pos = np.arange(len(tokens)) - first[path_of]
    base = len(channels) + 1
    slots = np.zeros((len(tokens), order), dtype=np.int64)
    for j in range(order):  # slot j holds the channel j touches back
        shifted = np.roll(tokens, j)
        slots[:, order - 1 - j] = np.where(pos >= j, shifted, 0)
    keys = slots @ (base ** np.arange(order - 1, -1, -1))
    uniq, inverse = np.unique(keys, return_inverse=True)
    state = inverse + 1  # 0 is (start)
    prev = np.where(pos == 0, 0, np.roll(state, 1))
    weight = (paths.conversions + paths.nulls)[path_of]
    last = state[first + lengths - 1]
    size = len(uniq) + 1
    digits = np.zeros((size, order), dtype=np.int64)
    digits[1:] = (uniq[:, None] // (base ** np.arange(order - 1, -1, -1))) % base
    # one edge per (from, to) pair, its weight summed: every solve then reads a small matrix
    edges, where = np.unique(prev * size + state, return_inverse=True)
    return MarkovChain(
        channels=channels,
        digits=digits,
        src=edges // size,
        dst=edges % size,
        weight=np.bincount(where, weight.astype(float), len(edges)),
        to_conversion=np.bincount(last, paths.conversions, size),
        to_value=np.bincount(last, paths.value, size),
        to_null=np.bincount(last, paths.nulls, size),
    )


def removal_effects(chain: MarkovChain, into: np.ndarray) -> tuple[float, dict[str, float]]:
    """Base expected absorption into ``into`` and each channel's removal effect on it."""
    base = chain.absorbed(into)
    if base <= 0:
        return 0.0, dict.fromkeys(chain.channels, 0.0)
    effects = {}
    for k, channel in enumerate(chain.channels, start=1):
        keep = ~(chain.digits == k).any(axis=1)
        effects[channel] = 1.0 - chain.absorbed(into, keep) / base
    return base, effects


def transition_matrix(chain: MarkovChain) -> list[tuple[str, str, float]]:
    """(from, to, probability) rows; states are named by their channels joined with ``,``."""
    out = chain.outgoing
    keys, sums = chain.src * chain.size + chain.dst, chain.weight
    rows = [
        (chain.state_name(int(k // chain.size)), chain.state_name(int(k % chain.size)), w)
        for k, w in zip(keys.tolist(), (sums / out[keys // chain.size]).tolist(), strict=True)
    ]
    for s in range(chain.size):
        if chain.to_conversion[s]:
            rows.append((chain.state_name(s), CONVERSION, chain.to_conversion[s] / out[s]))
        if chain.to_null[s]:
            rows.append((chain.state_name(s), NULL, chain.to_null[s] / out[s]))
    rows.sort(key=lambda r: (r[0] != START, r[0], r[1]))
    return [(a, b, float(p)) for a, b, p in rows]
