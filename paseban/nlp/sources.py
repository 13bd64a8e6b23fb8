"""Where the training data comes from, and which part of it is never trained on.

- **Real comments** (`instagram-dinkes-semarang`): Instagram comments on a city health office's
  posts, labelled by the team for intent, topic and urgency by docs/labelling.md. The labels
  live in the repository keyed by row id (`corpus/real/instagram-dinkes-semarang.csv`, a
  random sample; `...active.csv`, comments chosen by active learning where the model was least
  sure, all dated before `TEST_FROM`); the texts stay in `../shared/train/` and are joined at
  training time. Comments dated `TEST_FROM` or later are the held-out test part: no training
  and no tuning ever reads them, and no selection touches them (an actively chosen label dated
  there is left out). Hyper-parameters are chosen on a validation slice of the earlier part of
  the random sample (the actively chosen comments are harder than what arrives: they always
  train).
- **SMS** (`sms-spam-id`): fraud and promotions are `spam`. Normal SMS are people writing to
  each other (friends, students and lecturers), which the guidelines call `informasi` when it
  appears under a post (chatter, replies and questions to other people, not to the office); they
  teach the spam head that numbers, prices, PINs and operator notices are not spam by themselves.
- **The team's corpus** (`corpus/*.jsonl`): hand-written Bogor messages (places, city topics,
  kelurahan services, urgent cases, abuse, spam) and the trimmed generator output.
- **Corrections** made in the review queue (from the database, passed in by the caller).

When `../shared/train/` is absent, training says what it left out and trains on the rest."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from paseban.nlp import labelled
from paseban.nlp.labelled import Example

TEST_FROM = "2021-09-01"  # real comments dated this day or later: held-out test part
VALIDATION_SHARE = 25  # percent of the earlier real comments used to choose hyper-parameters
INSTAGRAM = "instagram-dinkes-semarang"
SMS = "sms-spam-id"
TOPIC_INTENTS = ("aduan", "pertanyaan", "aspirasi")

LICENCES = {
    INSTAGRAM: "Apache-2.0 (github.com/yasirabd/sentiment-dkk-semarang); label: tim Paseban",
    SMS: "CC BY-SA 4.0 (Rahmi, F. dan Wibisono, Y. 2016, Aplikasi SMS Spam Filtering pada "
    "Android menggunakan Naive Bayes)",
    "hand": "MIT (ditulis tim Paseban)",
    "generated": "MIT (scripts/corpus/generate.py)",
    "correction": "koreksi petugas di antrean tinjauan",
}


def default_train_dir() -> Path:
    """`../shared/train` seen from the working directory (the checkout)."""
    return Path("..") / "shared" / "train"


# `Example.origin` of the real comments: the labels file each comes from, the random sample or
# the comments chosen by active learning (scripts/corpus/select_active.py)
ACTIVE = f"{INSTAGRAM}.active"


def real_labels_path() -> Path:
    return Path(str(resources.files("paseban.nlp").joinpath("corpus", "real", f"{INSTAGRAM}.csv")))


def active_labels_path(main: Path | None = None) -> Path:
    """The active-learning labels next to the random sample's (`<sample>.active.csv`)."""
    return (main or real_labels_path()).with_suffix(".active.csv")


@dataclass(frozen=True)
class Label:
    row: str
    intent: str
    topic: str | None
    urgency: str | None


def read_labels(path: Path) -> list[Label]:
    """`row,intent,topic,urgency` (topic for aduan/pertanyaan/aspirasi, urgency for aduan)."""
    out: list[Label] = []
    with path.open(encoding="utf-8", newline="") as f:
        for number, row in enumerate(csv.DictReader(f), start=2):
            intent = (row.get("intent") or "").strip()
            if not row.get("row") or not intent:
                raise ValueError(f"{path.name}:{number}: baris tanpa row atau intent")
            topic = (row.get("topic") or "").strip() or None
            urgency = (row.get("urgency") or "").strip() or None
            out.append(
                Label(
                    row["row"].strip(),
                    intent,
                    topic if intent in TOPIC_INTENTS else None,
                    urgency if intent == "aduan" else None,
                )
            )
    return out


def in_validation(row: str) -> bool:
    digest = hashlib.sha256(f"val:{row}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < VALIDATION_SHARE


@dataclass
class Sources:
    corpus: list[Example]  # the team's corpus (hand-written and generated)
    real_train: list[Example]  # labelled comments dated before TEST_FROM
    real_test: list[Example]  # labelled comments dated TEST_FROM or later: evaluation only
    sms: list[Example]
    corrections: list[Example] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left out, and why
    labels_total: int = 0  # comments in the labels files (with or without their text)

    @property
    def real_validation(self) -> list[Example]:
        """The validation slice: part of the random sample (never an actively chosen comment)."""
        return [e for e in self.real_train if e.origin != ACTIVE and in_validation(e.group)]

    def training(self) -> list[Example]:
        """Everything the shipped model learns from (never the real test part)."""
        return [*self.corpus, *self.real_train, *self.sms, *self.corrections]

    def card(self) -> list[dict[str, object]]:
        """The model card's list of training sources: name, rows, licence."""
        by_source = Counter(e.source for e in self.corpus)
        rows: list[dict[str, object]] = [
            {
                "source": f"korpus tim: {kind}",
                "rows": by_source[kind],
                "licence": LICENCES[kind],
            }
            for kind in ("hand", "generated")
            if by_source[kind]
        ]
        if self.real_train or self.real_test:
            active = sum(e.origin == ACTIVE for e in self.real_train)
            chosen = f"; {active} dipilih pembelajaran aktif" if active else ""
            rows.append(
                {
                    "source": f"{INSTAGRAM} (komentar nyata, sebelum {TEST_FROM}{chosen})",
                    "rows": len(self.real_train),
                    "licence": LICENCES[INSTAGRAM],
                    "held_out_test_rows": len(self.real_test),
                    "active_learning_rows": active,
                }
            )
        if self.sms:
            spam = sum(e.intent == "spam" for e in self.sms)
            rows.append(
                {
                    "source": f"{SMS} (SMS nyata: {spam} spam, {len(self.sms) - spam} normal)",
                    "rows": len(self.sms),
                    "licence": LICENCES[SMS],
                }
            )
        if self.corrections:
            rows.append(
                {
                    "source": "koreksi manusia",
                    "rows": len(self.corrections),
                    "licence": LICENCES["correction"],
                }
            )
        return rows


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        return list(csv.DictReader(f))


def instagram(
    train_dir: Path, labels: Sequence[Label], active: Sequence[Label] = ()
) -> tuple[list[Example], list[Example], list[str]]:
    """Labelled comments joined with their texts: (before TEST_FROM, from TEST_FROM, notes).
    `active`: labels of comments chosen by active learning; they only ever train (one dated
    TEST_FROM or later is left out: the test part stays a plain date split)."""
    folder = train_dir / INSTAGRAM
    files = [folder / "labelled.csv", folder / "unlabelled.csv"]
    if not all(p.is_file() for p in files):
        return (
            [],
            [],
            [
                f"{len({x.row for x in [*labels, *active]})} komentar berlabel tidak diikutkan: "
                f"teksnya tidak "
                f"ada di {folder}"
            ],
        )
    texts: dict[str, tuple[str, str]] = {}
    for path in files:
        for r in _rows(path):
            texts[r["row"]] = (r.get("text") or "", (r.get("date") or "")[:10])
    before: list[Example] = []
    after: list[Example] = []
    missing = late = 0
    seen = {label.row for label in labels}
    tagged = [(label, INSTAGRAM) for label in labels]
    tagged += [(label, ACTIVE) for label in active if label.row not in seen]
    for label, origin in tagged:
        found = texts.get(label.row)
        if found is None or not found[0].strip():
            missing += 1
            continue
        text, date = found
        if origin == ACTIVE and date >= TEST_FROM:
            late += 1
            continue
        example = Example(
            id=f"ig-{label.row}",
            text=text,
            intent=label.intent,
            topic=label.topic,
            urgency=label.urgency or "normal",
            kelurahan=None,
            kecamatan=None,
            group=label.row,
            source=INSTAGRAM,
            date=date,
            origin=origin,
        )
        (after if date >= TEST_FROM else before).append(example)
    notes = [f"{missing} label tanpa teks di {folder} tidak diikutkan"] if missing else []
    if late:
        notes.append(f"{late} label pilihan aktif bertanggal ≥ {TEST_FROM} tidak diikutkan")
    return before, after, notes


def sms(train_dir: Path) -> tuple[list[Example], list[str]]:
    path = train_dir / SMS / "sms.csv"
    if not path.is_file():
        return [], [f"SMS tidak diikutkan: {path} tidak ada"]
    out = []
    for r in _rows(path):
        text = (r.get("text") or "").strip()
        label = (r.get("label") or "").strip()
        if not text or label not in ("normal", "penipuan", "promo"):
            continue
        out.append(
            Example(
                id=f"sms-{r['row']}",
                text=text,
                intent="informasi" if label == "normal" else "spam",
                topic=None,
                urgency="normal",
                kelurahan=None,
                kecamatan=None,
                group=f"sms-{r['row']}",
                source=SMS,
            )
        )
    return out, []


def gather(
    train_dir: Path | None = None,
    *,
    corpus_paths: Iterable[Path] | None = None,
    labels_path: Path | None = None,
    corrections: Sequence[Example] = (),
) -> Sources:
    """Every source, split as described above. Missing real data is noted, not fatal."""
    train_dir = train_dir if train_dir is not None else default_train_dir()
    corpus = labelled.read(corpus_paths)
    labels_path = labels_path if labels_path is not None else real_labels_path()
    notes: list[str] = []
    labels = read_labels(labels_path) if labels_path.is_file() else []
    active_path = active_labels_path(labels_path)
    active = read_labels(active_path) if active_path.is_file() else []
    if not labels:
        notes.append(f"belum ada label komentar nyata ({labels_path.name})")
    real_train, real_test, more = (
        instagram(train_dir, labels, active) if labels or active else ([], [], [])
    )
    notes += more
    messages, more = sms(train_dir)
    notes += more
    corrections = [replace(e, source="correction") for e in corrections]
    return Sources(
        corpus=corpus,
        real_train=real_train,
        real_test=real_test,
        sms=messages,
        corrections=list(corrections),
        notes=notes,
        labels_total=len({x.row for x in [*labels, *active]}),
    )
