"""Event catalogues: the event names a company's data holds, one per line (``#`` comments).

A journey file ``map.yaml`` may keep its catalogue beside it as ``map.events.txt``; ``parcours
lint`` checks the bindings against it and ``parcours simulate`` emits its names for globs.
"""

from __future__ import annotations

from pathlib import Path

from parcours.errors import JourneyFileError, Problem

SUFFIX = ".events.txt"


def read_catalogue(path: str | Path) -> list[str]:
    """The event names listed in ``path``."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        hint = "one event name per line, UTF-8"
        raise JourneyFileError(Problem(str(path), 1, 1, f"cannot read: {exc}", hint=hint)) from exc
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def catalogue_beside(journey_path: str | Path) -> Path | None:
    """``map.events.txt`` for ``map.yaml``, when it exists."""
    path = Path(journey_path)
    candidate = path.with_name(path.name.split(".")[0] + SUFFIX)
    return candidate if candidate.is_file() else None
