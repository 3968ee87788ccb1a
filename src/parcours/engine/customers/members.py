"""Each customer's segments, kept in the workspace so that any analysis can read one segment.

``parcours segment WORKSPACE`` writes the ``segments`` table into the workspace's database, one
row per customer and kind of segment:

- ``customer_id``;
- ``kind``: ``cluster`` (a behavioural cluster, ``c1``...) or ``rfm`` (a named RFM segment,
  ``champions``...);
- ``segment``: its id (cluster ids and RFM names never collide);
- ``clv``: the customer's predicted lifetime value when the CLV model ran (else NULL).

SQL reads it as ``{segments}`` (:data:`parcours.engine.backend.TABLES`); a
:class:`~parcours.engine.filter.Filter` with ``member_of="c1"`` keeps one segment's customers,
so that a journey is measured per segment on either engine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from parcours.data.workspace import Workspace
from parcours.engine.backend import Backend
from parcours.engine.customers.segments import STATE, SegmentsResult, segments
from parcours.errors import EngineError

#: The table's name in the workspace database (its role in a log).
TABLE = "segments"
KINDS = ("cluster", "rfm")


def workspace_segments(
    workspace: Workspace,
    *,
    clv: bool = False,
    save: bool = True,
    journey: str | None = None,
    **options: Any,
) -> SegmentsResult:
    """:func:`~parcours.engine.customers.segments.segments` on a workspace's tables (either
    engine), the cluster centroids kept in ``segments.json`` at its root (each refresh keeps the
    ids of the segments it finds again) and, when ``save``, each customer's segments written
    into the workspace's ``segments`` table, with their predicted lifetime value when ``clv``
    (BG/NBD and Gamma-Gamma over the purchases :func:`clv_purchases` picks), and what was asked
    kept in :data:`ASKED` for :func:`segment_again`. ``journey`` names one of the workspace's
    journeys (file stem) whose stages reached are a clustering feature."""
    from parcours.engine.workspace_tables import workspace_tables
    from parcours.model import load_journey

    mapped = None
    if journey is not None:
        (path,) = workspace.journeys([journey]).values()
        mapped = load_journey(path)
    values: dict[str, float | None] | None = None
    with workspace_tables(workspace) as log:
        result = segments(log, state=workspace.root / STATE, journey=mapped, **options)
        if clv:
            values = _lifetime_values(log, options.get("event"), options.get("value"))
    if save:
        save_members(workspace, members_table(result, values))
        _remember(workspace, {**options, "clv": clv, "journey": journey})
    return result


#: Where a workspace keeps what ``parcours segment`` was last asked there (purchase event,
#: value, as-of day, k range, journey, CLV), so that ``parcours refresh`` segments it again.
ASKED = Path(".parcours") / "segment.json"


def segment_again(workspace: Workspace) -> SegmentsResult | None:
    """Segment ``workspace`` again as :func:`workspace_segments` was last asked there (the
    segments table written anew, the cluster ids kept); None when it never was."""
    try:
        asked = json.loads((workspace.root / ASKED).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise EngineError(
            f"{workspace.root / ASKED}: cannot read what `parcours segment` was asked ({exc}); "
            "run `parcours segment` again."
        ) from exc
    ks = asked.pop("ks", None)
    return workspace_segments(workspace, ks=None if ks is None else tuple(ks), **asked)


def _remember(workspace: Workspace, options: Mapping[str, Any]) -> None:
    kept = {k: v for k, v in options.items() if k != "compare"}  # movement is not kept
    if kept.get("ks") is not None:
        kept["ks"] = list(kept["ks"])
    if kept.get("as_of") is not None:
        kept["as_of"] = str(kept["as_of"])
    path = workspace.root / ASKED
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(kept, indent=2), encoding="utf-8")


def _lifetime_values(log: Any, event: str | None, value: str | None) -> dict[str, float | None]:
    from parcours.engine.customers.clv import lifetime_value
    from parcours.engine.customers.summary import customer_summary

    event, value = clv_purchases(log, event, value)
    fitted = lifetime_value(customer_summary(log, event=event, value=value))
    return {c.customer_id: c.clv for c in fitted.customers}


def clv_purchases(
    log: Backend, event: str | None, value: str | None
) -> tuple[str | None, str | None]:
    """The purchases the CLV model reads (``event`` and ``value`` of
    :func:`~parcours.engine.customers.summary.customer_summary`): the events named ``event``
    with the property ``value`` when one is named; without a value, the workspace's orders when
    they carry amounts (without amounts Gamma-Gamma cannot run, and no customer gets a CLV);
    else the events named ``event``, counted without value."""
    priced = log.has_table("orders") and "amount" in log.table_columns("orders")
    if value is None and priced and log.rows("SELECT count(amount) FROM {orders}")[0][0]:
        return None, None
    return event, value


def members_table(
    result: SegmentsResult, clv: Mapping[str, float | None] | None = None
) -> pa.Table:
    """The rows of the ``segments`` table for ``result`` (``clv``: customer -> predicted value)."""
    parts = []
    if result.clusters is not None:
        members = result.clusters.members
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": members.index.astype(str).to_numpy(),
                    "kind": "cluster",
                    "segment": members.astype(str).to_numpy(),
                }
            )
        )
    frame = result.rfm.frame
    parts.append(
        pd.DataFrame(
            {
                "customer_id": frame["customer_id"].astype(str).to_numpy(),
                "kind": "rfm",
                "segment": frame["segment"].astype(str).to_numpy(),
            }
        )
    )
    rows = pd.concat(parts, ignore_index=True)
    values = pd.Series(dict(clv or {}), dtype=float)
    rows["clv"] = rows["customer_id"].map(values).astype(float)
    schema = pa.schema(
        [
            ("customer_id", pa.string()),
            ("kind", pa.string()),
            ("segment", pa.string()),
            ("clv", pa.float64()),
        ]
    )
    return pa.Table.from_pandas(rows.reset_index(drop=True), schema=schema, preserve_index=False)


def save_members(workspace: Workspace, table: pa.Table) -> int:
    """Replace the workspace's ``segments`` table by ``table``; the number of rows written."""
    with workspace.connect() as connection:
        connection.register("parcours_members", table)
        connection.execute(f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM parcours_members")
        connection.unregister("parcours_members")
    return table.num_rows
