"""Customer analytics on a file: ``parcours clv``, ``segment``, ``score``, ``score-rules``,
``typology``, ``recommend`` and ``next-action``.

``parcours clv FILE`` fits BG/NBD, Pareto/NBD and Gamma-Gamma on a transactions file (CSV or
Parquet: one row per purchase) or on a per-customer summary in the lifetimes layout (columns
``frequency``, ``recency``, ``T``, optional ``monetary_value``) and prints each customer's
probability of being alive, churn, expected purchases and lifetime value.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from parcours.cli.analyses import _columns, _open
from parcours.cli.options import LazyChoice
from parcours.errors import EngineError

if TYPE_CHECKING:
    from parcours.engine.customers.scoring_rules import ScoringRules

# Choices read from their modules when first needed: `parcours --help` imports nothing heavy.
MODELS = LazyChoice("parcours.engine.customers.clv:MODELS")
UNITS = LazyChoice("parcours.engine.customers.summary:UNIT_DAYS")
TEMPLATES = ("en", "fr")  # parcours.engine.customers.scoring_rules.TEMPLATES
REC_METHODS = LazyChoice("parcours.engine.customers.recommend:METHODS")


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
    type=UNITS,
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
    type=MODELS,
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
    from parcours.engine.customers.clv import lifetime_value_file

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
    unit = f"{result.unit}s" if result.unit else "time units"
    click.echo(f"\nPer customer (horizon {result.horizon:g} {unit}):")
    click.echo(result.to_frame().round(4).to_string(index=False))


@click.command(name="segment")
@click.argument("file", type=click.Path(exists=True))
@click.option("--purchase-event", required=True, help="The event that is a purchase.")
@click.option("--value", default=None, help="Property of the purchase event holding its value.")
@click.option("--as-of", default=None, help="Day scored (YYYY-MM-DD); default the last purchase.")
@click.option(
    "--compare",
    default=None,
    help="An earlier day: report each customer's movement between segments since.",
)
@click.option(
    "--k",
    "k_range",
    default="2-6",
    show_default=True,
    help="Cluster counts tried (A-B), the best silhouette kept; 0 for no clusters.",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False),
    default=None,
    help="JSON file keeping the cluster centroids, so ids stay stable across runs.",
)
@click.option(
    "--journey",
    "-j",
    "journey_name",
    default=None,
    help="On a workspace: a journey (file stem) whose stages reached by each customer are a "
    "clustering feature.",
)
@click.option(
    "--clv",
    is_flag=True,
    help="On a workspace: also keep each customer's predicted lifetime value (BG/NBD and "
    "Gamma-Gamma), for the CLV of each persona card; without --value, from the orders' amounts "
    "when the workspace has them.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@_columns
def segment_command(
    file: str,
    purchase_event: str,
    value: str | None,
    as_of: str | None,
    compare: str | None,
    k_range: str,
    state: str | None,
    journey_name: str | None,
    clv: bool,
    fmt: str,
    **cols: Any,
) -> None:
    """RFM segments (10 named, FR/EN), their movement, behavioural clusters and persona cards.

    FILE is an events file, or a workspace folder: there each customer's segments are kept in
    the workspace (the centroids in segments.json), so that `parcours measure --segment c1`
    measures one segment and the measured maps show a persona card per segment; `parcours
    refresh` segments it again, as asked here, once an ingest brings new rows."""
    from pathlib import Path

    from parcours.engine.customers.segments import segments

    options: dict[str, Any] = {
        "event": purchase_event,
        "value": value,
        "as_of": as_of,
        "compare": compare,
        "ks": _ks(k_range),
    }
    if Path(file).is_dir():
        from parcours.cli.options import open_workspace
        from parcours.engine.customers.members import workspace_segments

        result = workspace_segments(open_workspace(file), clv=clv, journey=journey_name, **options)
    else:
        result = segments(_open(file, cols), state=state, **options)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, default=str))
        return
    click.echo(f"RFM segments on {result.rfm.as_of}:")
    for row in result.rfm.to_dict()["segments"]:
        click.echo(f"  {row['label']['en']:<22} {row['customers']:>8}  {row['share']:6.1%}")
    if result.movement is not None:
        click.echo(f"\nMovement since {result.movement.before}:")
        click.echo(result.movement.to_frame().to_string())
    if result.clusters is not None:
        scores = ", ".join(f"k={k}: {v:.3f}" for k, v in result.clusters.silhouette.items())
        click.echo(f"\nClusters: k={result.clusters.k} (silhouette {scores})")
        click.echo(result.clusters.to_frame().round(2).to_string())
    for card in result.personas:
        persona = card.persona()
        traits = "; ".join(t.words("en") for t in card.traits)
        click.echo(f"\nPersona {persona.id} ({card.customers:,} customers): {traits}")


def _ks(text: str) -> range | None:
    try:
        low, _, high = text.partition("-")
        first, last = int(low), int(high or low)
    except ValueError as exc:
        raise EngineError(f"--k {text!r}: write a range such as 2-6, or 0.") from exc
    return None if first == 0 else range(first, last + 1)


@click.command(name="score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Scoring rules (YAML or XLSX) for an event file.",
)
@click.option(
    "--template",
    "language",
    type=click.Choice(TEMPLATES),
    default=None,
    help="Score with the default rules in this language.",
)
@click.option("--as-of", default=None, help="Score at this day (default: the last event).")
@click.option(
    "--label",
    default=None,
    help="FILE is a lead table with this 0/1 outcome column: fit the predictive "
    "score and backtest it on held-out rows.",
)
@click.option("--frequency-col", default=None, help="Baseline: column of the frequency.")
@click.option("--recency-col", default=None, help="Baseline: column of the recency.")
@click.option("--test-size", type=float, default=0.3, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@_columns
def score_command(
    file: str,
    rules_file: str | None,
    language: str | None,
    as_of: str | None,
    label: str | None,
    frequency_col: str | None,
    recency_col: str | None,
    test_size: float,
    fmt: str,
    **cols: Any,
) -> None:
    """Lead scores from rules (fit, engagement, grade A1-C3, MQL/SQL), or the predictive
    score's backtest (AUC, PR-AUC, Brier, calibration, lift) against a recency-frequency
    baseline."""
    from parcours.engine.customers.predictive import backtest_file
    from parcours.engine.customers.scoring import score_leads

    if label is not None:
        found = backtest_file(
            file, label, frequency=frequency_col, recency=recency_col, test_size=test_size
        )
        if fmt == "json":
            click.echo(json.dumps(found.to_dict(), indent=2))
        else:
            click.echo(found.to_frame().round(4).to_string())
        return
    rules = _rules(rules_file, language)
    result = score_leads(_open(file, cols), rules, as_of=as_of)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, default=str))
        return
    click.echo(result.to_frame().round(2).to_string(index=False))


def _rules(rules_file: str | None, language: str | None) -> ScoringRules:
    from parcours.engine.customers.scoring_rules import load_rules, template

    if rules_file is not None:
        return load_rules(rules_file)
    if language is not None:
        return template(language)
    raise EngineError("name the scoring rules with --rules FILE or --template en|fr.")


@click.command(name="score-rules")
@click.argument("target", type=click.Path(dir_okay=False))
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Rules to convert (YAML or XLSX).",
)
@click.option(
    "--template",
    "language",
    type=click.Choice(TEMPLATES),
    default=None,
    help="Start from the default rules in this language.",
)
def score_rules_command(target: str, rules_file: str | None, language: str | None) -> None:
    """Write scoring rules to TARGET (.yaml or .xlsx): a template, or a conversion."""
    from parcours.engine.customers.scoring_rules import save_rules

    path = save_rules(_rules(rules_file, language), target)
    click.echo(f"Wrote {path}")


@click.command(name="typology")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--conversion", default=None, help="The event that ends a journey (first one).")
@click.option("--simple-max-days", type=float, default=1.0, show_default=True)
@click.option("--simple-max-events", type=int, default=10, show_default=True)
@click.option("--simple-max-channels", type=int, default=2, show_default=True)
@click.option("--long-min-days", type=float, default=30.0, show_default=True)
@click.option("--long-min-active-days", type=int, default=4, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@_columns
def typology_command(
    file: str,
    conversion: str | None,
    simple_max_days: float,
    simple_max_events: int,
    simple_max_channels: int,
    long_min_days: float,
    long_min_active_days: int,
    fmt: str,
    **cols: Any,
) -> None:
    """Journey typology per customer: simple, complex or long, by declared thresholds."""
    from parcours.engine.customers.typology import Thresholds, journey_typology

    limits = Thresholds(
        simple_max_days,
        simple_max_events,
        simple_max_channels,
        long_min_days,
        long_min_active_days,
    )
    result = journey_typology(_open(file, cols), conversion=conversion, thresholds=limits)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, default=str))
        return
    click.echo(result.profile().round(2).to_string())


@click.command(name="recommend")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--purchase-event", required=True, help="The event that is a purchase.")
@click.option("--item", required=True, help="Property of the purchase naming the product.")
@click.option("--basket", default=None, help="Property naming the order (default: the day).")
@click.option("--customer", "customers", multiple=True, help="Recommend to this customer.")
@click.option("--method", type=REC_METHODS, default="cooccurrence", show_default=True)
@click.option(
    "--evaluate",
    "check",
    is_flag=True,
    help="Leave-last-basket-out precision@10, NDCG@10 and coverage of every method.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@_columns
def recommend_command(
    file: str,
    purchase_event: str,
    item: str,
    basket: str | None,
    customers: tuple[str, ...],
    method: str,
    check: bool,
    fmt: str,
    **cols: Any,
) -> None:
    """Product recommendations from purchase history (co-occurrence, ALS), or their
    evaluation against popularity."""
    from parcours.engine.customers.recommend import METHODS, baskets, evaluate, recommend

    found = baskets(_open(file, cols), event=purchase_event, item=item, basket=basket)
    if check:
        result = evaluate(found, METHODS)
        if fmt == "json":
            click.echo(json.dumps(result.to_dict(), indent=2))
        else:
            click.echo(result.to_frame().round(4).to_string())
        return
    if not customers:
        raise EngineError("name the customers to recommend to with --customer (repeatable).")
    lists = recommend(found, customers, method=method)
    if fmt == "json":
        click.echo(json.dumps({"method": method, "recommendations": lists}, indent=2))
    else:
        for customer, items in lists.items():
            click.echo(f"{customer}: {', '.join(items)}")


@click.command(name="next-action")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--stages", required=True, help="Stage events in order, e.g. view,demo,buy.")
@click.option("--action", "actions", multiple=True, help="Only these actions (repeatable).")
@click.option(
    "--min-customers",
    type=int,
    default=30,
    show_default=True,
    help="Least customers on each side of an action for it to be named best.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@_columns
def next_action_command(
    file: str, stages: str, actions: tuple[str, ...], min_customers: int, fmt: str, **cols: Any
) -> None:
    """Next best action per stage: the action most associated with reaching the next stage,
    with its uplift and sample sizes."""
    from parcours.engine.customers.next_action import next_actions

    names = [s.strip() for s in stages.split(",") if s.strip()]
    result = next_actions(
        _open(file, cols), names, actions=actions or None, min_customers=min_customers
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(result.to_frame().to_string(index=False))


COMMANDS = [
    next_action_command,
    clv_command,
    segment_command,
    score_command,
    score_rules_command,
    typology_command,
    recommend_command,
]
