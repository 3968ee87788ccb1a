"""Data bindings: a structured event matcher on a stage or touchpoint (never raw SQL).

In a journey file::

    match:
      events: [checkout_started, "payment_*"]   # names or globs (* ? [..])
      channels: [web, app]                        # optional: channel values as recorded in events
      where:                                      # optional: all must hold
        - {property: page, op: eq, value: /cart}
        - {property: amount, op: gt, value: 100}

The engine compiles a matcher to its own predicate; here we only define and validate the shape.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parcours.model.vocabulary import MatchOp

Scalar = str | int | float | bool
_LIST_OPS = frozenset({MatchOp.IN, MatchOp.NOT_IN})
_ORDER_OPS = frozenset({MatchOp.GT, MatchOp.GTE, MatchOp.LT, MatchOp.LTE})


class Condition(BaseModel):
    """One condition on an event property."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    property: Annotated[str, Field(min_length=1)]
    op: MatchOp = MatchOp.EQ
    value: Scalar | tuple[Scalar, ...] | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> Condition:
        if self.op is MatchOp.EXISTS:
            if self.value is not None:
                raise ValueError("`exists` takes no `value`")
        elif self.op in _LIST_OPS:
            if not isinstance(self.value, tuple) or not self.value:
                raise ValueError(f"`{self.op}` needs a non-empty list as `value`")
        elif self.value is None or isinstance(self.value, tuple):
            raise ValueError(f"`{self.op}` needs a single `value`")
        elif self.op in _ORDER_OPS and isinstance(self.value, bool):
            raise ValueError(f"`{self.op}` needs a number or a string, not a boolean")
        return self


class EventMatcher(BaseModel):
    """Which events belong to a stage or touchpoint."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    events: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    channels: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    where: tuple[Condition, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> EventMatcher:
        if not (self.events or self.channels or self.where):
            raise ValueError("a `match` needs at least one of `events`, `channels`, `where`")
        return self

    def accepts_name(self, name: str) -> bool:
        """Whether an event called ``name`` passes the ``events`` part of this matcher."""
        return not self.events or any(fnmatch.fnmatchcase(name, p) for p in self.events)

    def unknown_events(self, catalogue: Iterable[str]) -> list[str]:
        """The event names or globs of this matcher that match no name in ``catalogue``."""
        names = list(catalogue)
        return [p for p in self.events if not any(fnmatch.fnmatchcase(n, p) for n in names)]
