"""Real sets that nobody on the project wrote, for evaluation only (`../shared/eval`, read when
present, never used for training, tuning or design), and the places check: the false place rate
on real text from other cities (every set in ../shared/eval and ../shared/train) and the
messages written to name only a street or a landmark."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paseban.nlp import labelled
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.evaluate import (
    CITY_ACCOUNT,
    COARSE_TOPIC,
    NONE,
    TOPIC_INTENTS,
    _target,
    classification,
)

# --- (c) real data from ../shared/eval (evaluation only) ------------------------------------------


def _csv_rows(path: Path, *, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    text = path.read_text(encoding=encoding, errors="replace")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def _tsv_pairs(path: Path) -> list[tuple[str, str]]:
    return [
        (text, label)
        for text, label in (
            line.rsplit("\t", 1)
            for line in path.read_text(encoding="utf-8").splitlines()
            if "\t" in line
        )
    ]


def real_data(analyzer: Analyzer, root: Path) -> list[tuple[str, str, float, str]]:
    """(dataset, measure, value, target) for each real dataset that is present."""
    out: list[tuple[str, str, float, str]] = []

    def analyse(texts: Sequence[str]) -> list[Any]:
        return analyzer.analyze_batch([(t, None) for t in texts])

    path = root / "purbalingga-aduan" / "dataset_cleaned.csv"
    if path.is_file():
        rows = {r["text"]: r["kategori"] for r in _csv_rows(path) if r.get("text")}
        texts = list(rows)
        analyses = analyse(texts)
        coarse = [
            COARSE_TOPIC.get(a.topic.label or "", NONE) if a.intent.label in TOPIC_INTENTS else NONE
            for a in analyses
        ]
        report = classification([rows[t] for t in texts], coarse)
        name = f"Purbalingga, portal aduan ({len(texts)})"
        aduan = _share([a.intent.label == "aduan" for a in analyses])
        out += [
            (name, "dibaca aduan", aduan, _target(aduan, "purbalingga_aduan")),
            (
                name,
                "dibaca aduan, pertanyaan atau aspirasi",
                _share([a.intent.label in TOPIC_INTENTS for a in analyses]),
                "",
            ),
            (
                name,
                "topik kasar tepat, seperti dikeluarkan (tanpa topik = salah)",
                report.accuracy,
                _target(report.accuracy, "purbalingga_coarse_topic"),
            ),
            (name, "topik kasar macro-F1", report.macro_f1, ""),
        ]
        # per category: the issue names the weak ones (social aid, schools, public order,
        # services); the share of each category's complaints emitted with its topic
        out += [
            (name, f"topik kasar tepat: {cat} ({report.support[cat]})", report.recall[cat], "")
            for cat in report.labels
            if cat != NONE and report.support.get(cat)
        ]
    path = root / "purbalingga-aduan" / "dataset_aduan.csv"
    if path.is_file():
        rows_list = [r for r in _csv_rows(path) if r.get("text")]
        analyses = analyse([r["text"] for r in rows_list])
        report = classification(
            ["aduan" if r["label"].strip() == "Aduan" else "lainnya" for r in rows_list],
            ["aduan" if a.intent.label == "aduan" else "lainnya" for a in analyses],
            ["aduan", "lainnya"],
        )
        name = f"Purbalingga, twit ({len(rows_list)}, label lemah)"
        out += [
            (name, "presisi aduan", report.precision["aduan"], ""),
            (name, "recall aduan", report.recall["aduan"], ""),
            (
                name,
                "F1 aduan",
                report.f1["aduan"],
                _target(report.f1["aduan"], "tweets_complaint_f1"),
            ),
        ]
    path = root / "petabencana-jkt-flood-2017" / "reports.csv"
    if path.is_file():
        texts = [r["text"] for r in _csv_rows(path) if (r.get("text") or "").strip()]
        analyses = analyse(texts)
        name = f"PetaBencana, laporan banjir Jakarta ({len(texts)})"
        aduan = _share([a.intent.label == "aduan" for a in analyses])
        out += [
            (name, "dibaca aduan", aduan, _target(aduan, "flood_aduan")),
            (
                name,
                "topik banjir_longsor atau drainase, seperti dikeluarkan",
                _share(
                    [
                        a.intent.label in TOPIC_INTENTS
                        and a.topic.label in ("banjir_longsor", "drainase")
                        for a in analyses
                    ]
                ),
                "",
            ),
        ]
    path = root / "id-multilabel-hatespeech" / "re_dataset.csv"
    if path.is_file():
        rows_list = [r for r in _csv_rows(path, encoding="latin-1") if r.get("Tweet")]
        analyses = analyse([r["Tweet"] for r in rows_list])
        gold = ["kasar" if r["Abusive"].strip() == "1" else "lainnya" for r in rows_list]
        report = classification(
            gold, ["kasar" if a.intent.label == "kasar" else "lainnya" for a in analyses]
        )
        name = f"Twit kasar (Ibrohim & Budi, {len(rows_list)})"
        p, r = report.precision["kasar"], report.recall["kasar"]
        out += [
            (name, "presisi kasar", p, _target(p, "kasar_precision")),
            (name, "recall kasar", r, _target(r, "kasar_recall")),
            (name, "dibaca spam (salah)", _share([a.intent.label == "spam" for a in analyses]), ""),
        ]
    for name, folder, filename, has_header in (
        ("SmSA valid", "smsa", "valid_preprocess.tsv", False),
        ("NusaX test", "nusax-senti-id", "test.csv", True),
    ):
        path = root / folder / filename
        if not path.is_file():
            continue
        pairs = (
            [(r["text"], r["label"]) for r in _csv_rows(path)] if has_header else _tsv_pairs(path)
        )
        analyses = analyse([t for t, _ in pairs])
        labelled_as = [label for _, label in pairs]
        negative = [a for a, lab in zip(analyses, labelled_as, strict=True) if lab == "negative"]
        positive = [a for a, lab in zip(analyses, labelled_as, strict=True) if lab == "positive"]
        title = f"{name} ({len(pairs)}, ulasan dan opini)"
        out += [
            (
                title,
                "negatif dibaca aduan atau kasar",
                _share([a.intent.label in ("aduan", "kasar") for a in negative]),
                "",
            ),
            (
                title,
                "positif dibaca aduan atau kasar (salah)",
                _share([a.intent.label in ("aduan", "kasar") for a in positive]),
                "",
            ),
        ]
    return out


def render_real_data(rows: Sequence[tuple[str, str, float, str]]) -> str:
    lines = ["| data | ukuran | hasil | target |", "| --- | --- | ---: | ---: |"]
    last = ""
    for name, measure, value, target in rows:
        lines.append(f"| {name if name != last else ''} | {measure} | {value:.3f} | {target} |")
        last = name
    return "\n".join(lines) + "\n"


# --- places ---------------------------------------------------------------------------------------


def non_bogor_texts(eval_root: Path, train_root: Path) -> list[tuple[str, list[str]]]:
    """Every text of every real set (none is about Kota Bogor), per set."""
    sets: list[tuple[str, list[str]]] = []

    def add(name: str, path: Path, column: str, **kw: Any) -> None:
        if path.is_file():
            rows = _csv_rows(path, **kw)
            sets.append((name, [r[column] for r in rows if (r.get(column) or "").strip()]))

    add("purbalingga portal", eval_root / "purbalingga-aduan" / "dataset_cleaned.csv", "text")
    add("purbalingga twit", eval_root / "purbalingga-aduan" / "dataset_aduan.csv", "text")
    add("petabencana", eval_root / "petabencana-jkt-flood-2017" / "reports.csv", "text")
    add(
        "twit kasar",
        eval_root / "id-multilabel-hatespeech" / "re_dataset.csv",
        "Tweet",
        encoding="latin-1",
    )
    for split in ("valid", "test"):
        path = eval_root / "smsa" / f"{split}_preprocess.tsv"
        if path.is_file():
            sets.append((f"smsa {split}", [t for t, _ in _tsv_pairs(path)]))
    for split in ("train", "valid", "test"):
        add(f"nusax {split}", eval_root / "nusax-senti-id" / f"{split}.csv", "text")
    folder = train_root / "instagram-dinkes-semarang"
    texts: list[str] = []
    for name in ("labelled.csv", "unlabelled.csv"):
        if (folder / name).is_file():
            texts += [r["text"] for r in _csv_rows(folder / name) if (r.get("text") or "").strip()]
    if texts:
        sets.append(("instagram semarang (latih)", texts))
    add("sms (latih)", train_root / "sms-spam-id" / "sms.csv", "text")
    return sets


def false_places(
    analyzer: Analyzer, sets: Sequence[tuple[str, list[str]]]
) -> list[tuple[str, int, int]]:
    """(set, texts, texts given a place of ours from their words). A place from the text only:
    no receiving account, so no fallback."""
    out = []
    for name, texts in sets:
        found = 0
        for i in range(0, len(texts), 2000):
            for a in analyzer.analyze_batch([(t, None) for t in texts[i : i + 2000]]):
                found += a.place.source == "text" and bool(a.place.kelurahan or a.place.kecamatan)
        out.append((name, len(texts), found))
    return out


def render_false_places(rows: Sequence[tuple[str, int, int]]) -> str:
    lines = [
        "| data (bukan Kota Bogor) | teks | diberi tempat | laju |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, n, found in rows:
        lines.append(f"| {name} | {n} | {found} | {found / n if n else 0:.4f} |")
    total = sum(n for _, n, _ in rows)
    found = sum(f for _, _, f in rows)
    rate = found / total if total else 0.0
    lines.append(
        f"| **semua** | {total} | {found} | {rate:.4f} ({_target(rate, 'false_place', False)}) |"
    )
    return "\n".join(lines) + "\n"


def place_checks(analyzer: Analyzer) -> tuple[int, int]:
    """Messages that name only a street or a landmark (corpus/checks/places.jsonl, written for
    this check): (right kelurahan and kecamatan, total), as a message to a city account."""
    path = labelled.corpus_dir() / "checks" / "places.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    analyses = analyzer.analyze_batch([(r["text"], CITY_ACCOUNT) for r in rows])
    right = sum(
        (a.place.kelurahan, a.place.kecamatan) == (r["kelurahan"], r["kecamatan"])
        for a, r in zip(analyses, rows, strict=True)
    )
    return right, len(rows)
