from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from paseban.domain.triage import (
    Candidate,
    Report,
    TriagePolicy,
    distance_m,
    find_duplicate,
    is_follow_up,
    keywords,
    mentioned_tickets,
    neighbours_by_distance,
    placement_keys,
    similarity,
)

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
KEL = "32.71.01.1001"
NEXT_DOOR = "32.71.01.1002"
FAR = "32.71.05.1002"


def report(text: str, **kw: object) -> Report:
    values: dict[str, object] = {
        "topic": "jalan", "kelurahan": KEL, "kecamatan": "32.71.01",
        "keywords": keywords(text), "at": T0,
    }  # fmt: skip
    values.update(kw)
    return Report(**values)  # type: ignore[arg-type]


def case(case_id: int, text: str, **kw: object) -> Candidate:
    values: dict[str, object] = {
        "case_id": case_id, "topic": "jalan", "kelurahan": KEL, "kecamatan": "32.71.01",
        "keywords": keywords(text), "last_report_at": T0 - timedelta(days=1),
    }  # fmt: skip
    values.update(kw)
    return Candidate(**values)  # type: ignore[arg-type]


def test_keywords_drop_digits_stopwords_and_repeats() -> None:
    text = "Min jalannn BOLONG parahhh, hub 081234567890 / warga.lapor@gmail.com di jl. Batutulis"
    assert keywords(text) == {"bolong", "hub", "batutulis"}
    assert similarity({"a", "b"}, {"b", "c"}) == 1 / 3 and similarity(set(), {"a"}) == 0.0


def test_same_topic_and_kelurahan_joins() -> None:
    match = find_duplicate(report("jalan bolong dekat sekolah"), [case(7, "aspal rusak")])
    assert match is not None and match.case_id == 7 and "kelurahan sama" in match.reason


def test_other_topic_old_case_or_far_place_opens_a_new_case() -> None:
    new = report("jalan bolong")
    assert find_duplicate(new, [case(1, "jalan bolong", topic="sampah")]) is None
    old = case(2, "jalan bolong", last_report_at=T0 - timedelta(days=8))
    assert find_duplicate(new, [old]) is None
    assert (
        find_duplicate(new, [case(3, "jalan bolong", kelurahan=FAR, kecamatan="32.71.05")]) is None
    )
    # an old case that keeps getting reports stays joinable
    busy = case(4, "jalan bolong", last_report_at=T0 - timedelta(days=2))
    assert find_duplicate(new, [busy], policy=TriagePolicy(window=timedelta(days=3))) is not None


def test_neighbouring_kelurahan_needs_similar_text() -> None:
    neighbours = {KEL: frozenset({NEXT_DOOR})}
    near = case(5, "jalan bolong besar depan masjid agung", kelurahan=NEXT_DOOR)
    similar = report("jalan bolong besar masjid agung bahaya")
    assert find_duplicate(similar, [near], neighbours=neighbours) is not None
    assert find_duplicate(report("aspal mengelupas"), [near], neighbours=neighbours) is None
    assert find_duplicate(similar, [near]) is None  # not neighbours without the map


def test_coordinates_within_the_radius_are_the_same_place() -> None:
    here = (-6.6100, 106.8000)
    there = (-6.6110, 106.8005)  # about 120 m
    assert 100 < distance_m(here, there) < 150
    new = report("lubang", kelurahan=None, kecamatan=None, lat=here[0], lon=here[1])
    other_kel = case(6, "x", kelurahan=FAR, kecamatan="32.71.05", lat=there[0], lon=there[1])
    match = find_duplicate(new, [other_kel])
    assert match is not None and "berjarak" in match.reason


def test_different_streets_are_different_problems() -> None:
    new = report("jalan bolong", street="Jl. Malabar")
    assert find_duplicate(new, [case(8, "aspal rusak", street="Jl. Pangrango")]) is None
    same = find_duplicate(new, [case(9, "aspal rusak", street="jl. malabar")])
    assert same is not None and "jalan sama" in same.reason


def test_the_best_candidate_wins() -> None:
    a = case(10, "sampah", last_report_at=T0 - timedelta(hours=1))
    b = case(11, "jalan bolong besar", last_report_at=T0 - timedelta(days=3))
    match = find_duplicate(report("jalan bolong besar sekali"), [a, b])
    assert match is not None and match.case_id == 11


def test_kecamatan_only_reports_join_kecamatan_only_cases() -> None:
    new = report("sampah", kelurahan=None, topic="sampah")
    kec_case = case(12, "sampah", kelurahan=None, topic="sampah")
    assert find_duplicate(new, [kec_case]) is not None
    other = case(13, "sampah", kelurahan=None, kecamatan="32.71.05", topic="sampah")
    assert find_duplicate(new, [other]) is None


def test_neighbours_from_centres() -> None:
    centres = {"a": (-6.60, 106.80), "b": (-6.605, 106.80), "c": (-6.70, 106.80)}
    near = neighbours_by_distance(centres, max_km=1.0)
    assert near["a"] == {"b"} and near["c"] == frozenset()


def test_neighbours_agree_with_the_distance_of_each_pair() -> None:
    """All pairs at once give what distance_m gives pair by pair (a kabupaten's worth)."""
    rng = random.Random(7)
    centres = {
        f"k{i:03d}": (-6.6 + rng.uniform(-0.1, 0.1), 106.8 + rng.uniform(-0.1, 0.1))
        for i in range(120)
    }
    near = neighbours_by_distance(centres, max_km=1.5)
    for a in centres:
        expected = {b for b in centres if b != a and distance_m(centres[a], centres[b]) <= 1500}
        assert near[a] == expected
    assert sum(len(v) for v in near.values()) > 0 and neighbours_by_distance({}, 1.5) == {}


def test_follow_up_questions() -> None:
    for text in (
        "gimana min udah ditindak belum?",
        "min kok belum ada tindakan ya",
        "sudah 5 hari belum ada respon",
        "update dong min jalannya",
        "gimanaaa ini min",
    ):
        assert is_follow_up(text), text
    for text in ("jalan bolong di batutulis", "sampah numpuk", "terima kasih"):
        assert not is_follow_up(text), text


def test_ticket_codes_in_text() -> None:
    assert mentioned_tickets("min bgr-2611-0042 gimana? BGR-2611-0042 juga BGR-2612-0001") == [
        "BGR-2611-0042",
        "BGR-2612-0001",
    ]


def test_placements_that_could_find_each_others_case_share_a_lock_name() -> None:
    at = datetime(2026, 11, 27, tzinfo=UTC)
    here = Report("jalan", "K1", "C1", frozenset(), at)
    keys = placement_keys(here, frozenset({"K2"}), 300)
    assert keys == ["kel:jalan:K1", "kel:jalan:K2"]
    # a neighbour reads K1, where `here` may open its case; another topic shares nothing
    assert "kel:jalan:K1" in placement_keys(
        Report("jalan", "K2", "C1", frozenset(), at), frozenset({"K1"}), 300
    )
    assert not set(keys) & set(
        placement_keys(Report("sampah", "K1", "C1", frozenset(), at), frozenset({"K2"}), 300)
    )
    assert placement_keys(Report("jalan", None, "C1", frozenset(), at), frozenset(), 300) == [
        "kec:jalan:C1"
    ]
    # two points 250 m apart (within the 300 m radius) always share a grid cell, wherever they lie
    for lat in (-6.5900, -6.5953, -6.6001):
        a = Report("jalan", None, None, frozenset(), at, lat=lat, lon=106.8)
        b = Report("jalan", None, None, frozenset(), at, lat=lat + 0.00225, lon=106.8)
        assert set(placement_keys(a, frozenset(), 300)) & set(placement_keys(b, frozenset(), 300))
