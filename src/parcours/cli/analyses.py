"""Ad-hoc analyses on a file: ``parcours funnel``, ``paths``, ``attribution``, ``retention`` and
``durations``.

FILE may be CSV/TSV, Parquet, JSON Lines or XES (plain or .gz); it is read by
:func:`parcours.data.read_events` with the default columns ``customer_id``, ``timestamp``,
``event`` and ``channel``, each overridable by a flag; ``--since``, ``--until``, ``--where`` and
``--segment`` cut the events first (:class:`parcours.engine.filter.Filter`). Output is JSON or
a table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from parcours.cli.options import LazyChoice
from parcours.errors import EngineError

if TYPE_CHECKING:
    import pandas as pd

    from parcours.engine import Backend

_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)


_ROLES = {  # flag -> the events contract's column it names (parcours.data.schema's names,
    # written out so that `parcours --help` does not import the data layer; a test keeps them so)
    "customer_col": "customer_id",
    "timestamp_col": "timestamp",
    "event_col": "event",
    "channel_col": "channel",
}


def _columns(command: Callable[..., Any]) -> Callable[..., Any]:
    """Flags naming the source columns of each role, and the filter's flags."""
    command = click.option(
        "--segment",
        multiple=True,
        metavar="event.KEY=VALUE",
        help="Only customers with an event whose property KEY has this value (repeatable).",
    )(command)
    command = click.option(
        "--where",
        "conditions",
        multiple=True,
        metavar="KEY=VALUE",
        help="Only events matching: platform=mobile, amount>100, channel=web, event=pay* "
        "(OP one of = != > >= < <= ~; repeatable, all must hold).",
    )(command)
    command = click.option("--until", help="Only events before this date (UTC, exclusive).")(
        command
    )
    command = click.option("--since", help="Only events from this date on (UTC, YYYY-MM-DD).")(
        command
    )
    for flag, role in reversed(_ROLES.items()):
        command = click.option(
            f"--{flag.replace('_', '-')}",
            default=role,
            show_default=True,
            help=f"Source column holding the {role.replace('_id', '')}.",
        )(command)
    command = click.option(
        "--lang",
        type=click.Choice(["en", "fr"]),
        default="en",
        show_default=True,
        help="Number, percentage and duration format of the table.",
    )(command)
    return click.option(
        "--timezone", default="UTC", show_default=True, help="Zone of naive times."
    )(command)


def _open(file: str, opts: dict[str, Any]) -> Backend:
    return _filtered(_read(file, opts), opts)


def _read(file: str, opts: dict[str, Any]) -> Backend:
    from parcours.data import ColumnMapping, read_events
    from parcours.engine import EventLog

    # A role whose flag keeps its default is left to the reader (XES has its own defaults).
    columns = {role: opts[flag] for flag, role in _ROLES.items() if opts[flag] != role}
    loaded = read_events(file, ColumnMapping(columns=columns, timezone=opts["timezone"]))
    quarantined = loaded.report.quarantined
    if quarantined:
        click.echo(
            f"Note: {quarantined} row(s) of {file} could not be used (quarantined).", err=True
        )
    return EventLog(loaded.connection, loaded.table)


def _filtered(log: Backend, opts: dict[str, Any]) -> Backend:
    from parcours.engine.filter import parse_filter

    chosen = parse_filter(opts["since"], opts["until"], opts["conditions"], opts["segment"])
    return chosen.apply(log)


def _emit(data: dict[str, Any], frame: pd.DataFrame, fmt: str, lang: str) -> None:
    """JSON as measured, or a table in human units (durations, %, thousands) in ``lang``."""
    from parcours.cli.units import frame_text, language

    if fmt == "json":
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo(frame_text(frame, language(lang)))


@click.command(name="funnel")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--steps", required=True, help="Comma-separated step events, e.g. view,cart,pay.")
@click.option("--window", default="14d", show_default=True, help="Conversion window: 30m, 1h, 14d.")
@click.option(
    "--order",
    type=click.Choice(["ordered", "strict", "unordered"]),
    default="ordered",
    show_default=True,
)
@click.option("--exclude", multiple=True, help="Exclusion event between first and last step.")
@click.option("--breakdown", default=None, help="Event column or property to break down by.")
@_FORMAT
@_columns
def funnel_command(
    file: str,
    steps: str,
    window: str,
    order: str,
    exclude: tuple[str, ...],
    breakdown: str | None,
    fmt: str,
    **cols: Any,
) -> None:
    """Customers reaching each step of a funnel, PostHog semantics."""
    from parcours.engine import Exclusion, funnel
    from parcours.engine.funnel import unseen_steps

    names = [s.strip() for s in steps.split(",") if s.strip()]
    data = _read(file, cols)
    for warning in unseen_steps(data, [*names, *exclude]):  # in the data, before any filter
        click.echo(f"warning: {warning}", err=True)
    result = funnel(
        _filtered(data, cols),
        names,
        window=window,
        order=order,  # type: ignore[arg-type]
        exclusions=[Exclusion(e) for e in exclude],
        breakdown=breakdown,
    )
    _emit(result.to_dict(), result.to_frame(), fmt, cols["lang"])


@click.command(name="paths")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--top", default=20, show_default=True, help="How many variants to list.")
@_FORMAT
@_columns
def paths_command(file: str, top: int, fmt: str, **cols: Any) -> None:
    """Directly-follows graph, variants, start/end activities and case durations."""
    from parcours.engine import paths

    result = paths(_open(file, cols), top_variants=top)
    _emit(result.to_dict(), result.to_frame(), fmt, cols["lang"])


def _is_path_file(file: str) -> bool:
    import duckdb

    if not file.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        return False
    try:
        columns = duckdb.connect().read_csv(file, header=True).columns
    except duckdb.Error:
        return False
    return {"path", "total_conversions"} <= set(columns)


@click.command(name="attribution")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--model",
    type=LazyChoice("parcours.engine.attribution:MODELS"),
    default="markov",
    show_default=True,
)
@click.option("--order", "markov_order", default=1, show_default=True, help="Markov order.")
@click.option("--conversion", default=None, help="Conversion event (for an event file).")
@click.option("--value", default=None, help="Property holding the conversion value.")
@click.option("--half-life", default=None, help="Time-decay half-life: 7d (events), 1 (paths).")
@_FORMAT
@_columns
def attribution_command(
    file: str,
    model: str,
    markov_order: int,
    conversion: str | None,
    value: str | None,
    half_life: str | None,
    fmt: str,
    **cols: Any,
) -> None:
    """Credit conversions to channels from a ChannelAttribution path file or an event file."""
    from parcours.engine import attribute, paths_from_events, read_paths

    if _is_path_file(file):
        journeys = read_paths(file)
        decay: str | float | None = float(half_life) if half_life else None
    else:
        if conversion is None:
            raise EngineError(
                f"{Path(file).name} is an event file: name the conversion event with --conversion "
                "(or pass a path file with columns path, total_conversions)."
            )
        journeys = paths_from_events(_open(file, cols), conversion, value=value)
        decay = half_life
    result = attribute(journeys, model, order=markov_order, half_life=decay)  # type: ignore[arg-type]
    _emit(result.to_dict(), result.to_frame(), fmt, cols["lang"])


@click.command(name="retention")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--period",
    type=LazyChoice("parcours.engine.retention:PERIODS"),
    default="week",
    show_default=True,
)
@click.option("--start-event", default=None, help="Event that puts a customer in a cohort (any).")
@click.option(
    "--return-event", default=None, help="Event that counts as coming back, and as being active."
)
@click.option(
    "--kind",
    type=click.Choice(["first-time", "recurring"]),
    default="first-time",
    show_default=True,
    help="Cohort of the first start event only, or of every period with a start event.",
)
@click.option("--offsets", type=int, default=None, help="Report offsets 0 to N-1 only.")
@_FORMAT
@_columns
def retention_command(
    file: str,
    period: str,
    start_event: str | None,
    return_event: str | None,
    kind: str,
    offsets: int | None,
    fmt: str,
    **cols: Any,
) -> None:
    """Cohort retention matrix, lifecycle (new, returning, resurrecting, dormant) and churn."""
    from parcours.engine.retention import lifecycle, retention

    log = _open(file, cols)
    cohorts = retention(
        log,
        period=period,  # type: ignore[arg-type]
        kind=kind.replace("-", "_"),  # type: ignore[arg-type]
        start_event=start_event,
        return_event=return_event,
        offsets=offsets,
    )
    stages = lifecycle(log, period=period, event=return_event)  # type: ignore[arg-type]
    if fmt == "json":
        data = {"retention": cohorts.to_dict(), "lifecycle": stages.to_dict()}
        click.echo(json.dumps(data, indent=2, default=str))
        return
    from parcours.cli.units import frame_text, language

    said = language(cols["lang"])
    matrix = cohorts.matrix()
    shares = {c: f"{c}_share" for c in matrix.columns if c != "size"}  # shown as %
    matrix = matrix.reset_index().rename(columns=shares)
    table = frame_text(matrix, said)
    for column, share in shares.items():  # headed by the offset alone
        table = table.replace(share, str(column).rjust(len(share)), 1)
    click.echo(f"Retention (% of each {period}'s cohort, by {period}s since):")
    click.echo(table)
    click.echo("\nLifecycle:")
    click.echo(frame_text(stages.to_frame(), said))


@click.command(name="durations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--journey",
    "journey_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Journey map (YAML or JSON) whose stages bind the events.",
)
@_FORMAT
@_columns
def durations_command(file: str, journey_file: str, fmt: str, **cols: Any) -> None:
    """Time in each stage, between consecutive stages, and over the whole journey."""
    from parcours.engine.timing import journey_timing
    from parcours.model import load_journey

    result = journey_timing(_open(file, cols), load_journey(journey_file))
    _emit(result.to_dict(), result.to_frame(), fmt, cols["lang"])
    if fmt == "table" and result.histogram:
        from parcours.cli.units import frame_text, language

        histogram = result.histogram_frame()[["label", "customers", "share"]]
        click.echo("\nWhole journey:")
        click.echo(frame_text(histogram, language(cols["lang"])))


COMMANDS = [
    funnel_command,
    paths_command,
    attribution_command,
    retention_command,
    durations_command,
]
