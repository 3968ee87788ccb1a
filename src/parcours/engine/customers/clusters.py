"""Behavioural segments: k-means on standardised journey features, k chosen by silhouette.

One engine query gives each customer's features (:data:`BASE_FEATURES`, plus the share of their
events on each of the most used channels):

- ``events``, ``active_days``, ``channels`` (distinct channels used);
- ``purchases`` (purchase days) and ``value`` (summed purchase value, 0 without);
- ``converted`` (1 when they bought) and ``days_to_convert`` (from the first event to the first
  purchase; for those who never bought, one more day than the slowest buyer took);
- given a journey, ``stages_reached``: how many of its stages the customer had an event of
  (a stage's own matcher or one of its touchpoints').

Features are standardised (mean 0, deviation 1); k-means (scikit-learn, ``n_init=2``, seeded,
on one thread: the same centroids for a seed on any number of cores) runs for each k of ``ks``
on at most :data:`FIT_SAMPLE` customers (a seeded sample; every customer is then assigned to
the nearest centroid) and the k with the best silhouette (on a seeded sample of at most
:data:`SILHOUETTE_SAMPLE` of them) is kept; every k's score is
reported, as the justification.

Segment ids stay stable across refreshes: given the centroids of a previous run (in feature
units, by id), the new centroids are matched to them by the Hungarian assignment on their
standardised distance; a matched cluster keeps its id, another gets a new one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from parcours._optional import require
from parcours.engine.backend import Backend
from parcours.engine.binding import stage_predicate
from parcours.engine.dialect import json_text, literal, period_index
from parcours.errors import EngineError
from parcours.model import Journey

BASE_FEATURES: tuple[str, ...] = (
    "events",
    "active_days",
    "channels",
    "purchases",
    "value",
    "converted",
    "days_to_convert",
)
#: Channels whose share of a customer's events is a feature.
TOP_CHANNELS = 6
#: Channels counted by a bit mask (a BIGINT's bits); with more, by a distinct count.
MASK_CHANNELS = 62
SILHOUETTE_SAMPLE = 3000
#: At most this many customers (a seeded sample) fit the k-means; all are then assigned.
FIT_SAMPLE = 20_000


@dataclass(frozen=True)
class Clusters:
    """Behavioural clusters of a customer base."""

    k: int
    silhouette: dict[int, float]
    features: tuple[str, ...]
    centroids: dict[str, dict[str, float]]  # id -> feature -> value (feature units)
    sizes: dict[str, int]
    members: pd.Series  # cluster id, indexed by customer
    matched: dict[str, str | None]  # cluster id -> the previous id it kept (None: new)

    def state(self) -> dict[str, Any]:
        """What a later run needs to keep the ids: the features and centroids."""
        return {"features": list(self.features), "centroids": self.centroids}

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "silhouette": {str(k): v for k, v in self.silhouette.items()},
            "features": list(self.features),
            "clusters": [
                {
                    "id": cid,
                    "customers": self.sizes[cid],
                    "centroid": self.centroids[cid],
                    "kept_from_previous": self.matched.get(cid) is not None,
                }
                for cid in sorted(self.centroids)
            ],
            "members": {str(k): str(v) for k, v in self.members.items()},
        }

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame.from_dict(self.centroids, orient="index")
        frame.insert(0, "customers", pd.Series(self.sizes))
        return frame

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html())


def journey_features(
    log: Backend, *, event: str, value: str | None = None, journey: Journey | None = None
) -> pd.DataFrame:
    """Per customer, the features of the module's docstring (index: customer_id);
    ``stages_reached`` only with a ``journey``."""
    d = log.dialect
    buy = f"event = {literal(event, d)}"
    worth = f"TRY_CAST({json_text(value, d)} AS DOUBLE)" if value else "CAST(NULL AS DOUBLE)"
    used = [
        r[0]
        for r in log.rows(
            "SELECT channel FROM {events} WHERE channel IS NOT NULL GROUP BY channel "
            "ORDER BY count(*) DESC, channel"
        )
    ]
    top = used[:TOP_CHANNELS]
    names = [
        "events",
        "active_days",
        "channels",
        "purchases",
        "value",
        "days_to_convert",
        *(f"share_{c}" for c in top),
    ]
    # One pass per customer and day, then per customer: the distinct days are the day rows,
    # the distinct channels the bits set in the union of each day's channel mask.
    bits = (
        " + ".join(
            f"(CASE WHEN channel = {literal(c, d)} THEN {1 << i} ELSE 0 END)"
            for i, c in enumerate(used[:MASK_CHANNELS])
        )
        or "0"
    )
    counts = "".join(
        f", sum(CASE WHEN channel = {literal(c, d)} THEN 1 ELSE 0 END) AS c{i}"
        for i, c in enumerate(top)
    )
    reach = ""  # the stages reached, as the bits of a mask (as the channels)
    if journey is not None:
        reach = " + ".join(
            f"(CASE WHEN {stage_predicate(journey, stage.id, d)} THEN {1 << i} ELSE 0 END)"
            for i, stage in enumerate(journey.stages[:MASK_CHANNELS])
        )
    stage_mask = f", bit_or({reach}) AS smask" if reach else ""
    reached = ", bit_count(bit_or(smask)) AS stages_reached" if reach else ""
    if reach:
        names.append("stages_reached")
    day = "CAST(timestamp AS DATE)"
    daily = f"""SELECT customer_id, {day} AS d, count(*) AS n,
            max(CASE WHEN {buy} THEN 1 ELSE 0 END) AS bought,
            sum(CASE WHEN {buy} THEN {worth} END) AS v, min(timestamp) AS t0,
            min(CASE WHEN {buy} THEN timestamp END) AS tb,
            bit_or({bits}) AS mask{counts}{stage_mask}
        FROM {{events}} GROUP BY customer_id, {day}"""
    if len(used) > MASK_CHANNELS:  # too many channels for a mask: count them the long way
        channels = "(SELECT customer_id AS k, count(DISTINCT channel) AS m FROM {events} "
        channels += "GROUP BY customer_id)"
        distinct = "max(x.m)"
        join = f" JOIN {channels} x ON x.k = q.customer_id"
    else:
        distinct, join = "bit_count(bit_or(mask))", ""
    convert = period_index("day", "CAST(min(t0) AS DATE)", "CAST(min(tb) AS DATE)", d)
    shares = "".join(f", sum(c{i}) / sum(n) AS share_{i}" for i in range(len(top)))
    table = log.arrow(
        f"""SELECT q.customer_id, sum(n) AS events, count(*) AS active_days,
            {distinct} AS channels, sum(bought) AS purchases, coalesce(sum(v), 0) AS value,
            {convert} AS days_to_convert{shares}{reached}
        FROM ({daily}) q{join} GROUP BY q.customer_id ORDER BY q.customer_id"""
    )
    # cast by Arrow: DuckDB's integer sums are 128-bit decimals, which pandas reads one by one
    frame = pd.DataFrame(
        {n: table.column(i + 1).cast(pa.float64()).to_numpy() for i, n in enumerate(names)}
    )
    frame.index = pd.Index(table.column(0).to_pandas().astype(str), name="customer_id")
    frame.insert(5, "converted", frame["purchases"].gt(0).astype(float))
    slowest = frame["days_to_convert"].max()
    frame["days_to_convert"] = frame["days_to_convert"].fillna(
        (0.0 if pd.isna(slowest) else slowest) + 1
    )
    return frame


def cluster(
    features: pd.DataFrame,
    *,
    ks: Sequence[int] = range(2, 7),
    previous: Mapping[str, Any] | None = None,
    seed: int = 0,
) -> Clusters:
    """k-means clusters of ``features`` (one row per customer), k by silhouette."""
    require("sklearn", extra="customers", feature="behavioural segments")
    from threadpoolctl import threadpool_limits

    # One thread: the fits are small (at most FIT_SAMPLE rows), where OpenMP's threads cost more
    # than they save, and the sums are then taken in one order on any machine, so that a seed
    # gives the same centroids whatever the number of cores.
    with threadpool_limits(1):
        return _cluster(features, ks, previous, seed)


def _cluster(
    features: pd.DataFrame, ks: Sequence[int], previous: Mapping[str, Any] | None, seed: int
) -> Clusters:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    data = features.to_numpy(float)
    usable = [k for k in ks if 2 <= k < len(data)]
    if not usable:
        raise EngineError(
            f"{len(data)} customer(s) cannot be split into {list(ks)} clusters; give more "
            "customers or smaller k."
        )
    mean, scale = data.mean(axis=0), data.std(axis=0)
    scale[scale == 0] = 1.0
    z = (data - mean) / scale
    rng = np.random.default_rng(seed)
    fitted = z[rng.choice(len(z), FIT_SAMPLE, replace=False)] if len(z) > FIT_SAMPLE else z
    sample = rng.choice(len(fitted), min(len(fitted), SILHOUETTE_SAMPLE), replace=False)
    scores: dict[int, float] = {}
    fits = {}
    for k in usable:
        model = KMeans(n_clusters=k, n_init=2, random_state=seed).fit(fitted)
        labels = model.labels_[sample]
        scores[k] = (
            float(silhouette_score(fitted[sample], labels)) if len(set(labels)) > 1 else -1.0
        )
        fits[k] = model
    best = max(scores, key=lambda k: (scores[k], -k))
    model = fits[best]
    centres = model.cluster_centers_ * scale + mean
    ids, matched = _stable_ids(centres, list(features.columns), mean, scale, previous)
    assigned = model.predict(z) if len(fitted) < len(z) else model.labels_
    labels = pd.Series(np.array(ids, dtype=object)[assigned], index=features.index)
    sizes = labels.value_counts()
    return Clusters(
        k=best,
        silhouette=scores,
        features=tuple(features.columns),
        centroids={
            ids[i]: {f: float(v) for f, v in zip(features.columns, centres[i], strict=True)}
            for i in range(best)
        },
        sizes={cid: int(sizes.get(cid, 0)) for cid in ids},
        members=labels,
        matched=matched,
    )


def _stable_ids(
    centres: np.ndarray,
    names: list[str],
    mean: np.ndarray,
    scale: np.ndarray,
    previous: Mapping[str, Any] | None,
) -> tuple[list[str], dict[str, str | None]]:
    """An id per new centre: the previous id it is assigned to, else a new one."""
    from scipy.optimize import linear_sum_assignment

    old: dict[str, Mapping[str, float]] = dict((previous or {}).get("centroids", {}))
    ids: list[str | None] = [None] * len(centres)
    if old:
        keys = list(old)
        past = np.array(
            [[float(old[k].get(n, m)) for n, m in zip(names, mean, strict=True)] for k in keys]
        )
        now, then = (centres - mean) / scale, (past - mean) / scale
        cost = np.linalg.norm(now[:, None, :] - then[None, :, :], axis=2)
        for i, j in zip(*linear_sum_assignment(cost), strict=True):
            ids[i] = keys[j]
    taken = {i for i in ids if i is not None} | set(old)
    number = 1
    out: list[str] = []
    matched: dict[str, str | None] = {}
    for given in ids:
        if given is None:
            while f"c{number}" in taken:
                number += 1
            given = f"c{number}"
            taken.add(given)
            matched[given] = None
        else:
            matched[given] = given
        out.append(given)
    return out, matched
