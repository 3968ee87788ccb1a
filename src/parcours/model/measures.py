"""Measured values laid onto a map: what the engine and voice analyses found per stage and
touchpoint. Empty until a workspace is measured; the views show whatever is set."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, float] = MappingProxyType({})


@dataclass(frozen=True)
class Measured:
    """Measures of one stage or touchpoint; ``None`` means not measured."""

    customers: int | None = None  # customers who entered the stage
    volume: int | None = None  # events matched by the touchpoint
    conversion: float | None = None  # share moving on to the next stage, 0..1
    drop_off: float | None = None  # share abandoning here, 0..1
    median_seconds: float | None = None  # median time spent
    attribution_share: float | None = None  # share of conversions credited, 0..1
    emotion: float | None = None  # measured emotion on the map's −2..+2 scale
    negative_share: float | None = None  # share of negative feedback, 0..1
    kpis: Mapping[str, float] = field(default_factory=lambda: _EMPTY)  # KPI id → value
    feedback: int | None = None  # answers the measured emotion rests on
    emotion_interval: tuple[float, float] | None = None  # 95 % interval of the emotion
    themes: tuple[tuple[str, int], ...] = ()  # top pain-point themes: (name, negative answers)
    verbatims: tuple[str, ...] = ()  # example negative verbatims, personal data masked
    delights: tuple[tuple[str, int], ...] = ()  # top praised themes: (name, positive answers)

    def to_dict(self) -> dict[str, Any]:
        """The measures that are set, as plain JSON values (``kpis`` always)."""
        data = {k: v for k, v in self.__dict__.items() if v is not None and k != "kpis"}
        return {**data, "kpis": dict(self.kpis)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Measured:
        """The inverse of :meth:`to_dict` (tuples come back from JSON lists)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("emotion_interval") is not None:
            values["emotion_interval"] = tuple(values["emotion_interval"])
        values["themes"] = tuple(tuple(theme) for theme in values.get("themes", ()))
        values["delights"] = tuple(tuple(theme) for theme in values.get("delights", ()))
        values["verbatims"] = tuple(values.get("verbatims", ()))
        return cls(**values)


@dataclass(frozen=True)
class Measures:
    """Measures keyed by stage id and touchpoint id."""

    stages: Mapping[str, Measured] = field(default_factory=dict)
    touchpoints: Mapping[str, Measured] = field(default_factory=dict)
    period: str | None = None  # e.g. "2026-01-01 → 2026-03-31"

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "stages": {k: v.to_dict() for k, v in self.stages.items()},
            "touchpoints": {k: v.to_dict() for k, v in self.touchpoints.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Measures:
        """The inverse of :meth:`to_dict`."""
        return cls(
            stages={k: Measured.from_dict(v) for k, v in data.get("stages", {}).items()},
            touchpoints={k: Measured.from_dict(v) for k, v in data.get("touchpoints", {}).items()},
            period=data.get("period"),
        )

    def stage(self, stage_id: str) -> Measured:
        return self.stages.get(stage_id) or Measured()

    def touchpoint(self, touchpoint_id: str) -> Measured:
        return self.touchpoints.get(touchpoint_id) or Measured()
