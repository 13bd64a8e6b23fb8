"""Training (`paseban model train`): every source of sources.py, hyper-parameters chosen on
validation data, and a new model that replaces the shipped one only when neither its complaint
F1 nor its intent macro-F1 is worse on the held-out real comments.

scikit-learn fits the heads; the result is written as plain arrays (model.save) and read back
by the fast inference code in model.py. Reproducible: fixed seeds, deterministic solvers."""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from paseban.nlp import evaluate, labelled, learners, model
from paseban.nlp import sources as source_data
from paseban.nlp.analyzer import MAX_CHARS
from paseban.nlp.evaluate import classification
from paseban.nlp.features import FEATURE_VERSION, features
from paseban.nlp.labelled import Example
from paseban.nlp.normalize import normalize
from paseban.nlp.sources import SMS, Sources
from paseban.progress import Progress, quiet

SEED = learners.SEED
# which learner fits each head (learners.py): NB-SVM won on topic by a margin beyond noise on the
# validation data, on intent and urgency it did not (round 5, docs/nlp.md)
HEAD_LEARNERS = {"intent": "logistic", "topic": "nbsvm", "urgency": "logistic"}
MIN_DF = 2
TOPIC_INTENTS = ("aduan", "pertanyaan", "aspirasi")
Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Settings:
    """Hyper-parameters: regularisation per head and how much each kind of source weighs.

    Real comments weigh 1. The team's corpus and the generator weigh less or the same: chosen on
    validation data, so that text written by the team does not drown what citizens write."""

    c_intent: float = 4.0
    c_topic: float = 8.0
    c_urgency: float = 8.0
    corpus_weight: float = 1.0
    generated_weight: float = 0.5
    sms_weight: float = 1.0

    def weight(self, example: Example) -> float:
        if example.source == "generated":
            return self.generated_weight
        if example.source == "hand":
            return self.corpus_weight
        if example.source == SMS:
            return self.sms_weight
        return 1.0  # real comments and corrections


INTENT_GRID = (4.0, 16.0, 64.0)
CORPUS_WEIGHT_GRID = (0.5, 1.0)
GENERATED_WEIGHT_GRID = (0.25, 0.5)
HEAD_GRID = (8.0, 32.0, 128.0)


# --- vectorising ----------------------------------------------------------------------------------


@dataclass
class Vectorizer:
    vocabulary: list[str]
    idf: NDArray[np.float32]
    index: dict[str, int] = field(default_factory=dict)

    @classmethod
    def fit(cls, docs: Sequence[list[str]]) -> Vectorizer:
        df: Counter[str] = Counter()
        for feats in docs:
            df.update(set(feats))
        vocabulary = sorted(f for f, n in df.items() if n >= MIN_DF)
        n_docs = len(docs)
        idf = np.array(
            [math.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in vocabulary], dtype=np.float32
        )
        return cls(vocabulary, idf, {f: i for i, f in enumerate(vocabulary)})

    def transform(self, docs: Sequence[list[str]]) -> Any:
        from scipy import sparse

        rows, cols, vals = [], [], []
        for r, feats in enumerate(docs):
            counts = Counter(self.index[f] for f in feats if f in self.index)
            if not counts:
                continue
            idx = np.fromiter(counts.keys(), dtype=np.int64)
            v = (
                np.array([1.0 + math.log(c) for c in counts.values()], dtype=np.float32)
                * self.idf[idx]
            )
            v /= float(np.linalg.norm(v)) or 1.0
            rows.extend([r] * len(idx))
            cols.extend(idx.tolist())
            vals.extend(v.tolist())
        return sparse.csr_matrix(
            (vals, (rows, cols)), shape=(len(docs), len(self.vocabulary)), dtype=np.float32
        )


class Docs:
    """Feature lists per example, computed once per run (tuning refits many times)."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}

    def __call__(self, examples: Iterable[Example]) -> list[list[str]]:
        out = []
        for e in examples:
            key = f"{e.id}\t{e.text}"
            feats = self._cache.get(key)
            if feats is None:
                feats = self._cache[key] = features(normalize(e.text), e.text)
            out.append(feats)
        return out


def _rows_for(examples: Sequence[Example], head: str) -> list[int]:
    if head == "topic":
        return [i for i, e in enumerate(examples) if e.topic]
    if head == "urgency":
        return [i for i, e in enumerate(examples) if e.intent == "aduan"]
    return list(range(len(examples)))


def _labels(examples: Sequence[Example], head: str, rows: Sequence[int]) -> list[str]:
    if head == "topic":
        return [examples[i].topic or "" for i in rows]
    if head == "urgency":
        return [examples[i].urgency for i in rows]
    return [examples[i].intent for i in rows]


@dataclass
class Matrix:
    """The examples as TF-IDF rows with a vocabulary of their own (heads are refitted on it)."""

    examples: Sequence[Example]
    vectorizer: Vectorizer
    x: Any

    @classmethod
    def build(cls, examples: Sequence[Example], docs: Docs | None = None) -> Matrix:
        feats = (docs or Docs())(examples)
        vec = Vectorizer.fit(feats)
        return cls(examples, vec, vec.transform(feats))

    def head(self, name: str, settings: Settings) -> model.Head:
        rows = _rows_for(self.examples, name)
        weights = np.array([settings.weight(self.examples[i]) for i in rows], dtype=np.float64)
        c = {"intent": settings.c_intent, "topic": settings.c_topic}.get(name, settings.c_urgency)
        fit_head = learners.LEARNERS[HEAD_LEARNERS[name]]
        return fit_head(self.x[rows], _labels(self.examples, name, rows), weights, c)

    def model(
        self,
        settings: Settings,
        heads: Sequence[str] = model.HEADS,
        meta: dict[str, Any] | None = None,
    ) -> model.TextModel:
        fitted = {name: self.head(name, settings) for name in heads}
        info = {"version": "tuning", **(meta or {}), "format": model.FORMAT}
        return model.TextModel(self.vectorizer.vocabulary, self.vectorizer.idf, fitted, info)


def fit(
    examples: Sequence[Example],
    settings: Settings,
    *,
    docs: Docs | None = None,
    meta: dict[str, Any] | None = None,
) -> model.TextModel:
    """One model (shared vocabulary, three heads) on these examples with these settings."""
    return Matrix.build(examples, docs).model(settings, meta=meta)


# --- choosing the hyper-parameters --------------------------------------------------------------


def _score(intent_gold: Sequence[str], intent_pred: Sequence[str]) -> dict[str, float]:
    intent = classification(intent_gold, intent_pred)
    complaint = classification(
        ["aduan" if g == "aduan" else "lainnya" for g in intent_gold],
        ["aduan" if p == "aduan" else "lainnya" for p in intent_pred],
    )
    return {
        "complaint_f1": complaint.f1.get("aduan", 0.0),
        "intent_macro_f1": intent.macro_f1,
        "score": (complaint.f1.get("aduan", 0.0) + intent.macro_f1) / 2,
    }


def _predict(m: model.TextModel, examples: Sequence[Example], head: str) -> list[str]:
    docs = [(normalize(e.text[:MAX_CHARS]), e.text[:MAX_CHARS]) for e in examples]
    fallback = {"intent": "informasi", "topic": "lainnya", "urgency": "normal"}[head]
    return [p[head].label if p else fallback for p in m.predict_many(docs, (head,))]


def split_for_tuning(
    sources: Sources,
) -> tuple[list[Example], list[Example], list[Example]]:
    """(the part the tuning models are fitted on, the real validation slice, the corpus
    validation slice): the validation slice of the earlier real comments and a grouped slice of
    the team's corpus, never the real test part."""
    real_val = list(sources.real_validation)
    corpus_val = [e for e in sources.corpus if labelled.in_test("val:" + e.group)]
    held = {e.id for e in real_val} | {e.id for e in corpus_val}
    part = [e for e in sources.training() if e.id not in held]
    return part, real_val, corpus_val


def emitted_urgency(m: model.TextModel, examples: Sequence[Example]) -> float:
    """Urgency macro-F1 over the gold complaints as the product emits it: the gate's measure
    (`held_out_scores`): a complaint read as pertanyaan has no urgency and counts as a miss. The
    head's own score on the gold complaints chose a weaker regularisation (round 4, docs/nlp.md)."""
    if not any(e.intent == "aduan" for e in examples):
        return 0.0
    return evaluate.emitted(evaluate.analyzer_for(m), examples).urgency.macro_f1


def tune(
    sources: Sources, *, log: Log = _quiet, progress: Progress = quiet
) -> tuple[Settings, dict[str, Any]]:
    """Choose the settings on validation data (`split_for_tuning`), never the real test part.

    Intent is scored by complaint F1 and intent macro-F1, averaged over the two validation sets
    (real comments and the team's corpus count the same: a model tuned to one kind of text only
    would not generalise); topic by the topic head's macro-F1 on the topical validation
    examples; urgency, last, by the urgency as emitted on both validation sets together
    (`emitted_urgency`, with the intent and topic heads already chosen)."""
    part, real_val, corpus_val = split_for_tuning(sources)
    matrix = Matrix.build(part)
    checked: dict[str, Any] = {"validation": {"real": len(real_val), "corpus": len(corpus_val)}}
    best, best_score = Settings(), -1.0
    grid: dict[str, float] = {}
    steps = len(CORPUS_WEIGHT_GRID) * len(GENERATED_WEIGHT_GRID) * len(INTENT_GRID)
    steps += 2 * len(HEAD_GRID)
    done = 0
    progress("memilih hiperparameter", done, steps)
    for corpus_weight in CORPUS_WEIGHT_GRID:
        for generated_weight in GENERATED_WEIGHT_GRID:
            for c in INTENT_GRID:
                settings = replace(
                    Settings(),
                    c_intent=c,
                    corpus_weight=corpus_weight,
                    generated_weight=generated_weight,
                )
                m = matrix.model(settings, ("intent",))
                scores = []
                for val in (real_val, corpus_val):
                    if val:
                        pred = _predict(m, val, "intent")
                        scores.append(_score([e.intent for e in val], pred)["score"])
                score = sum(scores) / len(scores) if scores else 0.0
                key = f"C={c} korpus={corpus_weight} generator={generated_weight}"
                grid[key] = round(score, 4)
                log(f"  niat {key}: {score:.3f}")
                done += 1
                progress("memilih hiperparameter", done, steps)
                if score > best_score:
                    best, best_score = settings, score
    checked["intent"] = grid
    validation = [*real_val, *corpus_val]
    topical = [e for e in validation if e.topic]
    fixed: dict[str, model.Head] = {}  # intent and topic, once chosen

    def topic_f1(settings: Settings) -> float:
        m = matrix.model(settings, ("topic",))
        gold = _labels(topical, "topic", range(len(topical)))
        return classification(gold, _predict(m, topical, "topic")).macro_f1 if topical else 0.0

    def urgency_as_emitted(settings: Settings) -> float:
        fixed.update(fixed or {name: matrix.head(name, settings) for name in ("intent", "topic")})
        heads = {**fixed, "urgency": matrix.head("urgency", settings)}
        vec = matrix.vectorizer
        return emitted_urgency(model.TextModel(vec.vocabulary, vec.idf, heads, {}), validation)

    for head, scorer in (("topic", topic_f1), ("urgency", urgency_as_emitted)):
        grid = {}
        best_c, best_f1 = getattr(best, f"c_{head}"), -1.0
        for c in HEAD_GRID:
            f1 = scorer(replace(best, **{f"c_{head}": c}))
            grid[f"C={c}"] = round(f1, 4)
            log(f"  {head} C={c}: {f1:.3f}")
            done += 1
            progress("memilih hiperparameter", done, steps)
            if f1 > best_f1:
                best_c, best_f1 = c, f1
        best = replace(best, **{f"c_{head}": best_c})
        checked[head] = grid
    checked["urgency_measure"] = "emitted"
    return best, checked


# --- the whole run ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What `paseban model train` did, for the command to print."""

    fitted: model.TextModel
    meta: dict[str, Any]
    replaced: bool
    before: dict[str, float] | None  # the model that was there, on the held-out real comments
    after: dict[str, float] | None  # the new model, on the same comments
    reason: str  # why it was or was not written
    target: Path


def held_out_scores(m: model.TextModel, test: Sequence[Example]) -> dict[str, float] | None:
    """Complaint F1, intent macro-F1 and urgency macro-F1 of a model on the held-out real
    comments, as the product emits them (the analyzer end to end: a complaint not read as one
    has no urgency, and that is a miss)."""
    if not test:
        return None
    result = evaluate.emitted(evaluate.analyzer_for(m), test)
    return {
        "complaint_f1": round(result.complaint.f1.get("aduan", 0.0), 4),
        "intent_macro_f1": round(result.intent.macro_f1, 4),
        "urgency_macro_f1": round(result.urgency.macro_f1, 4),
        "score": round((result.complaint.f1.get("aduan", 0.0) + result.intent.macro_f1) / 2, 4),
    }


def recorded_scores(target: Path, test_rows: int) -> dict[str, float] | None:
    """The held-out scores a model's card recorded when it was trained, if they were measured
    on a held-out part of the same size (the same comments: the split is by date)."""
    try:
        meta = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    scores = meta.get("held_out_real") if isinstance(meta, dict) else None
    rows = [
        r.get("held_out_test_rows")
        for r in meta.get("sources", [])
        if isinstance(r, dict) and "held_out_test_rows" in r
    ]
    if not isinstance(scores, dict) or rows != [test_rows]:
        return None
    try:
        out = {key: float(scores[key]) for key in ("complaint_f1", "intent_macro_f1", "score")}
        if "urgency_macro_f1" in scores:  # cards written before urgency was gated lack it
            out["urgency_macro_f1"] = float(scores["urgency_macro_f1"])
    except (KeyError, TypeError, ValueError):
        return None
    return out


def train(
    sources: Sources,
    *,
    out: Path | None = None,
    force: bool = False,
    settings: Settings | None = None,
    log: Log = _quiet,
    progress: Progress = quiet,
) -> Outcome:
    """Tune (unless settings are given), fit on every training source, compare with the model
    at `out` on the held-out real comments, and write the new one unless its complaint F1, its
    intent macro-F1 or its urgency macro-F1 is lower there (or the comparison cannot be made)
    and `force` is not set."""
    started = time.perf_counter()
    for note in sources.notes:
        log(f"catatan: {note}")
    log(
        f"data latih: korpus tim {len(sources.corpus)}, komentar nyata {len(sources.real_train)} "
        f"(uji tertahan {len(sources.real_test)}), SMS {len(sources.sms)}, koreksi manusia "
        f"{len(sources.corrections)}"
    )
    chosen: dict[str, Any] = {}
    if settings is None:
        log("memilih hiperparameter pada data validasi ...")
        settings, chosen = tune(sources, log=log, progress=progress)
    training = sources.training()
    fingerprint = labelled.fingerprint(training)
    # the version names the data, the settings and the features: two different models never
    # share one (each stored analysis records the version that made it)
    recipe = f"{fingerprint}\t{sorted(asdict(settings).items())}\t{FEATURE_VERSION}"
    recipe += f"\t{sorted(HEAD_LEARNERS.items())}"
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:8]
    meta: dict[str, Any] = {
        "version": f"nlp-{datetime.now(UTC):%Y%m%d}-{digest}",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus_fingerprint": fingerprint,
        "seed": SEED,
        "train_size": len(training),
        "corrections_used": len(sources.corrections),
        "sources": sources.card(),
        "left_out": sources.notes,
        "settings": asdict(settings),
        "learners": HEAD_LEARNERS,
        "tuning": chosen,
    }
    progress("melatih dan menguji model", 0, 3)
    fitted = fit(training, settings, meta=meta)
    progress("melatih dan menguji model", 1, 3)
    meta["features"] = len(fitted.vocabulary)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    # measured as it will be loaded: the artefact stores weights as float16
    stored = {
        name: replace(h, weights=h.weights.astype(np.float16).astype(np.float32))
        for name, h in fitted.heads.items()
    }
    fitted = model.TextModel(
        fitted.vocabulary, fitted.idf, stored, {**meta, "format": model.FORMAT}
    )
    after = held_out_scores(fitted, sources.real_test)
    progress("melatih dan menguji model", 2, 3)
    before = None
    target = out if out is not None else model.bundled_path()
    exists = target.with_suffix(".npz").is_file()
    if exists:
        try:
            before = held_out_scores(model.load(target), sources.real_test)
        except model.ModelError:
            # a model for another feature version cannot run here, but its card recorded its
            # score on the same held-out comments: a new feature set must still beat it
            before = recorded_scores(target, len(sources.real_test))
    progress("melatih dan menguji model", 3, 3)
    if after is not None:
        meta["held_out_real"] = after
    if not exists:
        replaced, reason = True, "belum ada model di tujuan"
    elif after is None:
        replaced = force
        reason = "tidak dapat dibandingkan dengan komentar nyata uji (teksnya tidak ada)" + (
            "; --force: tetap diganti" if force else "; model lama dipertahankan"
        )
    elif before is None:
        replaced, reason = True, "model lama tidak terbaca untuk versi ini"
    else:
        replaced, reason = verdict(before, after, force=force)
    if replaced:
        model.save(target, fitted.vocabulary, fitted.idf, fitted.heads, meta)
        write_report(target, fitted, sources)
    return Outcome(fitted, meta, replaced, before, after, reason, target)


GATED = {
    "complaint_f1": "aduan F1",
    "intent_macro_f1": "niat macro-F1",
    "urgency_macro_f1": "urgensi macro-F1",
}


def verdict(
    before: dict[str, float], after: dict[str, float], *, force: bool = False
) -> tuple[bool, str]:
    """Whether a new model replaces the one in place, judged on the held-out real comments, and
    why. Each gated measure on its own may not drop: a better mean that hides a worse complaint
    F1 would let more complaints go unnoticed (the one error the product cannot afford), and a
    worse urgency would let a flood in houses wait in the queue like a late certificate. A
    measure the old model's card never recorded (cards written before urgency was gated) cannot
    be compared; the verdict says so and judges the others."""
    judged = {key: name for key, name in GATED.items() if key in before and key in after}
    unknown = [name for key, name in GATED.items() if key not in judged]
    note = "".join(f"; {name} model lama tidak tercatat" for name in unknown)
    dropped = [
        f"{name} turun ({before[key]:.3f} -> {after[key]:.3f})"
        for key, name in judged.items()
        if after[key] < before[key]
    ]
    if not dropped:
        changes = ", ".join(
            f"{name} {before[key]:.3f} -> {after[key]:.3f}" for key, name in judged.items()
        )
        return True, f"pada komentar nyata uji: {changes}{note}"
    return force, "pada komentar nyata uji " + ", ".join(dropped) + note + (
        "; --force: tetap diganti" if force else "; model lama dipertahankan"
    )


def write_report(target: Path, fitted: model.TextModel, sources: Sources) -> Path:
    """The model card as Markdown next to the artefact: sources with rows and licences, the
    chosen settings, and the held-out real comments as the product emits them."""
    meta = fitted.meta
    parts = [
        f"# Model {meta['version']}",
        "",
        f"Dilatih {meta.get('trained_at')}, seed {meta.get('seed')}, {meta.get('train_size')} "
        f"pesan, {meta.get('features')} fitur, {meta.get('seconds')} detik. Evaluasi lengkap "
        "(tiga jenis): `paseban model evaluate`.",
        "",
        evaluate.render_card(meta),
        "Hiperparameter (dipilih pada data validasi, tidak pernah pada data uji): "
        + ", ".join(f"{k} {v}" for k, v in _mapping(meta.get("settings")).items()),
        "",
    ]
    if sources.real_test:
        result = evaluate.emitted(evaluate.analyzer_for(fitted), sources.real_test)
        parts.append(
            evaluate.render_real(
                result,
                f"Komentar nyata tertahan (tanggal ≥ {source_data.TEST_FROM}, "
                f"n = {len(sources.real_test)})",
            )
        )
        parts.append(result.topic.render("Topik, seperti dikeluarkan"))
        parts.append(result.urgency.render("Urgensi aduan, seperti dikeluarkan"))
    path = target.with_suffix(".report.md")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _mapping(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def summary(outcome: Outcome) -> list[str]:
    """What `paseban model train` prints at the end."""
    lines = [f"koreksi manusia dipakai: {outcome.meta.get('corrections_used', 0)}"]

    def show(scores: dict[str, float] | None) -> str:
        if scores is None:
            return "tidak terukur"
        urgency = scores.get("urgency_macro_f1")
        return (
            f"aduan F1 {scores['complaint_f1']:.3f}, niat macro-F1 "
            f"{scores['intent_macro_f1']:.3f} (skor {scores['score']:.3f}), urgensi macro-F1 "
            + ("tidak tercatat" if urgency is None else f"{urgency:.3f}")
        )

    lines.append(f"komentar nyata uji, model sebelumnya: {show(outcome.before)}")
    lines.append(f"komentar nyata uji, model baru:      {show(outcome.after)}")
    if outcome.replaced:
        lines.append(
            f"model {outcome.meta['version']} ditulis ke {outcome.target.with_suffix('.npz')} "
            f"({outcome.reason}; laporan: {outcome.target.with_suffix('.report.md')})"
        )
    else:
        lines.append(f"model TIDAK diganti: {outcome.reason}")
    return lines


def corrections_as_examples(rows: Sequence[Mapping[str, Any]]) -> list[Example]:
    """Human corrections from the review queue, as extra training examples."""
    out = []
    for r in rows:
        if not r.get("intent") or not r.get("text"):
            continue
        out.append(
            Example(
                id=f"koreksi-{r['id']}",
                text=r["text"],
                intent=r["intent"],
                topic=r.get("topic") if r["intent"] in TOPIC_INTENTS else None,
                urgency=r.get("urgency") or "normal",
                kelurahan=r.get("kelurahan"),
                kecamatan=r.get("kecamatan"),
                group=f"koreksi-{r['id']}",
                source="correction",
            )
        )
    return out
