"""Training and evaluation (`paseban model train`, `paseban model evaluate`).

scikit-learn fits the heads; the result is written as plain arrays (model.save) and read back
by the fast inference code in model.py. Reproducible: fixed seeds, deterministic solvers."""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from paseban.nlp import labelled, model
from paseban.nlp.features import features
from paseban.nlp.labelled import Example
from paseban.nlp.normalize import normalize

SEED = 20261127
MIN_DF = 2
GRID = (2.0, 8.0, 32.0)
TOPIC_INTENTS = ("aduan", "pertanyaan", "aspirasi")


@dataclass
class Split:
    train: list[Example]
    test: list[Example]
    dropped_near_duplicates: int = 0


def split(examples: Sequence[Example], extra_train: Sequence[Example] = ()) -> Split:
    """Groups decide train or test; test items too close to a training item are dropped."""
    from rapidfuzz import fuzz, process

    train = [e for e in examples if not labelled.in_test(e.group)]
    test = [e for e in examples if labelled.in_test(e.group)]
    train_texts = [normalize(e.text) for e in train]
    test_texts = [normalize(e.text) for e in test]
    keep: list[Example] = []
    dropped = 0
    if test_texts and train_texts:
        scores = process.cdist(
            test_texts, train_texts, scorer=fuzz.token_sort_ratio, workers=1, dtype=np.uint8
        )
        nearest = scores.max(axis=1)
        for example, best in zip(test, nearest, strict=True):
            if best >= 90:
                dropped += 1
            else:
                keep.append(example)
    else:
        keep = test
    return Split([*train, *extra_train], keep, dropped)


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


def _doc(example: Example) -> list[str]:
    return features(normalize(example.text), example.text)


def _fit_head(
    x: Any, y: Sequence[str], groups: Sequence[str]
) -> tuple[model.Head, float, dict[str, float]]:
    """Pick C on a grouped validation slice of the training data, then refit on all of it."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    labels = np.array(y)
    val = np.array([labelled.in_test("val:" + g) for g in groups])
    scores: dict[str, float] = {}
    best_c, best_f1 = GRID[0], -1.0
    if val.any() and (~val).any() and len(set(labels[~val])) == len(set(labels)):
        for c in GRID:
            clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=SEED)
            clf.fit(x[~val], labels[~val])
            f1 = float(f1_score(labels[val], clf.predict(x[val]), average="macro"))
            scores[str(c)] = round(f1, 4)
            if f1 > best_f1:
                best_c, best_f1 = c, f1
    clf = LogisticRegression(C=best_c, max_iter=3000, class_weight="balanced", random_state=SEED)
    clf.fit(x, labels)
    classes = tuple(str(c) for c in clf.classes_)
    coef = clf.coef_.T.astype(np.float32)
    bias = clf.intercept_.astype(np.float32)
    if len(classes) == 2:  # binary: sklearn keeps one column; make it two
        coef = np.hstack([-coef / 2, coef / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2], dtype=np.float32)
    return model.Head(classes, coef, bias), best_c, scores


def train(
    examples: Sequence[Example],
    *,
    extra_train: Sequence[Example] = (),
    out: Path | None = None,
    log: Callable[[str], None] = lambda s: None,
) -> tuple[model.TextModel, Split, dict[str, Any]]:
    started = time.perf_counter()
    parts = split(examples, extra_train)
    log(
        f"korpus: {len(examples)} pesan; latih {len(parts.train)}, uji {len(parts.test)} "
        f"({parts.dropped_near_duplicates} hampir-duplikat dikeluarkan dari uji)"
    )
    docs = [_doc(e) for e in parts.train]
    vec = Vectorizer.fit(docs)
    x = vec.transform(docs)
    log(f"fitur: {len(vec.vocabulary)}")
    heads: dict[str, model.Head] = {}
    chosen: dict[str, Any] = {}
    groups = [e.group for e in parts.train]
    heads["intent"], c, grid = _fit_head(x, [e.intent for e in parts.train], groups)
    chosen["intent"] = {"C": c, "validation_macro_f1": grid}
    topical = [i for i, e in enumerate(parts.train) if e.topic]
    heads["topic"], c, grid = _fit_head(
        x[topical], [parts.train[i].topic or "" for i in topical], [groups[i] for i in topical]
    )
    chosen["topic"] = {"C": c, "validation_macro_f1": grid}
    complaints = [i for i, e in enumerate(parts.train) if e.intent == "aduan"]
    heads["urgency"], c, grid = _fit_head(
        x[complaints], [parts.train[i].urgency for i in complaints], [groups[i] for i in complaints]
    )
    chosen["urgency"] = {"C": c, "validation_macro_f1": grid}
    fingerprint = labelled.fingerprint([*examples, *extra_train])
    meta: dict[str, Any] = {
        "version": f"nlp-{datetime.now(UTC):%Y%m%d}-{fingerprint[:8]}",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus_fingerprint": fingerprint,
        "corpus_size": len(examples),
        "corrections_used": len(extra_train),
        "train_size": len(parts.train),
        "test_size": len(parts.test),
        "features": len(vec.vocabulary),
        "seed": SEED,
        "hyperparameters": chosen,
        "seconds": round(time.perf_counter() - started, 1),
    }
    fitted = model.TextModel(vec.vocabulary, vec.idf, heads, {**meta, "format": model.FORMAT})
    if out is not None:
        model.save(out, vec.vocabulary, vec.idf, heads, meta)
    return fitted, parts, meta


def corrections_as_examples(rows: Sequence[dict[str, Any]]) -> list[Example]:
    """Human corrections from the review queue, as extra training examples."""
    out = []
    for r in rows:
        if not r.get("intent") or not r.get("text"):
            continue
        example = Example(
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
        out.append(replace(example))
    return out
