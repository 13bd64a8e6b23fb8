"""The trained text models: a safe artefact (NumPy arrays, no pickle) and fast inference.

One shared vocabulary with TF-IDF weights, and one linear head per decision (intent, topic,
urgency). `paseban model train` writes the artefact; the analyzer loads it and refuses an
artefact written for another format or feature version."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paseban.nlp.features import FEATURE_VERSION, context_features, token_features

FORMAT = 1
ARTEFACT = "paseban-nlp"
HEADS = ("intent", "topic", "urgency")

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


class ModelError(RuntimeError):
    """The model artefact is missing, damaged, or does not match this version of Paseban."""


@dataclass(frozen=True)
class Head:
    classes: tuple[str, ...]
    weights: NDArray[np.float32]  # features x classes
    bias: NDArray[np.float32]  # classes


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    evidence: tuple[str, ...]  # the words that weighed most for the label


class TextModel:
    def __init__(
        self,
        vocabulary: Sequence[str],
        idf: NDArray[np.float32],
        heads: dict[str, Head],
        meta: dict[str, object],
    ) -> None:
        # NumPy is loaded when a model is used: the CLI's --help and the commands that
        # never analyse start without it (issue 12)
        import numpy as np

        self.index = {feat: i for i, feat in enumerate(vocabulary)}
        self.vocabulary = list(vocabulary)
        self.idf = idf.astype(np.float32)
        self.heads = heads
        self.meta = meta
        self.version = str(meta.get("version", "unknown"))
        # all heads side by side: one gather and one product per message
        self._names = [name for name in HEADS if name in heads]
        width = sum(len(heads[n].classes) for n in self._names)
        self._weights = (
            np.hstack([heads[n].weights for n in self._names]).astype(np.float32)
            if self._names
            else np.zeros((len(self.vocabulary), 0), dtype=np.float32)
        )
        self._bias = (
            np.concatenate([heads[n].bias for n in self._names]).astype(np.float32)
            if width
            else (np.zeros(0, dtype=np.float32))
        )
        bounds = np.cumsum([0, *(len(heads[n].classes) for n in self._names)])
        self._slices = {
            n: slice(int(bounds[i]), int(bounds[i + 1])) for i, n in enumerate(self._names)
        }
        self._token_cache: dict[str, list[int]] = {}
        self._wordlike = np.array(
            [
                f.startswith(("w:", "b:")) and not f.endswith(("urltoken", "mentiontoken"))
                for f in vocabulary
            ]
        )

    # --- vectors ---------------------------------------------------------------------------------

    def _token(self, tok: str) -> list[int]:
        hit = self._token_cache.get(tok)
        if hit is None:
            index = self.index
            hit = [i for f in token_features(tok) if (i := index.get(f)) is not None]
            if len(self._token_cache) < 500_000:
                self._token_cache[tok] = hit
        return hit

    def _indices(self, normalized: str, raw: str) -> list[int]:
        tokens = normalized.split()
        found: list[int] = []
        for tok in tokens:
            found.extend(self._token(tok))
        index = self.index
        found.extend(i for f in context_features(tokens, raw) if (i := index.get(f)) is not None)
        return found

    def matrix(self, docs: Sequence[tuple[str, str]]) -> Any:
        """TF-IDF rows (sublinear tf, L2-normalised) for (normalized, raw) documents."""
        # NumPy: loaded on first use (see TextModel.__init__)
        import numpy as np
        from scipy import sparse

        lists = [self._indices(normalized, raw) for normalized, raw in docs]
        lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
        cols = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(lists)), lengths)
        x = sparse.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), (rows, cols)),
            shape=(len(lists), len(self.vocabulary)),
        )
        x.sum_duplicates()
        x.data = (1.0 + np.log(x.data)) * self.idf[x.indices]
        norms = np.sqrt(np.add.reduceat(x.data**2, x.indptr[:-1])) if x.nnz else np.zeros(0)
        per_row = np.diff(x.indptr)
        if x.nnz:
            norms = np.where(per_row > 0, norms, 1.0)
            x.data /= np.repeat(norms, per_row).astype(np.float32)
        return x

    def probabilities(self, docs: Sequence[tuple[str, str]], head: str) -> NDArray[np.float32]:
        """One head's class probabilities (rows: documents, columns: `heads[head].classes`), for
        choosing what to label next and for measuring calibration."""
        # NumPy: loaded on first use (see TextModel.__init__)
        import numpy as np

        part = self._slices[head]
        scores = np.asarray(self.matrix(docs) @ self._weights[:, part]) + self._bias[part]
        scores = scores - scores.max(axis=1, keepdims=True)
        probs: NDArray[np.float32] = np.exp(scores).astype(np.float32)
        probs /= probs.sum(axis=1, keepdims=True)
        return probs

    def predict_many(
        self, docs: Sequence[tuple[str, str]], heads: Sequence[str] = HEADS
    ) -> list[dict[str, Prediction] | None]:
        """Every head for every document in a few array operations. None for a document with no
        known feature. The evidence is the word features that pushed hardest towards each label."""
        # NumPy: loaded on first use (see TextModel.__init__)
        import numpy as np

        if not docs:
            return []
        x = self.matrix(docs)
        scores = np.asarray(x @ self._weights) + self._bias
        per_row = np.diff(x.indptr)
        rows = np.repeat(np.arange(x.shape[0]), per_row)
        word = self._wordlike[x.indices]
        w_rows, w_cols, w_vals = rows[word], x.indices[word], x.data[word]
        results: list[dict[str, Prediction]] = [{} for _ in docs]
        for name in heads:
            part = self._slices[name]
            head_scores = scores[:, part]
            head_scores = head_scores - head_scores.max(axis=1, keepdims=True)
            probs = np.exp(head_scores)
            probs /= probs.sum(axis=1, keepdims=True)
            best = probs.argmax(axis=1)
            confidence = probs[np.arange(len(docs)), best]
            evidence: list[list[str]] = [[] for _ in docs]
            if len(w_rows):
                contrib = w_vals * self._weights[w_cols, part.start + best[w_rows]]
                keep = contrib > 0
                r, c, v = w_rows[keep], w_cols[keep], contrib[keep]
                order = np.lexsort((-v, r))
                r, c = r[order], c[order]
                first = np.searchsorted(r, r, side="left")
                rank = np.arange(len(r)) - first
                top = rank < 3
                for row, col in zip(r[top].tolist(), c[top].tolist(), strict=True):
                    evidence[row].append(self.vocabulary[col][2:])
            classes = self.heads[name].classes
            for i, (b, conf) in enumerate(zip(best.tolist(), confidence.tolist(), strict=True)):
                results[i][name] = Prediction(classes[b], conf, tuple(evidence[i]))
        return [res if per_row[i] else None for i, res in enumerate(results)]


def save(
    path: Path,
    vocabulary: Sequence[str],
    idf: NDArray[np.float32],
    heads: dict[str, Head],
    meta: dict[str, object],
) -> None:
    # NumPy: loaded on first use (see TextModel.__init__)
    import numpy as np

    arrays: dict[str, NDArray[np.generic]] = {
        "vocabulary": np.array(vocabulary, dtype=np.str_),
        "idf": idf.astype(np.float32),
    }
    for name, head in heads.items():
        arrays[f"{name}_classes"] = np.array(head.classes, dtype=np.str_)
        arrays[f"{name}_weights"] = head.weights.astype(np.float16)
        arrays[f"{name}_bias"] = head.bias.astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".npz").open("wb") as f:
        np.savez_compressed(f, **arrays)  # type: ignore[arg-type]
    full = {**meta, "format": FORMAT, "feature_version": FEATURE_VERSION}
    path.with_suffix(".json").write_text(
        json.dumps(full, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def load(path: Path) -> TextModel:
    # NumPy: loaded on first use (see TextModel.__init__)
    import numpy as np

    meta_path, npz_path = path.with_suffix(".json"), path.with_suffix(".npz")
    if not meta_path.is_file() or not npz_path.is_file():
        raise ModelError(f"model {path.name} tidak ditemukan; jalankan `paseban model train`")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT or meta.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"model {meta.get('version')} dibuat untuk format {meta.get('format')}/"
            f"{meta.get('feature_version')}, versi ini membutuhkan {FORMAT}/{FEATURE_VERSION}; "
            "jalankan `paseban model train`"
        )
    try:
        with np.load(npz_path, allow_pickle=False) as data:
            vocabulary = [str(v) for v in data["vocabulary"]]
            idf = data["idf"].astype(np.float32)
            heads = {
                name: Head(
                    tuple(str(c) for c in data[f"{name}_classes"]),
                    data[f"{name}_weights"].astype(np.float32),
                    data[f"{name}_bias"].astype(np.float32),
                )
                for name in HEADS
            }
    except (KeyError, ValueError, OSError) as exc:
        raise ModelError(f"model {path.name} rusak: {exc}") from None
    if any(h.weights.shape[0] != len(vocabulary) for h in heads.values()):
        raise ModelError(f"model {path.name} rusak: ukuran bobot tidak cocok dengan kosakata")
    return TextModel(vocabulary, idf, heads, meta)


def bundled_path() -> Path:
    return Path(str(resources.files("paseban.nlp").joinpath("models", ARTEFACT)))


@lru_cache(maxsize=1)
def bundled() -> TextModel:
    return load(bundled_path())
