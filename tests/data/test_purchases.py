"""Reading a purchase file for ``parcours clv``: both layouts, and located errors (fuzzed)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.data.purchases import read_purchases
from parcours.errors import DataError

GOOD = {
    "customer_id": st.sampled_from(["u1", "u2", "client 3", "é4"]),
    "timestamp": st.sampled_from(
        ["2024-01-02", "2024-03-01T10:00:00", "2024-02-01 08:00:00+02:00", "20240105"]
    ),
    "value": st.sampled_from(["10", "3.5", "", "0", "1e2"]),
}
BAD = {
    "customer_id": st.sampled_from(["", "   "]),
    "timestamp": st.sampled_from(["", "yesterday", "2024-13-01", "32/01/2024", "infinity"]),
    "value": st.sampled_from(["ten", "1,5.2", "nan", "inf", "12€"]),
}


def _csv(rows: list[dict[str, str]]) -> str:
    def cell(text: str) -> str:
        return f'"{text}"' if "," in text else text

    lines = ["customer_id,timestamp,value"]
    lines += [",".join(cell(r[c]) for c in ("customer_id", "timestamp", "value")) for r in rows]
    return "\n".join(lines) + "\n"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.fixed_dictionaries(GOOD), min_size=1, max_size=12),
    bad=st.one_of(
        st.none(), st.tuples(st.integers(0, 11), st.sampled_from(sorted(BAD)), st.data())
    ),
)
def test_a_bad_value_is_located_by_line_and_column(tmp_path: Path, rows, bad) -> None:
    if bad is not None:
        index, column, data = bad
        index = min(index, len(rows) - 1)
        rows[index] = {**rows[index], column: data.draw(BAD[column])}
    file = tmp_path / "purchases.csv"
    file.write_text(_csv(rows), encoding="utf-8")
    if bad is None:
        read = read_purchases(file, value="value")
        count = read.connection.execute("SELECT count(*) FROM orders").fetchone()
        assert count == (len(rows),)
        return
    with pytest.raises(DataError) as caught:
        read_purchases(file, value="value")
    message = str(caught.value)
    # the first bad row is the one planted: file, its line (header is line 1) and column
    assert message.startswith(f"{file}:{index + 2}: column {column!r}"), message


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.lists(
        st.sampled_from([*'ab1,;"\n\t -:.é\r', "2024-01-01", "\x00", "\ufeff"]), max_size=40
    ).map("".join)
)
def test_any_text_is_read_or_refused_with_a_data_error(tmp_path: Path, text: str) -> None:
    file = tmp_path / "purchases.csv"
    file.write_text("customer_id,timestamp\n" + text, encoding="utf-8")
    try:
        read = read_purchases(file)
    except DataError as error:
        assert str(error).startswith(str(file)), error
        assert re.match(rf"{re.escape(str(file))}(:\d+)?: ", str(error)), error
    else:
        assert read.kind == "transactions"


def test_a_summary_is_recognised_with_its_ids(tmp_path: Path) -> None:
    file = tmp_path / "summary.csv"
    file.write_text("ID,frequency,recency,T,monetary_value\n7,2,3.5,10,20\n8,0,0,10,0\n")
    read = read_purchases(file)
    assert read.kind == "summary" and read.has_value
    rows = read.connection.execute("SELECT * FROM summary").fetchall()
    assert rows == [("7", 2.0, 3.5, 10.0, 20.0), ("8", 0.0, 0.0, 10.0, 0.0)]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("1,2,3.5,10\n2,1,11,10\n", ":3: column 'recency'"),
        ("1,2,3.5,10\n2,x,1,10\n", ":3: column 'frequency'"),
        ("1,2,3.5,10\n1,1,1,10\n", "customer '1' has 2 rows"),
        ("1,0,0,0\n", ":2: column 'T'"),
    ],
)
def test_a_broken_summary_is_located(tmp_path: Path, body: str, where: str) -> None:
    file = tmp_path / "summary.csv"
    file.write_text("customer_id,frequency,recency,T\n" + body)
    with pytest.raises(DataError, match=re.escape(where)):
        read_purchases(file)


def test_parquet_rows_are_numbered(tmp_path: Path) -> None:
    file = tmp_path / "orders.parquet"
    frame = pd.DataFrame(
        {
            "who": ["a", "b", "c"],
            "when": pd.to_datetime(["2024-01-01", "2024-01-03", None]),
            "paid": [1.0, 2.0, 3.0],
        }
    )
    frame.to_parquet(file)
    with pytest.raises(DataError, match=re.escape(f"{file}:3: column 'when' holds an empty")):
        read_purchases(file, customer="who", timestamp="when", value="paid")
    frame.dropna().to_parquet(file)
    read = read_purchases(file, customer="who", timestamp="when", value="paid")
    assert read.connection.execute("SELECT sum(amount) FROM orders").fetchone() == (3.0,)


def test_missing_columns_name_the_flags(tmp_path: Path) -> None:
    file = tmp_path / "orders.csv"
    file.write_text("user,date\nu1,2024-01-01\n")
    with pytest.raises(DataError, match=r"'customer_id' is missing.*--customer-col"):
        read_purchases(file)
