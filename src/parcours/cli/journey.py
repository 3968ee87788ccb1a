"""Commands on journey documents: init, validate, lint, export, import, diff, schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from parcours.cli.options import LazyChoice
from parcours.errors import JourneyFileError, JourneyValidationError, Problem

JOURNEY = click.Path(exists=True, dir_okay=False, path_type=Path)
LANG = LazyChoice("parcours.model.vocabulary:Lang")
MERMAID_SUFFIXES = {".mmd", ".mermaid"}


def _write(text: str, output: Path | None) -> None:
    """Write to ``output``, or to stdout when none is given."""
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="journey.yaml")
@click.option(
    "--preset", type=LazyChoice("parcours.model.presets:PRESETS"), default="5", show_default=True
)
@click.option("--lang", type=LANG, default="fr", show_default=True)
@click.option("--type", "business_type", type=click.Choice(["b2b", "b2c"]), default="b2c")
@click.option("--name", help="Journey name (default: 'Mon parcours client').")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(
    path: Path, preset: str, lang: str, business_type: str, name: str | None, force: bool
) -> None:
    """Start a journey map at PATH (YAML or JSON) from a stage preset."""
    from parcours.model import BusinessType, Lang, dump_journey
    from parcours.model.documents import format_of
    from parcours.model.presets import new_journey

    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; use --force to overwrite it")
    journey = new_journey(
        preset, lang=Lang(lang), business_type=BusinessType(business_type), name=name
    )
    path.write_text(dump_journey(journey, format_of(path)), encoding="utf-8")
    click.echo(f"wrote {path} ({len(journey.stages)} stages); next: parcours lint {path}")


@click.command()
@click.argument("files", type=JOURNEY, nargs=-1, required=True)
def validate(files: tuple[Path, ...]) -> None:
    """Check journey files against the schema; print FILE:LINE:COL: message lines when not."""
    from parcours.model import load_journey

    invalid = 0
    for path in files:
        try:
            journey = load_journey(path)
        except (JourneyFileError, JourneyValidationError) as error:
            click.echo(str(error), err=True)
            invalid += 1
            continue
        touchpoints = sum(1 for _ in journey.touchpoints())
        click.echo(f"{path}: valid ({len(journey.stages)} stages, {touchpoints} touchpoints)")
    if invalid:
        raise SystemExit(1)


@click.command("lint")
@click.argument("file", type=JOURNEY, required=False)
@click.option(
    "--events",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Event catalogue, one name per line, to check the data bindings against "
    "(default: FILE's NAME.events.txt when present; else, for a map in a workspace's "
    "journeys/ folder, the events of its data, as warnings).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
def lint_command(file: Path | None, events: Path | None, fmt: str, list_rules: bool) -> None:
    """Check a journey map against the lint rules; exit 1 on an error-level finding."""
    from parcours.model import load_journey
    from parcours.model.catalogue import catalogue_beside, read_catalogue
    from parcours.model.lint import RULES, lint, unseen_events

    if list_rules:
        for rule in RULES.values():
            click.echo(f"{rule.id} [{rule.severity}]: {rule.explanation}")
        return
    if file is None:
        raise click.UsageError("give a journey FILE (or --rules)")
    events = events or catalogue_beside(file)
    catalogue = read_catalogue(events) if events else None
    journey = load_journey(file)
    findings = lint(journey, catalogue)
    seen = _workspace_events(file) if catalogue is None else None
    if seen is not None:  # in a workspace with data: the names its events bear
        findings += unseen_events(journey, seen)
    if fmt == "json":
        click.echo(json.dumps({"findings": [f.to_dict() for f in findings]}, ensure_ascii=False))
    else:
        for f in findings:
            click.echo(f"{file}: {f.severity}: {f.where}: {f.message} [{f.rule}]")
        click.echo(f"{len(findings)} finding(s)", err=True)
    if any(f.severity == "error" for f in findings):
        raise SystemExit(1)


def _workspace_events(file: Path) -> list[str] | None:
    """The event names of the workspace whose ``journeys/`` folder holds ``file``, when it has
    ingested data; None otherwise."""
    from parcours.data.workspace import Workspace
    from parcours.engine.workspace_tables import event_names

    root = file.resolve().parent.parent
    if file.resolve().parent.name != "journeys" or not (root / "parcours.toml").is_file():
        return None
    return event_names(Workspace.open(root))


@click.command()
@click.argument("file", type=JOURNEY)
@click.option(
    "--format", "fmt", type=click.Choice(["mermaid", "csv", "json", "yaml"]), required=True
)
@click.option("--lang", type=LANG, help="Language of the labels (default: the journey's).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def export(file: Path, fmt: str, lang: str | None, output: Path | None) -> None:
    """Export a journey map as Mermaid, CSV (one row per stage and lane), JSON or YAML."""
    from parcours.model import Lang, dump_journey, load_journey
    from parcours.model.mermaid import to_mermaid

    journey = load_journey(file)
    language = Lang(lang) if lang else None
    if fmt == "mermaid":
        text = to_mermaid(journey, language)
    elif fmt == "csv":
        from parcours.render.table import journey_csv

        text = journey_csv(journey, language)
    else:
        text = dump_journey(journey, "json" if fmt == "json" else "yaml")
    _write(text, output)


@click.command("import")
@click.argument("file", type=JOURNEY)
@click.option("--lang", type=LANG, default="fr", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def import_command(file: Path, lang: str, output: Path | None) -> None:
    """Import a Mermaid journey diagram (.mmd) or a JSON/YAML map; write it as YAML or JSON."""
    from parcours.model import Lang, dump_journey
    from parcours.model.documents import format_of, parse_journey
    from parcours.model.mermaid import load_mermaid

    if file.suffix.lower() in MERMAID_SUFFIXES:
        journey = load_mermaid(file, Lang(lang))
    elif file.suffix.lower() in {".yaml", ".yml", ".json"}:
        journey = parse_journey(file.read_bytes(), str(file), format_of(file))
    else:
        hint = f"use one of {', '.join(sorted(MERMAID_SUFFIXES))}, .yaml, .yml, .json"
        raise JourneyFileError(Problem(str(file), 1, 1, "unknown file type", hint=hint))
    _write(dump_journey(journey, format_of(output) if output else "yaml"), output)


@click.command()
@click.argument("old", type=JOURNEY)
@click.argument("new", type=JOURNEY)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def diff(old: Path, new: Path, fmt: str) -> None:
    """What changed from OLD to NEW: stages, touchpoints, pain points, opportunities..."""
    from parcours.model import load_journey
    from parcours.model.diff import diff_journeys

    changes = diff_journeys(load_journey(old), load_journey(new))
    if fmt == "json":
        click.echo(json.dumps(changes.to_dict(), ensure_ascii=False))
    else:
        click.echo(changes.to_text())


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def schema(output: Path | None) -> None:
    """Print the JSON Schema of journey files."""
    from parcours.model.schema import journey_schema

    _write(json.dumps(journey_schema(), ensure_ascii=False, indent=2) + "\n", output)


COMMANDS = [init, validate, lint_command, export, import_command, diff, schema]
