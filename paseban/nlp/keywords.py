"""A transparent keyword scorer: the first analysis, and the explanation beside the models."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from paseban.nlp.pipeline import Decision


@dataclass(frozen=True)
class Lexicon:
    # kind -> label -> [(phrase, weight)]
    entries: dict[str, dict[str, list[tuple[str, float]]]]

    def score(self, kind: str, normalized: str) -> dict[str, tuple[float, list[str]]]:
        padded = f" {normalized} "
        out: dict[str, tuple[float, list[str]]] = {}
        for label, phrases in self.entries.get(kind, {}).items():
            total = 0.0
            hits: list[str] = []
            for phrase, weight in phrases:
                needle = phrase if phrase == "?" else f" {phrase} "
                if needle in padded:
                    total += weight
                    hits.append(phrase)
            if total:
                out[label] = (total, hits)
        return out

    def decide(self, kind: str, normalized: str, *, default: str | None) -> Decision:
        scores = self.score(kind, normalized)
        if not scores:
            return Decision(default, 0.3 if default else 0.0, "tidak ada kata kunci")
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[0]))
        label, (top, hits) = ranked[0]
        runner = ranked[1][1][0] if len(ranked) > 1 else 0.0
        confidence = min(0.95, 0.5 + 0.1 * top - 0.1 * runner)
        words = ", ".join(f"'{h}'" for h in hits[:4])
        return Decision(label, round(max(confidence, 0.35), 2), f"kata kunci: {words}")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    entries: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(lambda: defaultdict(list))
    path = resources.files("paseban.nlp.lexicons").joinpath("keywords.csv")
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            entries[row["kind"]][row["label"]].append((row["keyword"], float(row["weight"])))
    return Lexicon({k: dict(v) for k, v in entries.items()})
