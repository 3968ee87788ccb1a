"""``parcours clv`` on the CDNOW files: the JSON contract of issue 11."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.cli import main

CDNOW = Path(__file__).parents[1] / "oracles" / "cdnow"


def _run(*args: str) -> dict:
    result = CliRunner().invoke(main, ["clv", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_clv_on_a_summary_prints_the_contract() -> None:
    out = _run(str(CDNOW / "cdnow_customers_summary.csv"))
    assert set(out["bgnbd"]) == {"r", "alpha", "a", "b"}
    assert set(out["pareto_nbd"]) == {"r", "alpha", "s", "beta"}
    assert out["gamma_gamma"] is None  # the summary has no monetary_value
    assert out["bgnbd"]["r"] == pytest.approx(0.2425945, rel=1e-3)
    assert out["pareto_nbd"]["beta"] == pytest.approx(11.67150, rel=1e-3)
    assert len(out["customers"]) == 2357
    first = out["customers"][0]
    assert first["customer_id"] == "1"
    assert first["churn"] == pytest.approx(1 - first["p_alive"])
    assert first["clv"] is None


def test_clv_on_transactions_values_customers(tmp_path: Path) -> None:
    raw = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master", "id", "date", "cds", "value"],
    )
    raw[["id", "date", "value"]].to_csv(tmp_path / "cdnow.csv", index=False)  # date: YYYYMMDD
    out = _run(
        str(tmp_path / "cdnow.csv"),
        "--customer-col",
        "id",
        "--timestamp-col",
        "date",
        "--value-col",
        "value",
        "--calibration-end",
        "1997-09-30",
        "--discount-rate",
        "0.002",
    )
    assert out["bgnbd"]["a"] == pytest.approx(0.7929199, rel=1e-3)
    assert {k: round(v, 2) for k, v in out["gamma_gamma"].items()} == {
        "p": 6.25,
        "q": 3.74,
        "gamma": 15.44,
    }
    assert out["calibration_end"] == "1997-09-30" and out["unit"] == "week"
    by_id = {c["customer_id"]: c for c in out["customers"]}
    assert by_id["1"]["frequency"] == 2 and by_id["1"]["holdout_purchases"] == 1
    assert all(c["clv"] > 0 for c in out["customers"])


def test_clv_error_is_one_located_line(tmp_path: Path) -> None:
    file = tmp_path / "orders.csv"
    file.write_text("customer_id,timestamp,amount\nu1,2024-01-01,5\nu1,2024-02-30,5\n")
    result = CliRunner().invoke(main, ["clv", str(file), "--value-col", "amount"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {file}:3: column 'timestamp'")
    assert "Traceback" not in result.output


@settings(max_examples=40, deadline=None)
@given(
    header=st.sampled_from(
        ["customer_id,timestamp,value", "customer_id,frequency,recency,T", "a,b", ""]
    ),
    lines=st.lists(
        st.lists(
            st.sampled_from(
                ["u1", "u2", "2024-01-01", "2024-02-30", "3", "-1", "x", "", '"', "5.5"]
            ),
            min_size=0,
            max_size=5,
        ).map(",".join),
        max_size=6,
    ),
)
def test_clv_never_ends_in_a_traceback(header: str, lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "purchases.csv"
        file.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["clv", str(file), "--value-col", "value"])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 1:
        assert result.output.startswith("Error: ") and "Traceback" not in result.output


def test_clv_without_repeat_purchases_says_so(tmp_path: Path) -> None:
    file = tmp_path / "summary.csv"
    file.write_text("customer_id,frequency,recency,T\na,0,0,10\nb,0,0,5\n")
    result = CliRunner().invoke(main, ["clv", str(file)])
    assert result.exit_code == 1 and "repeat purchase" in result.output


def test_the_template_choices_follow_the_library() -> None:
    from parcours.cli import customers
    from parcours.engine.customers.scoring_rules import TEMPLATES

    assert customers.TEMPLATES == TEMPLATES
