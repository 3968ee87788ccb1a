"""Which events and customers an analysis reads: a calendar time range, conditions on the events
(the map's structured matcher, never raw SQL) and a segment of customers.

::

    Filter(since=datetime(2026, 3, 1), until=datetime(2026, 4, 1),
           where=parse_where(["platform=mobile"]), segment=parse_segment(["persona=lea"]))

``since`` (inclusive) and ``until`` (exclusive) keep the events, feedback and orders whose time
falls in the range (calendar time). ``where`` keeps the events it matches. ``segment`` keeps the
customers whose attributes (the customers table) have the given values; a key written
``event.KEY`` keeps instead the customers with at least one event whose property ``KEY`` (or
column: ``event.channel``) has the value. ``first_since`` / ``first_until`` keep the customers
whose first event falls in that range: a cohort by first event. ``member_of`` keeps the customers
of one segment found by ``parcours segment`` (a cluster id such as ``c1``, or a named RFM
segment such as ``champions``; the workspace's ``{segments}`` table). :meth:`Filter.apply` gives the
log seen through the filter, as views on the log's own engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parcours.engine.backend import TABLES, Backend
from parcours.engine.binding import compile_matcher
from parcours.engine.dialect import Dialect, json_keys, json_text, literal, timestamp
from parcours.errors import EngineError
from parcours.model import Condition, EventMatcher
from parcours.model.vocabulary import MatchOp

#: The prefix of a segment key that names an event property instead of a customer attribute.
EVENT_KEY = "event."
_EVENT_COLUMNS = ("event", "channel")
_OPERATORS = {
    "!=": MatchOp.NE,
    ">=": MatchOp.GTE,
    "<=": MatchOp.LTE,
    "=": MatchOp.EQ,
    ">": MatchOp.GT,
    "<": MatchOp.LT,
    "~": MatchOp.GLOB,
}
_CONDITION = re.compile(r"^\s*([^=!<>~\s][^=!<>~]*?)\s*(!=|>=|<=|=|>|<|~)\s*(.*?)\s*$", re.DOTALL)


@dataclass(frozen=True)
class Filter:
    """The events and customers an analysis reads (every part optional)."""

    since: datetime | None = None
    until: datetime | None = None
    where: EventMatcher | None = None
    segment: Mapping[str, str] = field(default_factory=dict)
    first_since: datetime | None = None
    first_until: datetime | None = None
    member_of: str | None = None

    def __bool__(self) -> bool:
        return any(
            (
                self.since,
                self.until,
                self.where,
                self.segment,
                self.first_since,
                self.first_until,
                self.member_of,
            )
        )

    def __str__(self) -> str:
        parts = []
        if self.since or self.until:
            parts.append(f"time {_day(self.since)} → {_day(self.until)}")
        if self.where:
            parts.append(f"events {self.where.model_dump(exclude_defaults=True)}")
        parts += [f"{k}={v}" for k, v in self.segment.items()]
        if self.first_since or self.first_until:
            parts.append(f"first event {_day(self.first_since)} → {_day(self.first_until)}")
        if self.member_of:
            parts.append(f"segment {self.member_of}")
        return ", ".join(parts) or "everything"

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": _iso(self.since),
            "until": _iso(self.until),
            "where": self.where.model_dump(mode="json", exclude_defaults=True)
            if self.where
            else None,
            "segment": dict(self.segment),
            "first_since": _iso(self.first_since),
            "first_until": _iso(self.first_until),
            "member_of": self.member_of,
        }

    def apply(self, log: Backend) -> Backend:
        """``log`` seen through the filter (itself when the filter is empty); release the
        result with ``.release()``."""
        if not self:
            return log
        dialect = log.dialect
        chosen = [f"customer_id IN ({sql})" for sql in self._customer_sets(log)]
        times = _range("timestamp", self.since, self.until, dialect)
        on_events = times + chosen
        if self.where is not None:
            on_events.append(f"({compile_matcher(self.where, dialect)})")
        tables = {"events": f"SELECT * FROM {{events}} WHERE {' AND '.join(on_events)}"}
        for role in TABLES:
            if not log.has_table(role):
                continue
            timed = "timestamp" in log.table_columns(role)
            kept = (times if timed else []) + chosen
            if kept:
                tables[role] = f"SELECT * FROM {{{role}}} WHERE {' AND '.join(kept)}"
        return log.scoped(tables)

    @contextmanager
    def seen(self, log: Backend) -> Iterator[Backend]:
        """``log`` seen through the filter for the time of a ``with`` block (the views it made
        are released on leaving)."""
        scoped = self.apply(log)
        try:
            yield scoped
        finally:
            if scoped is not log:
                scoped.release()

    def _customer_sets(self, log: Backend) -> list[str]:
        """Queries of the customer ids each part of the segment and the cohort keeps."""
        dialect = log.dialect
        sets = []
        for key, value in self.segment.items():
            if key.startswith(EVENT_KEY):
                name = key[len(EVENT_KEY) :]
                column = name if name in _EVENT_COLUMNS else json_text(name, dialect)
                sets.append(
                    f"SELECT customer_id FROM {{events}} WHERE {column} = {literal(value, dialect)}"
                )
                continue
            if not log.has_table("customers"):
                raise EngineError(
                    f"the segment {key}={value} reads a customer attribute, and this workspace "
                    "has no customers table: declare a [sources.customers] in parcours.toml and "
                    f"run `parcours ingest`, or segment on an event property ({EVENT_KEY}{key}="
                    f"{value})."
                )
            _check_attribute(log, key, value)
            attribute = json_text(key, dialect, nested=False, column="attributes")
            sets.append(
                f"SELECT customer_id FROM {{customers}} WHERE {attribute} = "
                f"{literal(value, dialect)}"
            )
        if self.member_of is not None:
            if not log.has_table("segments"):
                raise EngineError(
                    f"the segment {self.member_of!r} is one found by `parcours segment`, and this "
                    "workspace has none yet: run `parcours segment WORKSPACE --purchase-event "
                    "NAME` first (or give ATTRIBUTE=VALUE for a customer attribute)."
                )
            known = sorted(str(r[0]) for r in log.rows("SELECT DISTINCT segment FROM {segments}"))
            if self.member_of not in known:
                raise EngineError(
                    f"no segment {self.member_of!r} in this workspace; the segments found by "
                    f"`parcours segment` are: {', '.join(known) or 'none'}."
                )
            sets.append(
                "SELECT customer_id FROM {segments} WHERE segment = "
                f"{literal(self.member_of, dialect)}"
            )
        first = _range("min(timestamp)", self.first_since, self.first_until, dialect)
        if first:
            sets.append(
                "SELECT customer_id FROM {events} GROUP BY customer_id "
                f"HAVING {' AND '.join(first)}"
            )
        return sets


def _check_attribute(log: Backend, key: str, value: str) -> None:
    """A segment on a customer attribute no customer has keeps nobody: an error listing the
    attributes the customers table holds, rather than an empty measure."""
    keys: list[str] = []
    if "attributes" in log.table_columns("customers"):
        found = log.rows(
            f"SELECT DISTINCT {json_keys('attributes', log.dialect)} FROM {{customers}}"
        )
        keys = sorted(str(k) for (k,) in found if k is not None)
    if key not in keys:
        raise EngineError(
            f"the segment {key}={value}: no customer has the attribute {key!r}; the customers' "
            f"attributes are: {', '.join(keys) or 'none'} (or segment on an event property: "
            f"{EVENT_KEY}{key}={value})."
        )


def parse_filter(
    since: str | None = None,
    until: str | None = None,
    conditions: Iterable[str] = (),
    segment: Iterable[str] = (),
) -> Filter:
    """A filter written as text (command-line flags, a request's query): dates, ``KEY OP
    VALUE`` conditions and ``KEY=VALUE`` segment pairs; a segment written as a bare NAME (no
    ``=``) is one found by ``parcours segment`` (``c1``, ``champions``)."""
    pairs = [s for s in segment if "=" in s]
    names = [s.strip() for s in segment if "=" not in s]
    if len(names) > 1 or any(not n for n in names):
        raise EngineError(
            f"segments {names!r}: give one segment found by `parcours segment` (e.g. c1), and "
            "write customer attributes as ATTRIBUTE=VALUE."
        )
    return Filter(
        since=None if since is None else parse_time(since),
        until=None if until is None else parse_time(until),
        where=parse_where(conditions),
        segment=parse_segment(pairs),
        member_of=names[0] if names else None,
    )


def parse_where(conditions: Iterable[str]) -> EventMatcher | None:
    """The matcher of conditions written ``KEY OP VALUE`` (``platform=mobile``, ``amount>100``,
    ``page~/cart*``); ``event=`` and ``channel=`` name events (globs allowed) and channels, other
    keys are event properties. OP is one of ``= != > >= < <= ~`` (``~``: a glob)."""
    events: list[str] = []
    channels: list[str] = []
    where: list[Condition] = []
    for text in conditions:
        match = _CONDITION.match(text)
        if match is None or not match.group(3):
            raise EngineError(
                f"{text!r}: write a condition as KEY OP VALUE, with OP one of = != > >= < <= ~ "
                "(e.g. platform=mobile, amount>100, event=payment_*)."
            )
        key, op, value = match.groups()
        if key in _EVENT_COLUMNS:
            if op != "=":
                raise EngineError(f"{text!r}: {key} takes = only (globs such as pay* allowed).")
            (events if key == "event" else channels).append(value)
            continue
        where.append(Condition(property=key, op=_OPERATORS[op], value=_scalar(value, op)))
    if not (events or channels or where):
        return None
    return EventMatcher(events=tuple(events), channels=tuple(channels), where=tuple(where))


def parse_segment(pairs: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` pairs as a segment (``persona=lea``; ``event.platform=mobile``)."""
    segment = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise EngineError(
                f"{pair!r}: write a segment as ATTRIBUTE=VALUE (a customer attribute, e.g. "
                f"persona=lea) or {EVENT_KEY}PROPERTY=VALUE (an event property)."
            )
        segment[key.strip()] = value.strip()
    return segment


def parse_time(text: str) -> datetime:
    """An ISO date or date-time (naive, UTC) given on a command line or in a request."""
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=None)
    except ValueError:
        raise EngineError(
            f"{text!r}: not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)."
        ) from None


def _scalar(value: str, op: str) -> str | float:
    """Numbers compare as numbers for order operators and equality; text otherwise."""
    if op in ("~",):
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _range(column: str, low: datetime | None, high: datetime | None, d: Dialect) -> list[str]:
    out = []
    if low is not None:
        out.append(f"{column} >= {timestamp(low.isoformat(sep=' '), d)}")
    if high is not None:
        out.append(f"{column} < {timestamp(high.isoformat(sep=' '), d)}")
    return out


def _day(moment: datetime | None) -> str:
    return "…" if moment is None else f"{moment:%Y-%m-%d}"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
