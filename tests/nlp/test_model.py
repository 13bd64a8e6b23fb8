from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from paseban.nlp import labelled, model, train
from paseban.nlp.features import FEATURE_VERSION, features
from paseban.nlp.normalize import normalize


def copy_artefact(tmp_path: Path) -> Path:
    source = model.bundled_path()
    for suffix in (".npz", ".json"):
        shutil.copy(source.with_suffix(suffix), tmp_path / f"m{suffix}")
    return tmp_path / "m"


def test_the_shipped_model_loads_and_says_what_it_is() -> None:
    m = model.bundled()
    assert m.meta["format"] == model.FORMAT and m.meta["feature_version"] == FEATURE_VERSION
    assert set(m.heads) == {"intent", "topic", "urgency"}
    assert set(m.heads["intent"].classes) == {
        "aduan",
        "pertanyaan",
        "aspirasi",
        "apresiasi",
        "informasi",
        "spam",
        "kasar",
    }
    assert len(m.heads["topic"].classes) == 21 and set(m.heads["urgency"].classes) == {
        "darurat",
        "tinggi",
        "normal",
    }
    evaluation = m.meta["evaluation"]
    assert isinstance(evaluation, dict) and evaluation["complaint_f1"] > 0.9


def test_a_model_for_another_version_is_refused(tmp_path: Path) -> None:
    path = copy_artefact(tmp_path)
    meta = json.loads(path.with_suffix(".json").read_text())
    meta["feature_version"] = "f0"
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(model.ModelError, match="paseban model train"):
        model.load(path)


def test_missing_or_damaged_artefacts_are_refused(tmp_path: Path) -> None:
    with pytest.raises(model.ModelError, match="tidak ditemukan"):
        model.load(tmp_path / "nope")
    path = copy_artefact(tmp_path)
    path.with_suffix(".npz").write_bytes(b"not a zip")
    with pytest.raises(model.ModelError, match="rusak"):
        model.load(path)


def test_artefact_holds_no_pickled_objects() -> None:
    with np.load(model.bundled_path().with_suffix(".npz"), allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)


def test_inference_vectors_equal_training_vectors() -> None:
    texts = ["min jln di deket psr bogor bolong2 parahhh", "SLOT G4C0R!!", "hatur nuhun 🙏", "?"]
    docs = [features(normalize(t), t) for t in texts]
    vec = train.Vectorizer.fit(docs + docs)  # every feature seen twice: min_df passes
    m = model.TextModel(vec.vocabulary, vec.idf, {}, {"version": "t"})
    fast = m.matrix([(normalize(t), t) for t in texts]).toarray()
    slow = vec.transform(docs).toarray()
    np.testing.assert_allclose(fast, slow, rtol=1e-5, atol=1e-6)


def small_corpus() -> list[labelled.Example]:
    examples = labelled.read()
    return [e for i, e in enumerate(examples) if i % 6 == 0]


def test_training_is_reproducible(tmp_path: Path) -> None:
    examples = small_corpus()
    first, parts, meta = train.train(examples, out=tmp_path / "a")
    second, _, _ = train.train(examples, out=tmp_path / "b")
    assert first.vocabulary == second.vocabulary
    for head in ("intent", "topic", "urgency"):
        np.testing.assert_array_equal(first.heads[head].weights, second.heads[head].weights)
    assert meta["train_size"] == len(parts.train) and meta["seed"] == train.SEED
    reloaded = model.load(tmp_path / "a")
    assert reloaded.vocabulary == first.vocabulary


def test_split_keeps_groups_together_and_near_duplicates_out_of_test() -> None:
    examples = labelled.read()
    parts = train.split(examples)
    train_groups = {e.group for e in parts.train}
    assert not any(e.group in train_groups for e in parts.test)
    train_texts = {normalize(e.text) for e in parts.train}
    assert not any(normalize(e.text) in train_texts for e in parts.test)
    assert 0.1 < len(parts.test) / len(examples) < 0.3


def test_corrections_become_training_examples() -> None:
    rows = [
        {
            "id": 7,
            "text": "jalan di loji rusak",
            "intent": "aduan",
            "topic": "jalan",
            "urgency": "normal",
            "kelurahan": None,
            "kecamatan": None,
        },
        {
            "id": 8,
            "text": "mantap",
            "intent": "apresiasi",
            "topic": "jalan",
            "urgency": None,
            "kelurahan": None,
            "kecamatan": None,
        },
        {
            "id": 9,
            "text": "",
            "intent": "aduan",
            "topic": None,
            "urgency": None,
            "kelurahan": None,
            "kecamatan": None,
        },
    ]
    out = train.corrections_as_examples(rows)
    assert [(e.id, e.topic, e.urgency) for e in out] == [
        ("koreksi-7", "jalan", "normal"),
        ("koreksi-8", None, "normal"),
    ]
    assert all(e.source == "correction" for e in out)
