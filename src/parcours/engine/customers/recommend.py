"""Product recommendations from purchase history, evaluated leave-last-basket-out.

Baskets come from one engine query: the events named ``event`` whose property ``item`` names
the product, grouped per customer by the property ``basket`` (an order or invoice id) or, without
it, by calendar day. Three recommenders score every product for a customer from their history:

- ``popularity``: the products bought in most baskets (the baseline, the same for everyone);
- ``cooccurrence``: item-to-item, each product scored by its cosine similarity (baskets holding
  both, over the root of the product of their basket counts) summed over the customer's
  products;
- ``als``: implicit-feedback matrix factorisation (``implicit``'s alternating least squares,
  MIT; optional) on the customer × product purchase counts.

:func:`evaluate` hides each customer's last basket (customers with at least two), fits on the
rest and compares the ten recommended products with the hidden basket: precision@10, NDCG@10
(binary relevance) and coverage (the share of the catalogue recommended to anyone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from parcours._optional import require
from parcours.engine.backend import Backend
from parcours.engine.dialect import json_text, literal
from parcours.errors import EngineError

METHODS = ("popularity", "cooccurrence", "als")
K = 10


@dataclass(frozen=True)
class Baskets:
    """One row per (customer, basket, item), baskets numbered in time order per customer."""

    frame: pd.DataFrame  # customer_id, basket (0, 1...), item

    def split(self) -> tuple[Baskets, dict[str, set[str]]]:
        """Every basket but each customer's last (if they have two or more), and those last
        baskets' items."""
        last = self.frame.groupby("customer_id")["basket"].transform("max")
        hidden = (self.frame["basket"] == last) & (last > 0)
        test = self.frame[hidden].groupby("customer_id")["item"].agg(set).to_dict()
        return Baskets(self.frame[~hidden]), test


def baskets(log: Backend, *, event: str, item: str, basket: str | None = None) -> Baskets:
    """The purchase baskets of ``log`` (see the module's docstring)."""
    d = log.dialect
    product = json_text(item, d)
    key = json_text(basket, d) if basket else "CAST(CAST(timestamp AS DATE) AS VARCHAR)"
    rows = log.rows(
        f"""SELECT customer_id, {key} AS b, min(timestamp) AS t, {product} AS item
        FROM {{events}} WHERE event = {literal(event, d)} AND {product} IS NOT NULL
        GROUP BY customer_id, {key}, {product}"""
    )
    if not rows:
        raise EngineError(
            f"no events named {event!r} with a property {item!r}: nothing to recommend from."
        )
    frame = pd.DataFrame(rows, columns=["customer_id", "key", "t", "item"])
    frame["customer_id"] = frame["customer_id"].astype(str)
    starts = frame.groupby(["customer_id", "key"])["t"].transform("min")
    frame["start"] = starts
    order = frame[["customer_id", "key", "start"]].drop_duplicates()
    order = order.sort_values(["customer_id", "start", "key"])
    order["basket"] = order.groupby("customer_id").cumcount()
    frame = frame.merge(order[["customer_id", "key", "basket"]], on=["customer_id", "key"])
    return Baskets(frame[["customer_id", "basket", "item"]].reset_index(drop=True))


class Recommender:
    """Fitted on baskets; :meth:`top` gives each asked customer's ``k`` best products."""

    def __init__(self, history: Baskets, method: str, *, factors: int = 64, seed: int = 0):
        if method not in METHODS:
            raise EngineError(f"unknown method {method!r}; use one of {', '.join(METHODS)}.")
        frame = history.frame
        self.method = method
        self.items = np.array(sorted(frame["item"].unique()))
        self.customers = np.array(sorted(frame["customer_id"].unique()))
        item_index = {v: i for i, v in enumerate(self.items)}
        self.customer_index = {v: i for i, v in enumerate(self.customers)}
        rows = frame["customer_id"].map(self.customer_index).to_numpy()
        cols = frame["item"].map(item_index).to_numpy()
        shape = (len(self.customers), len(self.items))
        self.bought = sparse.csr_matrix((np.ones(len(frame)), (rows, cols)), shape=shape)
        baskets_ids = frame.groupby(["customer_id", "basket"]).ngroup().to_numpy()
        in_basket = sparse.csr_matrix(
            (np.ones(len(frame)), (baskets_ids, cols)), shape=(baskets_ids.max() + 1, shape[1])
        )
        in_basket.data[:] = 1.0
        self.popularity = np.asarray(in_basket.sum(axis=0)).ravel()
        if method == "cooccurrence":
            together = (in_basket.T @ in_basket).tocsr().astype(float)
            norm = np.sqrt(np.maximum(self.popularity, 1))
            self.similar = sparse.diags(1 / norm) @ together @ sparse.diags(1 / norm)
        if method == "als":
            implicit = require("implicit", extra="customers", feature="ALS recommendations")
            from threadpoolctl import threadpool_limits

            with threadpool_limits(1, "blas"):  # implicit runs its own threads, not BLAS's
                model = implicit.als.AlternatingLeastSquares(
                    factors=factors,
                    regularization=0.05,
                    iterations=20,
                    random_state=seed,
                    use_gpu=False,
                )
                model.fit(self.bought.astype(np.float32), show_progress=False)
            self.model = model

    def scores(self, customers: Sequence[str]) -> np.ndarray:
        """A score per (asked customer, product); unknown customers get the popularity."""
        known = [self.customer_index.get(c) for c in customers]
        out = np.tile(self.popularity.astype(float), (len(customers), 1))
        rows = [i for i, k in enumerate(known) if k is not None]
        ids = np.array([known[i] for i in rows], dtype=int)
        if self.method == "popularity" or not len(ids):
            return out
        if self.method == "cooccurrence":
            found = np.asarray((self.bought[ids] @ self.similar).todense())
        else:
            found = np.asarray(self.model.user_factors[ids] @ self.model.item_factors.T)
        # ties (a customer with no co-bought product) fall back on popularity
        tiebreak = self.popularity / (self.popularity.max() + 1) * 1e-9
        out[rows] = found + tiebreak
        return out

    def top(self, customers: Sequence[str], k: int = K) -> list[list[str]]:
        scores = self.scores(customers)
        best = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return [[str(self.items[j]) for j in row] for row in best]


def recommend(
    data: Baskets, customers: Sequence[str], *, method: str = "cooccurrence", k: int = K
) -> dict[str, list[str]]:
    """The ``k`` products to recommend to each of ``customers``, from all their baskets."""
    model = Recommender(data, method)
    return dict(zip(customers, model.top(customers, k), strict=True))


@dataclass(frozen=True)
class RecommendationEval:
    """Leave-last-basket-out metrics of each method, on the same customers."""

    customers: int
    catalogue: int
    metrics: dict[str, dict[str, float]]  # method -> precision@10, ndcg@10, coverage

    def lift(self, method: str, over: str = "popularity") -> float:
        """How many times ``over``'s precision@10 the method reaches."""
        base = self.metrics[over]["precision_at_10"]
        return self.metrics[method]["precision_at_10"] / base if base else float("inf")

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers": self.customers,
            "catalogue": self.catalogue,
            "metrics": self.metrics,
            "lift_over_popularity": {m: self.lift(m) for m in self.metrics if m != "popularity"},
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.metrics).T


def evaluate(
    data: Baskets, methods: Sequence[str] = ("popularity", "cooccurrence"), *, seed: int = 0
) -> RecommendationEval:
    """Leave-last-basket-out precision@10, NDCG@10 and coverage of each method."""
    history, hidden = data.split()
    if not hidden:
        raise EngineError("no customer has two baskets: nothing to hold out.")
    customers = sorted(hidden)
    discount = 1 / np.log2(np.arange(2, K + 2))
    metrics = {}
    for method in methods:
        model = Recommender(history, method, seed=seed)
        lists = model.top(customers)
        precision, ndcg, shown = [], [], set()
        for customer, items in zip(customers, lists, strict=True):
            truth = hidden[customer]
            hits = np.array([item in truth for item in items], dtype=float)
            precision.append(hits.sum() / K)
            ideal = discount[: min(len(truth), K)].sum()
            ndcg.append(float(hits @ discount[: len(hits)]) / ideal)
            shown.update(items)
        metrics[method] = {
            "precision_at_10": float(np.mean(precision)),
            "ndcg_at_10": float(np.mean(ndcg)),
            "coverage": len(shown) / len(model.items),
        }
    return RecommendationEval(len(customers), int(data.frame["item"].nunique()), metrics)
