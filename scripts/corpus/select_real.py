"""Choose which real comments get labelled, deterministically (python scripts/corpus/select_real.py).

Rows of ../shared/train/instagram-dinkes-semarang/{labelled,unlabelled}.csv are ordered by the
SHA-256 of their row id; a row whose text (lower-cased, spaces collapsed) repeats an earlier
chosen row's is skipped; the first N are taken and cut into batches for the labellers. Writes
the batches (row, date, text) to a folder outside the repository: the texts never enter it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[3] / "shared" / "train" / "instagram-dinkes-semarang"


def chosen(source: Path, count: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in ("labelled.csv", "unlabelled.csv"):
        with (source / name).open(encoding="utf-8", newline="") as f:
            rows.extend(csv.DictReader(f))
    rows.sort(key=lambda r: hashlib.sha256(r["row"].encode()).hexdigest())
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for r in rows:
        key = re.sub(r"\s+", " ", r["text"].lower()).strip()
        if not key or key in seen:
            continue
        seen.add(key)
        out.append(r)
        if len(out) == count:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3600)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rows = chosen(args.source, args.count)
    args.out.mkdir(parents=True, exist_ok=True)
    size = -(-len(rows) // args.batches)
    for i in range(args.batches):
        with (args.out / f"batch-{i + 1}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["row", "date", "text"])
            for r in rows[i * size : (i + 1) * size]:
                w.writerow([r["row"], r["date"], r["text"]])
    print(f"{len(rows)} rows in {args.batches} batches of up to {size} -> {args.out}")


if __name__ == "__main__":
    main()
