from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from paseban.cli import cli
from paseban.nlp import labelled


def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_analyze_contract(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": 1,
                        "text": "Jl. Pajajaran depan Botani Square berlubang besar, bahaya",
                        "platform": "x",
                    }
                ),
                json.dumps(
                    {
                        "id": "b",
                        "text": "lampu jalan mati, gelap banget",
                        "account_kelurahan": "32.71.01.1001",
                    }
                ),
                json.dumps({"id": 3, "text": "slot gacor maxwin cek bio"}),
                json.dumps({"id": 4, "text": "NIK saya 3271014107900002 mau tanya syarat KK baru"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run("analyze", "--input", str(src), "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    road = rows[1]
    assert (road["intent"], road["topic"], road["opd"], road["route_rule"]) == (
        "aduan",
        "jalan",
        "EXT_JALAN_NASIONAL",
        "jalan-nasional",
    )
    assert (road["kelurahan"], road["kecamatan"], road["place_source"]) == (
        "32.71.03.1007",
        "32.71.03",
        "text",
    )
    assert set(road["confidence"]) == {"intent", "topic", "urgency", "place"}
    assert set(road["reasons"]) == {"intent", "topic", "urgency", "place"}
    lamp = rows["b"]
    assert (lamp["topic"], lamp["opd"], lamp["kelurahan"], lamp["place_source"]) == (
        "pju",
        "DISPERUMKIM",
        "32.71.01.1001",
        "fallback",
    )
    spam = rows[3]
    assert (spam["intent"], spam["topic"], spam["opd"]) == ("spam", None, None)
    assert "3271014107900002" not in rows[4]["masked_text"]


def test_analyze_stdin_stdout_and_bad_lines(tmp_path: Path) -> None:
    good = json.dumps({"id": 1, "text": "sampah numpuk"})
    result = run("analyze", input=f"{good}\n{{oops\n{json.dumps({'text': 'tanpa id'})}\n")
    assert result.exit_code == 1
    assert "stdin:2" in result.output and "--skip-bad" in result.output
    skipped = run("analyze", "--skip-bad", input=f"{good}\n{{oops\n\xff\n")
    assert skipped.exit_code == 0
    lines = [line for line in skipped.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1 and json.loads(lines[0])["id"] == 1
    assert "stdin:2" in skipped.stderr and "2 baris dilewati" in skipped.stderr
    out = tmp_path / "o.jsonl"
    failed = run("analyze", "--output", str(out), input=f"{good}\n{{oops\n")
    assert failed.exit_code == 1 and not out.exists()  # no half-written output file


def test_model_evaluate_skips_missing_real_data(tmp_path: Path) -> None:
    result = run(
        "model",
        "evaluate",
        "--eval-dir",
        str(tmp_path / "absent"),
        "--train-dir",
        str(tmp_path / "absent"),
        "--no-sources",
    )
    assert result.exit_code == 0
    out = result.output
    assert "sumber latih" in out and "lisensi" in out  # the model card
    assert "(a) Komentar nyata tertahan" in out and "dilewati" in out
    assert "(b) Korpus tim" in out and "(c) Data nyata lain" in out
    assert "jalan atau tempat penting" in out


def test_model_train_on_a_small_corpus(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    lines = []
    for path in sorted(labelled.corpus_dir().glob("*.jsonl")):
        lines += path.read_text(encoding="utf-8").splitlines()[::8]
    (folder / "small.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    absent = str(tmp_path / "absent")
    args = ["model", "train", "--no-corrections", "--corpus", str(folder), "--train-dir", absent]
    result = run(*args, "--output", str(tmp_path / "m" / "x"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m" / "x.npz").is_file() and (tmp_path / "m" / "x.report.md").is_file()
    assert "SMS tidak diikutkan" in result.output  # says what it left out
    assert "koreksi manusia dipakai: 0" in result.output
    assert "model nlp-" in result.output and "ditulis" in result.output
    # a second run cannot compare with held-out real comments here: it keeps the model there
    again = run(*args, "--output", str(tmp_path / "m" / "x"))
    assert again.exit_code == 0 and "TIDAK diganti" in again.output
    (folder / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    bad = run(*args, "--output", str(tmp_path / "y"))
    assert bad.exit_code == 1 and "bad.jsonl:1" in bad.output
