"""Lint rules: what a useful journey map should hold, beyond the schema.

Each rule has an id, a severity and an explanation (``parcours lint --rules`` lists them). A
journey disables rules with ``lint: {disable: [rule-id, ...]}``. Error-level findings make
``parcours lint`` exit with status 1.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Literal

from parcours.model.journey import Journey

LintSeverity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: LintSeverity
    where: str  # a dotted path of ids, e.g. "stages.paiement.touchpoints.page-paiement"
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


Check = Callable[[Journey, frozenset[str] | None], Iterator[tuple[str, str]]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: LintSeverity
    explanation: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: LintSeverity, explanation: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES[rule_id] = Rule(rule_id, severity, explanation, check)
        return check

    return register


def lint(journey: Journey, events: Iterable[str] | None = None) -> list[Finding]:
    """Findings of every rule the journey has not disabled. ``events`` is the event catalogue
    (known event names); without it the binding rule is skipped."""
    catalogue = frozenset(events) if events is not None else None
    unknown = [
        Finding(
            "lint-settings",
            "error",
            "lint.disable",
            f"unknown rule {rule_id!r}; the rules are {', '.join(sorted(RULES))}",
        )
        for rule_id in journey.lint.disable
        if rule_id not in RULES
    ]
    return unknown + [
        Finding(r.id, r.severity, where, message)
        for r in RULES.values()
        if r.id not in journey.lint.disable
        for where, message in r.check(journey, catalogue)
    ]


@rule(
    "pain-point-addressed",
    "warning",
    "Every pain point should be addressed by at least one opportunity, or it will stay a pain.",
)
def _pain_points_addressed(journey: Journey, _: frozenset[str] | None) -> Iterator[tuple[str, str]]:
    addressed = {ref for o in journey.opportunities for ref in o.addresses}
    for stage, pain in journey.pain_points():
        if pain.id not in addressed:
            yield f"stages.{stage.id}.pain_points.{pain.id}", "no opportunity addresses this"


@rule(
    "stage-kpi-target",
    "warning",
    "Every stage should have a KPI with a target, so the map says what success means there.",
)
def _stage_kpi_target(journey: Journey, _: frozenset[str] | None) -> Iterator[tuple[str, str]]:
    for stage in journey.stages:
        if not any(kpi.target is not None for kpi in stage.kpis):
            yield f"stages.{stage.id}", "no KPI with a target"


@rule(
    "moment-of-truth-kpi",
    "warning",
    "A moment of truth shapes the customer's view of the brand: measure it with a KPI.",
)
def _moment_of_truth_kpi(journey: Journey, _: frozenset[str] | None) -> Iterator[tuple[str, str]]:
    for stage, touchpoint in journey.touchpoints():
        if touchpoint.moment_of_truth is not None and not touchpoint.kpis:
            yield f"stages.{stage.id}.touchpoints.{touchpoint.id}", "moment of truth without a KPI"


@rule(
    "opportunity-prioritised",
    "error",
    "Every opportunity needs importance and urgency (1-5) to be placed on the Eisenhower matrix.",
)
def _opportunity_prioritised(
    journey: Journey, _: frozenset[str] | None
) -> Iterator[tuple[str, str]]:
    for opportunity in journey.opportunities:
        missing = [n for n in ("importance", "urgency") if getattr(opportunity, n) is None]
        if missing:
            yield f"opportunities.{opportunity.id}", f"missing {' and '.join(missing)}"


@rule(
    "stage-touchpoint",
    "warning",
    "Every stage should have at least one touchpoint where the customer meets the company.",
)
def _stage_touchpoint(journey: Journey, _: frozenset[str] | None) -> Iterator[tuple[str, str]]:
    for stage in journey.stages:
        if not stage.touchpoints:
            yield f"stages.{stage.id}", "no touchpoint"


@rule(
    "empathy-map-complete",
    "warning",
    "Every stage's empathy map should say what the customer sees, hears, thinks and feels, "
    "says and does.",
)
def _empathy_complete(journey: Journey, _: frozenset[str] | None) -> Iterator[tuple[str, str]]:
    for stage in journey.stages:
        if not stage.empathy.complete:
            empty = [name for name, value in stage.empathy if not value]
            yield f"stages.{stage.id}.empathy", f"empty: {', '.join(empty)}"


@rule(
    "persona-evidence",
    "warning",
    "A persona should rest on evidence (interviews, surveys, analytics), not on guesses.",
)
def _persona_evidence(journey: Journey, _: frozenset[str] | None) -> Iterator[tuple[str, str]]:
    for persona in journey.personas:
        if not persona.evidence:
            yield f"personas.{persona.id}", "no evidence"


@rule(
    "conversion-defined",
    "warning",
    "A journey should say which events mark its conversion (`conversion: {events: [...]}`), "
    "so that touchpoints can be credited for it.",
)
def _conversion_defined(journey: Journey, _: frozenset[str] | None) -> Iterator[tuple[str, str]]:
    if journey.conversion is None and journey.stages:
        yield "conversion", "no conversion events"


@rule(
    "binding-overlap",
    "warning",
    "An event that two touchpoints' bindings both accept (same name, a shared channel, no `where` "
    "to tell them apart) is credited to the first one only; narrow one of the bindings "
    "(checked when an event catalogue is given).",
)
def _binding_overlap(
    journey: Journey, catalogue: frozenset[str] | None
) -> Iterator[tuple[str, str]]:
    if catalogue is None:
        return
    bound = [(s, t) for s, t in journey.touchpoints() if t.match and not t.match.where]
    for i, (stage, first) in enumerate(bound):
        for _, second in bound[i + 1 :]:
            a, b = first.match, second.match
            assert a is not None and b is not None
            if a.channels and b.channels and not set(a.channels) & set(b.channels):
                continue
            shared = sorted(
                name for name in catalogue if a.accepts_name(name) and b.accepts_name(name)
            )
            if shared:
                where = f"stages.{stage.id}.touchpoints.{first.id}.match"
                yield where, f"also claimed by {second.id!r}: {', '.join(shared)}"


@rule(
    "binding-known-events",
    "error",
    "Data bindings must name events that exist in the event catalogue (checked when one is given).",
)
def _binding_known_events(
    journey: Journey, catalogue: frozenset[str] | None
) -> Iterator[tuple[str, str]]:
    if catalogue is None:
        return
    yield from _unknown_events(journey, catalogue, "matches no known event")


def unseen_events(journey: Journey, seen: Iterable[str]) -> list[Finding]:
    """Warnings for the event names (or globs) the journey's bindings expect and that no event
    of the data bears (``seen``: the names the data holds), each with the closest names that
    occur: a misspelled binding measures nothing, silently."""
    names = frozenset(seen)
    return [
        Finding("binding-seen-events", "warning", where, message)
        for where, message in _unknown_events(journey, names, "never occurs in the data")
    ]


def _unknown_events(
    journey: Journey, catalogue: frozenset[str], what: str
) -> Iterator[tuple[str, str]]:
    bound = [("conversion", journey.conversion)]
    bound += [(f"stages.{s.id}", s.match) for s in journey.stages]
    bound += [(f"stages.{s.id}.touchpoints.{t.id}", t.match) for s, t in journey.touchpoints()]
    for where, match in bound:
        if match is not None:
            for pattern in match.unknown_events(catalogue):
                yield f"{where}.match", f"event {pattern!r} {what}{closest(pattern, catalogue)}"


def closest(name: str, names: Iterable[str]) -> str:
    """``; did you mean 'x'?`` with the names of ``names`` closest to ``name``; empty when
    none is close."""
    close = difflib.get_close_matches(name, sorted(names), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
