from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paseban.content.names import NameBook, OfficialName
from paseban.content.programs import Program
from paseban.content.quality import WEIGHTS, ContentType, Draft, check, link_problem
from tests.content.helpers import writing

GOOD = """Yuk ikut Posyandu Remaja di Kelurahan Tegal Gundil!

Kader posyandu dan Puskesmas Bogor Utara mengajak remaja usia 10-18 tahun memeriksa kesehatan \
gratis: tinggi badan, berat badan, dan tekanan darah.

Sabtu, 5 Desember 2026, pukul 08.00-11.00 WIB
Aula Kantor Kelurahan Tegal Gundil, Jl. Pandu Raya

Cara ikut: datang langsung dan bawa kartu pelajar. Daftar lebih dulu di \
https://forms.kotabogor.go.id/posyandu-remaja agar tidak antre.

#KotaBogor #RemajaSehat"""

POOR = "DIBERITAHUKAN KEPADA WARGA!!! walikota akan hadir dikelurahan, yg mau ikut hub aja"


def points(report: object) -> dict[str, object]:
    return {p.code: p for p in report.points}  # type: ignore[attr-defined]


def test_weights_add_up_to_100() -> None:
    assert sum(WEIGHTS.values()) == 100


def test_a_complete_event_post_scores_high(bogor_names: NameBook) -> None:
    report = check(Draft(GOOD, "instagram", ContentType.ACARA), bogor_names)
    assert report.score >= 90 and report.grade == "siap"
    assert not report.blockers
    assert all(p.reasons for p in report.points)


def test_a_poor_post_scores_low_and_says_why(bogor_names: NameBook) -> None:
    report = check(Draft(POOR, "instagram", ContentType.ACARA), bogor_names)
    assert report.score < 60 and report.grade == "perbaiki"
    by = points(report)
    reasons = " ".join(by["spelling"].reasons)  # type: ignore[attr-defined]
    assert "“walikota” ditulis “Wali Kota”" in reasons and "di kelurahan" in reasons
    assert any("tanggal" in r for r in by["completeness"].reasons)  # type: ignore[attr-defined]
    assert any("yg" in r for r in by["readability"].reasons)  # type: ignore[attr-defined]


def test_near_misspelling_of_a_kelurahan_is_caught(bogor_names: NameBook) -> None:
    issues = bogor_names.check("Kerja bakti di Tegal Gundul dan Baranangsang minggu ini.")
    assert [(i.found, i.suggestion, i.exact) for i in issues] == [
        ("Tegal Gundul", "Tegal Gundil", False),
        ("Baranangsang", "Baranangsiang", False),
    ]
    assert bogor_names.check("Warga Tegalgundil")[0].suggestion == "Tegal Gundil"


def test_common_words_are_not_names(bogor_names: NameBook) -> None:
    text = "Barang di gudang ini untuk kencan, bukan untuk menteng. Wali Kota Bogor hadir."
    assert bogor_names.check(text) == []
    assert bogor_names.check("Kelurahan Marga Jaya dan Batu Tulis, Wakil Wali Kota") == []


def test_hashtags_and_links_are_not_spelling(bogor_names: NameBook) -> None:
    assert bogor_names.check("#Tegalgundil https://tegalgundil.example.go.id @walikota") == []


def test_program_name_and_hashtags_are_expected(bogor_names: NameBook) -> None:
    program = Program("bb", "Bogor Berlari", "DISPORA", hashtags=("#BogorBerlari",))
    base = "Pekan ini warga Bogor lari pagi bersama di Lapangan Sempur, Minggu pukul 06.00 WIB."
    without = check(Draft(base, "instagram", ContentType.PROGRAM, program), bogor_names)
    named = check(
        Draft(base + " Bogor Berlari #BogorBerlari", "instagram", ContentType.PROGRAM, program),
        bogor_names,
    )
    assert points(without)["program"].score == 0  # type: ignore[attr-defined]
    assert points(named)["program"].score == 1  # type: ignore[attr-defined]
    assert named.score > without.score


@pytest.mark.parametrize(
    ("platform", "length", "blocked"),
    [("x", 281, True), ("x", 200, False), ("instagram", 2201, True), ("facebook", 5000, False)],
)
def test_length_against_the_platform(
    bogor_names: NameBook, platform: str, length: int, blocked: bool
) -> None:
    text = ("Kata " * length)[:length]
    report = check(Draft(text, platform, limits=writing(platform)), bogor_names)
    assert bool(points(report)["length"].blocking) is blocked  # type: ignore[attr-defined]
    if blocked:
        assert report.score <= 49


def test_the_length_reason_names_the_platform_as_given(bogor_names: NameBook) -> None:
    """The checker is pure: the platform's name comes in with the draft (the services pass
    `Registry.platform_label`), so the pages and the reasons say the same name."""
    text = "Kata " * 59 + "Bogor"  # 300 characters

    def reasons(draft: Draft) -> tuple[str, ...]:
        return next(p.reasons for p in check(draft, bogor_names).points if p.code == "length")

    named = Draft(text, "x", limits=writing("x"), platform_name="X")
    assert reasons(named) == ("300 karakter melebihi batas X (280).",)
    assert reasons(Draft(text, "x", limits=writing("x"))) == (
        "300 karakter melebihi batas x (280).",
    )


def test_x_counts_a_link_as_23_characters(bogor_names: NameBook) -> None:
    text = "Info layanan. " * 18 + "https://kotabogor.go.id/" + "a" * 100
    assert (
        check(Draft(text, "x", limits=writing("x")), bogor_names).stats["chars"]
        == len("Info layanan. " * 18) + 23
    )


def test_personal_data_blocks(bogor_names: NameBook) -> None:
    text = GOOD + "\nPenerima: Budi, NIK 3271012345678901"
    report = check(Draft(text, "instagram", ContentType.ACARA), bogor_names)
    assert report.blockers and report.score <= 49
    assert "NIK" in points(report)["privacy"].reasons[0]  # type: ignore[attr-defined]
    email = check(Draft(GOOD + "\nSurel: kelurahan.tg@kotabogor.go.id", "instagram"), bogor_names)
    assert not points(email)["privacy"].blocking  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://kotabogor.go.id/layanan", None),
        ("bit.ly/abc", None),
        ("htp://kotabogor.go.id", "awalan"),
        ("https://kotabogor", "domain"),
        ("https://bad_host.go.id", "domain"),
        ("https://example.com/x", "contoh"),
    ],
)
def test_links_are_checked_offline(url: str, problem: str | None) -> None:
    found = link_problem(url)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_live_link_results_count(bogor_names: NameBook) -> None:
    url = "https://forms.kotabogor.go.id/posyandu-remaja"
    ok = check(Draft(GOOD, "instagram", ContentType.ACARA), bogor_names, live_links={url: 200})
    gone = check(Draft(GOOD, "instagram", ContentType.ACARA), bogor_names, live_links={url: 404})
    assert not ok.blockers and "HTTP 404" in gone.blockers[0]


def test_content_types_ask_different_questions(bogor_names: NameBook) -> None:
    story = (
        "Menurut sesepuh Kampung Empang, nama Empang berasal dari kolam ikan milik warga. "
        "Warga Kelurahan Empang masih menjaga kolam itu. Bagikan kisahmu!"
    )
    as_story = check(Draft(story, "instagram", ContentType.CERITA), bogor_names)
    as_event = check(Draft(story, "instagram", ContentType.ACARA), bogor_names)
    assert points(as_story)["completeness"].score == 1  # type: ignore[attr-defined]
    assert points(as_event)["completeness"].score < 1  # type: ignore[attr-defined]


def test_name_book_prefers_the_longest_name() -> None:
    book = NameBook([OfficialName("Wali Kota", "jabatan"), OfficialName("Wakil Wali Kota", "j")])
    assert [i.suggestion for i in book.check("Wakil Walikota hadir")] == ["Wakil Wali Kota"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_score_between_0_and_100(text: str) -> None:
    book = NameBook([OfficialName("Tegal Gundil", "wilayah")])
    report = check(Draft(text, "x"), book)
    assert 0 <= report.score <= 100
    assert len(report.points) == len(WEIGHTS)
