"""SQL spelled for each engine: DuckDB's SQL and Spark SQL.

Analyses write their SQL once; the few spellings that differ between the engines (literals,
quoted names, JSON access, globs, microsecond times, the exact quantile, the first value by an
ordering, period arithmetic) come from here, chosen by the log's ``dialect``. Nothing here runs
a query, and nothing here knows an engine's classes.
"""

from __future__ import annotations

import re
from typing import Literal

Dialect = Literal["duckdb", "spark"]


def literal(value: str | int | float | bool, dialect: Dialect = "duckdb") -> str:
    """A SQL literal for a matcher value (numbers as doubles, booleans as their text)."""
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if isinstance(value, int | float):
        return repr(float(value))
    if dialect == "spark":  # Spark reads backslash escapes and joins adjacent literals
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def quote(name: str, dialect: Dialect = "duckdb") -> str:
    """A column name quoted as an identifier."""
    if dialect == "spark":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def json_text(
    key: str, dialect: Dialect = "duckdb", *, nested: bool = True, column: str = "properties"
) -> str:
    """The text of key ``key`` of the JSON ``column`` (NULL when absent); with ``nested``, dots
    in ``a.b`` walk nested objects, else the key is taken whole."""
    parts = key.split(".") if nested else [key]
    if dialect == "spark":
        steps = "".join(
            f".{p}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p) else f"['{p}']" for p in parts
        )
        return f"get_json_object({column}, {literal('$' + steps, dialect)})"
    path = ".".join('"' + part.replace('"', '\\"') + '"' for part in parts)
    return f"json_extract_string({column}, {literal('$.' + path)})"


def glob(column: str, pattern: str, dialect: Dialect = "duckdb") -> str:
    """Whether ``column`` matches the glob ``pattern`` (DuckDB's ``GLOB`` rules)."""
    if dialect == "duckdb":
        return f"{column} GLOB {literal(pattern)}"
    return f"{column} RLIKE {literal(glob_regex(pattern), dialect)}"


def glob_regex(pattern: str) -> str:
    """A whole-string Java regular expression (Spark's ``RLIKE``) for a glob: ``*``, ``?``,
    ``[abc]`` and ``[!abc]``, as DuckDB's ``GLOB`` reads them."""
    out, i = ["(?s)^"], 0
    while i < len(pattern):
        char = pattern[i]
        end = pattern.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif end > 0:
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            escaped = "".join(c if c.isalnum() or c == "-" else "\\" + c for c in body)
            out.append(f"[{'^' if negate else ''}{escaped}]")
            i = end
        else:
            out.append(char if char.isalnum() or char == "_" else "\\" + char)
        i += 1
    return "".join(out) + "\\z"


def micros(column: str, dialect: Dialect = "duckdb") -> str:
    """Microseconds since the epoch of a TIMESTAMP ``column``."""
    return f"unix_micros({column})" if dialect == "spark" else f"epoch_us({column})"


def quantile(dialect: Dialect = "duckdb") -> str:
    """The name of the exact quantile aggregate that interpolates, called as ``name(x, 0.5)``."""
    return "percentile" if dialect == "spark" else "quantile_cont"


def first_by(dialect: Dialect = "duckdb") -> str:
    """The name of the aggregate ``name(value, ordering)`` giving the value at the least
    ordering."""
    return "min_by" if dialect == "spark" else "arg_min"


def timestamp(text: str, dialect: Dialect = "duckdb") -> str:
    """A TIMESTAMP literal of an ISO date-time ``text``."""
    return f"TIMESTAMP {literal(text, dialect)}"


def period_index(unit: str, origin: str, column: str, dialect: Dialect = "duckdb") -> str:
    """The index of the ``unit`` (day, week or month) of DATE ``column`` counted from the DATE
    literal ``origin`` (a period start)."""
    if dialect == "spark":
        return {
            "day": f"datediff({column}, {origin})",
            "week": f"datediff({column}, {origin}) div 7",
            "month": f"CAST(months_between({column}, {origin}) AS INT)",
        }[unit]
    return {
        "day": f"date_diff('day', {origin}, {column})",
        "week": f"date_diff('day', {origin}, {column}) // 7",
        "month": f"date_diff('month', {origin}, {column})",
    }[unit]


def json_keys(column: str, dialect: Dialect = "duckdb") -> str:
    """One row per top-level key of the JSON object ``column`` (a set-returning expression)."""
    if dialect == "spark":
        return f"explode(json_object_keys({column}))"
    return f"unnest(json_keys({column}))"
