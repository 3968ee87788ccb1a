"""Calendar periods of the analyses: ``every`` names their length, a period is keyed by its
first day (``None``: all time)."""

from __future__ import annotations

from datetime import date
from typing import Literal

Every = Literal["day", "week", "month"]
Period = date | None
