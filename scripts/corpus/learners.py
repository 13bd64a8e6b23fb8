"""Round-5 experiments on the learner of the intent decision, measured on validation data only
(`nice -n 10 .venv/bin/python scripts/corpus/learners.py`; about 10 minutes).

Fits on the training part that `paseban model train` tunes on (every training source minus the
validation slice of the real comments and the grouped validation slice of the team's corpus),
with the shipped model's source weights, and prints complaint F1 and intent macro-F1 on both
validation slices, and the tuning score (their mean over both slices), for:

- `lr`: the shipped learner, multinomial logistic regression on the TF-IDF rows, C swept;
- `nbsvm`: NB-SVM style (Wang and Manning 2012, "Baselines and bigrams"): per class, the
  TF-IDF rows scaled by the naive-Bayes log-count ratio of that class against the rest
  (computed on binarised features, smoothing 1), a class-balanced one-vs-rest logistic
  regression on top; argmax over the classes. Folds into one linear weight matrix (column k is
  the ratio times the weights of class k), so the artefact and the speed would not change;
- `heads` (with the others): the topic and urgency heads by both learners, scored as
  `train.tune` scores them (urgency as emitted);
- `split`: separately fitted word-level (words, pairs, shape, lexicon) and character-level
  (character n-grams) logistic regressions on their own columns, their logits averaged (also
  one weight matrix).

Each variant is compared with the best `lr` on validation by a paired bootstrap over the validation
messages (500 resamples of both slices): the share of resamples in which it scores higher.
The real test part (dated `sources.TEST_FROM` or later) and `../shared/eval` are never read."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from paseban.nlp import labelled, learners, model, sources, train
from paseban.nlp.evaluate import classification

Logits = dict[str, NDArray[np.float64]]


def _lr(c: float, balanced: bool = True) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=c,
        max_iter=3000,
        class_weight="balanced" if balanced else None,
        random_state=train.SEED,
    )


def fit_lr(x: Any, y: NDArray[np.str_], w: NDArray[np.float64], c: float) -> tuple[Any, Any]:
    head = learners.logistic(x, list(y), w, c)
    return head.weights.astype(np.float64), head.bias.astype(np.float64)


def fit_nbsvm(x: Any, y: NDArray[np.str_], w: NDArray[np.float64], c: float) -> tuple[Any, Any]:
    """NB-SVM (`paseban.nlp.learners.nbsvm`), one weight matrix."""
    head = learners.nbsvm(x, list(y), w, c)
    return head.weights, head.bias


def fit_split(
    x: Any, y: NDArray[np.str_], w: NDArray[np.float64], c: float, char: NDArray[np.bool_]
) -> tuple[Any, Any]:
    """Word-level and character-level logistic regressions, logits averaged."""
    parts = []
    for mask in (~char, char):
        wk, bk = fit_lr(x[:, np.flatnonzero(mask)], y, w, c)
        full = np.zeros((x.shape[1], wk.shape[1]))
        full[mask] = wk
        parts.append((full, bk))
    weights = (parts[0][0] + parts[1][0]) / 2
    bias = (parts[0][1] + parts[1][1]) / 2
    return weights, bias


def score(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """(complaint F1, intent macro-F1), as `train.tune` scores intent."""
    s = train._score(gold, pred)
    return s["complaint_f1"], s["intent_macro_f1"]


def validation_split(data: sources.Sources) -> tuple[dict[str, list[Any]], list[Any]]:
    """The two validation slices `tune` reads and the training part without them."""
    val = {
        "real": list(data.real_validation),
        "corpus": [e for e in data.corpus if labelled.in_test("val:" + e.group)],
    }
    held = {e.id for v in val.values() for e in v}
    return val, [e for e in data.training() if e.id not in held]


def bootstrap(
    gold: dict[str, list[str]],
) -> Callable[[dict[str, list[str]]], NDArray[np.float64]]:
    """The tuning score of predictions over 500 paired resamples of each validation slice."""
    rng = np.random.default_rng(train.SEED)
    samples = {k: [rng.integers(0, len(v), len(v)) for _ in range(500)] for k, v in gold.items()}

    def boot(pred: dict[str, list[str]]) -> NDArray[np.float64]:
        out = np.zeros(500)
        for k in gold:
            g, p = np.array(gold[k]), np.array(pred[k])
            out += [np.mean(score(g[i].tolist(), p[i].tolist())) for i in samples[k]]
        return out / len(gold)

    return boot


def main() -> None:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", default=["lr", "nbsvm", "split"])
    args = parser.parse_args()
    data = sources.gather(sources.default_train_dir())
    shipped = model.bundled().meta.get("settings", {})
    settings = train.Settings(**shipped) if isinstance(shipped, dict) else train.Settings()
    val, part = validation_split(data)
    docs = train.Docs()
    matrix = train.Matrix.build(part, docs)
    x = matrix.x
    xv = {k: matrix.vectorizer.transform(docs(v)) for k, v in val.items()}
    gold = {k: [e.intent for e in v] for k, v in val.items()}
    y = np.array([e.intent for e in part])
    w = np.array([settings.weight(e) for e in part], dtype=np.float64)
    classes = sorted(set(y.tolist()))
    char = np.array([f.startswith("c:") for f in matrix.vectorizer.vocabulary])
    print(
        f"settings {settings}; training part {len(part)}, validation real {len(val['real'])}, "
        f"corpus {len(val['corpus'])}; features {x.shape[1]} ({int(char.sum())} character)"
    )
    runs: dict[str, dict[str, list[str]]] = {}
    means: dict[str, float] = {}

    def report(name: str, weights: Any, bias: Any, labels: Sequence[str]) -> None:
        pred = {k: [labels[i] for i in (m @ weights + bias).argmax(1)] for k, m in xv.items()}
        runs[name] = pred
        figures = {k: score(gold[k], pred[k]) for k in val}
        mean = means[name] = float(np.mean([(a + b) / 2 for a, b in figures.values()]))
        shown = "  ".join(f"{k} aduan F1 {a:.3f} macro-F1 {b:.3f}" for k, (a, b) in figures.items())
        print(f"{name:18} score {mean:.4f}  {shown}", flush=True)

    with threadpool_limits(limits=1):
        for c in (16.0, 64.0, 256.0):
            if "lr" in args.variants or c == settings.c_intent:
                head = learners.logistic(x, list(y), w, c)
                report(f"lr C{c:g}", head.weights, head.bias, head.classes)
        if "nbsvm" in args.variants:
            for c in (1.0, 4.0, 16.0, 64.0):
                report(f"nbsvm C{c:g}", *fit_nbsvm(x, y, w, c), classes)
        if "split" in args.variants:
            for c in (16.0, 64.0, 256.0):
                head_classes = tuple(sorted(set(y.tolist())))
                report(f"split C{c:g}", *fit_split(x, y, w, c, char), head_classes)
    # against the best plain logistic regression on validation (the grid tuning would search)
    base_name = max((n for n in runs if n.startswith("lr ")), key=lambda n: means[n])
    base = runs[base_name]
    boot = bootstrap(gold)
    base_boot = boot(base)
    for name, pred in runs.items():
        if pred is base:
            continue
        diff = boot(pred) - base_boot
        lo, hi = np.percentile(diff, [2.5, 97.5])
        print(
            f"{name:18} - {base_name}: {diff.mean():+.4f} "
            f"(95 % {lo:+.4f} .. {hi:+.4f}), higher in {np.mean(diff > 0):.0%} of resamples",
            flush=True,
        )
    if "heads" in args.variants:
        other_heads(data, settings, matrix, docs, val)


def other_heads(
    data: sources.Sources,
    settings: train.Settings,
    matrix: train.Matrix,
    docs: train.Docs,
    val: dict[str, list[labelled.Example]],
) -> None:
    """Topic (the head's macro-F1 on the topical validation messages, as `train.tune` scores it)
    and urgency (as emitted, `train.emitted_urgency`, with the shipped learner's intent and topic
    heads), each head fitted by plain logistic regression and by NB-SVM."""
    from threadpoolctl import threadpool_limits

    validation = [*val["real"], *val["corpus"]]
    vec = matrix.vectorizer
    fixed = {name: matrix.head(name, settings) for name in ("intent", "topic")}
    topical = [e for e in validation if e.topic]
    xt = vec.transform(docs(topical))
    topic_gold = [e.topic or "" for e in topical]
    topic_runs: dict[str, tuple[float, list[str]]] = {}
    for head in ("topic", "urgency"):
        rows = train._rows_for(matrix.examples, head)
        y = np.array(train._labels(matrix.examples, head, rows))
        w = np.array([settings.weight(matrix.examples[i]) for i in rows], dtype=np.float64)
        x = matrix.x[rows]
        for learner in ("lr", "nbsvm"):
            for c in train.HEAD_GRID:
                with threadpool_limits(limits=1):
                    if learner == "lr":
                        fitted = learners.logistic(x, list(y), w, c)
                    else:
                        fitted = learners.nbsvm(x, list(y), w, c)
                if head == "topic":
                    pred = [
                        fitted.classes[i] for i in (xt @ fitted.weights + fitted.bias).argmax(1)
                    ]
                    f1 = classification(topic_gold, pred).macro_f1
                    topic_runs[f"{learner} C{c:g}"] = (f1, pred)
                    what = "topic macro-F1"
                else:
                    heads = {**fixed, "urgency": fitted}
                    m = model.TextModel(vec.vocabulary, vec.idf, heads, {})
                    f1 = train.emitted_urgency(m, validation)
                    what = "urgency macro-F1 as emitted"
                print(f"{head:8} {learner:6} C{c:g}: {what} {f1:.4f}", flush=True)
    best = {
        learner: max((n for n in topic_runs if n.startswith(learner)), key=lambda n: topic_runs[n])
        for learner in ("lr", "nbsvm")
    }
    rng = np.random.default_rng(train.SEED)
    gold_a = np.array(topic_gold)
    a, b = (np.array(topic_runs[best[k]][1]) for k in ("nbsvm", "lr"))
    diffs = []
    for _ in range(500):
        i = rng.integers(0, len(gold_a), len(gold_a))
        g = gold_a[i].tolist()
        diffs.append(
            classification(g, a[i].tolist()).macro_f1 - classification(g, b[i].tolist()).macro_f1
        )
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    print(
        f"topic {best['nbsvm']} - {best['lr']}: {np.mean(diffs):+.4f} (95 % {lo:+.4f} .. "
        f"{hi:+.4f}), higher in {np.mean(np.array(diffs) > 0):.0%} of resamples; "
        f"{len(topical)} topical validation messages"
    )


if __name__ == "__main__":
    main()
