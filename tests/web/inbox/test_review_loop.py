"""The desk loop end to end: a message is corrected in the review queue of the dashboard, and
`paseban model train` run against that database counts and learns from the correction."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from paseban.cli import cli
from paseban.context import Context
from paseban.nlp import labelled
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser


def _small_corpus(folder: Path) -> Path:
    folder.mkdir()
    lines: list[str] = []
    for path in sorted(labelled.corpus_dir().glob("*.jsonl")):
        lines += path.read_text(encoding="utf-8").splitlines()[::10]
    (folder / "small.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_correction_in_the_review_queue_is_used_by_the_next_training(
    app_ctx: Context,
    login: Callable[[str], Browser],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = [
        message(1, "min kok lampu di gang kami udah seminggu ga nyala ya"),
        message(2, "semoga sehat selalu semuanya"),
    ]
    report = files.ingest_file(app_ctx, write_jsonl(tmp_path / "m.jsonl", records))
    lamp, wish = report.message_ids
    with app_ctx.engine.begin() as conn:
        conn.execute(sa.update(t.messages).values(needs_review=True))
        # the model's mistake that the desk corrects
        conn.execute(
            sa.update(t.messages)
            .where(t.messages.c.id == lamp)
            .values(intent="informasi", topic=None, urgency=None)
        )
    lurah = login("lurah.batutulis")
    page = lurah.get("/tinjauan").text
    assert "2 pesan menunggu" in page and "0 pesan sudah dikoreksi" in page
    done = lurah.post(
        f"/kotak-masuk/{lamp}/koreksi",
        {"intent": "aduan", "topic": "pju", "urgency": "normal", "kembali": "/tinjauan"},
    )
    assert done.status_code == 303
    page = lurah.get("/tinjauan").text
    assert "1 pesan menunggu" in page and "1 pesan sudah dikoreksi" in page
    assert f'id="pesan-{wish}"' in page and f'id="pesan-{lamp}"' not in page

    monkeypatch.setenv("PASEBAN_DATABASE_URL", app_ctx.settings.database_url)
    out = tmp_path / "model" / "x"
    args = ["model", "train", "--corpus", str(_small_corpus(tmp_path / "corpus"))]
    args += ["--train-dir", str(tmp_path / "absent"), "--output", str(out), "--force"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "koreksi manusia: 1 pesan" in result.output
    assert "koreksi manusia dipakai: 1" in result.output
    card = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert card["corrections_used"] == 1
    assert {"source": "koreksi manusia", "rows": 1} in [
        {"source": s["source"], "rows": s["rows"]} for s in card["sources"]
    ]
    # without corrections the same command counts none
    args[2:2] = ["--no-corrections"]
    again = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert again.exit_code == 0 and "koreksi manusia dipakai: 0" in again.output
