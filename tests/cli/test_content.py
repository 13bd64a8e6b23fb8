from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Sampled


@pytest.mark.xdist_group("sample")
def test_content_commands_on_the_sample(sampled: Sampled, tmp_path: Path) -> None:
    assert "konten contoh: 5 programs, 1 campaigns, 12 posts, 68 profiles, 2 sessions" in (
        sampled.first
    )
    assert "0 campaigns, 0 posts, 0 profiles, 0 sessions" in sampled.second
    run = sampled.run

    programs = run("content", "programs")
    assert "Biskita Trans Pakuan" in programs.output and "5 program" in programs.output
    posts = run("content", "posts", "--as", "lurah.tegalgundil")
    assert "Dikembalikan" in posts.output and "kelurahan.batutulis" not in posts.output
    waiting = run("content", "posts", "--as", "camat.bogorselatan", "--waiting")
    assert "KTP-el jemput bola" in waiting.output and "1 dari 1" in waiting.output
    post_id = waiting.output.split()[0]
    approved = run("content", "act", post_id, "approve", "--as", "camat.bogorselatan")
    assert approved.exit_code == 0 and "Disetujui" in approved.output
    refused = run("content", "act", post_id, "cancel", "--as", "lurah.tegalgundil")
    assert refused.exit_code == 1 and refused.output.startswith("galat:")

    draft = tmp_path / "draft.txt"
    draft.write_text("BESOK walikota hadir dikelurahan!!! yg mau ikut dtg aja", encoding="utf-8")
    checked = run("content", "check", str(draft))
    assert "Wali Kota" in checked.output and "skor" in checked.output
    calendar = run(
        "content", "calendar", "--as", "lurah.batutulis", "--account", "kelurahan.batutulis"
    )
    assert "Kamis Nyunda" in calendar.output
    campaigns = run("content", "campaigns", "--as", "lurah.tegalgundil")
    assert "terbit 1/1" in campaigns.output
    report = run("content", "training-report", "1", "--as", "operator")
    assert "kelurahan.batutulis" in report.output
    assert run("content", "checkin", "NOPE00", "--as", "lurah.batutulis").exit_code == 1
    made = run(
        "content",
        "session",
        "--as",
        "operator",
        "--kind",
        "kopdar",
        "--title",
        "Uji",
        "--at",
        "2030-01-01T09:00+07:00",
    )
    assert "kode hadir" in made.output
    bad = run(
        "content",
        "session",
        "--as",
        "lurah.batutulis",
        "--kind",
        "kopdar",
        "--title",
        "Uji",
        "--at",
        "2030-01-01T09:00+07:00",
    )
    assert bad.exit_code == 1 and "Diskominfo" in bad.output
    metrics = tmp_path / "m.csv"
    metrics.write_text(
        "platform,external_id,likes,reach\ninstagram,sample-ig-post-0002,200,3000\n"
        "instagram,nope,1,\n",
        encoding="utf-8",
    )
    imported = run("content", "metrics-import", str(metrics))
    assert "1 unggahan diperbarui, 1 tidak dikenal" in imported.output
