"""Honest evaluation (`paseban model evaluate`), always of what the product emits: the analyzer
end to end, so a complaint read as praise has no topic and no urgency, and that is a miss.

(a) the held-out real comments (dated sources.TEST_FROM or later; no training or tuning reads
    them); (b) the team's corpus with whole sources held out: each hand-written file in turn,
    the generator as a whole, the model refitted without it; (c) every real set in
    ../shared/eval (read only when present, never used for training or tuning), and the false
    place rate on real text from other cities (every set in ../shared/eval and ../shared/train)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from paseban import reference
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.labelled import Example
from paseban.nlp.model import TextModel
from paseban.nlp.place import Gazetteer

TOPIC_INTENTS = ("aduan", "pertanyaan", "aspirasi")
NONE = "—"  # what the product emits when it gives no topic or urgency
CITY_ACCOUNT = "32.71"  # evaluated as a message to an account of the city (no fallback place)

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

TARGETS = {
    "real_complaint_f1": 0.85,
    "real_intent_macro_f1": 0.75,
    "purbalingga_aduan": 0.85,
    "purbalingga_coarse_topic": 0.70,
    "tweets_complaint_f1": 0.70,
    "flood_aduan": 0.85,
    "kasar_recall": 0.60,
    "kasar_precision": 0.75,
    "false_place": 0.005,
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
            f"n = {sum(self.support.values())}, akurasi {self.accuracy:.3f}, "
            f"macro-F1 {self.macro_f1:.3f}",
            "",
            "| kelas | n | presisi | recall | F1 |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for label in self.labels:
            if not self.support.get(label) and label == NONE:
                continue
            lines.append(
                f"| {label} | {self.support.get(label, 0)} | {self.precision[label]:.3f} | "
                f"{self.recall[label]:.3f} | {self.f1[label]:.3f} |"
            )
        lines += [
            "",
            "Matriks kebingungan (baris = benar, kolom = keluaran produk):",
            "",
            "| | " + " | ".join(self.labels) + " |",
            "|---" * (len(self.labels) + 1) + "|",
        ]
        for gold in self.labels:
            row = self.confusion.get(gold, Counter())
            if not sum(row.values()):
                continue
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


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    data = reference.bundled("32.71")
    return Gazetteer(data.wilayah, data.landmarks)


def analyzer_for(m: TextModel) -> Analyzer:
    """The product's analyzer (Kota Bogor's reference data) around a model."""
    return Analyzer(_gazetteer(), m)


# --- what the product emits -------------------------------------------------------------------


@dataclass
class Evaluation:
    n: int
    intent: ClassReport
    complaint: ClassReport
    topic: ClassReport  # gold topical messages; no topic emitted counts as a miss
    urgency: ClassReport  # gold complaints; no urgency emitted (not read as aduan) is a miss
    kelurahan_accuracy: float | None = None
    kelurahan_n: int = 0

    @property
    def complaint_f1(self) -> float:
        return self.complaint.f1.get("aduan", 0.0)

    def headline(self) -> dict[str, float]:
        out = {
            "n": float(self.n),
            "complaint_f1": round(self.complaint_f1, 4),
            "intent_macro_f1": round(self.intent.macro_f1, 4),
            "topic_accuracy_emitted": round(self.topic.accuracy, 4),
            "urgency_macro_f1_emitted": round(self.urgency.macro_f1, 4),
        }
        if self.kelurahan_accuracy is not None:
            out["kelurahan_accuracy"] = round(self.kelurahan_accuracy, 4)
        return out


def emitted(
    analyzer: Analyzer, examples: Sequence[Example], *, account: str | None = CITY_ACCOUNT
) -> Evaluation:
    """Intent, topic and urgency as `paseban analyze` emits them, against the labels."""
    analyses = analyzer.analyze_batch([(e.text, account) for e in examples])
    intents = [a.intent.label or "" for a in analyses]
    topics = [
        (a.topic.label or NONE) if a.intent.label in TOPIC_INTENTS else NONE for a in analyses
    ]
    urgencies = [a.urgency.label or NONE if a.intent.label == "aduan" else NONE for a in analyses]
    intent = classification([e.intent for e in examples], intents)
    complaint = classification(
        ["aduan" if e.intent == "aduan" else "lainnya" for e in examples],
        ["aduan" if p == "aduan" else "lainnya" for p in intents],
        ["aduan", "lainnya"],
    )
    topical = [i for i, e in enumerate(examples) if e.topic]
    topic = classification([examples[i].topic or "" for i in topical], [topics[i] for i in topical])
    aduan = [i for i, e in enumerate(examples) if e.intent == "aduan"]
    urgency = classification([examples[i].urgency for i in aduan], [urgencies[i] for i in aduan])
    placed = [i for i, e in enumerate(examples) if e.kelurahan]
    return Evaluation(
        n=len(examples),
        intent=intent,
        complaint=complaint,
        topic=topic,
        urgency=urgency,
        kelurahan_accuracy=(
            sum(analyses[i].place.kelurahan == examples[i].kelurahan for i in placed) / len(placed)
            if placed
            else None
        ),
        kelurahan_n=len(placed),
    )


def _target(value: float, key: str, at_least: bool = True) -> str:
    goal = TARGETS[key]
    ok = value >= goal if at_least else value <= goal
    sign = "≥" if at_least else "≤"
    shown = f"{goal:.2f}" if goal >= 0.01 else f"{goal * 100:.1f} %"
    return f"{sign} {shown} {'✓' if ok else '✗'}"


def macro_f1_common(report: ClassReport, at_least: int = 10) -> float:
    """Macro-F1 over the classes with at least `at_least` test messages (a class seen once in
    the test part swings the plain macro-F1 by a seventh)."""
    common = [label for label in report.labels if report.support.get(label, 0) >= at_least]
    return sum(report.f1[label] for label in common) / len(common) if common else 0.0


def render_real(result: Evaluation, title: str) -> str:
    """Section (a): the held-out real comments."""
    h = result.headline()
    lines = [
        f"## {title}",
        "",
        "| ukuran (keluaran produk) | hasil | target |",
        "| --- | ---: | ---: |",
        f"| deteksi aduan F1 (aduan vs lainnya) | {h['complaint_f1']:.3f} | "
        f"{_target(h['complaint_f1'], 'real_complaint_f1')} |",
        f"| niat macro-F1 (kelas yang ada) | {h['intent_macro_f1']:.3f} | "
        f"{_target(h['intent_macro_f1'], 'real_intent_macro_f1')} |",
        f"| niat macro-F1, kelas dengan ≥ 10 pesan uji | {macro_f1_common(result.intent):.3f} | |",
        f"| niat akurasi | {result.intent.accuracy:.3f} | |",
        f"| topik tepat (pesan bertopik; tanpa topik = salah) | "
        f"{h['topic_accuracy_emitted']:.3f} | |",
        f"| urgensi macro-F1 (aduan; bukan aduan = salah) | "
        f"{h['urgency_macro_f1_emitted']:.3f} | |",
        "",
        result.intent.render(f"Niat (n = {result.n})"),
    ]
    return "\n".join(lines)


# --- the whole report -----------------------------------------------------------------------------


def render_card(meta: dict[str, Any]) -> str:
    """The training sources of a model, with row counts and licences (the model card)."""
    lines = ["| sumber latih | baris | lisensi |", "| --- | ---: | --- |"]
    for row in meta.get("sources") or []:
        lines.append(f"| {row['source']} | {row['rows']} | {row['licence']} |")
    for note in meta.get("left_out") or []:
        lines.append(f"| tidak diikutkan: {note} | | |")
    return "\n".join(lines) + "\n"
