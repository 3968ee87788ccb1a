"""``parcours render``: a journey file to an HTML, SVG, PNG or PDF view."""

from __future__ import annotations

from pathlib import Path

import click

from parcours.cli.options import LazyChoice
from parcours.errors import RenderError

_FORMATS = ("html", "svg", "png", "pdf")


@click.command("render")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--layout", type=click.Choice(["grid", "linear"]), help="Grid or linear map.")
@click.option(
    "--view",
    type=LazyChoice("parcours.render.html:VIEWS"),
    help="Any view (default: the journey's layout).",
)
@click.option("--format", "fmt", type=click.Choice(_FORMATS), help="Default: from -o, else html.")
@click.option(
    "--page",
    type=LazyChoice("parcours.render.html:PAGES"),
    default="A4",
    show_default=True,
    help="Landscape page size of PDF exports.",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Default: the journey's language.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (default: FILE's name + view + format, in the current folder).",
)
def render(
    file: Path,
    layout: str | None,
    view: str | None,
    fmt: str | None,
    page: str,
    lang: str | None,
    output: Path | None,
) -> None:
    """Render the journey FILE (YAML or JSON) as a view: grid, linear, persona, matrix or
    emotion; HTML, or SVG / PNG / PDF through headless Chromium."""
    from parcours.model import load_journey
    from parcours.render import export, format_from

    if layout and view and layout != view:
        raise RenderError(f"--layout {layout} and --view {view} disagree: give one of them")
    journey = load_journey(file)
    chosen = view or layout or journey.layout.value
    if output is None:
        output = Path(f"{file.stem}.{chosen}.{fmt or 'html'}")
    kind = format_from(output, fmt)
    if kind not in _FORMATS:
        raise RenderError(
            f"{output}: `parcours render` writes {', '.join(_FORMATS)}; "
            "use `parcours export --format csv` for CSV"
        )
    written = export(journey, output, view=chosen, format=kind, page=page, lang=lang)  # type: ignore[arg-type]
    click.echo(f"Wrote {written}")


COMMANDS = [render]
