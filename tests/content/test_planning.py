from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from paseban.content.calendar import (
    DEFAULT_PILLARS,
    Entry,
    build_days,
    gaps,
    pillars_as_data,
    pillars_from_data,
    week_start,
)
from paseban.content.campaigns import (
    CampaignKit,
    CampaignPost,
    Participation,
    adapt,
    participation,
    summary,
    validate_kit,
)
from paseban.content.programs import Fact, Program, validate_program
from paseban.content.stories import (
    CitizenNote,
    Profile,
    completeness,
    missing,
    pick_ideas,
    validate_profile,
)
from tests.content.helpers import writing

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
KIT = CampaignKit(
    "hut-bogor",
    "Hari Jadi Bogor",
    "Mari rayakan Hari Jadi Bogor bersama dengan kegiatan di setiap kelurahan.",
    date(2026, 11, 20),
    date(2026, 12, 10),
    facts=(Fact("Ada 68 kelurahan yang ikut meramaikan."), Fact("Puncak acara 3 Juni.")),
    hashtags=("#HJB", "#KotaBogor", "#BogorBeres"),
)


def test_program_validation() -> None:
    good = Program("bb", "Bogor Berlari", "DLH", key_messages=("lari",), hashtags=("#BB",))
    assert validate_program(good, opd_codes={"DLH"}) == []
    bad = Program("B B", "", "XX", hashtags=("no space",))
    problems = validate_program(bad, opd_codes={"DLH"})
    assert len(problems) == 5 and any("OPD" in p for p in problems)


def test_kit_validation() -> None:
    assert validate_kit(KIT) == []
    broken = CampaignKit(
        "x y", "", "pendek", date(2026, 2, 1), date(2026, 1, 1), media_links=("ftp://x",)
    )
    assert len(validate_kit(broken)) == 5


@pytest.mark.parametrize("platform", ["instagram", "x", "tiktok"])
def test_adapt_fits_the_platform(platform: str) -> None:
    limits = writing(platform)
    text = adapt(KIT, account_name="kel", wilayah_name="Tegal Gundil", limits=limits)
    assert text.startswith("Warga Tegal Gundil, Mari")
    assert len(text) <= limits.max_chars
    assert "#HJB" in text


def test_participation_and_reminders() -> None:
    posts = [
        CampaignPost(
            1, "published", NOW - timedelta(days=1), {"likes": 10, "comments": 2, "reach": 300}
        ),
        CampaignPost(2, "draft"),
        CampaignPost(3, "review_kecamatan"),
    ]
    rows = participation(
        KIT,
        [1, 2, 3, 4],
        posts,
        today=date(2026, 11, 27),
        now=NOW,
        reminded={2: NOW - timedelta(hours=5), 4: NOW - timedelta(days=3)},
    )
    by = {r.account_id: r for r in rows}
    assert by[1].state is Participation.TERBIT and by[1].engagements == 12 and by[1].reach == 300
    assert not by[1].reminder_due
    assert by[2].state is Participation.KONSEP and not by[2].reminder_due  # reminded today
    assert by[3].state is Participation.DITINJAU and by[3].reminder_due
    assert by[4].state is Participation.BELUM and by[4].reminder_due
    assert summary(rows)["percent_terbit"] == 25
    finished = participation(KIT, [4], [], today=date(2026, 12, 11), now=NOW)
    assert not finished[0].reminder_due


def test_pillars_round_trip_and_validation() -> None:
    assert pillars_from_data(pillars_as_data(DEFAULT_PILLARS)) == DEFAULT_PILLARS
    with pytest.raises(ValueError, match="sudah punya"):
        pillars_from_data([{"weekday": 1, "code": "a", "label": "A"}] * 2)
    with pytest.raises(ValueError, match="ke-1"):
        pillars_from_data([{"weekday": 9, "code": "a", "label": "A"}])


def test_calendar_days_and_gaps() -> None:
    monday = week_start(date(2026, 11, 27))
    assert monday == date(2026, 11, 23)

    def at(d: date, h: int) -> datetime:
        return datetime(d.year, d.month, d.day, h, tzinfo=WIB)

    entries = [
        Entry(1, 1, "Info", "published", at(monday, 9), "informasi"),
        Entry(2, 1, "UMKM", "scheduled", at(monday + timedelta(days=1), 23), "wisata"),
        Entry(3, 1, "draft", "draft", at(monday + timedelta(days=2), 8), "wisata"),
    ]
    days = build_days(monday, 7, entries, DEFAULT_PILLARS, WIB)
    assert [len(d.entries) for d in days] == [1, 1, 1, 0, 0, 0, 0]
    assert days[0].gap is None
    assert "Selasa UMKM" in (days[1].gap or "")  # scheduled, but not the day's theme
    assert days[2].drafts and "Rabu Wisata" in (days[2].gap or "")
    assert days[6].gap is None  # Sunday has no pillar
    assert [d.day.weekday() for d in gaps(days, today=date(2026, 11, 25))] == [2, 3, 4, 5]


def test_profile_prompts_never_invent() -> None:
    empty = Profile("32.71.01.1001", "Batu Tulis")
    assert len(missing(empty)) == 7 and completeness(empty) == 0
    partial = Profile("32.71.01.1001", "Batu Tulis", landmarks=("Prasasti Batutulis",))
    assert any(p.field == "sources" for p in missing(partial))
    unsourced = Profile("32.71.01.1001", "Batu Tulis", name_origin="dari batu bertulis")
    assert any("sumber" in p for p in validate_profile(unsourced))


def test_story_ideas_from_citizens() -> None:
    def note(i: int, kel: str | None, intent: str, text: str, days: float) -> CitizenNote:
        return CitizenNote(i, kel, intent, text, NOW - timedelta(days=days))

    notes = [
        note(
            1,
            "A",
            "apresiasi",
            "Terima kasih kader posyandu yang hebat, rutin datang tiap bulan",
            1,
        ),
        note(
            2, "A", "informasi", "Besok ada kerja bakti dan lomba kebersihan antar RW di kampung", 2
        ),
        note(3, "B", "apresiasi", "Taman baru di kelurahan jadi indah dan asri, bangga", 20),
        note(4, "B", "aduan", "Jalan rusak parah sudah lama", 1),
        note(5, None, "apresiasi", "Mantap terima kasih", 1),
        note(6, "C", "apresiasi", "👍", 1),
        note(7, "D", "apresiasi", "Lomba tradisi dan festival budaya kemarin keren sekali", 40),
    ]
    ideas = pick_ideas(notes, now=NOW)
    assert [i.kelurahan for i in ideas] == ["A", "B"]
    assert ideas[0].message_ids == (1, 2) and "apresiasi" in ideas[0].why
    assert pick_ideas(notes, now=NOW, used=frozenset({1, 2}))[0].kelurahan == "B"
