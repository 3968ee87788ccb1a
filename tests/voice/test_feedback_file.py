"""Feedback files read in chunks: delimiters, one-column CSVs, streaming with row ids, and fuzzed
files that give rows or an error naming the file, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.mutations import as_bytes, mutated

from parcours.cli import main
from parcours.errors import VoiceError
from parcours.voice.feedback_file import FeedbackFile, csv_delimiter
from parcours.voice.pipeline import analyse_file, stream_file

ONE_COLUMN = (
    "text\n"
    "Livraison rapide, produit conforme; merci\n"
    "Très déçu, colis abîmé, remboursement demandé\n"
    '"Cité entre guillemets, avec ""une"" virgule"\n'
)


def frame(path: Path) -> pd.DataFrame:
    return pd.concat(list(FeedbackFile(path).chunks(2)))


def test_one_column_csv_keeps_commas_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "avis.csv"
    path.write_text(ONE_COLUMN, encoding="utf-8")
    rows = frame(path)
    assert list(rows.columns) == ["text"]
    assert rows["text"].tolist() == [
        "Livraison rapide, produit conforme; merci",
        "Très déçu, colis abîmé, remboursement demandé",
        'Cité entre guillemets, avec "une" virgule',
    ]
    results = analyse_file(path, "text", tier="lexicon")
    assert [r.id for r in results] == [0, 1, 2]
    assert results[1].sentiment.label == "negative"
    path.write_text("text\n", encoding="utf-8")  # a header, no rows
    assert len(analyse_file(path, "text", tier="lexicon")) == 0


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_from_the_header(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "avis.csv"
    lines = [["ref", "avis", "note"], ["a1", "Bien, mais lent; bof", "3"], ["a2", "Top", "5"]]
    quoted = [[f'"{c}"' if "," in c or ";" in c else c for c in line] for line in lines]
    path.write_text("\n".join(delimiter.join(line) for line in quoted) + "\n", encoding="utf-8")
    rows = frame(path)
    assert list(rows.columns) == ["ref", "avis", "note"]
    assert rows["avis"].tolist() == ["Bien, mais lent; bof", "Top"]
    assert csv_delimiter("text\nhello, world; again\n") == "\x1f"


def test_stream_yields_chunks_with_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "avis.jsonl"
    texts = [f"Colis {i} jamais reçu" if i % 2 else f"Super service {i}" for i in range(7)]
    path.write_text("".join(json.dumps({"avis": t}) + "\n" for t in texts), encoding="utf-8")
    seen: list[tuple[int, int | None]] = []
    chunks = list(
        stream_file(
            path, "avis", tier="lexicon", chunk_rows=3, on_progress=lambda d, t: seen.append((d, t))
        )
    )
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [r.id for c in chunks for r in c] == list(range(7))
    assert seen == [(3, 7), (6, 7), (7, 7)]
    labels = [r.sentiment.label for c in chunks for r in c]
    assert labels[0] == "positive" and labels[1] == "negative"


def test_parquet_and_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "avis.parquet"
    pd.DataFrame({"id": ["x", "y"], "avis": ["Trop cher", "Parfait"]}).to_parquet(path)
    assert FeedbackFile(path).count_rows() == 2
    assert [r.id for r in analyse_file(path, "avis", id_col="id", tier="lexicon")] == ["x", "y"]
    with pytest.raises(VoiceError, match=r"no text column 'comment'.*avis"):
        analyse_file(path, "comment", tier="lexicon")


def test_cli_streams_csv_with_one_header_and_progress(tmp_path: Path, monkeypatch) -> None:
    import parcours.voice.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 2)
    path = tmp_path / "avis.csv"
    path.write_text(ONE_COLUMN + "Nickel\nArnaque totale\n", encoding="utf-8")
    args = ["voice", str(path), "--text-col", "text", "--tier", "lexicon"]
    result = CliRunner().invoke(main, [*args, "--format", "csv", "--jobs", "1", "--progress"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,lang,text,sentiment") and len(lines) == 6
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1", "2", "3", "4"]
    assert "rows" in result.stderr and "5/5" in result.stderr
    jsonl = CliRunner().invoke(main, [*args, "--no-progress"])
    assert [json.loads(line)["id"] for line in jsonl.stdout.splitlines()] == [0, 1, 2, 3, 4]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-feedback")


SEEDS = {
    "csv": 'ref;avis;note\na1;"Bien, merci";5\na2;Nul;1\n',
    "jsonl": '{"ref": "a1", "avis": "Bien"}\n{"ref": 2, "avis": null}\n',
}


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(["csv", "jsonl"]), data=st.data())
def test_fuzzed_files_give_rows_or_a_located_error(folder: Path, kind: str, data) -> None:
    raw = data.draw(as_bytes(mutated(st.just(SEEDS[kind]))))
    path = folder / f"fuzz.{kind}"
    path.write_bytes(raw)
    try:
        results = analyse_file(path, "avis", tier="lexicon", lang="fr")
    except VoiceError as error:
        assert str(path) in str(error)
        return
    assert all(isinstance(r.text, str) and -1 <= r.sentiment.score <= 1 for r in results)
