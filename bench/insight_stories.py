"""Bench: does ``parcours insights`` tell each planted story? (issue 10's first two bars)

Usage::

    .venv/bin/python bench/insight_stories.py [--seeds 21 22 23] [--customers 20000]

For each seed (not the tests' seeds) and each story, simulates the sports sample (120 days,
customers on the app or the web 60/40, personas converting alike) with that one story planted
into ``bench/out/stories_<story>_<seed>/`` (once), runs ``find_insights`` and looks for the
planted story among the findings: its rank (bar: top 3), whether its period is within 3 days of
the planted one, and whether it names the planted segment, channel or event. The quiet log has
no story: the bar is at most one finding. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from parcours.data.workspace import Workspace, create_workspace
from parcours.demo import SOURCES
from parcours.insight import Finding, find_insights
from parcours.samples import load_sample, sample_events, sample_path
from parcours.simulate import SimulationConfig, simulate

OUT = Path(__file__).parent / "out"
SAMPLE = "sport_subscription"
ALIKE = [{"persona": "lea-reprise-sport"}, {"persona": "julien-etudiant"}]
WINDOW = {"from": "2026-03-02", "to": "2026-03-16"}
PERIOD = (date(2026, 3, 2), date(2026, 3, 15))
#: story: (simulation settings, kind, stage, touchpoints accepted, period, segment)
STORIES: dict[str, tuple[dict[str, Any], str, str, tuple[str | None, ...], Any, Any]] = {
    "incident": (
        {
            "effects": [
                {
                    "kind": "abandonment",
                    "touchpoint": "page-paiement",
                    "change": 1.0,
                    "channel": "web",
                    **WINDOW,
                }
            ]
        },
        "incident",
        "achat",
        (None, "page-paiement"),
        PERIOD,
        {"channel": "web"},
    ),
    "loop": (
        {
            "effects": [
                {
                    "kind": "loop",
                    "touchpoint": "page-paiement",
                    "back_to": "creation-compte",
                    "share": 0.5,
                    "channel": "web",
                    **WINDOW,
                }
            ]
        },
        "loop",
        "achat",
        ("page-paiement", "creation-compte"),
        PERIOD,
        {"channel": "web"},
    ),
    "failure_driver": (
        {
            "effects": [
                {
                    "kind": "abandonment",
                    "touchpoint": "page-paiement",
                    "change": 0.5,
                    "from": "2026-01-01",
                    "after": "app_installed",
                }
            ]
        },
        "failure_driver",
        "achat",
        (None,),
        None,
        {"event": "app_installed"},
    ),
    "moment_of_truth": (
        {"effects": [{"kind": "moment_of_truth", "touchpoint": "page-offres", "weight": 1.2}]},
        "moment_of_truth",
        "evaluation",
        ("page-offres",),
        None,
        None,
    ),
    "segment_gap": (
        {
            "personas": [
                {"persona": "lea-reprise-sport"},
                {"persona": "julien-etudiant", "progress": 0.6},
            ]
        },
        "segment_gap",
        None,
        (None,),
        None,
        {"persona": "julien-etudiant"},
    ),
    "quiet": ({}, "", None, (), None, None),
}


def workspace(story: str, seed: int, customers: int) -> Workspace:
    root = OUT / f"stories_{story}_{seed}"
    if not (root / "parcours.duckdb").exists():
        shutil.rmtree(root, ignore_errors=True)
        created = create_workspace(root, sources=SOURCES)
        shutil.copyfile(sample_path(SAMPLE), root / "journeys" / f"{SAMPLE}.yaml")
        settings = {"personas": ALIKE, **STORIES[story][0]}
        config = SimulationConfig.model_validate(
            {
                "customers": customers,
                "days": 120,
                "seed": seed,
                "channel_mix": {"app": 0.6, "web": 0.4},
                **settings,
            }
        )
        simulate(load_sample(SAMPLE), root / "data", config, catalogue=sample_events(SAMPLE))
        created.ingest()
    return Workspace.open(root)


def told(finding: Finding, story: str) -> bool:
    _, kind, stage, touchpoints, _, _ = STORIES[story]
    if finding.kind != kind or (stage is not None and finding.where.stage != stage):
        return False
    return finding.where.touchpoint in touchpoints or None in touchpoints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[21, 22, 23])
    parser.add_argument("--customers", type=int, default=20_000)
    args = parser.parse_args()
    print("| story | seed | findings | rank | period within 3 days | segment | top finding |")
    print("|---|---|---|---|---|---|---|")
    for story in STORIES:
        for seed in args.seeds:
            found = find_insights(workspace(story, seed, args.customers)).findings
            top = f"{found[0].kind} {found[0].where.stage}" if found else "—"
            if story == "quiet":
                print(f"| quiet | {seed} | {len(found)} | — | — | — | {top} |")
                continue
            _, _, _, _, period, segment = STORIES[story]
            rank = next((i for i, f in enumerate(found, 1) if told(f, story)), None)
            hit = found[rank - 1] if rank else None
            near = "—"
            if hit is not None and period is not None and hit.start and hit.end:
                near = str(
                    abs((hit.start - period[0]).days) <= 3 and abs((hit.end - period[1]).days) <= 3
                )
            named = "—" if segment is None or hit is None else str(hit.segment == segment)
            cells = [story, seed, len(found), rank or "missed", near, named, top]
            print("| " + " | ".join(map(str, cells)) + " |")


if __name__ == "__main__":
    main()
