"""Indices, leaderboards, sosok ideal and the lagging list, with hand-computed examples."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from paseban.measurement import indices, leaderboards, recognition
from paseban.measurement.kpis import (
    EMPTY,
    Engagement,
    FirstResponse,
    Growth,
    Ratio,
    UnitKpis,
)
from paseban.measurement.periods import Period

TEN_OF_TEN = Ratio(10, 10)
MONTH = Period(date(2026, 11, 1), date(2026, 11, 30), "month")


def unit(
    code: str,
    *,
    answered: int = 10,
    needing: int = 10,
    median_min: float | None = 30,
    within: Ratio = TEN_OF_TEN,
    sla: Ratio = EMPTY,
    posts: int = 10,
    kind: str = "kelurahan",
    period: Period = MONTH,
    **extra: object,
) -> UnitKpis:
    seconds = None if median_min is None else median_min * 60
    values: dict[str, object] = {
        "code": code,
        "name": f"Kel {code}",
        "kind": kind,
        "period": period,
        "response": Ratio(answered, needing),
        "first": FirstResponse(answered, seconds, seconds, seconds, seconds, within),
        "sla": {"verify": sla} if sla.den else {},
        "posts": posts,
        "accounts": 1,
        "days_since_post": 1,
        "field_visits": 1,
    }
    values.update(extra)
    return UnitKpis(**values)  # type: ignore[arg-type]


def test_percentile_ranks() -> None:
    pr = indices.percentile_ranks({"a": 10, "b": 20, "c": 20, "d": 40}, higher_is_better=True)
    # a: 0 worse, 0 same -> 0.5/4; b: 1 worse, 1 same -> 2/4; d: 3 worse -> 3.5/4
    assert pr == {"a": 12.5, "b": 50.0, "c": 50.0, "d": 87.5}
    low = indices.percentile_ranks({"a": 10, "b": 20}, higher_is_better=False)
    assert low == {"a": 75.0, "b": 25.0}
    assert indices.percentile_ranks({"x": 3}, higher_is_better=True) == {"x": 50.0}


def test_weights_are_published_and_sum_to_one() -> None:
    for components in indices.INDICES.values():
        assert sum(c.weight for c in components) == pytest.approx(1.0)
        assert len({c.key for c in components}) == len(components)


def test_responsiveness_score_by_hand() -> None:
    # two units; a is better on response rate (100 % vs 50 %) and median (30 vs 90 min),
    # equal on within-SLA; no SLA stages, confirmations or reopens (left out, weights rescaled)
    a = unit("a", answered=10, needing=10, median_min=30, within=Ratio(9, 10))
    b = unit("b", answered=5, needing=10, median_min=90, within=Ratio(9, 10))
    s = indices.score([a, b], "responsiveness")
    # a: response 75, median 75, within 50 -> (0.3*75 + 0.2*75 + 0.2*50) / 0.7 = 67.857
    assert s["a"].value == 67.9
    # b: (0.3*25 + 0.2*25 + 0.2*50) / 0.7 = 32.14
    assert s["b"].value == 32.1
    assert set(s["a"].ranks) == {"response_rate", "frt_median_business", "frt_within_sla"}


def test_leaderboard_minimum_volume_and_reason() -> None:
    units = [
        unit("a", answered=30, needing=30, median_min=35, within=Ratio(29, 30), sla=Ratio(24, 25)),
        unit("b", answered=20, needing=30, median_min=120, within=Ratio(20, 30), sla=Ratio(10, 20)),
        unit("c", answered=15, needing=20, median_min=60, within=Ratio(15, 20), sla=Ratio(8, 10)),
        # two complaints, both answered in one minute: would top the table; must not be ranked
        unit("tiny", answered=2, needing=2, median_min=1, within=Ratio(2, 2), sla=Ratio(2, 2)),
    ]
    board = leaderboards.build(units, "responsiveness", "kelurahan")
    assert [r.code for r in board.ranked] == ["a", "c", "b"]
    assert [r.rank for r in board.ranked] == [1, 2, 3] and board.ranked[0].of == 3
    tiny = board.unranked[0]
    assert tiny.code == "tiny" and tiny.rank is None and tiny.score is None
    assert tiny.reason == "data kurang: 2 pesan warga (minimal 10)"
    top = board.ranked[0].reason
    assert "100% pesan warga dijawab (30/30)" in top
    assert "median respons pertama 35 menit (jam kerja)" in top or "tahap aduan" in top


def test_minimum_scales_with_period() -> None:
    assert leaderboards.minimum(10, 30) == 10
    assert leaderboards.minimum(10, 7) == 3
    assert leaderboards.minimum(8, 7) == 3
    assert leaderboards.minimum(10, 31) == 11


def test_ties_share_a_rank() -> None:
    units = [unit("a"), unit("b"), unit("c", answered=5)]
    board = leaderboards.build(units, "responsiveness", "kelurahan")
    assert [(r.code, r.rank) for r in board.ranked] == [("a", 1), ("b", 1), ("c", 3)]


def test_trend_against_previous_period() -> None:
    prev_period = Period(date(2026, 10, 2), date(2026, 10, 31))  # 30 days
    now = [unit("a", answered=10), unit("b", answered=6), unit("c", answered=8)]
    before = [
        unit("a", answered=5, period=prev_period),
        unit("b", answered=10, period=prev_period),
        unit("c", answered=1, needing=1, period=prev_period),  # not ranked then
    ]
    board = leaderboards.build(now, "responsiveness", "kelurahan", previous=before)
    rows = {r.code: r for r in board.rows}
    assert rows["a"].rank == 1 and rows["a"].previous_rank == 2 and rows["a"].trend_text == "naik 1"
    assert rows["b"].rank == 3 and rows["b"].trend_text == "turun 2"
    assert rows["c"].trend_text == "baru" and rows["c"].trend is None
    score, previous = rows["a"].score, rows["a"].previous_score
    assert score is not None and previous is not None
    assert rows["a"].trend == pytest.approx(score - previous)


def test_activity_and_opd_volumes() -> None:
    opd = unit("DPUPR", kind="opd", sla=Ratio(3, 12), needing=0, answered=0, accounts=0)
    assert leaderboards.volume(opd, "responsiveness").what == "tahap aduan"
    assert leaderboards.volume(opd, "responsiveness").enough
    few = unit("a", posts=4)
    assert not leaderboards.volume(few, "activity").enough


def test_empty_group() -> None:
    board = leaderboards.build([], "activity", "kecamatan")
    assert board.rows == [] and board.ranked == []
    with pytest.raises(ValueError):
        leaderboards.build([], "nope", "kelurahan")


# --- recognition ---------------------------------------------------------------------------------


def test_top_units_say_what_they_did() -> None:
    units = [unit(str(i), answered=10 - i, within=Ratio(10 - i, 10)) for i in range(5)]
    board = leaderboards.build(units, "responsiveness", "kelurahan")
    top = recognition.top_units([board])
    assert [h.code for h in top] == ["0", "1", "2"]
    assert top[0].did.startswith("menjawab 10 dari 10 pesan warga, median 30 menit")
    assert top[0].title == "Indeks responsivitas · Kelurahan #1 dari 5"


def test_top_admins_weigh_field_visits() -> None:
    rows = [
        recognition.AdminActivity("a", "Ani", "kelurahan_admin", "x", replies=10),
        recognition.AdminActivity("b", "Budi", "kelurahan_admin", "y", replies=4, field_visits=3),
        recognition.AdminActivity("c", "Cici", "viewer", None),
    ]
    top = recognition.top_admins(rows)
    assert [a.username for a in top] == ["b", "a"]  # 4 + 3*3 = 13 > 10; nothing done: left out
    assert top[0].did == "4 balasan ke warga, 3 kunjungan lapangan"


def test_lagging_units_with_measure_and_action() -> None:
    quiet = unit("q", days_since_post=12)
    ignoring = unit("i", answered=3, needing=10, unanswered_complaints=7)
    slow = unit("s", median_min=10 * 60)
    late = unit("l", sla=Ratio(2, 5))
    losing = unit("f", growth=Growth(100, 90), field_visits=0)
    fine = unit("ok")
    lags = recognition.lagging([quiet, ignoring, slow, late, losing, fine], "kelurahan")
    measures = {(lag.code, lag.measure) for lag in lags}
    assert ("q", "akun tidak posting 12 hari") in measures
    assert ("i", "7 aduan belum dijawab") in measures
    assert ("s", "median respons pertama 10 jam (jam kerja)") in measures
    assert ("l", "hanya 40% tahap aduan sesuai SLA (2/5)") in measures
    assert ("f", "pengikut turun 10") in measures
    assert ("f", "belum ada kunjungan lapangan tercatat") in measures
    assert not any(lag.code == "ok" for lag in lags)
    assert lags[0].code == "i"  # unanswered complaints come first
    assert all(lag.action for lag in lags)


def test_lagging_bottom_of_leaderboard() -> None:
    units = [unit(str(i), answered=10 - i) for i in range(8)]
    board = leaderboards.build(units, "responsiveness", "kelurahan")
    lags = recognition.lagging(units, "kelurahan", [board])
    bottom = [lag for lag in lags if lag.measure.startswith("peringkat")]
    assert [lag.code for lag in bottom] == ["6", "7"]  # the bottom quarter of 8
    assert bottom[0].measure == "peringkat 7 dari 8 indeks responsivitas"


def test_quiet_account_that_never_posted() -> None:
    lags = recognition.lagging([unit("n", days_since_post=None)], "kelurahan")
    assert lags[0].measure == "akun belum pernah posting"


def test_no_accounts_means_no_posting_lag() -> None:
    lags = recognition.lagging([unit("n", accounts=0, days_since_post=None)], "kelurahan")
    assert not any("posting" in lag.measure for lag in lags)


def test_engagement_and_growth_in_reasons() -> None:
    k = unit("a", engagement=Engagement(42, 1000, 0, 3), growth=Growth(1000, 1031))
    assert leaderboards.describe("er_reach", k) == "interaksi 4,2% dari jangkauan"
    assert leaderboards.describe("follower_growth", k) == "pengikut +3,1% (+31)"


def test_durations_in_words() -> None:
    from paseban.domain import fmt

    assert fmt.duration(35 * 60) == "35 menit"
    assert fmt.duration(3.5 * 3600) == "3,5 jam"
    assert fmt.duration(3 * 86400) == "3 hari"
    assert fmt.duration(None) == "-"
    assert fmt.num(1234567.5, 1) == "1.234.567,5"
    assert fmt.signed(-3, 0) == "−3"
    _ = datetime, timedelta
