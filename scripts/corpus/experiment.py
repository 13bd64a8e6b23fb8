"""Round-3 experiments on the intent decision, measured on validation data only
(.venv/bin/python scripts/corpus/experiment.py; about 2 minutes, run it with `nice -n 10`).

Fits the intent head on the training part that `paseban model train` tunes on (every training
source minus the validation slice of the real comments and the grouped validation slice of the
team's corpus) with the shipped model's settings, and prints complaint F1 and intent macro-F1 on
both validation slices for:

- `base`: the shipped features; `signals`: plus the complaint signals of signals.py;
- `prior`: the intent head with the aduan score shifted (a prior correction);
- `head`: a dedicated binary complaint head (aduan against the rest, with and without class
  balancing), its decision threshold swept; aduan when it says so, otherwise the intent head
  decides among the other intents.

The real test part (dated `sources.TEST_FROM` or later) and `../shared/eval` are never read."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from paseban.nlp import labelled, learners, model, sources, train
from paseban.nlp.evaluate import classification
from paseban.nlp.features import features
from paseban.nlp.labelled import Example
from paseban.nlp.normalize import normalize

from signals import signal_features

Featurise = Callable[[Example], list[str]]


def base(e: Example) -> list[str]:
    text = e.text[:5000]
    return features(normalize(text), text)


def with_signals(e: Example) -> list[str]:
    text = e.text[:5000]
    normalized = normalize(text)
    return features(normalized, text) + signal_features(normalized.split())


def scores(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """(complaint F1, intent macro-F1)."""
    complaint = classification(
        ["aduan" if g == "aduan" else "x" for g in gold],
        ["aduan" if p == "aduan" else "x" for p in pred],
    )
    return round(complaint.f1.get("aduan", 0.0), 3), round(classification(gold, pred).macro_f1, 3)


def run(featurise: Featurise, name: str, data: sources.Sources, settings: train.Settings) -> None:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    val = {
        "real": data.real_validation,
        "corpus": [e for e in data.corpus if labelled.in_test("val:" + e.group)],
    }
    held = {e.id for v in val.values() for e in v}
    part = [e for e in data.training() if e.id not in held]
    feats = [featurise(e) for e in part]
    vec = train.Vectorizer.fit(feats)
    x = vec.transform(feats)
    weights = np.array([settings.weight(e) for e in part])
    labels = [e.intent for e in part]
    xv = {k: vec.transform([featurise(e) for e in v]) for k, v in val.items()}
    gold = {k: [e.intent for e in v] for k, v in val.items()}
    head = learners.logistic(x, labels, weights, settings.c_intent)
    classes = list(head.classes)
    ai = classes.index("aduan")
    logits = {k: np.asarray(m @ head.weights) + head.bias for k, m in xv.items()}

    def report(label: str, pred: dict[str, list[str]]) -> None:
        figures = {k: scores(gold[k], pred[k]) for k in val}
        mean = np.mean([f for pair in figures.values() for f in pair])
        print(f"{name:8} {label:34} mean {mean:.3f}  " + json.dumps(figures))

    for shift in (-0.5, 0.0, 0.5, 1.0):
        pred = {}
        for k, s in logits.items():
            s = s.copy()
            s[:, ai] += shift
            pred[k] = [classes[i] for i in s.argmax(1)]
        report("argmax" if shift == 0 else f"prior aduan {shift:+.1f}", pred)
    binary = ["aduan" if y == "aduan" else "lain" for y in labels]
    rest = {}
    for k, s in logits.items():
        s = s.copy()
        s[:, ai] = -np.inf
        rest[k] = [classes[i] for i in s.argmax(1)]
    for c in (4.0, 16.0, 64.0):
        for balance in (None, "balanced"):
            clf: Any = LogisticRegression(
                C=c, max_iter=3000, class_weight=balance, random_state=train.SEED
            )
            with threadpool_limits(limits=1):
                clf.fit(x, binary, sample_weight=weights)
            col = list(clf.classes_).index("aduan")
            p = {k: clf.predict_proba(m)[:, col] for k, m in xv.items()}
            for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
                pred = {
                    k: [
                        "aduan" if q >= threshold else r for q, r in zip(p[k], rest[k], strict=True)
                    ]
                    for k in val
                }
                report(f"head C{c:g} {balance or 'plain'} t{threshold}", pred)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", default=["base", "signals"])
    args = parser.parse_args()
    data = sources.gather(sources.default_train_dir())
    shipped = model.bundled().meta.get("settings", {})
    settings = train.Settings(**shipped) if isinstance(shipped, dict) else train.Settings()
    print(f"settings {settings}; validation real {len(data.real_validation)}")
    variants: dict[str, Featurise] = {"base": base, "signals": with_signals}
    for name in args.variants:
        run(variants[name], name, data, settings)


if __name__ == "__main__":
    main()
