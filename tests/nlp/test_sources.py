"""Real comments chosen by active learning: they always train, never validate, never test."""

from __future__ import annotations

import csv
from pathlib import Path

from paseban.nlp import evaluate, labelled, sources
from tests.nlp.tuning import fitted_in_tuning


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)


def real_data(tmp_path: Path, n: int = 80) -> tuple[Path, Path]:
    """A train folder with n comments before TEST_FROM (U…) and 6 after it (L…), a random
    sample labelling the even U rows and 4 L rows, active labels on the odd U rows and on a row
    without text."""
    folder = tmp_path / "train" / sources.INSTAGRAM
    write_csv(
        folder / "unlabelled.csv",
        ["row", "text", "likes", "date"],
        [[f"U{i:05d}", f"jalan rusak nomor {i}", "0", "2021-06-01"] for i in range(n)],
    )
    write_csv(
        folder / "labelled.csv",
        ["row", "text", "sentiment", "likes", "date"],
        [[f"L{i:05d}", f"vaksin kapan {i}", "neutral", "0", "2021-10-01"] for i in range(6)],
    )
    labels = tmp_path / "labels" / f"{sources.INSTAGRAM}.csv"
    header = ["row", "intent", "topic", "urgency"]
    sample = [[f"U{i:05d}", "aduan", "jalan", "normal"] for i in range(0, n, 2)]
    sample += [[f"L{i:05d}", "pertanyaan", "kesehatan", ""] for i in range(4)]
    write_csv(labels, header, sample)
    active = [[f"U{i:05d}", "aduan", "jalan", "tinggi"] for i in range(1, n, 2)]
    active += [["L00009", "informasi", "", ""]]  # no text: counted as missing
    write_csv(sources.active_labels_path(labels), header, active)
    return tmp_path / "train", labels


def test_active_labels_sit_next_to_the_random_sample() -> None:
    assert sources.active_labels_path().name == f"{sources.INSTAGRAM}.active.csv"
    assert sources.active_labels_path().is_file()  # shipped with the package, ids only
    assert "text" not in sources.active_labels_path().read_text(encoding="utf-8").splitlines()[0]


def test_actively_chosen_comments_always_train_and_never_validate(tmp_path: Path) -> None:
    train_dir, labels = real_data(tmp_path)
    data = sources.gather(train_dir, labels_path=labels)
    active = [e for e in data.real_train if e.origin == sources.ACTIVE]
    sample = [e for e in data.real_train if e.origin == sources.INSTAGRAM]
    assert len(active) == 40 and len(sample) == 40
    assert {e.origin for e in data.real_test} == {sources.INSTAGRAM}
    validation = {e.id for e in data.real_validation}
    assert validation and validation <= {e.id for e in sample}
    trained = {e.id for e in data.training()}
    assert {e.id for e in active} <= trained
    # the row ids some active labels hash into the validation slice still train
    assert any(sources.in_validation(e.group) for e in active)
    assert data.labels_total == 40 + 4 + 41


def test_tuning_fits_on_every_active_label(tmp_path: Path) -> None:
    train_dir, labels = real_data(tmp_path)
    data = sources.gather(train_dir, labels_path=labels)
    data.corpus = [e for i, e in enumerate(labelled.read()) if i % 6 == 0]  # quicker
    seen = fitted_in_tuning(data)
    assert {e.id for e in data.real_train if e.origin == sources.ACTIVE} <= seen
    assert not {e.id for e in data.real_validation} & seen
    assert not {e.id for e in data.real_test} & seen


def test_an_active_label_dated_in_the_test_part_is_left_out_with_a_note(tmp_path: Path) -> None:
    train_dir, labels = real_data(tmp_path)
    header = ["row", "intent", "topic", "urgency"]
    write_csv(
        sources.active_labels_path(labels),
        header,
        [["U00001", "aduan", "jalan", "normal"], ["L00005", "kasar", "", ""]],
    )
    data = sources.gather(train_dir, labels_path=labels)
    assert [e.id for e in data.real_train if e.origin == sources.ACTIVE] == ["ig-U00001"]
    assert "ig-L00005" not in {e.id for e in [*data.real_test, *data.training()]}
    assert {e.origin for e in data.real_test} == {sources.INSTAGRAM}
    assert any("1 label pilihan aktif" in note and sources.TEST_FROM in note for note in data.notes)


def test_a_row_in_both_files_keeps_the_random_sample_label(tmp_path: Path) -> None:
    train_dir, labels = real_data(tmp_path)
    write_csv(
        sources.active_labels_path(labels),
        ["row", "intent", "topic", "urgency"],
        [["U00002", "kasar", "", ""]],
    )
    data = sources.gather(train_dir, labels_path=labels)
    same = [e for e in data.real_train if e.group == "U00002"]
    assert [(e.intent, e.origin) for e in same] == [("aduan", sources.INSTAGRAM)]


def test_the_sources_table_counts_the_active_labels(tmp_path: Path) -> None:
    train_dir, labels = real_data(tmp_path)
    data = sources.gather(train_dir, labels_path=labels)
    (real,) = [r for r in data.card() if str(r["source"]).startswith(sources.INSTAGRAM)]
    assert real["rows"] == 80 and real["active_learning_rows"] == 40
    assert real["held_out_test_rows"] == 4
    table = evaluate.render_card({"sources": data.card(), "left_out": data.notes})
    assert "40 dipilih pembelajaran aktif" in table
    assert "1 label tanpa teks" in table  # L00009 has no text in the train folder


def test_without_the_texts_the_active_labels_are_counted_as_left_out(tmp_path: Path) -> None:
    _, labels = real_data(tmp_path)
    data = sources.gather(tmp_path / "absent", labels_path=labels)
    assert not data.real_train
    assert any(note.startswith("85 komentar berlabel tidak diikutkan") for note in data.notes)
