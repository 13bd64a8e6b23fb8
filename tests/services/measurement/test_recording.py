"""Metric snapshots (CSV and the connectors' hook), early warning, field visits and photos."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.domain.auth import actor_for
from paseban.errors import BadFile, Conflict, Forbidden, InvalidInput, NotFound
from paseban.hookspecs import hookimpl
from paseban.measurement import metrics
from paseban.services.measurement import fieldwork, media
from paseban.services.measurement import recording as service
from paseban.storage import tables as t
from tests.factories import with_accounts
from tests.measurement import builders as b

WIB = ZoneInfo("Asia/Jakarta")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
HEADER = ",".join(metrics.COLUMNS)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_metrics_csv_import(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    path = write(
        tmp_path,
        "2026-11-20,instagram,kelurahan.batutulis,1520,88,,4100,,,,,,,,",
        "2026-11-20,instagram,@kelurahan.batutulis,,,900,2300,p1,2026-11-19T10:00:00+07:00,120,14,6,3,bogor_bersih,hut_bogor",
        "2026-11-21,instagram,kelurahan.batutulis,1530,89,,,,,,,,,,",
    )
    report = service.import_metrics_csv(ctx, path)
    assert (report.added, report.updated, report.skipped) == (3, 0, [])
    again = service.import_metrics_csv(ctx, path)
    assert (again.added, again.updated) == (0, 3)
    with ctx.engine.connect() as conn:
        snaps = conn.execute(
            sa.select(t.account_snapshots.c.day, t.account_snapshots.c.followers).order_by(
                t.account_snapshots.c.day
            )
        ).all()
        post = conn.execute(sa.select(t.post_metrics)).mappings().one()
    assert [tuple(s) for s in snaps] == [(date(2026, 11, 20), 1520), (date(2026, 11, 21), 1530)]
    assert (post["likes"], post["reach"], post["program"], post["posted_on"]) == (
        120,
        900,
        "bogor_bersih",
        date(2026, 11, 19),
    )


def test_metrics_csv_bad_lines_store_nothing(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    path = write(
        tmp_path,
        "2026-11-20,instagram,kelurahan.batutulis,1520,,,,,,,,,,,",
        "2026-11-20,instagram,kelurahan.tidakada,1520,,,,,,,,,,,",
        "2026-13-01,instagram,kelurahan.batutulis,1,,,,,,,,,,,",
        "2026-11-20,instagram,kelurahan.batutulis,banyak,,,,,,,,,,,",
        "2026-11-20,instagram,kelurahan.batutulis,,,,,p9,2026-11-19T10:00:00,1,,,,,",
        "2026-12-20,instagram,kelurahan.batutulis,5,,,,,,,,,,,",
        "2026-11-20,instagram,kelurahan.batutulis,,,,,,,,,,,,",
    )
    with pytest.raises(BadFile) as info:
        service.import_metrics_csv(ctx, path)
    problems = [str(e) for e in info.value.errors]
    assert problems[0].endswith(
        ":3: akun instagram/kelurahan.tidakada tidak terdaftar "
        "(daftarkan dengan `paseban accounts import`)"
    )
    assert ":4: tanggal harus YYYY-MM-DD" in problems[1]
    assert ":5: followers harus bilangan bulat" in problems[2]
    assert ":6: posted_at harus memiliki zona waktu" in problems[3]
    assert ":7: tanggal 2026-12-20 di masa depan" in problems[4]
    assert ":8: baris akun tanpa angka" in problems[5]
    with ctx.engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(t.account_snapshots)).scalar() == 0
        )
    report = service.import_metrics_csv(ctx, path, skip_bad=True)
    assert report.added == 1 and len(report.skipped) == 6


class FakeConnector:
    @hookimpl
    def collect_account_metrics(
        self, ctx: Context, account: dict[str, object]
    ) -> metrics.AccountMetrics | None:
        if account["platform"] != "instagram":
            return None
        if account["handle"] == "kecamatan.bogorutara":
            raise RuntimeError("token kedaluwarsa")
        return metrics.AccountMetrics(
            date(2026, 11, 27),
            followers=100,
            posts=(
                metrics.PostMetrics(
                    "p1", datetime(2026, 11, 26, 10, tzinfo=WIB), likes=5, reach=50
                ),
            ),
        )


def test_daily_job_uses_the_connectors_hook(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    ctx.pm.register(FakeConnector(), "fake-connector")
    counts = service.record_account_metrics(ctx)
    assert counts == {"accounts": 5, "snapshots": 3, "posts": 3, "unsupported": 1, "failed": 1}
    again = service.record_account_metrics(ctx)  # the same day again: replaced, not duplicated
    assert again["snapshots"] == 3
    with ctx.engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(t.account_snapshots)).scalar() == 3
        )


def test_jobs_are_registered_as_a_plugin(ctx: Context) -> None:
    from paseban import jobs

    specs = jobs.registry(ctx)
    assert specs["detect_spikes"].every == timedelta(minutes=5)
    assert specs["refresh_response_facts"].every == timedelta(minutes=2)
    assert specs["record_account_metrics"].every == timedelta(days=1)


# --- early warning -----------------------------------------------------------------------------


def test_spike_raises_updates_and_closes_one_alert(ctx: Context, clock) -> None:  # type: ignore[no-untyped-def]
    kel, kec = "32.71.01.1001", "32.71.01"
    now = ctx.now()
    with ctx.engine.begin() as conn:
        acc = b.account(conn, "kel.bt", "kelurahan", kel, at=now)
        # usual level: one flood report a week for four weeks
        for week in range(1, 5):
            b.message(
                conn,
                acc,
                now - timedelta(days=7 * week),
                "aduan",
                topic="banjir_longsor",
                kelurahan=kel,
                kecamatan=kec,
            )
        ids = [
            b.message(
                conn,
                acc,
                now - timedelta(minutes=10 * i),
                "aduan",
                topic="banjir_longsor",
                kelurahan=kel,
                kecamatan=kec,
                text=f"banjir 0812345678{i} di rt 3",
            )
            for i in range(5)
        ]
        b.message(
            conn,
            acc,
            now - timedelta(minutes=5),
            "pertanyaan",
            topic="banjir_longsor",
            kelurahan=kel,
        )
    assert service.detect_spikes(ctx) == {"raised": 1, "updated": 0, "closed": 0}
    operator = actor_for("operator", Role.DISKOMINFO, Scope())
    alert = fieldwork.alerts(ctx, operator)[0]
    assert (alert["topic"], alert["level"], alert["area"], alert["count"]) == (
        "banjir_longsor",
        "kelurahan",
        kel,
        5,
    )
    assert alert["opd"] is not None and alert["status"] == "open"
    assert sorted(alert["message_ids"]) == sorted(ids)
    assert alert["expected"] == pytest.approx(max(0.05, 4 * 6 / (28 * 24)))
    behind = fieldwork.with_messages(ctx, operator, [alert])[0]["messages"]
    assert len(behind) == 5 and all("text" not in m and m["masked_text"] for m in behind)
    # who sees it: the OPD it went to and the kelurahan's admin; not another OPD or kelurahan
    opd = actor_for("petugas", Role.OPD_OFFICER, Scope(opd=alert["opd"]))
    other_opd = actor_for("lain", Role.OPD_OFFICER, Scope(opd="DISDIK"))
    lurah = actor_for("lurah", Role.KELURAHAN_ADMIN, Scope(wilayah=kel))
    camat = actor_for("camat", Role.KECAMATAN_ADMIN, Scope(wilayah=kec))
    elsewhere = actor_for("lurah2", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.05.1002"))
    assert [len(fieldwork.alerts(ctx, x)) for x in (opd, other_opd, lurah, camat, elsewhere)] == [
        1,
        0,
        1,
        1,
        0,
    ]
    # five minutes later one more report: the same alert grows
    clock.advance(timedelta(minutes=5))
    with ctx.engine.begin() as conn:
        b.message(
            conn, acc, ctx.now(), "aduan", topic="banjir_longsor", kelurahan=kel, kecamatan=kec
        )
    assert service.detect_spikes(ctx)["updated"] == 1
    with pytest.raises(Forbidden):
        fieldwork.acknowledge_alert(ctx, lurah, alert["id"])  # sees it, does not answer for it
    with pytest.raises(NotFound):
        fieldwork.acknowledge_alert(ctx, other_opd, alert["id"])
    fieldwork.acknowledge_alert(ctx, opd, alert["id"])
    with pytest.raises(Conflict):
        fieldwork.acknowledge_alert(ctx, operator, alert["id"])
    with pytest.raises(NotFound):
        fieldwork.acknowledge_alert(ctx, operator, 999)
    clock.advance(timedelta(hours=30))
    assert service.detect_spikes(ctx) == {"raised": 0, "updated": 0, "closed": 1}


class Siren:
    """A delivery plugin: records the alerts it is told about; the second one always fails."""

    def __init__(self, fail: bool = False) -> None:
        self.alerts: list[dict[str, Any]] = []
        self.fail = fail

    @hookimpl
    def early_warning(self, ctx: Context, alert: dict[str, Any]) -> None:
        self.alerts.append(alert)
        if self.fail:
            raise RuntimeError("gateway WhatsApp mati")


KEL, KEC = "32.71.01.1001", "32.71.01"


def _reports(ctx: Context, account: int | None, topic: str, n: int) -> int:
    """n complaints of one topic in Batu Tulis in the last minutes; returns the account."""
    with ctx.engine.begin() as conn:
        if account is None:
            account = b.account(conn, "kel.bt", "kelurahan", KEL, at=ctx.now())
        for i in range(n):
            b.message(
                conn,
                account,
                ctx.now() - timedelta(minutes=i),
                "aduan",
                topic=topic,
                kelurahan=KEL,
                kecamatan=KEC,
            )
    return account


def test_a_new_alert_is_announced_once_to_the_delivery_plugins(ctx: Context, clock) -> None:  # type: ignore[no-untyped-def]
    siren = Siren()
    ctx.pm.register(siren, "siren")
    account = _reports(ctx, None, "banjir_longsor", 5)
    assert service.detect_spikes(ctx)["raised"] == 1
    [told] = siren.alerts
    assert (told["topic"], told["topic_name"], told["area"], told["count"]) == (
        "banjir_longsor",
        "Banjir dan bencana",
        KEL,
        5,
    )
    assert told["area_name"] == "Batu Tulis" and told["opd"] and told["status"] == "open"
    clock.advance(timedelta(minutes=5))
    _reports(ctx, account, "banjir_longsor", 1)
    assert service.detect_spikes(ctx)["updated"] == 1
    assert len(siren.alerts) == 1  # a growing spike is the same alert: not announced again


def test_a_failing_delivery_plugin_does_not_undo_the_alert(ctx: Context) -> None:
    broken = Siren(fail=True)
    ctx.pm.register(broken, "broken-siren")
    _reports(ctx, None, "sampah", 5)
    assert service.detect_spikes(ctx)["raised"] == 1
    assert len(broken.alerts) == 1
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.alerts)).scalar() == 1


def test_usual_level_raises_nothing(ctx: Context) -> None:
    kel = "32.71.02.1001"
    now = ctx.now()
    with ctx.engine.begin() as conn:
        acc = b.account(conn, "kel.x", "kelurahan", kel, at=now)
        for h in range(0, 28 * 24, 1):  # one rubbish complaint every hour for four weeks
            b.message(
                conn,
                acc,
                now - timedelta(hours=6, minutes=1) - timedelta(hours=h),
                "aduan",
                topic="sampah",
                kelurahan=kel,
            )
        for i in range(6):
            b.message(
                conn, acc, now - timedelta(minutes=30 * i), "aduan", topic="sampah", kelurahan=kel
            )
    assert service.detect_spikes(ctx)["raised"] == 0


# --- field visits and photos ---------------------------------------------------------------------


@pytest.fixture
def media_ctx(ctx: Context, tmp_path: Path) -> Context:
    ctx.settings = dataclasses.replace(
        ctx.settings, media_dir=str(tmp_path / "media"), media_max_bytes=2048
    )
    return ctx


def test_field_visit_with_photo_and_location(media_ctx: Context, tmp_path: Path) -> None:
    ctx = media_ctx
    lurah = actor_for("lurah.batutulis", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))
    vid = fieldwork.log_visit(
        ctx,
        lurah,
        visited_at=ctx.now() - timedelta(hours=1),
        purpose="  cek   saluran tersumbat ",
        kelurahan="32.71.01.1001",
        spot=fieldwork.Spot(-6.6216, 106.8087, 12.0),
        photo=JPEG,
    )
    with ctx.engine.connect() as conn:
        row = (
            conn.execute(sa.select(t.field_visits).where(t.field_visits.c.id == vid))
            .mappings()
            .one()
        )
    assert row["purpose"] == "cek saluran tersumbat" and row["unit_code"] == "32.71.01.1001"
    assert row["officer"] == "lurah.batutulis" and row["accuracy_m"] == 12.0
    assert media.NAME.match(row["photo"]) and row["photo"].endswith(".jpg")
    path, ctype = media.open_photo(ctx.settings, row["photo"])
    assert path.read_bytes() == JPEG and ctype == "image/jpeg"
    assert str(path).startswith(str(tmp_path / "media"))


@pytest.mark.parametrize(
    ("photo", "problem"),
    [(b"GIF89a" + b"\x00" * 10, "bukan foto"), (JPEG * 20, "terlalu besar")],
)
def test_bad_photos_are_refused_and_nothing_stored(
    media_ctx: Context, photo: bytes, problem: str
) -> None:
    ctx = media_ctx
    with pytest.raises(InvalidInput, match=problem), ctx.engine.begin() as conn:
        fieldwork.record_visit(
            conn,
            ctx,
            officer="x",
            unit_code="32.71.01.1001",
            visited_at=ctx.now(),
            purpose="cek",
            photo=photo,
        )
    with pytest.raises(InvalidInput, match="kosong"):
        media.save_photo(ctx.settings, b"", kind="visits", at=ctx.now())
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.field_visits)).scalar() == 0
    assert not Path(ctx.settings.media_dir).exists()


def test_visit_needs_purpose_or_case_a_sane_time_and_the_own_area(media_ctx: Context) -> None:
    ctx = media_ctx
    lurah = actor_for("lurah", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))
    with pytest.raises(InvalidInput, match="tujuan"):
        fieldwork.log_visit(ctx, lurah, visited_at=ctx.now())
    with pytest.raises(InvalidInput, match="masa depan"):
        fieldwork.log_visit(ctx, lurah, visited_at=ctx.now() + timedelta(hours=1), purpose="p")
    with pytest.raises(InvalidInput, match="7 hari"):
        fieldwork.log_visit(ctx, lurah, visited_at=ctx.now() - timedelta(days=8), purpose="p")
    with pytest.raises(NotFound):
        fieldwork.log_visit(ctx, lurah, visited_at=ctx.now(), ticket="BGR-0000-0000")
    with pytest.raises(Forbidden, match="di luar wilayah"):
        fieldwork.log_visit(
            ctx, lurah, visited_at=ctx.now(), purpose="p", kelurahan="32.71.05.1002"
        )
    viewer = actor_for("pimpinan", Role.VIEWER, Scope())
    with pytest.raises(Forbidden):
        fieldwork.log_visit(ctx, viewer, visited_at=ctx.now(), purpose="p")
    operator = actor_for("operator", Role.DISKOMINFO, Scope())
    with pytest.raises(InvalidInput, match="unit kerja"):
        fieldwork.log_visit(ctx, operator, visited_at=ctx.now(), purpose="p")  # names a unit
    fieldwork.log_visit(ctx, operator, visited_at=ctx.now(), purpose="p", unit="DLH")
    with ctx.engine.begin() as conn:
        other = b.case(
            conn, opened_at=ctx.now(), kelurahan="32.71.05.1002", kecamatan="32.71.05", opd="DLH"
        )
        ticket = conn.execute(sa.select(t.cases.c.ticket).where(t.cases.c.id == other)).scalar_one()
    with pytest.raises(Forbidden):  # a case of another kelurahan
        fieldwork.log_visit(ctx, lurah, visited_at=ctx.now(), ticket=ticket)
    with pytest.raises(InvalidInput, match="lintang"):
        fieldwork.Spot(100, 0)
    assert fieldwork.spot_from_form("", "") is None
    with pytest.raises(InvalidInput):
        fieldwork.spot_from_form("-6.6", "abc")
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.field_visits)).scalar() == 1


def test_photo_names_cannot_escape_the_media_folder(media_ctx: Context) -> None:
    for name in (
        "../paseban.db",
        "visits/2026/11/../../x.jpg",
        "/etc/passwd",
        "visits/2026/11/abc.jpg",
    ):
        with pytest.raises(NotFound):
            media.open_photo(media_ctx.settings, name)


def test_before_after_pair_on_a_resolved_case(media_ctx: Context) -> None:
    ctx = media_ctx
    with ctx.engine.begin() as conn:
        open_case = b.case(conn, opened_at=ctx.now(), kelurahan=None, kecamatan=None, opd=None)
        done = b.case(
            conn, opened_at=ctx.now(), kelurahan=None, kecamatan=None, opd=None, status="resolved"
        )
    here = fieldwork.Spot(-6.6216, 106.8087)
    near = fieldwork.Spot(-6.62165, 106.80875)  # about 8 m away
    far = fieldwork.Spot(-6.6226, 106.8087)  # about 111 m away

    def pair(case_id: int, **spots: fieldwork.Spot) -> float | None:
        with ctx.engine.begin() as conn:
            return fieldwork.record_photo_pair(
                conn, ctx, case_id, before=JPEG, after=PNG, actor="opd", **spots
            )

    with pytest.raises(Conflict, match="sudah diselesaikan"):
        pair(open_case)
    with pytest.raises(InvalidInput, match="titik yang sama"):
        pair(done, before_spot=here, after_spot=far)
    distance = pair(done, before_spot=here, after_spot=near)
    assert distance is not None and 5 < distance < 12
    with pytest.raises(Conflict, match="sudah punya"):
        pair(done)
