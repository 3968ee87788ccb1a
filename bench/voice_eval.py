"""Evaluate parcours.voice on the labelled feedback sets; print a markdown table.

    python bench/voice_eval.py [--tiers accurate,fast,lexicon] [--write FILE]
    python bench/voice_eval.py --speed-only   # texts/s and load time alone (on an idle machine)
    python bench/voice_eval.py --v2 [--tiers ...]   # issue 15 accuracy bars (bench/voice_v2.py)

Held out from training: Allociné test (FR), the test part of the fixed UCI split (EN, 30 %,
stratified by source and label, seed 0; see ``voice_data.uci_split``), airline tweets and
dair-ai emotions (evaluation only, never trained on). The accurate tier (e5, ~20 texts/s here)
is evaluated on fixed random samples (seed 0) of the long sets: Allociné test 500, airline
1,500, emotions 500; the other tiers on the full sets.

* Binary macro-F1: negative vs positive (P(positive) > P(negative)) on Allociné test and UCI test.
* 3-class macro-F1: airline tweets (EN; the only 3-class set), with the shipped head; then after
  refitting a head (``parcours.voice.refit``'s fit) on 300 tweets (fixed random sample, seed 0),
  evaluated on the remaining tweets.
* Emotions: macro-F1 over joy, sadness, anger, fear, surprise on dair-ai (its ``love`` counted as
  joy; our trust -> joy, disgust and frustration -> anger), zero-shot.
* Themes: macro-F1 over the 9 named negative reasons of the airline tweets ("Can't Tell"
  excluded), top theme at the taxonomy threshold, taxonomy ``bench/voice_airline_taxonomy.yaml``
  written from the reason names only.
* Speed: texts/s of ``analyse`` on 200-character texts (cleaning included) and the load time of a
  tier (encoder + head, in a fresh process), with the machine's load average at that time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import voice_data
from sklearn.metrics import f1_score

from parcours.voice.emotions import score_emotions
from parcours.voice.encoders import get_encoder
from parcours.voice.heads import LABELS, fit_head
from parcours.voice.language import detect_many
from parcours.voice.sentiment import TIERS, analyse, shipped_head
from parcours.voice.themes import Taxonomy

HERE = Path(__file__).resolve().parent
FEATURES = {"accurate": "e5", "fast": "use", "lexicon": "lexicon"}
EMOTION_MAP = {
    "joy": "joy",
    "trust": "joy",
    "surprise": "surprise",
    "sadness": "sadness",
    "fear": "fear",
    "anger": "anger",
    "disgust": "anger",
    "frustration": "anger",
}
REFIT_SIZE = 300
SPEED_BARS = {"accurate": 50.0, "fast": 500.0}  # texts/s; the lexicon tier has no bar


def featurise(tier: str, name: str) -> tuple[np.ndarray, voice_data.pd.DataFrame]:
    kind = FEATURES[tier]
    frame = voice_data.load(name, voice_data.rows_for(kind, name))
    texts = frame["text"].tolist()
    if kind == "lexicon":
        from parcours.voice.lexicon import load_lexicon

        return load_lexicon().polarities(texts)[:, None], frame
    return voice_data.embeddings(kind, name, texts), frame  # type: ignore[arg-type]


def binary_f1(tier: str, name: str) -> float:
    vectors, frame = featurise(tier, name)
    p = shipped_head(tier).probabilities(vectors)  # type: ignore[arg-type]
    predicted = np.where(p[:, 2] > p[:, 0], "positive", "negative")
    return float(f1_score(frame["label"], predicted, average="macro"))


def three_class(tier: str) -> tuple[float, float, int]:
    vectors, frame = featurise(tier, "airline")
    gold = frame["label3"].to_numpy()
    shipped = np.array(LABELS)[shipped_head(tier).probabilities(vectors).argmax(axis=1)]  # type: ignore[arg-type]
    before = float(f1_score(gold, shipped, average="macro"))
    rows = np.random.default_rng(0).permutation(len(frame))
    train, test = rows[:REFIT_SIZE], rows[REFIT_SIZE:]
    head = fit_head(vectors[train], list(gold[train]), FEATURES[tier])
    refitted = np.array(LABELS)[head.probabilities(vectors[test]).argmax(axis=1)]
    return before, float(f1_score(gold[test], refitted, average="macro")), len(test)


def emotions_f1(tier: str) -> float:
    kind = FEATURES[tier]
    vectors, frame = featurise(tier, "emotion")
    encoder = None if kind == "lexicon" else get_encoder(kind)  # type: ignore[arg-type]
    texts = frame["text"].tolist()
    results = score_emotions(texts, encoder=encoder, vectors=None if encoder is None else vectors)
    predicted = [EMOTION_MAP[item.dominant] for item in results]
    gold = frame["emotion"].replace({"love": "joy"})
    return float(f1_score(gold, predicted, average="macro"))


def themes_f1(with_model: bool) -> tuple[float, int]:
    frame = voice_data.load("airline")
    keep = (frame["negativereason"].notna() & (frame["negativereason"] != "Can't Tell")).to_numpy()
    taxonomy = Taxonomy.from_file(HERE / "voice_airline_taxonomy.yaml")
    texts = frame["text"][keep].tolist()
    if with_model:
        vectors = voice_data.embeddings("use", "airline", frame["text"].tolist())[keep]
        scores, threshold = taxonomy.scores(texts, get_encoder("use"), vectors), taxonomy.threshold
    else:
        scores, threshold = taxonomy.scores(texts, None), 1.0
    predicted = [
        taxonomy.names[int(row.argmax())] if row.max() >= threshold else "none" for row in scores
    ]
    gold = frame["negativereason"][keep].tolist()
    return float(f1_score(gold, predicted, average="macro", labels=list(taxonomy.names))), len(gold)


def texts_of_200_chars(count: int) -> list[str]:
    pool = voice_data.load("allocine_test")["text"].tolist()
    pool += voice_data.load("emotion")["text"].tolist()
    out, current = [], ""
    for text in pool:
        current = f"{current} {text}".strip()
        if len(current) >= 200:
            out.append(current[:200])
            current = ""
        if len(out) == count:
            break
    return out


def throughput(tier: str) -> float:
    texts = texts_of_200_chars({"accurate": 100, "fast": 600, "lexicon": 2000}[tier])
    analyse(texts[:5], tier=tier)  # type: ignore[arg-type]  # loaded and warm
    start = time.perf_counter()
    analyse(texts, tier=tier)  # type: ignore[arg-type]
    return len(texts) / (time.perf_counter() - start)


def load_time(tier: str) -> float:
    code = (
        "import time; t = time.perf_counter(); "
        "from parcours.voice.sentiment import analyse; "
        f"analyse(['ok'], tier={tier!r}); print(time.perf_counter() - t)"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(output.stdout.strip())


def language_rows() -> list[str]:
    rows = []
    for name, expected in (("allocine_test", "fr"), ("uci_test", "en"), ("airline", "en")):
        texts = voice_data.load(name)["text"].tolist()
        start = time.perf_counter()
        found = detect_many(texts)
        rate = len(texts) / (time.perf_counter() - start)
        accuracy = np.mean([f == expected for f in found])
        rows.append(f"| {name} ({expected}) | {len(texts)} | {accuracy:.3f} | {rate:,.0f} |")
    return rows


def bar(value: float, threshold: float, higher: bool = True) -> str:
    ok = value >= threshold if higher else value <= threshold
    return (
        f"{value:.3f} {'✅' if ok else '❌'}"
        if value < 10
        else f"{value:.0f} {'✅' if ok else '❌'}"
    )


def v2_report(tiers: list[str], *, themes: bool = True) -> list[str]:
    """The tables of docs/benchmarks.md's "Voice v2 (issue 15): accuracy" section."""
    import voice_v2

    lines = [
        "| tier | FR binary F1 (Allociné test) | EN binary F1 (UCI test) | 3-class F1 (airline, "
        "no refit) | same without cues | mixed | negated problems | concrete gripes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for tier in tiers:
        print(f"evaluating {tier}...", file=sys.stderr)
        rows = voice_v2.sentiment_rows(tier)
        patterns = voice_v2.pattern_rows(tier)
        lines.append(
            f"| {tier} | {bar(rows['allocine_test cues'], 0.88)} | "
            f"{bar(rows['uci_test cues'], 0.93)} | {bar(rows['airline3 cues'], 0.70)} | "
            f"{rows['airline3 raw']:.3f} | {patterns['mixed']:.2f} | "
            f"{patterns['negated']:.2f} | {patterns['gripe']:.2f} |"
        )
    if themes:
        found = voice_v2.theme_rows()
        lines += [
            "",
            f"Themes, airline negative tweets, shipped `travel` taxonomy: macro-F1 over the 9 "
            f"reasons {bar(found['theme f1'], 0.50)} ({found['reason tweets']:.0f} tweets); "
            f"{found['negative tweets']:.0f} negative tweets: "
            f"{found['pinned share']:.1%} given a pinned theme, "
            f"{bar(found['theme or cluster share'], 0.80)} a theme or a discovery cluster.",
        ]
    lines.append(
        f"\nLoad average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores."
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default=",".join(TIERS))
    parser.add_argument("--write", type=Path, help="also write the report to this markdown file")
    parser.add_argument("--speed-only", action="store_true", help="only texts/s and load time")
    parser.add_argument("--v2", action="store_true", help="issue 15 accuracy bars only")
    parser.add_argument("--no-themes", action="store_true", help="with --v2: skip themes")
    args = parser.parse_args()
    tiers = args.tiers.split(",")
    if args.v2:
        print("\n".join(v2_report(tiers, themes=not args.no_themes)))
        return
    if args.speed_only:
        for tier in tiers:
            print(
                f"| {tier} | {throughput(tier):.1f} texts/s | load {load_time(tier):.2f} s | "
                f"load average {os.getloadavg()[0]:.1f} |"
            )
        return
    lines = [
        "| tier | FR binary F1 (Allociné test) | EN binary F1 (UCI test) | 3-class F1 "
        "(airline, shipped) | 3-class F1 after refit on 300 | emotions F1 (dair-ai) | "
        "texts/s (200 chars) | load s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for tier in tiers:
        print(f"evaluating {tier}...", file=sys.stderr)
        before, after, _ = three_class(tier)
        speed = throughput(tier)
        speed_cell = f"{speed:.0f}" if tier == "lexicon" else bar(speed, SPEED_BARS[tier])
        lines.append(
            f"| {tier} | {bar(binary_f1(tier, 'allocine_test'), 0.90)} | "
            f"{bar(binary_f1(tier, 'uci_test'), 0.90)} | {bar(before, 0.65)} | "
            f"{bar(after, 0.72)} | {emotions_f1(tier):.3f} | "
            f"{speed_cell} | {bar(load_time(tier), 2.0, higher=False)} |"
        )
    model_f1, count = themes_f1(True)
    keyword_f1, _ = themes_f1(False)
    lines += [
        "",
        f"Themes, airline negative reasons ({count} tweets, 9 reasons, taxonomy from "
        "the names only): macro-F1 "
        f"{bar(model_f1, 0.40)} (USE prototypes + keywords, threshold 0.45), "
        f"{keyword_f1:.3f} (keywords only).",
        "",
        "| language set | texts | accuracy (py3langid) | texts/s |",
        "|---|---|---|---|",
        *language_rows(),
        "",
        f"Load average during the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores (the machine is shared: speeds are lower bounds).",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        command = "python bench/voice_eval.py " + " ".join(sys.argv[1:])
        args.write.write_text(
            f"## Voice of the customer\n\nCommand: `{command.strip()}`\n\n"
            f"{(__doc__ or '').split(chr(10) + chr(10), 2)[2]}\n{report}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
