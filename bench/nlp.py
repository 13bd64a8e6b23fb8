"""Message understanding speed and memory: the full analysis (normalise, mask, intent, topic,
urgency, place) over the team corpus and, when ../shared/train is there, the real Instagram
comments too (their texts are only analysed, never printed), in one process pinned to one core.

    .venv/bin/python bench/nlp.py [--messages 30000] [--train-dir ../shared/train]

Target (issues 3 and 13): at least 5,000 messages per second, memory under 500 MB."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=30_000)
    parser.add_argument("--train-dir", type=Path, default=Path("../shared/train"))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from paseban.nlp import default_analyzer, labelled, sources

    started = time.perf_counter()
    analyzer = default_analyzer()
    load_seconds = time.perf_counter() - started
    texts = [e.text for e in labelled.read()]
    real = sources.gather(args.train_dir)
    texts += [e.text for e in [*real.real_train, *real.real_test]]
    print(f"texts: team corpus and {len(real.real_train) + len(real.real_test)} real comments")
    # realistic mix: the corpus as written, then with small variations so caches do not flatter us
    stream = [
        texts[i % len(texts)] + ("" if i < len(texts) else f" {i}") for i in range(args.messages)
    ]
    wilayah = "32.71.01.1001"
    analyzer.analyze_batch([(t, wilayah) for t in stream[:200]])  # warm-up
    started = time.perf_counter()
    results = analyzer.analyze_batch([(t, wilayah) for t in stream])
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chars = sum(len(t) for t in stream) / len(stream)
    print(f"model {analyzer.version}: loaded in {load_seconds:.2f} s")
    print(f"messages: {len(results)} (mean {chars:.0f} characters)")
    print(
        f"throughput: {len(results) / seconds:,.0f} messages/second on one core "
        f"({seconds / len(results) * 1e6:.0f} µs per message)"
    )
    print(f"peak memory: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
