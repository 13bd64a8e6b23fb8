"""The learners of the text model's heads (paseban/nlp/learners.py)."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from paseban.nlp import learners, train
from tests.nlp.test_model import small_sources


def toy() -> tuple[sparse.csr_matrix, list[str], np.ndarray]:
    rng = np.random.default_rng(7)
    labels = ["jalan", "sampah", "pju"] * 20
    dense = rng.random((len(labels), 12)) * (rng.random((len(labels), 12)) > 0.6)
    for i, label in enumerate(labels):  # one feature that tells each class
        dense[i, ["jalan", "sampah", "pju"].index(label)] += 3.0
    return sparse.csr_matrix(dense.astype(np.float32)), labels, np.ones(len(labels))


def test_nb_ratio_is_positive_for_what_the_class_has_and_negative_for_what_the_rest_has() -> None:
    x = sparse.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]], dtype=float))
    ratio = learners.nb_ratio(x, np.array([True, True, False, False]))
    assert ratio[0] > 0 > ratio[1] and abs(ratio[2]) < 1e-9


def test_the_nbsvm_head_scores_as_the_one_vs_rest_models_it_folds() -> None:
    """A head stores ratio x weight, so inference (one product) gives the same scores as each
    binary model on its NB-scaled rows."""
    x, y, w = toy()
    head = learners.nbsvm(x, y, w, 4.0)
    assert head.classes == ("jalan", "pju", "sampah") and head.weights.shape == (12, 3)
    scores = x @ head.weights + head.bias
    for k, label in enumerate(head.classes):
        positive = np.array(y) == label
        ratio = learners.nb_ratio(x, positive)
        clf = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced", random_state=1)
        clf.fit(x @ sparse.diags(ratio), positive.astype(int))
        np.testing.assert_allclose(
            scores[:, k], clf.decision_function(x @ sparse.diags(ratio)), atol=1e-3
        )
    assert [head.classes[i] for i in np.asarray(scores).argmax(1)] == y


def test_the_topic_head_is_fitted_by_nbsvm_the_others_by_logistic_regression() -> None:
    data = small_sources()
    matrix = train.Matrix.build(data.corpus)
    settings = train.Settings()
    topic = matrix.head("topic", settings)
    rows = [i for i, e in enumerate(data.corpus) if e.topic]
    w = np.array([settings.weight(data.corpus[i]) for i in rows])
    direct = learners.nbsvm(
        matrix.x[rows], [data.corpus[i].topic or "" for i in rows], w, settings.c_topic
    )
    np.testing.assert_array_equal(topic.weights, direct.weights)
    intent = matrix.head("intent", settings)
    plain = learners.logistic(
        matrix.x,
        [e.intent for e in data.corpus],
        np.array([settings.weight(e) for e in data.corpus]),
        settings.c_intent,
    )
    np.testing.assert_array_equal(intent.weights, plain.weights)
    assert train.HEAD_LEARNERS == {"intent": "logistic", "topic": "nbsvm", "urgency": "logistic"}
