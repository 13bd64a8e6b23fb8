"""Evaluation: per-class precision, recall, F1 and confusion matrices on the repository's
held-out split, and honest figures on real public datasets in ../shared/eval (read only when
present, never used for training or tuning)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from paseban.nlp.analyzer import Analyzer
from paseban.nlp.labelled import Example

# Our fine topics onto the six coarse categories of the Purbalingga portal (decided from the
# category names, before looking at any of its texts).
COARSE_TOPIC = {
    "jalan": "Infrastruktur",
    "drainase": "Infrastruktur",
    "pju": "Infrastruktur",
    "air_bersih": "Infrastruktur",
    "listrik": "Infrastruktur",
    "sampah": "Lingkungan",
    "lingkungan": "Lingkungan",
    "banjir_longsor": "Lingkungan",
    "pohon_taman": "Lingkungan",
    "kebakaran": "Lingkungan",
    "ketertiban": "Ketertiban",
    "keamanan": "Ketertiban",
    "lalu_lintas": "Ketertiban",
    "pendidikan": "Pendidikan",
    "sosial": "Sosial dan Ekonomi",
    "pasar": "Sosial dan Ekonomi",
    "pelayanan": "Pelayanan Publik",
    "adminduk": "Pelayanan Publik",
    "kesehatan": "Pelayanan Publik",
    "perizinan": "Pelayanan Publik",
    "lainnya": "Pelayanan Publik",
}


@dataclass
class ClassReport:
    labels: list[str]
    support: dict[str, int]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    confusion: dict[str, Counter[str]] = field(default_factory=dict)
    accuracy: float = 0.0

    @property
    def macro_f1(self) -> float:
        present = [label for label in self.labels if self.support.get(label)]
        return sum(self.f1[label] for label in present) / len(present) if present else 0.0

    def render(self, title: str) -> str:
        lines = [
            f"### {title}",
            "",
            f"n = {sum(self.support.values())}, accuracy {self.accuracy:.3f}, "
            f"macro-F1 {self.macro_f1:.3f}",
            "",
            "| kelas | n | presisi | recall | F1 |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for label in self.labels:
            lines.append(
                f"| {label} | {self.support.get(label, 0)} | {self.precision[label]:.3f} | "
                f"{self.recall[label]:.3f} | {self.f1[label]:.3f} |"
            )
        lines += [
            "",
            "Matriks kebingungan (baris = benar, kolom = tebakan):",
            "",
            "| | " + " | ".join(self.labels) + " |",
            "|---" * (len(self.labels) + 1) + "|",
        ]
        for gold in self.labels:
            row = self.confusion.get(gold, Counter())
            lines.append(
                f"| **{gold}** | " + " | ".join(str(row.get(p, 0)) for p in self.labels) + " |"
            )
        return "\n".join(lines) + "\n"


def classification(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None
) -> ClassReport:
    labels = list(labels) if labels else sorted(set(gold) | set(predicted))
    confusion: dict[str, Counter[str]] = {label: Counter() for label in labels}
    for g, p in zip(gold, predicted, strict=True):
        confusion.setdefault(g, Counter())[p] += 1
    support = {label: sum(confusion.get(label, Counter()).values()) for label in labels}
    precision, recall, f1 = {}, {}, {}
    for label in labels:
        tp = confusion.get(label, Counter()).get(label, 0)
        predicted_n = sum(row.get(label, 0) for row in confusion.values())
        precision[label] = tp / predicted_n if predicted_n else 0.0
        recall[label] = tp / support[label] if support[label] else 0.0
        pr = precision[label] + recall[label]
        f1[label] = 2 * precision[label] * recall[label] / pr if pr else 0.0
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return ClassReport(
        labels, support, precision, recall, f1, confusion, correct / len(gold) if gold else 0.0
    )


@dataclass
class Evaluation:
    intent: ClassReport
    complaint: ClassReport
    topic: ClassReport
    urgency: ClassReport
    kelurahan_accuracy: float
    kelurahan_n: int
    kecamatan_accuracy: float
    kecamatan_n: int
    place_false_alarms: float  # a place found in a message that names none

    def headline(self) -> dict[str, float]:
        return {
            "complaint_f1": round(self.complaint.f1["aduan"], 4),
            "intent_macro_f1": round(self.intent.macro_f1, 4),
            "topic_accuracy": round(self.topic.accuracy, 4),
            "urgency_macro_f1": round(self.urgency.macro_f1, 4),
            "kelurahan_accuracy": round(self.kelurahan_accuracy, 4),
            "kecamatan_accuracy": round(self.kecamatan_accuracy, 4),
        }

    def render(self) -> str:
        h = self.headline()
        parts = [
            "## Hasil pada data uji korpus (held-out)",
            "",
            f"- deteksi aduan (aduan vs lainnya) F1: **{h['complaint_f1']:.3f}** (target ≥ 0.95)",
            f"- niat (intent) macro-F1: **{h['intent_macro_f1']:.3f}** (target ≥ 0.90)",
            f"- akurasi topik: **{h['topic_accuracy']:.3f}** (target ≥ 0.90)",
            f"- urgensi macro-F1 (aduan): {h['urgency_macro_f1']:.3f}",
            f"- akurasi kelurahan bila teks menyebut kelurahan: **{h['kelurahan_accuracy']:.3f}** "
            f"(n = {self.kelurahan_n}, target ≥ 0.95)",
            f"- akurasi kecamatan bila teks menyebut tempat: {h['kecamatan_accuracy']:.3f} "
            f"(n = {self.kecamatan_n})",
            f"- tempat ditemukan padahal teks tidak menyebutnya: {self.place_false_alarms:.3f}",
            "",
            self.intent.render("Niat (intent)"),
            self.complaint.render("Aduan vs lainnya"),
            self.topic.render("Topik (pesan uji yang bertopik)"),
            self.urgency.render("Urgensi (aduan)"),
        ]
        return "\n".join(parts)


def evaluate(analyzer: Analyzer, examples: Sequence[Example]) -> Evaluation:
    analyses = analyzer.analyze_batch([(e.text, None) for e in examples])
    intent = classification([e.intent for e in examples], [a.intent.label or "" for a in analyses])
    complaint = classification(
        ["aduan" if e.intent == "aduan" else "lainnya" for e in examples],
        ["aduan" if a.intent.label == "aduan" else "lainnya" for a in analyses],
    )
    topical = [(e, a) for e, a in zip(examples, analyses, strict=True) if e.topic]
    topic_preds = analyzer.model.predict_many(
        [(a.normalized, e.text[:5000]) for e, a in topical], ("topic",)
    )
    topic = classification(
        [e.topic or "" for e, _ in topical],
        [p["topic"].label if p else "lainnya" for p in topic_preds],
    )
    complaints = [(e, a) for e, a in zip(examples, analyses, strict=True) if e.intent == "aduan"]
    urgency_preds = analyzer.model.predict_many(
        [(a.normalized, e.text[:5000]) for e, a in complaints], ("urgency",)
    )
    urgency = classification(
        [e.urgency for e, _ in complaints],
        [p["urgency"].label if p else "normal" for p in urgency_preds],
    )
    kel = [(e, a) for e, a in zip(examples, analyses, strict=True) if e.kelurahan]
    kec = [(e, a) for e, a in zip(examples, analyses, strict=True) if e.kecamatan]
    none = [
        (e, a)
        for e, a in zip(examples, analyses, strict=True)
        if not e.kecamatan and not e.kelurahan
    ]
    return Evaluation(
        intent=intent,
        complaint=complaint,
        topic=topic,
        urgency=urgency,
        kelurahan_accuracy=sum(a.place.kelurahan == e.kelurahan for e, a in kel) / len(kel)
        if kel
        else 0.0,
        kelurahan_n=len(kel),
        kecamatan_accuracy=sum(a.place.kecamatan == e.kecamatan for e, a in kec) / len(kec)
        if kec
        else 0.0,
        kecamatan_n=len(kec),
        place_false_alarms=sum(a.place.kecamatan is not None for _, a in none) / len(none)
        if none
        else 0.0,
    )


# --- real data from ../shared/eval (evaluation only) ----------------------------------------------


def _csv_rows(path: Path, *, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    text = path.read_text(encoding=encoding, errors="replace")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def real_data(
    analyzer: Analyzer, root: Path, log: Callable[[str], None]
) -> dict[str, dict[str, float]]:
    """Figures on each real dataset that is present. Returns them for the caller to print."""
    out: dict[str, dict[str, float]] = {}

    def intents(texts: Sequence[str]) -> list[str]:
        return [a.intent.label or "" for a in analyzer.analyze_batch([(t, None) for t in texts])]

    path = root / "purbalingga-aduan" / "dataset_cleaned.csv"
    if path.is_file():
        rows = {r["text"]: r["kategori"] for r in _csv_rows(path) if r.get("text")}
        texts = list(rows)
        analyses = analyzer.analyze_batch([(t, None) for t in texts])
        preds = analyzer.model.predict_many(
            [(a.normalized, t[:5000]) for a, t in zip(analyses, texts, strict=True)], ("topic",)
        )
        coarse = [
            COARSE_TOPIC.get(p["topic"].label, "Pelayanan Publik") if p else "Pelayanan Publik"
            for p in preds
        ]
        report = classification([rows[t] for t in texts], coarse)
        out["purbalingga_topics"] = {
            "n": len(texts),
            "complaint_recall": _share([a.intent.label == "aduan" for a in analyses]),
            "complaint_or_request_recall": _share(
                [a.intent.label in ("aduan", "aspirasi", "pertanyaan") for a in analyses]
            ),
            "coarse_topic_accuracy": report.accuracy,
            "coarse_topic_macro_f1": report.macro_f1,
            "spam_false_alarm": _share([a.intent.label == "spam" for a in analyses]),
        }
        log(report.render("Purbalingga: topik kasar (6 kategori)"))
    path = root / "purbalingga-aduan" / "dataset_aduan.csv"
    if path.is_file():
        rows_list = [r for r in _csv_rows(path) if r.get("text")]
        predicted = intents([r["text"] for r in rows_list])
        report = classification(
            ["aduan" if r["label"].strip() == "Aduan" else "lainnya" for r in rows_list],
            ["aduan" if p == "aduan" else "lainnya" for p in predicted],
        )
        out["purbalingga_tweets"] = {
            "n": len(rows_list),
            "complaint_precision": report.precision["aduan"],
            "complaint_recall": report.recall["aduan"],
            "complaint_f1": report.f1["aduan"],
        }
    path = root / "petabencana-jkt-flood-2017" / "reports.csv"
    if path.is_file():
        texts = [r["text"] for r in _csv_rows(path) if (r.get("text") or "").strip()]
        analyses = analyzer.analyze_batch([(t, None) for t in texts])
        preds = analyzer.model.predict_many(
            [(a.normalized, t[:5000]) for a, t in zip(analyses, texts, strict=True)], ("topic",)
        )
        out["petabencana_flood"] = {
            "n": len(texts),
            "complaint_recall": _share([a.intent.label == "aduan" for a in analyses]),
            "flood_or_drainage_topic_recall": _share(
                [
                    p is not None and p["topic"].label in ("banjir_longsor", "drainase")
                    for p in preds
                ]
            ),
            "spam_false_alarm": _share([a.intent.label == "spam" for a in analyses]),
        }
    path = root / "id-multilabel-hatespeech" / "re_dataset.csv"
    if path.is_file():
        rows_list = [r for r in _csv_rows(path, encoding="latin-1") if r.get("Tweet")]
        predicted = intents([r["Tweet"] for r in rows_list])
        gold = ["kasar" if r["Abusive"].strip() == "1" else "lainnya" for r in rows_list]
        report = classification(gold, ["kasar" if p == "kasar" else "lainnya" for p in predicted])
        out["hatespeech_abusive"] = {
            "n": len(rows_list),
            "kasar_precision": report.precision["kasar"],
            "kasar_recall": report.recall["kasar"],
            "kasar_f1": report.f1["kasar"],
            "spam_false_alarm": _share([p == "spam" for p in predicted]),
        }
    for name, folder, filename, has_header in (
        ("smsa_valid", "smsa", "valid_preprocess.tsv", False),
        ("nusax_test", "nusax-senti-id", "test.csv", True),
    ):
        path = root / folder / filename
        if not path.is_file():
            continue
        if has_header:
            pairs = [(r["text"], r["label"]) for r in _csv_rows(path)]
        else:
            pairs = [
                (text, label)
                for text, label in (
                    line.rsplit("\t", 1)
                    for line in path.read_text(encoding="utf-8").splitlines()
                    if "\t" in line
                )
            ]
        predicted = intents([t for t, _ in pairs])
        negative = [
            p for p, (_, label) in zip(predicted, pairs, strict=True) if label == "negative"
        ]
        positive = [
            p for p, (_, label) in zip(predicted, pairs, strict=True) if label == "positive"
        ]
        out[name] = {
            "n": len(pairs),
            "negative_read_as_aduan_or_kasar": _share([p in ("aduan", "kasar") for p in negative]),
            "positive_read_as_apresiasi": _share([p == "apresiasi" for p in positive]),
            "positive_read_as_aduan_or_kasar": _share([p in ("aduan", "kasar") for p in positive]),
            "spam_false_alarm": _share([p == "spam" for p in predicted]),
        }
    return out
