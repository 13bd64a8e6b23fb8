"""How fast the draft checker answers: it runs on every pause in typing, so it must stay well
under the 400 ms debounce. Prints per-check latency for the sample drafts and a long caption.

    .venv/bin/python bench/content_check.py
"""

from __future__ import annotations

import json
import statistics
import time
from importlib import resources

from paseban import reference
from paseban.content.names import city_names
from paseban.content.quality import ContentType, Draft, check

ROUNDS = 200


def main() -> None:
    folder = resources.files("paseban.data").joinpath("sample", "content")
    posts = json.loads(folder.joinpath("content.json").read_text("utf-8"))["posts"]
    programs = json.loads(folder.joinpath("programs.json").read_text("utf-8"))
    data = reference.bundled("32.71")
    started = time.perf_counter()
    book = city_names(
        city="Kota Bogor",
        wilayah=[(w.name, w.aliases) for w in data.wilayah if w.level >= 3],
        places=[lm[0] for lm in data.landmarks],
        programs=[(p["name"], p.get("official_names", [])) for p in programs],
    )
    build_ms = (time.perf_counter() - started) * 1000
    drafts = [Draft(p["body"], "instagram", ContentType(p["type"])) for p in posts]
    long_text = "\n\n".join(p["body"] for p in posts)[:2200]
    cases = {"sample drafts": drafts, "2,200-char caption": [Draft(long_text, "instagram")]}
    print(f"name book: {len(book)} official names, built in {build_ms:.1f} ms")
    for label, items in cases.items():
        timings = []
        for _ in range(ROUNDS // len(items) + 1):
            for draft in items:
                t0 = time.perf_counter()
                check(draft, book)
                timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{label}: {len(timings)} checks, median {statistics.median(timings):.2f} ms, "
            f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms"
        )


if __name__ == "__main__":
    main()
