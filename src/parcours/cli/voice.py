"""``parcours voice``: analyse a feedback file ad hoc (sentiment, emotions, themes)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from parcours.cli.options import PROGRESS

FEEDBACK = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.argument("file", type=FEEDBACK)
@click.option("--text-col", required=True, help="Column holding the feedback text.")
@click.option("--id-col", help="Column holding the feedback id (default: the row number).")
@click.option("--rating-col", help="Column of stars/NPS/CSAT, kept beside the prediction.")
@click.option(
    "--refit-ratings",
    "refit_col",
    metavar="COLUMN",
    help="Refit the sentiment head on this file first, the ratings in COLUMN (stars, NPS, "
    "CSAT) as labels: no manual labels needed (the first 5,000 rated rows are read).",
)
@click.option("--lang", type=click.Choice(["auto", "fr", "en"]), default="auto", show_default=True)
@click.option(
    "--tier",
    type=click.Choice(["accurate", "fast", "lexicon"]),
    default="accurate",
    show_default=True,
    help="accurate: e5 on onnxruntime; fast: USE (several times faster); lexicon: no model.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Threads of the encoders (overrides the `jobs` setting; default: the CPU quota).",
)
@click.option(
    "--taxonomy",
    help="Themes: a shipped taxonomy (ecommerce, the default; travel, banking_insurance, "
    "telecom, public_services) or the path of your own YAML.",
)
@click.option(
    "--model",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A local Hugging Face sentiment checkpoint (pip install 'parcours[hf]'); GPU if any.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@PROGRESS
def voice(
    file: Path,
    text_col: str,
    id_col: str | None,
    rating_col: str | None,
    refit_col: str | None,
    lang: str,
    tier: str,
    taxonomy: str | None,
    model: Path | None,
    fmt: str,
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Analyse the feedback in FILE (CSV, JSONL, Parquet): one result per input row."""
    from parcours.data.progress import counting
    from parcours.settings import Settings
    from parcours.voice.pipeline import refit_from_file, stream_file

    if refit_col is not None and model is not None:
        raise click.UsageError(
            "--refit-ratings refits the tier's head, --model replaces it: give one."
        )
    threads = Settings.load(jobs=jobs).jobs
    head = None
    if refit_col is not None:
        head = refit_from_file(file, text_col, refit_col, tier=tier, jobs=threads)  # type: ignore[arg-type]
    with counting(f"{file.name} ({tier})", "rows", progress) as on_progress:
        chunks = stream_file(
            file,
            text_col,
            id_col=id_col,
            rating_col=rating_col,
            tier=tier,  # type: ignore[arg-type]
            lang=lang,
            taxonomy=taxonomy,
            head=head,
            model=model,
            jobs=threads,
            on_progress=on_progress,
        )
        for index, results in enumerate(chunks):
            if fmt == "csv":
                click.echo(results.to_csv(header=index == 0), nl=False)
                continue
            for record in results:
                click.echo(json.dumps(record.to_dict(), ensure_ascii=False, default=str))


COMMANDS = [voice]
