"""The team's labelled corpus that ships in the repository (`paseban/nlp/corpus/*.jsonl`), and
the example type every training source is read into (sources.py adds real comments and SMS)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

TEST_SHARE = 20  # percent of groups held out


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    intent: str
    topic: str | None
    urgency: str
    kelurahan: str | None
    kecamatan: str | None
    group: str
    source: str = "hand"
    street: str | None = None
    landmark: str | None = None
    account_kelurahan: str | None = None
    date: str | None = None  # real messages: the day it was written (the test split is by date)
    # the file it comes from: a corpus file (whole files are held out in evaluation) or a real
    # comments' labels file (sources.INSTAGRAM, the random sample; sources.ACTIVE, chosen by
    # active learning: they always train, never validate)
    origin: str = ""


def corpus_dir() -> Path:
    return Path(str(resources.files("paseban.nlp").joinpath("corpus")))


def read(paths: Iterable[Path] | None = None) -> list[Example]:
    files = sorted(paths) if paths is not None else sorted(corpus_dir().glob("*.jsonl"))
    out: list[Example] = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                out.append(
                    Example(
                        id=r["id"],
                        text=r["text"],
                        intent=r["intent"],
                        topic=r.get("topic"),
                        urgency=r.get("urgency") or "normal",
                        kelurahan=r.get("kelurahan"),
                        kecamatan=r.get("kecamatan"),
                        group=r.get("group") or r["id"],
                        source=r.get("source", "hand"),
                        street=r.get("street"),
                        landmark=r.get("landmark"),
                        account_kelurahan=r.get("account_kelurahan"),
                        origin=path.stem,
                    )
                )
            except (KeyError, json.JSONDecodeError) as exc:
                raise ValueError(f"{path.name}:{number}: {exc}") from None
    return out


def in_test(group: str) -> bool:
    digest = hashlib.sha256(group.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < TEST_SHARE


def fingerprint(examples: Iterable[Example]) -> str:
    h = hashlib.sha256()
    for e in sorted(examples, key=lambda e: e.id):
        h.update(f"{e.id}\t{e.text}\t{e.intent}\t{e.topic}\t{e.urgency}\t{e.kelurahan}\n".encode())
    return h.hexdigest()[:12]
