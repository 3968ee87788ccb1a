"""Durations written like ``30m``, ``1h``, ``14d``: parsing and formatting."""

from __future__ import annotations

import re
from datetime import timedelta

from parcours.errors import EngineError

_UNITS: dict[str, float] = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 7 * 86400,
    "week": 7 * 86400,
    "weeks": 7 * 86400,
}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")


def parse_duration(value: str | timedelta | float) -> timedelta:
    """Read ``30m``, ``1h``, ``14d``, ``2w``, ``15s`` (or a timedelta, or seconds)."""
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, int | float):
        result = timedelta(seconds=value)
    else:
        match = _PATTERN.match(value.lower())
        if not match or match.group(2) not in _UNITS:
            raise EngineError(
                f"cannot read the duration {value!r}; write a number and a unit, "
                "e.g. 30s, 30m, 1h, 14d or 2w."
            )
        result = timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    if result < timedelta(0):
        raise EngineError(f"the duration {value!r} is negative; give a positive window.")
    return result


def to_microseconds(value: timedelta) -> int:
    """Exact microseconds of a timedelta."""
    return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
