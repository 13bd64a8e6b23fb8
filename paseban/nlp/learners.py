"""The learners that fit one head of the text model on TF-IDF rows. Both give a plain linear head
(a weight per feature and class, a bias per class), so the artefact stays arrays and inference
stays one sparse product whichever learner fitted it.

- `logistic`: class-balanced multinomial logistic regression (intent and urgency);
- `nbsvm`: NB-SVM style (Wang and Manning 2012, "Baselines and bigrams"): per class, the rows
  scaled by the naive-Bayes log-count ratio of that class against the rest, a class-balanced
  binary logistic regression on top. Scaling then weighting is weighting by the product, so the
  head stores ratio x weight and needs no extra arrays. It won on the topic head (round 5,
  docs/nlp.md; scripts/corpus/learners.py), not beyond noise on intent or urgency."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from paseban.nlp import model

SEED = 20261127
CLASS_WEIGHT: str | None = "balanced"
NB_SMOOTHING = 1.0  # added to every feature's document count (Wang and Manning's alpha)


def _classifier(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight=CLASS_WEIGHT, random_state=SEED)


def _single(x: Any, y: Sequence[str]) -> model.Head | None:
    """One class only (a tiny corpus): a head that always says it."""
    if len(set(y)) >= 2:
        return None
    only = str(y[0]) if len(y) else "normal"
    return model.Head(
        (only,), np.zeros((x.shape[1], 1), dtype=np.float32), np.zeros(1, dtype=np.float32)
    )


def logistic(x: Any, y: Sequence[str], weights: NDArray[np.float64], c: float) -> model.Head:
    if (single := _single(x, y)) is not None:
        return single
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # (sklearn needs it)

    clf = _classifier(c)
    # class_weight balances the classes; the sample weights say how much each source counts.
    # One BLAS thread: the problem is sparse and small, and threads fighting over the cores
    # (two test workers, a busy server) made a 3-second fit take over a minute
    with threadpool_limits(limits=1):
        clf.fit(x, np.array(y), sample_weight=weights)
    classes = tuple(str(label) for label in clf.classes_)
    coef = clf.coef_.T.astype(np.float32)
    bias = clf.intercept_.astype(np.float32)
    if len(classes) == 2:  # binary: sklearn keeps one column; make it two
        coef = np.hstack([-coef / 2, coef / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2], dtype=np.float32)
    return model.Head(classes, coef, bias)


def nb_ratio(x: Any, positive: NDArray[np.bool_]) -> NDArray[np.float64]:
    """log((p / |p|) / (q / |q|)) per feature, p and q the smoothed numbers of documents of the
    class and of the rest that contain it (binarised, as in the paper)."""
    present = (x > 0).astype(np.float64)
    p = NB_SMOOTHING + np.asarray(present[positive].sum(axis=0)).ravel()
    q = NB_SMOOTHING + np.asarray(present[~positive].sum(axis=0)).ravel()
    ratio: NDArray[np.float64] = np.log((p / p.sum()) / (q / q.sum()))
    return ratio


def nbsvm(x: Any, y: Sequence[str], weights: NDArray[np.float64], c: float) -> model.Head:
    """One-vs-rest logistic regressions on NB-scaled rows, folded into one linear head (the
    class with the highest score wins; the analyzer's softmax over the scores gives the
    confidence, as for the other heads)."""
    if (single := _single(x, y)) is not None:
        return single
    from scipy import sparse
    from threadpoolctl import threadpool_limits

    labels = np.array(y)
    classes = tuple(sorted({str(label) for label in y}))
    columns, bias = [], []
    for label in classes:
        positive = labels == label
        ratio = nb_ratio(x, positive)
        clf = _classifier(c)
        with threadpool_limits(limits=1):
            clf.fit(x @ sparse.diags(ratio), positive.astype(np.int8), sample_weight=weights)
        columns.append(ratio * clf.coef_[0])
        bias.append(float(clf.intercept_[0]))
    return model.Head(
        classes,
        np.stack(columns, axis=1).astype(np.float32),
        np.array(bias, dtype=np.float32),
    )


LEARNERS = {"logistic": logistic, "nbsvm": nbsvm}
