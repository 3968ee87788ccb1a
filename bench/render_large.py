"""Render a large generated journey map to HTML and time it.

    .venv/bin/python bench/render_large.py [--repeat 5] [--browser]

The map has 12 stages and 60 touchpoints (5 per stage); the second row of the table uses 60
touchpoints *per stage* (720 in all). Every stage and touchpoint carries KPIs, pain points and
measures, so every lane of the grid is full. Bar (issue 2): the grid renders in under 1 s.
``--browser`` also times the PNG and A3 PDF exports through headless Chromium.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from parcours.model import Journey
from parcours.model.measures import Measured, Measures
from parcours.model.vocabulary import Channel
from parcours.render import VIEWS, Chromium, export, journey_csv, render_html

CHANNELS = list(Channel)


def large_journey(stages: int, per_stage: int) -> Journey:
    data = {
        "name": {"fr": "Parcours généré", "en": "Generated journey"},
        "personas": [{"name": f"Persona {p}", "goals": ["Goal"]} for p in range(3)],
        "stages": [
            {
                "id": f"s{s}",
                "name": {"fr": f"Étape {s}", "en": f"Stage {s}"},
                "goal": "Avancer",
                "needs": ["Besoin A", "Besoin B"],
                "actions": ["Action A", "Action B"],
                "thoughts": ["Pensée"],
                "emotion": ((s * 7) % 9 - 4) / 2,
                "empathy": {k: ["x"] for k in ("sees", "hears", "thinks_feels", "says_does")},
                "kpis": [{"kind": "conversion", "target": 50}],
                "touchpoints": [
                    {
                        "id": f"s{s}-t{t}",
                        "name": f"Point de contact {s}.{t}",
                        "channel": CHANNELS[(s + t) % len(CHANNELS)].value,
                        "emotion": ((t * 3) % 9 - 4) / 2,
                        "kpis": [{"kind": "csat", "target": 4}],
                        **({"moment_of_truth": {"reason": "Why"}} if t % 10 == 0 else {}),
                    }
                    for t in range(per_stage)
                ],
                "pain_points": [
                    {"id": f"s{s}-p{p}", "description": f"Irritant {s}.{p}", "severity": "high"}
                    for p in range(3)
                ],
            }
            for s in range(stages)
        ],
        "opportunities": [
            {
                "title": f"Opportunité {s}",
                "addresses": [f"s{s}-p0"],
                "importance": 1 + s % 5,
                "urgency": 1 + (s * 2) % 5,
            }
            for s in range(stages)
        ],
    }
    return Journey.model_validate(data)


def large_measures(journey: Journey) -> Measures:
    return Measures(
        stages={
            s.id: Measured(
                customers=1000 - 50 * i, conversion=0.6, emotion=0.5, kpis={"conversion": 40}
            )
            for i, s in enumerate(journey.stages)
        },
        touchpoints={
            t.id: Measured(volume=321, attribution_share=0.1, kpis={"csat": 4.2})
            for _, t in journey.touchpoints()
        },
    )


def timed(repeat: int, work: Callable[..., object], *args: object, **kwargs: object) -> float:
    """Median wall time of ``work(*args, **kwargs)`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time PNG and PDF exports")
    args = parser.parse_args()
    rows: list[tuple[str, str, float, int]] = []
    for stages, per_stage in ((12, 5), (12, 60)):
        shape = f"{stages} stages × {stages * per_stage} touchpoints"
        journey = large_journey(stages, per_stage)
        measures = large_measures(journey)
        for view in VIEWS:
            html = render_html(journey, view, measures=measures)  # warm the template cache
            seconds = timed(args.repeat, render_html, journey, view, measures=measures)
            rows.append((shape, f"html {view}", seconds, len(html)))
        csv_text = journey_csv(journey)
        rows.append((shape, "csv", timed(args.repeat, journey_csv, journey), len(csv_text)))
        if args.browser:
            with Chromium() as browser, tempfile.TemporaryDirectory() as tmp:
                for kind in ("png", "pdf"):
                    path = Path(tmp) / f"map.{kind}"
                    seconds = timed(1, export, journey, path, page="A3", browser=browser)
                    rows.append((shape, f"{kind} grid", seconds, path.stat().st_size))
    print(f"| {'map':<30} | {'output':<14} | {'median s':>9} | {'bytes':>10} |")
    print(f"|{'-' * 32}|{'-' * 16}|{'-' * 11}|{'-' * 12}|")
    for shape, what, seconds, size in rows:
        print(f"| {shape:<30} | {what:<14} | {seconds:>9.3f} | {size:>10,} |")


if __name__ == "__main__":
    main()
