"""Mermaid ``journey`` diagrams: export a map, import one as a starting map.

Mermaid's journey diagram has sections (our stages), tasks (our touchpoints), a satisfaction
score 1..5 (our emotion −2..+2, shifted by 3) and actors (our personas). Channels, KPIs, pain
points and opportunities have no place in it: an import gives a map to complete.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from parcours.errors import JourneyFileError, JourneyValidationError, Problem
from parcours.model import limits
from parcours.model.journey import BrokenReferences, Journey, Loc
from parcours.model.text import slugify
from parcours.model.vocabulary import Lang

_TASK = re.compile(r"^(?P<name>[^:]+):\s*(?P<score>-?\d+(?:\.\d+)?)\s*(?::(?P<actors>.*))?$")
_DEFAULT_ACTOR = {Lang.FR: "Client", Lang.EN: "Customer"}


def to_mermaid(journey: Journey, lang: Lang | None = None) -> str:
    """The map as a Mermaid ``journey`` diagram."""
    lang = lang or journey.language
    actors = ", ".join(_clean(journey.label(p.name, lang)) for p in journey.personas)
    actors = actors or _DEFAULT_ACTOR[lang]
    lines = ["journey", f"    title {_clean(journey.label(journey.name, lang))}"]
    for stage in journey.stages:
        lines.append(f"    section {_clean(journey.label(stage.name, lang))}")
        for touchpoint in stage.touchpoints:
            emotion = touchpoint.emotion if touchpoint.emotion is not None else stage.emotion
            score = round((emotion or 0) + 3)
            lines.append(f"      {_clean(journey.label(touchpoint.name, lang))}: {score}: {actors}")
    return "\n".join(lines) + "\n"


def load_mermaid(path: str | Path, lang: Lang = Lang.FR) -> Journey:
    """A starting map from a Mermaid ``journey`` diagram file (UTF-8)."""
    path = Path(path)
    return from_mermaid(limits.read_bytes(path), str(path), lang)


def from_mermaid(text: str | bytes, filename: str = "<mermaid>", lang: Lang = Lang.FR) -> Journey:
    """A starting map from a Mermaid ``journey`` diagram (touchpoint channels set to ``other``).

    Every problem is a :class:`~parcours.errors.JourneyError` that names the line."""
    text = limits.decode(text, filename)
    title = None
    stages: list[dict[str, Any]] = []
    actors: dict[str, None] = {}
    lines: dict[Loc, int] = {}  # where each stage and task was written
    started = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        column = len(raw) - len(raw.lstrip()) + 1
        if not line or line.startswith("%%"):
            continue
        if len(line) > limits.MAX_TEXT:
            raise limits.refuse(filename, number, column, *limits.text_too_long(len(line)))
        if not started:
            if line != "journey":
                hint = "a Mermaid journey diagram starts with the line `journey`"
                message = "not a journey diagram"
                raise JourneyFileError(Problem(filename, number, column, message, hint=hint))
            started = True
        elif line.startswith("title "):
            title = line.removeprefix("title ").strip()
            lines[("name",)] = number
        elif line.startswith("section "):
            lines[("stages", len(stages))] = number
            stages.append({"name": line.removeprefix("section ").strip(), "touchpoints": []})
        elif match := _TASK.match(line):
            if not stages:
                hint = "put tasks under a `section` line"
                message = "task before any section"
                raise JourneyFileError(Problem(filename, number, column, message, hint=hint))
            score = float(match["score"])
            if not 1 <= score <= 5:
                message = f"score {match['score']} is outside 1..5"
                raise JourneyFileError(Problem(filename, number, column, message))
            lines[("stages", len(stages) - 1, "touchpoints", len(stages[-1]["touchpoints"]))] = (
                number
            )
            stages[-1]["touchpoints"].append(
                {"name": match["name"].strip(), "channel": "other", "emotion": score - 3}
            )
            for actor in (match["actors"] or "").split(","):
                if actor.strip() and actor.strip() not in actors:
                    lines[("personas", len(actors))] = number
                    actors[actor.strip()] = None
        else:
            hint = "expected `title ...`, `section ...` or `Task: score: actors`"
            raise JourneyFileError(Problem(filename, number, column, "unreadable line", hint=hint))
    if not started:
        raise JourneyFileError(Problem(filename, 1, 1, "empty diagram"))
    _unique_ids(stages)
    for stage in stages:
        emotions = [t["emotion"] for t in stage["touchpoints"]]
        if emotions:
            stage["emotion"] = sum(emotions) / len(emotions)
    data = {
        "name": title or filename,
        "language": lang,
        "personas": [{"name": actor} for actor in actors],
        "stages": stages,
    }
    try:
        return Journey.model_validate(data)
    except ValidationError as exc:
        found = [(tuple(e["loc"]), str(e["msg"])) for e in exc.errors(include_url=False)]
    except BrokenReferences as exc:
        found = [(loc, message) for loc, message, _hint in exc.problems]
    raise JourneyValidationError([_problem(filename, lines, loc, msg) for loc, msg in found])


def _problem(filename: str, lines: dict[Loc, int], loc: Loc, message: str) -> Problem:
    """A problem of the built map placed on the diagram line it came from."""
    probe = loc
    while probe and probe not in lines:
        probe = probe[:-1]
    key = ".".join(map(str, loc))
    hint = "fix this line of the diagram, or import it and fix the map"
    return Problem(filename, lines.get(probe, 1), 1, f"{key}: {message}", key, hint)


def _unique_ids(stages: list[dict[str, Any]]) -> None:
    """Give repeated names distinct ids (Mermaid allows the same task in two sections)."""
    for items in (stages, [t for s in stages for t in s["touchpoints"]]):
        seen: dict[str, int] = {}
        for item in items:
            base = slugify(item["name"])
            seen[base] = seen.get(base, 0) + 1
            item["id"] = base if seen[base] == 1 else f"{base}-{seen[base]}"


def _clean(text: str) -> str:
    """Mermaid journey text cannot hold ':', ';', '#' or line breaks."""
    return re.sub(r"\s+", " ", text.replace(":", " -").replace(";", ",").replace("#", "")).strip()
