"""Column mapping: which source column plays which role, and how its times are read.

Bound once per source, never passed to every function::

    ColumnMapping(columns={"customer_id": "user", "event": "action"}, timezone="Europe/Paris")

A role not named in ``columns`` is read from the column of the same name (``customer_id``,
``timestamp``, ``event``, ``channel``...), except in XES logs, whose standard attributes
(``case:concept:name``, ``concept:name``, ``time:timestamp``) are the defaults there.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from parcours.errors import DataError

#: Timestamp formats that are not strptime patterns: numbers since 1970-01-01 UTC.
EPOCH_FORMATS: dict[str, int] = {"epoch_s": 1_000_000, "epoch_ms": 1_000, "epoch_us": 1}


class ColumnMapping(BaseModel):
    """Roles bound to source columns, plus how timestamps are parsed.

    ``columns`` maps a role (a column of the target table, e.g. ``customer_id``) to the source
    column that holds it. ``timestamp_format`` is a strptime pattern (or a list tried in order),
    or ``epoch_s`` / ``epoch_ms`` / ``epoch_us``; without it ISO 8601 is read. ``timezone`` is the
    zone of source times that carry no offset; every time is stored in UTC.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: dict[str, str] = Field(default_factory=dict)
    timestamp_format: str | list[str] | None = None
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise DataError(  # not a ValueError: pydantic lets it through unwrapped
                f"unknown time zone {value!r}; use an IANA name such as 'UTC' or 'Europe/Paris'"
            ) from exc
        return value

    def source(self, role: str, defaults: dict[str, str] | None = None) -> str:
        """The source column that holds ``role``."""
        return self.columns.get(role) or (defaults or {}).get(role, role)

    @property
    def formats(self) -> list[str]:
        """Strptime patterns, empty when ISO 8601 or epoch is read."""
        fmt = self.timestamp_format
        if fmt is None or (isinstance(fmt, str) and fmt in EPOCH_FORMATS):
            return []
        return [fmt] if isinstance(fmt, str) else list(fmt)
