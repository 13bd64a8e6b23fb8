"""Everything `paseban model evaluate` prints: the model card, the labellers' agreement, (a) the
held-out real comments, (b) the team's corpus with whole sources held out (the model refitted
without each), (c) the real sets of ../shared/eval, and the places check."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paseban.nlp import sources as source_data
from paseban.nlp import train
from paseban.nlp.evaluate import (
    Evaluation,
    analyzer_for,
    classification,
    emitted,
    render_card,
    render_real,
)
from paseban.nlp.model import TextModel
from paseban.nlp.realsets import (
    false_places,
    non_bogor_texts,
    place_checks,
    real_data,
    render_false_places,
    render_real_data,
)
from paseban.progress import Progress, counted, quiet

# --- (b) whole sources held out -----------------------------------------------------------------


@dataclass
class SourceRow:
    source: str
    n: int
    evaluation: Evaluation


def by_source(
    sources: Any,
    settings: Any,
    *,
    log: Callable[[str], None] = lambda s: None,
    progress: Progress = quiet,
) -> list[SourceRow]:
    """Each hand-written file of the team's corpus in turn, and the generator as a whole: the
    model is refitted on everything else (real comments, SMS, the other files) and measured on
    the source it never saw."""
    docs = train.Docs()
    rest = [*sources.real_train, *sources.sms]
    origins = sorted({e.origin or e.source for e in sources.corpus})
    rows: list[SourceRow] = []
    for origin in counted(progress, "melatih ulang tanpa tiap sumber", origins):
        held = [e for e in sources.corpus if (e.origin or e.source) == origin]
        kept = [e for e in sources.corpus if (e.origin or e.source) != origin]
        m = train.fit([*kept, *rest], settings, docs=docs)
        result = emitted(analyzer_for(m), held)
        log(f"  {origin}: n {len(held)}, aduan F1 {result.complaint_f1:.3f}")
        rows.append(SourceRow(origin, len(held), result))
    return rows


def render_sources(rows: Sequence[SourceRow]) -> str:
    lines = [
        "| sumber ditahan | n | aduan F1 | niat akurasi | niat macro-F1 | topik tepat | "
        "kelurahan tepat |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        e = row.evaluation
        kel = f"{e.kelurahan_accuracy:.3f}" if e.kelurahan_accuracy is not None else "—"
        f1 = f"{e.complaint_f1:.3f}" if e.complaint.support.get("aduan") else "—"
        topic = f"{e.topic.accuracy:.3f}" if sum(e.topic.support.values()) else "—"
        lines.append(
            f"| {row.source} | {row.n} | {f1} | {e.intent.accuracy:.3f} | "
            f"{e.intent.macro_f1:.3f} | {topic} | {kel} |"
        )
    return "\n".join(lines) + "\n"


def pooled(rows: Sequence[SourceRow]) -> dict[str, float]:
    """All held-out sources together (each message measured by the model that never saw its
    file)."""
    gold: list[str] = []
    pred: list[str] = []
    for row in rows:
        for g, counts in row.evaluation.intent.confusion.items():
            for p, k in counts.items():
                gold += [g] * k
                pred += [p] * k
    intent = classification(gold, pred)
    complaint = classification(
        ["aduan" if g == "aduan" else "lainnya" for g in gold],
        ["aduan" if p == "aduan" else "lainnya" for p in pred],
    )
    return {
        "n": float(len(gold)),
        "complaint_f1": complaint.f1.get("aduan", 0.0),
        "intent_macro_f1": intent.macro_f1,
        "intent_accuracy": intent.accuracy,
    }


# --- agreement of the labellers -------------------------------------------------------------------


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Agreement of two labellers beyond chance (1 = always agree, 0 = chance)."""
    n = len(first)
    if not n:
        return 0.0
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    a_counts, b_counts = Counter(first), Counter(second)
    expected = sum(a_counts[k] * b_counts[k] for k in a_counts) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement() -> str | None:
    """Intent agreement of the 300 comments labelled twice (corpus/real/*.second.csv)."""
    main = source_data.real_labels_path()
    second = main.with_suffix(".second.csv")
    if not (main.is_file() and second.is_file()):
        return None
    first = {label.row: label for label in source_data.read_labels(main)}
    pairs = [(first[x.row], x) for x in source_data.read_labels(second) if x.row in first]
    intents = cohen_kappa([a.intent for a, _ in pairs], [b.intent for _, b in pairs])
    complaint = cohen_kappa(
        [a.intent == "aduan" for a, _ in pairs], [b.intent == "aduan" for _, b in pairs]
    )
    same = sum(a.intent == b.intent for a, b in pairs)
    return (
        f"Label ganda (dua pelabel, tanpa saling melihat): {len(pairs)} komentar, niat sama "
        f"{same / len(pairs):.3f}, kappa Cohen niat {intents:.3f}, aduan vs lainnya "
        f"{complaint:.3f}."
    )


# --- the whole report -----------------------------------------------------------------------------


def report(
    m: TextModel,
    sources: Any,
    *,
    eval_root: Path | None,
    train_root: Path,
    held_out_sources: bool = True,
    log: Callable[[str], None] = lambda s: None,
    progress: Progress = quiet,
) -> str:
    """Everything `paseban model evaluate` prints, as Markdown. `progress` counts its parts
    (the held-out comments, the other real sets, the places) and the refits of (b)."""
    step = "mengevaluasi"
    progress(step, 0, 3)
    analyzer = analyzer_for(m)
    parts = [f"# Evaluasi model {m.version}", "", render_card(m.meta)]
    kappa = agreement()
    if kappa:
        parts += [kappa, ""]
    if sources.real_test:
        parts.append(
            render_real(
                emitted(analyzer, sources.real_test),
                f"(a) Komentar nyata tertahan (tanggal ≥ {source_data.TEST_FROM}, "
                f"n = {len(sources.real_test)}; tidak pernah dilatih atau dipakai menyetel)",
            )
        )
    else:
        parts += ["## (a) Komentar nyata tertahan", "", "dilewati: " + "; ".join(sources.notes), ""]
    if held_out_sources:
        stored = m.meta.get("settings")
        settings = train.Settings(**stored) if isinstance(stored, dict) else train.Settings()
        log("(b) melatih ulang tanpa tiap sumber korpus ...")
        rows = by_source(sources, settings, log=log, progress=progress)
        total = pooled(rows)
        parts += [
            "## (b) Korpus tim, satu sumber ditahan (model dilatih ulang tanpa sumber itu)",
            "",
            render_sources(rows),
            f"Semua sumber ditahan digabung (n = {int(total['n'])}): aduan F1 "
            f"{total['complaint_f1']:.3f}, niat akurasi {total['intent_accuracy']:.3f}, "
            f"niat macro-F1 {total['intent_macro_f1']:.3f}.",
            "",
        ]
    else:
        parts += ["## (b) Korpus tim, satu sumber ditahan", "", "dilewati (--no-sources)", ""]
    progress(step, 1, 3)
    if eval_root is not None and eval_root.is_dir():
        parts += [
            f"## (c) Data nyata lain ({eval_root}; tidak pernah dipakai untuk melatih)",
            "",
            render_real_data(real_data(analyzer, eval_root)),
        ]
    else:
        parts += [
            "## (c) Data nyata lain",
            "",
            f"data evaluasi nyata tidak ada di {eval_root}: dilewati",
            "",
        ]
    progress(step, 2, 3)
    sets = non_bogor_texts(eval_root or Path("/nonexistent"), train_root)
    right, total_checks = place_checks(analyzer)
    parts += [
        "## Tempat",
        "",
        f"Pesan yang hanya menyebut jalan atau tempat penting (corpus/checks/places.jsonl): "
        f"kelurahan dan kecamatan tepat {right} dari {total_checks} "
        f"({right / total_checks:.3f}).",
        "",
    ]
    if sets:
        parts += [
            "Tempat palsu: teks nyata dari kota lain yang diberi kelurahan atau kecamatan Kota "
            "Bogor dari kata-katanya (tanpa akun penerima):",
            "",
            render_false_places(false_places(analyzer, sets)),
        ]
    progress(step, 3, 3)
    return "\n".join(parts)
