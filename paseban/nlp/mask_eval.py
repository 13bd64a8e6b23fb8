"""How well `mask_public` hides names and house-level addresses, on the labelled sets in
`corpus/pii/` (dev: for building the masker; test: held out, measured and never tuned on).

A labelled span counts as caught only when every letter and digit of it is masked: "Siti
[NAMA]" leaks a name as surely as "Siti Rohmah". A masked stretch that touches no labelled span
of its kind is a false mask; a message without any label that loses words is a false alarm."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources

from paseban.nlp.mask import ADDRESS, NAME, personal_spans

KINDS = {"name": NAME, "address": ADDRESS}


@dataclass(frozen=True)
class Labelled:
    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end, name | address)


@dataclass
class KindScore:
    labelled: int = 0
    caught: int = 0
    predicted: int = 0
    false_masks: int = 0
    missed: list[str] = field(default_factory=list)  # ids, for the developer on the dev set

    @property
    def recall(self) -> float:
        return self.caught / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return 1 - self.false_masks / self.predicted if self.predicted else 1.0


@dataclass
class MaskScore:
    messages: int
    negatives: int
    negatives_masked: int
    kinds: dict[str, KindScore]


def load(split: str) -> list[Labelled]:
    """`dev` or `test` from paseban/nlp/corpus/pii/."""
    path = resources.files("paseban.nlp").joinpath("corpus", "pii", f"{split}.jsonl")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        spans = tuple((s["start"], s["end"], s["kind"]) for s in raw["spans"])
        rows.append(Labelled(raw["id"], raw["text"], spans))
    return rows


Finder = Callable[[str], list[tuple[int, int, str]]]


def score(rows: Iterable[Labelled], finder: Finder = personal_spans) -> MaskScore:
    kinds = {kind: KindScore() for kind in KINDS}
    messages = negatives = negatives_masked = 0
    for row in rows:
        messages += 1
        found = finder(row.text)
        if not row.spans:
            negatives += 1
            negatives_masked += bool(found)
        for kind, tag in KINDS.items():
            result = kinds[kind]
            masks = [(a, b) for a, b, k in found if k == tag]
            gold = [(a, b) for a, b, k in row.spans if k == kind]
            for start, end in gold:
                result.labelled += 1
                letters = [i for i in range(start, end) if row.text[i].isalnum()]
                if all(any(a <= i < b for a, b in masks) for i in letters):
                    result.caught += 1
                else:
                    result.missed.append(row.id)
            result.predicted += len(masks)
            result.false_masks += sum(
                1 for a, b in masks if not any(a < gb and ga < b for ga, gb in gold)
            )
    return MaskScore(messages, negatives, negatives_masked, kinds)


def render(split: str, result: MaskScore) -> str:
    lines = [
        f"## Penyamaran nama dan alamat ({split}: {result.messages} pesan, "
        f"{result.negatives} tanpa data pribadi)",
        "",
        "| jenis | label | tertutup penuh | recall | disamarkan | salah samar | presisi |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, k in result.kinds.items():
        lines.append(
            f"| {kind} | {k.labelled} | {k.caught} | {k.recall:.3f} | {k.predicted} | "
            f"{k.false_masks} | {k.precision:.3f} |"
        )
    lines += [
        "",
        f"Pesan tanpa data pribadi yang tetap disamarkan: {result.negatives_masked} dari "
        f"{result.negatives}.",
    ]
    return "\n".join(lines) + "\n"
