"""Choose the next real comments to label by active learning (python scripts/corpus/select_active.py).

The first 3,600 comments (select_real.py) were a random sample: most are easy chatter, and the
learning curve over them flattened. A label teaches most where the current model is least sure,
so this picks, from the comments of `../shared/train/instagram-dinkes-semarang` dated BEFORE
`sources.TEST_FROM` that carry no label yet, the ones the shipped model is least sure about:

- the margin between the model's two most probable intents is the doubt (small margin, more doubt);
- most of the batch sits on the boundaries that decide the targets (aduan against pertanyaan,
  informasi and aspirasi; pertanyaan against informasi), taken in turns from both sides of each
  boundary (the comments the model calls aduan and those it calls pertanyaan), so neither side
  dominates; the rest spreads over the other pairs of intents (praise, suggestions, abuse, spam);
- texts are de-duplicated against each other and against every labelled comment (the same words
  after normalising, numbers and mentions aside; or nearly the same set of words);
- texts with no word at all (only emoji or mentions) are left out: a label on them teaches little.

The test part (dated TEST_FROM or later) is never read, so it stays a plain date split. The
batches (row, date, text) go to a folder outside the repository: the texts never enter it."""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
from paseban.nlp import model, sources
from paseban.nlp.normalize import normalize

SOURCE = Path(__file__).resolve().parents[3] / "shared" / "train" / sources.INSTAGRAM
REAL = Path(__file__).resolve().parents[2] / "paseban" / "nlp" / "corpus" / "real"

# how many comments each boundary (pair of the two most probable intents) gets; the rest of the
# count goes to the other pairs in turns
QUOTAS = {
    ("aduan", "pertanyaan"): 400,
    ("aduan", "informasi"): 400,
    ("informasi", "pertanyaan"): 300,
    ("aduan", "aspirasi"): 120,
    ("aspirasi", "informasi"): 110,
    ("aspirasi", "pertanyaan"): 90,
    ("apresiasi", "informasi"): 150,
}
NEAR = 0.7  # token-set Jaccard at or above which two texts are the same comment
_WORD = re.compile(r"[a-z]{2,}")


def key(text: str) -> str:
    """The comparable form of a comment: normalised, mentions and links out, digits as 0."""
    norm = normalize(text)
    norm = re.sub(r"\b(mentiontoken|urltoken)\b", " ", norm)
    return " ".join(re.sub(r"\d+", "0", norm).split())


def has_words(k: str) -> bool:
    return any(not w.startswith("emo") for w in _WORD.findall(k))


class Seen:
    """Exact and near duplicates (token-set Jaccard) among the chosen and the labelled texts."""

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.sets: list[frozenset[str]] = []
        self.by_token: dict[str, list[int]] = defaultdict(list)

    def duplicate(self, k: str) -> bool:
        if k in self.exact:
            return True
        tokens = frozenset(k.split())
        if len(tokens) < 4:
            return False
        rare = sorted(tokens, key=lambda t: (len(self.by_token.get(t, ())), t))[:3]
        others = {i for t in rare for i in self.by_token.get(t, ())}
        for i in others:
            other = self.sets[i]
            if len(tokens & other) / len(tokens | other) >= NEAR:
                return True
        return False

    def add(self, k: str) -> None:
        self.exact.add(k)
        tokens = frozenset(k.split())
        if len(tokens) >= 4:
            self.sets.append(tokens)
            for t in tokens:
                self.by_token[t].append(len(self.sets) - 1)


def labelled_rows(folder: Path) -> set[str]:
    out: set[str] = set()
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            out.update(r["row"] for r in csv.DictReader(f))
    return out


def choose(source: Path, count: int, labelled: set[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in ("labelled.csv", "unlabelled.csv"):
        with (source / name).open(encoding="utf-8", newline="") as f:
            rows.extend(csv.DictReader(f))
    seen = Seen()
    for r in rows:
        if r["row"] in labelled:
            seen.add(key(r["text"]))
    candidates = [
        r
        for r in rows
        if (r.get("date") or "")[:10] < sources.TEST_FROM
        and r["row"] not in labelled
        and has_words(key(r["text"]))
    ]
    m = model.bundled()
    docs = [(normalize(r["text"][:5000]), r["text"][:5000]) for r in candidates]
    probs = m.probabilities(docs, "intent")
    classes = m.heads["intent"].classes
    order = np.argsort(-probs, axis=1, kind="stable")
    # per ordered pair (most probable, runner-up): candidates, least margin first; ties by hash
    sides: dict[tuple[str, str], list[tuple[float, str, int]]] = defaultdict(list)
    for i, r in enumerate(candidates):
        a, b = int(order[i, 0]), int(order[i, 1])
        margin = float(probs[i, a] - probs[i, b])
        tie = hashlib.sha256(r["row"].encode()).hexdigest()
        sides[(classes[a], classes[b])].append((margin, tie, i))
    for queue in sides.values():
        queue.sort()
    chosen: list[int] = []

    def take(pairs: list[tuple[str, str]], quota: int) -> None:
        """Up to `quota` comments, in turns from each side in `pairs`, least margin first."""
        queues = [sides.get(p, []) for p in pairs]
        got = 0
        while got < quota and any(queues):
            for q in queues:
                while q:
                    _, _, i = q.pop(0)
                    k = key(candidates[i]["text"])
                    if seen.duplicate(k):
                        continue
                    seen.add(k)
                    chosen.append(i)
                    got += 1
                    break
                if got >= quota:
                    break

    for (a, b), quota in QUOTAS.items():
        take([(a, b), (b, a)], min(quota, count - len(chosen)))
    others = sorted(p for p in sides if tuple(sorted(p)) not in QUOTAS)
    take(others, count - len(chosen))
    take(sorted(sides), count - len(chosen))  # anything left if the pools ran dry
    picked = [candidates[i] for i in chosen]
    # the two batches mix every stratum: order by hash of the row id
    picked.sort(key=lambda r: hashlib.sha256(f"al:{r['row']}".encode()).hexdigest())
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1800)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rows = choose(args.source, args.count, labelled_rows(REAL))
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
