"""Lead scoring rules as code: a YAML file in the workspace, or a spreadsheet (XLSX).

::

    name: B2B default
    language: en
    half_life: 30          # days: engagement points halve every 30 days (or window: 90)
    thresholds: {mql: 40, sql: 80}
    grades:
      fit: {A: 40, B: 20}           # fit score >= 40: A, >= 20: B, else C
      engagement: {"1": 40, "2": 15} # engagement >= 40: 1, >= 15: 2, else 3
    groups: {email: 15}             # at most 15 points from the rules of group email
    rules:
      - {name: Pricing page, event: page_view, property: page, equals: pricing, points: 10}
      - {name: Email opened, event: email_opened, points: 2, group: email}
      - {name: Unsubscribed, event: unsubscribed, points: -25, once: true}
      - {name: Large company, kind: fit, property: employees, op: ">=", value: 200,
         points: 20}

A rule matches events: by name (``event``, a glob), by channel (``channel``: the touchpoint)
and by a property (``property`` with ``equals``, or ``op`` and ``value`` for a comparison).
``kind: engagement`` rules (the default) add their points for every matching event (``once``:
for the first only), weighted by the decay; ``kind: fit`` rules add their points once when any
event of the customer matches, without decay. Negative points are allowed. The spreadsheet has
the sheets ``rules`` (one column per rule field), ``groups`` (group, cap) and ``settings`` (key,
value: name, language, half_life, window, mql, sql, fit_A, fit_B, engagement_1, engagement_2).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from parcours._optional import require
from parcours.errors import EngineError

OPS = ("=", "!=", ">", ">=", "<", "<=")
KINDS = ("engagement", "fit")
TEMPLATES = ("en", "fr")


@dataclass(frozen=True)
class Rule:
    """One scoring rule."""

    name: str
    points: float
    kind: str = "engagement"
    event: str | None = None
    channel: str | None = None
    property: str | None = None
    equals: str | None = None
    op: str | None = None
    value: float | None = None
    group: str | None = None
    once: bool = False


@dataclass(frozen=True)
class ScoringRules:
    """A scoring grid: rules, caps per group, decay, grades and MQL/SQL thresholds."""

    rules: tuple[Rule, ...]
    name: str = "rules"
    language: str = "en"
    half_life: float | None = None  # days
    window: float | None = None  # days
    groups: dict[str, float] = field(default_factory=dict)
    mql: float = 40.0
    sql: float = 80.0
    fit_grades: tuple[float, float] = (40.0, 20.0)  # A, B
    engagement_grades: tuple[float, float] = (40.0, 15.0)  # 1, 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "language": self.language,
            **({"half_life": self.half_life} if self.half_life is not None else {}),
            **({"window": self.window} if self.window is not None else {}),
            "thresholds": {"mql": self.mql, "sql": self.sql},
            "grades": {
                "fit": {"A": self.fit_grades[0], "B": self.fit_grades[1]},
                "engagement": {"1": self.engagement_grades[0], "2": self.engagement_grades[1]},
            },
            "groups": dict(self.groups),
            "rules": [
                {
                    k: v
                    for k, v in asdict(r).items()
                    if v is not None and v is not False and not (k == "kind" and v == "engagement")
                }
                for r in self.rules
            ],
        }


def parse_rules(data: Any, label: str) -> ScoringRules:
    """Rules from the mapping of a YAML file; errors name ``label`` and the rule."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise EngineError(f"{label}: a scoring file is a mapping with a list of rules.")
    known = {f.name for f in fields(Rule)}
    rules = []
    for i, raw in enumerate(data["rules"], start=1):
        where = f"{label}: rule {i}"
        if not isinstance(raw, dict):
            raise EngineError(f"{where}: a rule is a mapping (name, event, points...).")
        unknown = set(raw) - known
        if unknown:
            raise EngineError(f"{where}: unknown field(s) {sorted(unknown)}; use {sorted(known)}.")
        if "name" not in raw or "points" not in raw:
            raise EngineError(f"{where}: a rule needs a name and points.")
        rule = Rule(**{k: _typed(k, v, where) for k, v in raw.items()})
        if rule.kind not in KINDS:
            raise EngineError(f"{where} ({rule.name}): kind must be one of {', '.join(KINDS)}.")
        if rule.op is not None and (
            rule.op not in OPS or rule.value is None or rule.property is None
        ):
            raise EngineError(
                f"{where} ({rule.name}): a comparison needs property, op (one of "
                f"{' '.join(OPS)}) and a numeric value."
            )
        if rule.equals is not None and rule.property is None:
            raise EngineError(f"{where} ({rule.name}): equals needs the property it tests.")
        if not (rule.event or rule.channel or rule.property):
            raise EngineError(
                f"{where} ({rule.name}): say what it matches (event, channel or property)."
            )
        rules.append(rule)
    thresholds = data.get("thresholds") or {}
    grades = data.get("grades") or {}
    fit, engage = grades.get("fit") or {}, grades.get("engagement") or {}
    try:
        return ScoringRules(
            rules=tuple(rules),
            name=str(data.get("name", "rules")),
            language=str(data.get("language", "en")),
            half_life=_days(data.get("half_life")),
            window=_days(data.get("window")),
            groups={str(k): float(v) for k, v in (data.get("groups") or {}).items()},
            mql=float(thresholds.get("mql", 40)),
            sql=float(thresholds.get("sql", 80)),
            fit_grades=(float(fit.get("A", 40)), float(fit.get("B", 20))),
            engagement_grades=(float(engage.get("1", 40)), float(engage.get("2", 15))),
        )
    except (TypeError, ValueError) as exc:
        raise EngineError(f"{label}: a threshold, cap or grade is not a number ({exc}).") from exc


def load_rules(path: str | Path) -> ScoringRules:
    """Rules from a YAML file or an XLSX spreadsheet."""
    location = Path(path)
    if not location.is_file():
        raise EngineError(f"{location}: no such scoring file.")
    if location.suffix.lower() == ".xlsx":
        return _from_xlsx(location)
    try:
        data = yaml.safe_load(location.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise EngineError(f"{location}: not valid YAML ({exc}).") from exc
    return parse_rules(data, str(location))


def template(language: str) -> ScoringRules:
    """The default rules in ``language`` (``en`` or ``fr``)."""
    if language not in TEMPLATES:
        raise EngineError(f"no template in {language!r}; use one of {', '.join(TEMPLATES)}.")
    text = (
        resources.files("parcours.engine.customers")
        .joinpath(f"templates/lead_scoring_{language}.yaml")
        .read_text(encoding="utf-8")
    )
    return parse_rules(yaml.safe_load(text), f"template {language}")


def save_rules(rules: ScoringRules, path: str | Path) -> Path:
    """Write the rules as YAML or, for a ``.xlsx`` path, as a spreadsheet."""
    location = Path(path)
    if location.suffix.lower() == ".xlsx":
        _to_xlsx(rules, location)
    else:
        text = yaml.safe_dump(rules.to_dict(), allow_unicode=True, sort_keys=False)
        location.write_text(text, encoding="utf-8")
    return location


_SETTINGS = (
    "name",
    "language",
    "half_life",
    "window",
    "mql",
    "sql",
    "fit_A",
    "fit_B",
    "engagement_1",
    "engagement_2",
)


def _to_xlsx(rules: ScoringRules, path: Path) -> None:
    openpyxl = require("openpyxl", extra="customers", feature="scoring rules in XLSX")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "rules"
    names = [f.name for f in fields(Rule)]
    sheet.append(names)
    for rule in rules.rules:
        sheet.append([getattr(rule, n) for n in names])
    groups = book.create_sheet("groups")
    groups.append(["group", "cap"])
    for group, cap in rules.groups.items():
        groups.append([group, cap])
    settings = book.create_sheet("settings")
    settings.append(["key", "value"])
    values = [
        rules.name,
        rules.language,
        rules.half_life,
        rules.window,
        rules.mql,
        rules.sql,
        *rules.fit_grades,
        *rules.engagement_grades,
    ]
    for key, value in zip(_SETTINGS, values, strict=True):
        settings.append([key, value])
    book.save(path)


def _from_xlsx(path: Path) -> ScoringRules:
    openpyxl = require("openpyxl", extra="customers", feature="scoring rules in XLSX")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise EngineError(f"{path}: not a readable XLSX workbook ({exc}).") from exc
    if "rules" not in book.sheetnames:
        raise EngineError(f"{path}: no sheet named 'rules'; the sheets are {book.sheetnames}.")
    rows = [list(r) for r in book["rules"].iter_rows(values_only=True)]
    header = [str(h).strip() for h in rows[0]] if rows else []
    rules = [
        {h: v for h, v in zip(header, row, strict=False) if v is not None and v != ""}
        for row in rows[1:]
        if any(v not in (None, "") for v in row)
    ]
    data: dict[str, Any] = {"rules": rules}
    if "groups" in book.sheetnames:
        data["groups"] = {
            str(g): c for g, c in list(book["groups"].iter_rows(values_only=True))[1:] if g
        }
    if "settings" in book.sheetnames:
        found = {
            str(k): v
            for k, v in list(book["settings"].iter_rows(values_only=True))[1:]
            if k and v is not None
        }
        data.update(
            {k: found[k] for k in ("name", "language", "half_life", "window") if k in found}
        )
        data["thresholds"] = {k: found[k] for k in ("mql", "sql") if k in found}
        data["grades"] = {
            "fit": {g: found[f"fit_{g}"] for g in "AB" if f"fit_{g}" in found},
            "engagement": {g: found[f"engagement_{g}"] for g in "12" if f"engagement_{g}" in found},
        }
    book.close()
    return parse_rules(data, f"{path} (sheet rules, row)")


def _typed(key: str, value: Any, where: str) -> Any:
    try:
        if key in ("points", "value"):
            return float(value)
        if key == "once":
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")
        return None if value is None else str(value)
    except (TypeError, ValueError) as exc:
        raise EngineError(f"{where}: {key} must be a number, got {value!r}.") from exc


def _days(value: Any) -> float | None:
    if value is None:
        return None
    text = str(value).strip().lower().removesuffix("d")
    try:
        days = float(text)
    except ValueError as exc:
        raise EngineError(f"{value!r} is not a number of days (write 30 or 30d).") from exc
    if days <= 0:
        raise EngineError(f"a half-life or window must be positive, got {value!r}.")
    return days
