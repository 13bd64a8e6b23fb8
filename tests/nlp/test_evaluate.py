"""Evaluation counts what the product emits, holds whole sources out, and measures quality on
held-out data each time (never a number stored in the model's JSON)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paseban.nlp import assessment, evaluate, labelled, model, realsets, sources, train
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.labelled import Example
from paseban.nlp.pipeline import Analysis, Decision

SHARED_TRAIN = Path(__file__).resolve().parents[3] / "shared" / "train"


def example(text: str, intent: str, topic: str | None = None, origin: str = "x") -> Example:
    return Example(
        id=text,
        text=text,
        intent=intent,
        topic=topic,
        urgency="tinggi" if intent == "aduan" else "normal",
        kelurahan=None,
        kecamatan=None,
        group=text,
        origin=origin,
    )


class Scripted(Analyzer):
    """An analyzer that says what the test tells it to (intent, topic) for each text."""

    def __init__(self, answers: dict[str, tuple[str, str | None]]) -> None:
        self.answers = answers

    def analyze_batch(self, items):  # type: ignore[no-untyped-def]
        out = []
        for text, _ in items:
            intent, topic = self.answers[text]
            out.append(
                Analysis(
                    text=text,
                    normalized=text,
                    masked=text,
                    intent=Decision(intent, 0.9, ""),
                    topic=Decision(topic, 0.9, ""),
                    urgency=Decision("tinggi" if intent == "aduan" else "normal", 0.9, ""),
                )
            )
        return out


def test_the_portal_set_reports_each_category_as_emitted(tmp_path: Path) -> None:
    """The issue names the weak categories of a complaint portal (social aid, schools, public
    order, services): `paseban model evaluate` shows the share of each category's complaints
    emitted with its topic, a complaint read as a question about the wrong office or as chatter
    being a miss. The file here is written by the test, in the portal set's columns."""
    folder = tmp_path / "purbalingga-aduan"
    folder.mkdir()
    rows = [
        ("bansos belum cair", "Sosial dan Ekonomi", ("aduan", "sosial")),
        ("data dtks salah", "Sosial dan Ekonomi", ("aduan", "adminduk")),
        ("pkh dipotong", "Sosial dan Ekonomi", ("informasi", None)),
        ("ppdb error", "Pendidikan", ("aduan", "pendidikan")),
        ("jalan berlubang", "Infrastruktur", ("pertanyaan", "jalan")),
    ]
    lines = ["text,kategori"] + [f"{text},{cat}" for text, cat, _ in rows]
    (folder / "dataset_cleaned.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    analyzer = Scripted({text: answer for text, _, answer in rows})
    measured = {measure: value for _, measure, value, _ in realsets.real_data(analyzer, tmp_path)}
    assert measured["topik kasar tepat: Sosial dan Ekonomi (3)"] == pytest.approx(1 / 3)
    assert measured["topik kasar tepat: Pendidikan (1)"] == 1.0
    assert measured["topik kasar tepat: Infrastruktur (1)"] == 1.0  # a question keeps its topic
    assert not any(evaluate.NONE in measure for measure in measured)


def test_a_complaint_read_as_something_else_has_no_topic_and_that_is_a_miss() -> None:
    examples = [
        example("a", "aduan", "jalan"),
        example("b", "aduan", "sampah"),
        example("c", "pertanyaan", "adminduk"),
        example("d", "informasi"),
    ]
    analyzer = Scripted(
        {
            "a": ("aduan", "jalan"),
            "b": ("apresiasi", "sampah"),  # the topic head's guess is not emitted for praise
            "c": ("pertanyaan", "adminduk"),
            "d": ("informasi", None),
        }
    )
    result = evaluate.emitted(analyzer, examples)
    assert result.topic.accuracy == pytest.approx(2 / 3)
    assert result.topic.confusion["sampah"][evaluate.NONE] == 1
    assert result.complaint.recall["aduan"] == 0.5
    assert result.urgency.confusion["tinggi"][evaluate.NONE] == 1


def test_whole_sources_are_held_out_and_the_model_refitted_without_them() -> None:
    corpus = [
        e
        for e in labelled.read()
        if e.origin in ("hand_aduan_jalan", "hand_apresiasi", "hand_spam", "hand2_spam")
    ][::3]
    data = sources.Sources(corpus=corpus, real_train=[], real_test=[], sms=[])
    told: list[tuple[str, int, int]] = []
    rows = assessment.by_source(data, train.Settings(), progress=lambda *a: told.append(a))
    assert [r.source for r in rows] == sorted({e.origin for e in corpus})
    assert [done for _, done, _ in told] == list(range(len(rows) + 1))  # each refit counted
    assert sum(r.n for r in rows) == len(corpus)
    spam = next(r for r in rows if r.source == "hand_spam")
    assert spam.evaluation.intent.recall["spam"] > 0.5  # learnt from other files' spam
    table = assessment.render_sources(rows)
    assert "hand_spam" in table and "aduan F1" in table


def test_quality_on_text_the_model_never_saw() -> None:
    """Re-measured every run: a small model trained without two hand-written files (tricky
    cases, varied complaints) still reads their complaints."""
    held = ("hand_tricky", "hand2_aduan_ragam")
    corpus = labelled.read()
    kept = [e for e in corpus if e.origin not in held][::2]
    test = [e for e in corpus if e.origin in held]
    m = train.fit(kept, train.Settings())
    result = evaluate.emitted(evaluate.analyzer_for(m), test)
    assert result.complaint_f1 >= 0.8
    assert result.intent.accuracy >= 0.65


@pytest.mark.skipif(
    not (SHARED_TRAIN / sources.INSTAGRAM / "unlabelled.csv").is_file(),
    reason="../shared/train is not here: the held-out real comments cannot be read",
)
def test_the_shipped_model_on_the_held_out_real_comments() -> None:
    """Measured again on every run (not read from the model's JSON). The floor guards against a
    regression; the issue's targets (complaint F1 0.85, intent macro-F1 0.75) are not reached
    yet, see docs/nlp.md."""
    data = sources.gather(SHARED_TRAIN)
    if len(data.real_test) < 100:
        pytest.skip("fewer than 100 labelled real comments in the test part")
    scores = train.held_out_scores(model.bundled(), data.real_test)
    assert scores is not None
    assert scores["complaint_f1"] >= 0.65
    assert scores["intent_macro_f1"] >= 0.55
    assert scores["urgency_macro_f1"] >= 0.75
    stored = model.bundled().meta.get("held_out_real")
    assert isinstance(stored, dict)
    # the card says what this run measures (a card written before urgency was gated lacks it)
    assert {key: scores[key] for key in stored} == stored


def test_cohen_kappa_and_the_double_labels() -> None:
    assert assessment.cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert assessment.cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == 0.0
    line = assessment.agreement()
    assert line is not None and "kappa Cohen niat" in line
    kappa = float(line.split("kappa Cohen niat ")[1].split(",")[0])
    assert kappa >= 0.70  # docs/labelling.md: at least 0.70, or sharpen the guidelines
