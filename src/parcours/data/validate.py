"""Validation written once, in SQL: raw rows in, typed rows plus the first problem of each out.

:func:`validated_sql` turns a raw relation (``_line``, source columns, ``_properties``) into a
SELECT with the contract's columns typed, ``_problem`` (NULL, or a struct of column, raw value
and reason) and ``_record`` (the whole raw row as JSON, for quarantine). Strings without an
offset are read in the session time zone, which ingest sets to the mapping's zone.
"""

from __future__ import annotations

from parcours.data.mapping import EPOCH_FORMATS, ColumnMapping
from parcours.data.rows import LINE, PROPS
from parcours.data.schema import (
    EARLIEST,
    LATEST,
    MAX_OFFSET_HOURS,
    SPECIAL_TIMES,
    SURVEY_TYPES,
    Column,
    Contract,
    Type,
)
from parcours.errors import DataError

_TRUE = ("true", "t", "yes", "y", "1", "oui", "o", "vrai")
_FALSE = ("false", "f", "no", "n", "0", "non", "faux")
_NUMERIC = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
)


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _numeric(sql_type: str) -> bool:
    return sql_type.split("(")[0] in _NUMERIC


def _text(ref: str) -> str:
    return f"NULLIF(trim(CAST({ref} AS VARCHAR)), '')"


def _in(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(lit(v) for v in values)


#: Why a parsed time is refused: (condition on ``_parsed_<name>`` and ``_txt_<name>``, reason);
#: the first that holds is kept in ``_refused_<name>``.
Refusal = tuple[str, str]
_RANGE = f"{EARLIEST}..{LATEST}"


def _timestamp(
    ref: str, sql_type: str, mapping: ColumnMapping, label: str, name: str
) -> tuple[str, bool, list[Refusal]]:
    """The UTC-naive timestamp expression for ``ref`` (unchecked), True when it parses text, and
    why a parsed value is refused: a special word, an impossible offset, out of range."""
    zone = lit(mapping.timezone)
    local = (
        (lambda e: f"CAST({e} AS TIMESTAMP)")
        if mapping.timezone == "UTC"
        else (lambda e: f"timezone('UTC', timezone({zone}, CAST({e} AS TIMESTAMP)))")
    )
    parsed, txt = q("_parsed_" + name), q("_txt_" + name)
    outside = (
        f"{parsed} IS NOT NULL AND NOT ({parsed} >= TIMESTAMP '{EARLIEST}' "
        f"AND {parsed} < TIMESTAMP '{LATEST}')",
        f"timestamp outside {_RANGE}",
    )
    fmt = mapping.timestamp_format
    if isinstance(fmt, str) and fmt in EPOCH_FORMATS:
        number = ref if _numeric(sql_type) else f"TRY_CAST({_text(ref)} AS DOUBLE)"
        micros = f"({number} * {EPOCH_FORMATS[fmt]})"
        low, high = (f"epoch_us(TIMESTAMP '{day}')" for day in (EARLIEST, LATEST))
        expr = (  # a number that no timestamp holds (1e300, NaN) must not abort the import
            f"CASE WHEN {micros} >= {low} AND {micros} < {high} "
            f"THEN make_timestamp(CAST(round({micros}) AS BIGINT)) END"
        )
        unusable = f"{parsed} IS NULL AND TRY_CAST({txt} AS DOUBLE) IS NOT NULL"
        return expr, True, [(unusable, f"{fmt} time outside {_RANGE}, or not a finite number")]
    if sql_type.startswith("TIMESTAMPTZ") or sql_type.endswith("WITH TIME ZONE"):
        return f"timezone('UTC', CAST({ref} AS TIMESTAMPTZ))", False, [outside]
    if sql_type.startswith("TIMESTAMP") or sql_type == "DATE":
        return local(ref), False, [outside]
    if _numeric(sql_type):
        raise DataError(
            f"{label}: the timestamp column holds numbers; say which unit with "
            "timestamp_format = 'epoch_s' (or 'epoch_ms', 'epoch_us')."
        )
    formats = mapping.formats
    if not formats:
        expr = f"timezone('UTC', TRY_CAST({_text(ref)} AS TIMESTAMPTZ))"
    else:
        offsets = {"%z" in f for f in formats}
        if len(offsets) > 1:
            raise DataError(
                f"{label}: timestamp formats {formats} mix '%z' and no '%z'; use one kind."
            )
        expr = f"try_strptime({_text(ref)}, [{_in(formats)}])"
        expr = f"timezone('UTC', {expr})" if offsets == {True} else local(expr)
    limit = f"{MAX_OFFSET_HOURS}:00"
    # the offset written = the wall-clock time read without it - the instant read with it (a time
    # without one is read in the source's zone, whose offset is a real one); minutes past 59
    offset = f"abs(epoch(TRY_CAST({txt} AS TIMESTAMP)) - epoch({parsed}))"
    minutes = (
        f"(substr({txt}, -6, 1) IN ('+', '-') AND substr({txt}, -3, 1) = ':' "
        f"AND substr({txt}, -2, 1) BETWEEN '6' AND '9')"
    )
    return (
        expr,
        True,
        [
            (
                f"lower({txt}) IN ({_in(SPECIAL_TIMES)})",
                f"not a time of an event: {', '.join(SPECIAL_TIMES)} are refused",
            ),
            (
                f"{offset} > {MAX_OFFSET_HOURS * 3600} OR {minutes}",
                f"impossible UTC offset (real ones lie within -{limit}..+{limit})",
            ),
            outside,
        ],
    )


def _value(
    column: Column, ref: str, sql_type: str, mapping: ColumnMapping, label: str
) -> tuple[str, bool]:
    """The typed expression of ``column`` read from ``ref``; True when parsing may fail."""
    kind = column.type
    if kind in (Type.ID, Type.TEXT):
        return _text(ref), False
    if kind is Type.NUMBER:
        return (
            (f"CAST({ref} AS DOUBLE)", False)
            if _numeric(sql_type)
            else (f"TRY_CAST({_text(ref)} AS DOUBLE)", True)
        )
    if kind is Type.BOOLEAN:
        if sql_type == "BOOLEAN":
            return ref, False
        text = f"lower({_text(ref)})"
        return (
            f"CASE WHEN {text} IN ({_in(_TRUE)}) THEN true "
            f"WHEN {text} IN ({_in(_FALSE)}) THEN false END"
        ), True
    if kind is Type.SURVEY:
        text = f"lower({_text(ref)})"
        return f"CASE WHEN {text} IN ({_in(list(SURVEY_TYPES))}) THEN {text} END", True
    if sql_type == "JSON":
        return ref, False
    if sql_type.startswith(("STRUCT", "MAP")):
        return f"to_json({ref})", False
    json = f"TRY_CAST({_text(ref)} AS JSON)"
    return f"CASE WHEN json_type({json}) = 'OBJECT' THEN {json} END", True


_REASONS = {
    Type.TIMESTAMP: "unparseable timestamp",
    Type.NUMBER: "unparseable number (expected digits with '.' as decimal separator)",
    Type.BOOLEAN: "unparseable boolean (expected true/false, yes/no, 1/0)",
    Type.SURVEY: f"unknown survey type (expected one of {', '.join(SURVEY_TYPES)})",
    Type.JSON: "not a JSON object",
}


def validated_sql(
    relation: str,
    types: dict[str, str],
    contract: Contract,
    mapping: ColumnMapping,
    defaults: dict[str, str],
    label: str,
) -> str:
    """SELECT over ``relation`` giving typed contract columns, ``_problem`` and ``_record``."""
    values, checks = [f"{q(LINE)}"], []
    parsing: list[str] = []  # _txt_ and _parsed_ of the times, computed once per row
    refusing: list[str] = []  # _refused_ of the times: why a parsed time is refused, or NULL
    for column in contract.columns:
        name, source = column.name, mapping.source(column.name, defaults)
        if column.type is Type.JSON and column.name not in mapping.columns:
            source = PROPS
        if source not in types:
            values.append(f"CAST(NULL AS {column.sql_type}) AS {q(name)}")
            continue
        ref, txt = q(source), q("_txt_" + name)
        if column.type is Type.TIMESTAMP:
            expr, parses, refusals = _timestamp(ref, types[source], mapping, label, name)
            present, refused = q("_parsed_" + name), q("_refused_" + name)
            parsing += [f"{_text(ref)} AS {txt}"] if parses else []
            parsing.append(f"{expr} AS {present}")
            whens = " ".join(f"WHEN {cond} THEN {lit(reason)}" for cond, reason in refusals)
            refusing.append(f"CASE {whens} END AS {refused}")
            values += [txt] if parses else []
            values += [
                present,
                refused,
                f"CASE WHEN {refused} IS NULL THEN {present} END AS {q(name)}",
            ]
        else:
            expr, parses = _value(column, ref, types[source], mapping, label)
            values.append(f"{expr} AS {q(name)}")
            values += [f"{_text(ref)} AS {txt}"] if parses else []
            present = refused = ""
        if column.required:
            missing = f"{present or q(name)} IS NULL" + (f" AND {txt} IS NULL" if parses else "")
            checks.append((missing, source, "CAST(NULL AS VARCHAR)", lit(f"missing {name}")))
        if refused:
            raw = txt if parses else f"CAST({present} AS VARCHAR)"
            checks.append((f"{refused} IS NOT NULL", source, raw, refused))
        if parses:
            bad = f"{q(name)} IS NULL AND {txt} IS NOT NULL"
            checks.append((bad, source, txt, lit(_REASONS[column.type])))
    checks += _row_rules(contract, mapping, defaults, types)
    fields = [c for c in types if c not in (LINE, PROPS)]
    record = f"json_object({', '.join(f'{lit(c)}, {q(c)}' for c in fields)})" if fields else "'{}'"
    if PROPS in types:
        record = f"json_merge_patch({record}, coalesce(CAST({q(PROPS)} AS JSON), '{{}}'))"
    values.append(f"CAST({record} AS JSON) AS _record")
    problem = 'CAST(NULL AS STRUCT("column" VARCHAR, raw VARCHAR, reason VARCHAR))'
    if checks:
        whens = " ".join(
            f"WHEN {cond} THEN {{'column': {lit(src)}, 'raw': {raw}, 'reason': {reason}}}"
            for cond, src, raw, reason in checks
        )
        problem = f"CASE {whens} END"
    if parsing:
        relation = f"(SELECT *, {', '.join(parsing)} FROM {relation})"
        relation = f"(SELECT *, {', '.join(refusing)} FROM {relation})"
    return f"SELECT *, {problem} AS _problem FROM (SELECT {', '.join(values)} FROM {relation})"


def _row_rules(
    contract: Contract, mapping: ColumnMapping, defaults: dict[str, str], types: dict[str, str]
) -> list[tuple[str, str, str, str]]:
    """Rules across columns: feedback needs a rating or a text, ratings within their scale."""
    if contract.kind != "feedback":
        return []
    rating = mapping.source("rating", defaults)
    rules = [
        (
            '"rating" IS NULL AND "text" IS NULL',
            rating,
            "CAST(NULL AS VARCHAR)",
            lit("feedback has neither a rating nor a text"),
        )
    ]
    for survey, scale in SURVEY_TYPES.items():
        if scale:
            low, high = scale
            cond = f'"survey_type" = \'{survey}\' AND "rating" NOT BETWEEN {low} AND {high}'
            rules.append(
                (
                    cond,
                    rating,
                    'CAST("rating" AS VARCHAR)',
                    lit(f"rating out of the {survey} scale {low:g}-{high:g}"),
                )
            )
    return rules
