"""Round-6 experiment: word clusters learnt from unlabelled text as features of the intent head,
measured on validation data only (`nice -n 10 .venv/bin/python scripts/corpus/clusters.py`;
about 5 minutes).

The unlabelled comments of `../shared/train/instagram-dinkes-semarang` (both files, only those
dated before `sources.TEST_FROM`, so the held-out test part is never read), the SMS and the
team's corpus give about 24,000 texts. Words seen at least 4 times get vectors from their
positive pointwise mutual information with the words within 3 places (context counts smoothed
by the power 0.75), reduced to 96 dimensions by a truncated SVD, and two k-means clusterings
(256 and 48 clusters, seed `train.SEED`). Each token of a message then adds "k:<fine>" and
"K:<coarse>" to its features (Koo et al. 2008, Turian et al. 2010: clusters carry what a word
shares with words the labelled data saw). The intent head (logistic regression, C 16/64/256)
is fitted with and without them on the part `paseban model train` tunes on, with the shipped
model's source weights, and scored as `tune` scores intent (the mean of complaint F1 and
intent macro-F1 on the real and the corpus validation slices), the best of each compared by a
paired bootstrap (500 resamples). `../shared/eval` is never read."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from paseban.nlp import corpus, learners, model, sources, train
from paseban.nlp import features as feats
from paseban.nlp.normalize import normalize

from learners import bootstrap, score, validation_split  # this folder's round-5 harness

DIMS, FINE, COARSE, MIN_COUNT, WINDOW = 96, 256, 48, 4, 3


def unlabelled_texts(folder: Path) -> list[str]:
    out = []
    comments = folder / sources.INSTAGRAM
    for name in ("unlabelled.csv", "labelled.csv"):
        with open(comments / name, newline="", encoding="utf-8") as f:
            out += [r["text"] for r in csv.DictReader(f) if r["date"] < sources.TEST_FROM]
    with open(folder / sources.SMS / "sms.csv", newline="", encoding="utf-8") as f:
        out += [r["text"] for r in csv.DictReader(f)]
    for path in sorted(Path(corpus.__file__).parent.glob("*.jsonl")):
        out += [json.loads(x)["text"] for x in path.read_text("utf-8").splitlines() if x.strip()]
    return out


def clusters(texts: Sequence[str]) -> dict[str, tuple[int, int]]:
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.utils.extmath import randomized_svd

    docs = [normalize(x).split() for x in texts]
    counts = Counter(w for d in docs for w in d)
    vocab = sorted(w for w, n in counts.items() if n >= MIN_COUNT and w not in ("?", "!"))
    index = {w: i for i, w in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    for d in docs:
        ids = [index.get(w, -1) for w in d]
        for i, a in enumerate(ids):
            if a < 0:
                continue
            for j in range(max(0, i - WINDOW), min(len(ids), i + WINDOW + 1)):
                if j != i and ids[j] >= 0:
                    rows.append(a)
                    cols.append(ids[j])
    n = len(vocab)
    co = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr().tocoo()
    total = co.sum()
    row_sums = np.asarray(co.sum(1)).ravel()
    ctx = np.asarray(co.sum(0)).ravel() ** 0.75
    ctx = ctx / ctx.sum() * total
    pmi = np.log(co.data * total / (row_sums[co.row] * ctx[co.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (co.row[keep], co.col[keep])), shape=(n, n))
    u, s, _ = randomized_svd(ppmi, DIMS, random_state=train.SEED)
    vectors = u * np.sqrt(s)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    fine = KMeans(FINE, n_init=3, random_state=train.SEED).fit_predict(vectors)
    coarse = KMeans(COARSE, n_init=3, random_state=train.SEED).fit_predict(vectors)
    return {w: (int(a), int(b)) for w, a, b in zip(vocab, fine, coarse, strict=True)}


def with_clusters(table: dict[str, tuple[int, int]]) -> Callable[..., list[str]]:
    def features(normalized: str, raw: str = "") -> list[str]:
        out = feats.features(normalized, raw)
        for tok in normalized.split():
            hit = table.get(tok)
            if hit:
                out += [f"k:{hit[0]}", f"K:{hit[1]}"]
        return out

    return features


def main() -> None:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    folder = sources.default_train_dir()
    table = clusters(unlabelled_texts(folder))
    print(f"{len(table)} words clustered")
    data = sources.gather(folder)
    shipped = model.bundled().meta.get("settings", {})
    settings = train.Settings(**shipped) if isinstance(shipped, dict) else train.Settings()
    val, part = validation_split(data)
    gold = {k: [e.intent for e in v] for k, v in val.items()}
    y = [e.intent for e in part]
    w = np.array([settings.weight(e) for e in part], dtype=np.float64)
    runs: dict[str, dict[str, list[str]]] = {}
    means: dict[str, float] = {}
    plain: Callable[..., list[str]] = feats.features
    for name, function in (("words", plain), ("clusters", with_clusters(table))):
        setattr(train, "features", function)  # noqa: B010 (Docs reads the module's features)
        docs = train.Docs()
        matrix = train.Matrix.build(part, docs)
        xv = {k: matrix.vectorizer.transform(docs(v)) for k, v in val.items()}
        with threadpool_limits(limits=1):
            for c in (16.0, 64.0, 256.0):
                head = learners.logistic(matrix.x, y, w, c)
                pred = {
                    k: [head.classes[i] for i in (m @ head.weights + head.bias).argmax(1)]
                    for k, m in xv.items()
                }
                figures = {k: score(gold[k], pred[k]) for k in val}
                key = f"{name} C{c:g}"
                runs[key] = pred
                means[key] = float(np.mean([(a + b) / 2 for a, b in figures.values()]))
                shown = "  ".join(
                    f"{k} aduan F1 {a:.3f} macro-F1 {b:.3f}" for k, (a, b) in figures.items()
                )
                print(f"{key:14} score {means[key]:.4f}  {shown}", flush=True)
    setattr(train, "features", plain)  # noqa: B010
    boot = bootstrap(gold)

    best = {
        n: max((r for r in runs if r.startswith(n)), key=means.__getitem__)
        for n in ("words", "clusters")
    }
    diff = boot(runs[best["clusters"]]) - boot(runs[best["words"]])
    lo, hi = np.percentile(diff, [2.5, 97.5])
    print(
        f"{best['clusters']} - {best['words']}: {diff.mean():+.4f} (95 % {lo:+.4f} .. {hi:+.4f}), "
        f"higher in {np.mean(diff > 0):.0%} of resamples"
    )


if __name__ == "__main__":
    main()
