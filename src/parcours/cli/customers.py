"""Customer analytics on a file: ``parcours clv``.

``parcours clv FILE`` fits BG/NBD, Pareto/NBD and Gamma-Gamma on a transactions file (CSV or
Parquet: one row per purchase) or on a per-customer summary in the lifetimes layout (columns
``frequency``, ``recency``, ``T``, optional ``monetary_value``) and prints each customer's
probability of being alive, churn, expected purchases and lifetime value.
"""

from __future__ import annotations

import json

import click

from parcours.engine.customers.clv import MODELS, lifetime_value_file
from parcours.engine.customers.summary import UNIT_DAYS


@click.command(name="clv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--customer-col",
    default="customer_id",
    show_default=True,
    help="Column holding the customer (a summary may use ID instead).",
)
@click.option(
    "--timestamp-col",
    default="timestamp",
    show_default=True,
    help="Column holding the purchase time (transactions).",
)
@click.option("--value-col", default=None, help="Column holding the purchase value.")
@click.option(
    "--calibration-end",
    default=None,
    help="Last day (YYYY-MM-DD, included) of the calibration period; later purchases "
    "are the holdout. Default: the last purchase day.",
)
@click.option(
    "--unit",
    type=click.Choice(list(UNIT_DAYS)),
    default="week",
    show_default=True,
    help="Time unit of the summary made from transactions.",
)
@click.option(
    "--horizon",
    type=float,
    default=None,
    help="Horizon of the expected purchases and CLV, in time units. Default: the "
    "calibration period's length.",
)
@click.option(
    "--discount-rate",
    type=float,
    default=0.0,
    show_default=True,
    help="Discount rate per time unit for the CLV.",
)
@click.option(
    "--model",
    type=click.Choice(MODELS),
    default="bgnbd",
    show_default=True,
    help="Model behind P(alive), churn, expected purchases and CLV.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
def clv_command(
    file: str,
    customer_col: str,
    timestamp_col: str,
    value_col: str | None,
    calibration_end: str | None,
    unit: str,
    horizon: float | None,
    discount_rate: float,
    model: str,
    fmt: str,
) -> None:
    """Customer lifetime value and churn (BG/NBD, Pareto/NBD, Gamma-Gamma)."""
    result = lifetime_value_file(
        file,
        customer=customer_col,
        timestamp=timestamp_col,
        value=value_col,
        calibration_end=calibration_end,
        unit=unit,  # type: ignore[arg-type]
        horizon=horizon,
        discount_rate=discount_rate,
        model=model,  # type: ignore[arg-type]
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(result.parameters().to_string(index=False))
    click.echo(f"\nPer customer (horizon {result.horizon:g} {result.unit or 'units'}):")
    click.echo(result.to_frame().round(4).to_string(index=False))


COMMANDS = [clv_command]
