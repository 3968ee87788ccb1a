"""A 12-stage map with 60 touchpoints per stage (720 in all) opened in the editor, then card
edits saved and redrawn, timed over HTTP against a real server on 127.0.0.1.

    python bench/editor_edit.py [--edits 120] [--per-stage 60] [--port N]

Writes the generated map (bench/render_large.py's, every lane full) into a fresh workspace
(bench/out/editor), serves it with ``parcours serve`` in a child process (no accounts: the
local user), opens the editor twice (the first open parses the map's YAML), then posts
``--edits`` card edits one after another, as the editor's forms do: an emotion (the card and the
emotion curve redrawn), a touchpoint's name, a stage's needs. Each edit is applied to the latest
version, saved as a new version and answered with the redrawn fragment. Bar (issue 13): a card
edit saved and redrawn in <= 300 ms p95.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from pathlib import Path

import httpx
from render_large import large_journey
from served import free_port, served

from parcours.model import save_journey

HERE = Path(__file__).parent
KEY = "big"


def prepare(per_stage: int) -> Path:
    root = HERE / "out" / "editor"
    shutil.rmtree(root, ignore_errors=True)
    (root / "journeys").mkdir(parents=True)
    (root / "parcours.toml").write_text('journeys = "journeys"\n', encoding="utf-8")
    save_journey(large_journey(12, per_stage), root / "journeys" / f"{KEY}.yaml")
    return root


def edit(op: str, what: str, item: str, old: object, value: str) -> dict[str, str]:
    """The fields an editor's form posts."""
    return {"op": op, "what": what, "id": item, "old": json.dumps(old), "value": value}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=120)
    parser.add_argument("--per-stage", type=int, default=60)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    root = prepare(args.per_stage)
    args.port = args.port or free_port()
    journey = large_journey(12, args.per_stage)
    timings: dict[str, list[float]] = {"emotion": [], "rename": [], "needs": []}
    opens: list[float] = []
    with (
        served(root, args.port, ready="/journeys") as (base, _),
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        first = client.get("/journeys")
        csrf = first.cookies.get("__Host-csrf") or ""
        cookies = {"__Host-csrf": csrf}
        size = 0
        for _ in range(2):
            start = time.perf_counter()
            page = client.get(f"/journeys/{KEY}/edit", cookies=cookies)
            opens.append(time.perf_counter() - start)
            assert page.status_code == 200, page.text[:500]
            size = len(page.content)
        emotions = {t.id: t.emotion for _, t in journey.touchpoints()}
        names = {t.id: t.name for _, t in journey.touchpoints()}
        needs = {s.id: [str(n) for n in s.needs] for s in journey.stages}
        ids = list(emotions)
        for n in range(args.edits):
            touchpoint = ids[(n * 37) % len(ids)]
            stage = journey.stages[n % len(journey.stages)].id
            kind = ("emotion", "rename", "needs")[n % 3]
            if kind == "emotion":
                new = -2.0 if emotions[touchpoint] != -2.0 else 2.0
                data = edit("set", "touchpoint", touchpoint, emotions[touchpoint], str(new))
                data["field"] = "emotion"
                emotions[touchpoint] = new
            elif kind == "rename":
                data = edit("rename", "touchpoint", touchpoint, names[touchpoint], f"P {n}")
                names[touchpoint] = f"P {n}"
            else:
                lines = [*needs[stage], f"Besoin {n}"][-3:]
                data = edit("set", "stage", stage, needs[stage], "\n".join(lines))
                data["field"] = "needs"
                needs[stage] = lines
            start = time.perf_counter()
            answer = client.post(
                f"/journeys/{KEY}/edit",
                data=data,
                cookies=cookies,
                headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
            )
            timings[kind].append(time.perf_counter() - start)
            assert answer.status_code == 200, (data, answer.status_code, answer.text[:300])
            assert f'id="card-{data["what"]}-{data["id"]}"' in answer.text
    touchpoints = sum(len(s.touchpoints) for s in journey.stages)
    print(
        f"map: 12 stages x {touchpoints} touchpoints; editor page {size / 1e6:.1f} MB; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"open the editor: first {opens[0] * 1000:.0f} ms (parses the YAML), "
        f"then {opens[1] * 1000:.0f} ms"
    )
    print("| edit | n | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    every = [t for values in timings.values() for t in values]
    for kind, values in [*timings.items(), ("all card edits", every)]:
        ms = [v * 1000 for v in values]
        print(
            f"| {kind} | {len(ms)} | {statistics.median(ms):.0f} | "
            f"{percentile(ms, 0.95):.0f} | {max(ms):.0f} |"
        )


if __name__ == "__main__":
    main()
