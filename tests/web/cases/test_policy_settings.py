"""Diskominfo edits routing rules (rows, no JSON), the auto-forward switch, deadline policies and
reply templates in the settings; every save is validated, kept in history and audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.cases import routing
from paseban.services.ingest import files
from paseban.services.people import audit
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser

RUBBISH = "sampah numpuk di kel. tegal gundil udah 3 hari"


def _send(ctx: Context, tmp_path: Path, n: int, text: str, **kw: Any) -> dict[str, Any]:
    path = write_jsonl(tmp_path / f"m{n}.jsonl", [message(n, text, **kw)])
    files.ingest_file(ctx, path)
    with ctx.engine.connect() as conn:
        case_id = conn.execute(
            sa.select(t.messages.c.case_id).where(t.messages.c.external_id == f"m{n}")
        ).scalar_one()
        return dict(
            conn.execute(sa.select(t.cases).where(t.cases.c.id == case_id)).mappings().one()
        )


def _rows(*rows: tuple[str, str, str, str, str]) -> dict[str, object]:
    """Form fields for rule rows: (join, attr, negate, op, value)."""
    names = ("join", "attr", "negate", "op", "value")
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def test_only_diskominfo_edits_policy(login: Callable[[str], Browser]) -> None:
    for user in ("lurah.batutulis", "petugas.dlh", "pimpinan"):
        browser = login(user)
        for path in ("/pengaturan/aturan", "/pengaturan/tenggat", "/pengaturan/templat"):
            assert browser.get(path).status_code == 403, (user, path)
        assert browser.post("/pengaturan/penerusan-otomatis", {"enabled": "on"}).status_code == 403
    op = login("operator")
    index = op.get("/pengaturan").text
    assert "Aturan rute" in index and "Tenggat (SLA)" in index and "Templat balasan" in index
    for path in ("/pengaturan/aturan", "/pengaturan/aturan/jalan-nasional"):
        assert op.get(path).status_code == 200, path
    assert op.get("/pengaturan/aturan/tidak-ada").status_code == 404


def test_a_rule_made_in_the_form_routes_the_next_complaint(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    op = login("operator")
    form = {
        "name": "sampah-tegal-gundil",
        "assign_to": "DISPERUMKIM",
        "priority": "50",
        "active": "1",
        "notes": "uji coba TPS <b>baru</b>",
        **_rows(
            ("dan", "topic", "", "eq", "Sampah dan kebersihan"),
            ("dan", "kelurahan", "", "in", "tegal gundil, 32.71.05.1001"),
            ("dan", "", "", "eq", ""),
        ),
    }
    saved = op.post("/pengaturan/aturan", form)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/pengaturan/aturan/sampah-tegal-gundil?ok=saved"
    rule = next(r for r in routing.list_rules(app_ctx) if r["name"] == "sampah-tegal-gundil")
    assert rule["condition"] == {
        "and": [
            {"attr": "topic", "op": "eq", "value": "sampah"},
            {"attr": "kelurahan", "op": "in", "value": ["32.71.05.1002", "32.71.05.1001"]},
        ]
    }
    case = _send(app_ctx, tmp_path, 2, "tps di tegal gundil penuh sampah, bau", author="b")
    assert (case["opd"], case["route_rule"]) == ("DISPERUMKIM", "sampah-tegal-gundil")
    other = _send(app_ctx, tmp_path, 3, "sampah numpuk di batutulis", author="c")
    assert other["opd"] == "DLH"
    page = op.get(saved.headers["location"]).text
    assert 'value="Sampah dan kebersihan"' in page and "Perubahan disimpan" in page
    assert "uji coba TPS &lt;b&gt;baru&lt;/b&gt;" in page
    listed = op.get("/pengaturan/aturan").text
    assert "topik sama dengan Sampah dan kebersihan dan kelurahan salah satu dari" in listed
    event = audit.list_events(app_ctx, action="routing_rule.save")[0]
    assert event["actor"] == "operator" and event["actor_kind"] == "user"
    assert event["detail"]["before"]["assign_to"] is None
    assert event["detail"]["after"]["assign_to"] == "DISPERUMKIM"
    assert "aturan rute disimpan" in op.get("/pengaturan/riwayat").text


def test_bad_rules_are_shown_again_with_the_reason(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    op = login("operator")
    before = routing.list_rules(app_ctx)
    base: dict[str, object] = {"name": "aturan-uji", "assign_to": "DLH", "priority": "10"}
    cases = [
        ({**base, **_rows(("dan", "topic", "", "eq", "sampahan"))}, "baris 1: topik"),
        ({**base, **_rows(("dan", "", "", "eq", ""))}, "sedikitnya satu baris"),
        ({**base, "name": "Aturan Uji", **_rows(("dan", "topic", "", "eq", "sampah"))}, "nama"),
        ({**base, "priority": "x", **_rows(("dan", "topic", "", "eq", "sampah"))}, "bilangan"),
        ({**base, "assign_to": "NGAWUR", **_rows(("dan", "topic", "", "eq", "sampah"))}, "OPD"),
        (
            {**base, "name": "jalan-nasional", **_rows(("dan", "topic", "", "eq", "sampah"))},
            "sudah ada",
        ),
    ]
    for form, problem in cases:
        response = op.post("/pengaturan/aturan", form)
        assert response.status_code == 422, problem
        assert "Tidak disimpan" in response.text and problem in response.text, problem
    # what was typed stays on the page
    again = op.post("/pengaturan/aturan", cases[0][0])
    assert 'value="sampahan"' in again.text and 'value="aturan-uji"' in again.text
    assert routing.list_rules(app_ctx) == before
    assert audit.list_events(app_ctx, action="routing_rule.save") == []


def test_more_rows_without_saving_and_editing_a_city_rule(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    op = login("operator")
    page = op.get("/pengaturan/aturan/jalan-nasional").text
    assert page.count("<legend>Baris") == 5  # three rows of the rule and two blank ones
    assert "pajajaran, sholeh iskandar" in page
    rows = re.findall(r'name="value" maxlength="1000" value="([^"]*)"', page)
    joins = ["dan", "dan", "atau", "dan", "dan"]
    attrs = ["topic", "street", "text", "", ""]
    ops = ["in", "contains", "contains", "eq", "eq"]
    values = [v.replace("&#34;", '"') for v in rows]
    form = {
        "assign_to": "EXT_JALAN_NASIONAL",
        "priority": "100",
        "active": "1",
        "notes": next(r for r in routing.list_rules(app_ctx) if r["name"] == "jalan-nasional")[
            "notes"
        ],
        "join": joins,
        "attr": attrs,
        "negate": [""] * 5,
        "op": ops,
        "value": values,
    }
    more = op.post("/pengaturan/aturan/jalan-nasional", {**form, "langkah": "tambah-baris"})
    assert more.status_code == 200 and more.text.count("<legend>Baris") == 6  # 3 + 3 blank
    assert routing.revisions(app_ctx, "routing_rule", "jalan-nasional") == []
    unchanged = op.post("/pengaturan/aturan/jalan-nasional", form)
    assert unchanged.status_code == 303
    assert routing.revisions(app_ctx, "routing_rule", "jalan-nasional") == []
    changed = op.post("/pengaturan/aturan/jalan-nasional", {**form, "priority": "90"})
    assert changed.status_code == 303
    history = routing.revisions(app_ctx, "routing_rule", "jalan-nasional")
    assert [h["data"]["priority"] for h in history] == [90]
    assert history[0]["data"]["condition"]["and"][1]["or"][0]["value"][0] == "pajajaran"
    event = audit.list_events(app_ctx, action="routing_rule.save")[0]
    assert event["detail"] == {"before": {"priority": 100}, "after": {"priority": 90}}
    assert "operator" in op.get("/pengaturan/aturan/jalan-nasional").text  # the history


def test_auto_forward_switch(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    op = login("operator")
    assert "Nyalakan penerusan otomatis" in op.get("/pengaturan/aturan").text
    assert op.post("/pengaturan/penerusan-otomatis", {"enabled": "on"}).status_code == 303
    assert "Matikan penerusan otomatis" in op.get("/pengaturan/aturan").text
    case = _send(app_ctx, tmp_path, 1, RUBBISH, account="kelurahan.tegalgundil")
    assert case["status"] == "forwarded" and case["opd"] == "DLH"
    event = audit.list_events(app_ctx, action="routing.auto_forward")[0]
    assert event["detail"] == {"before": {"aktif": False}, "after": {"aktif": True}}
    assert op.post("/pengaturan/penerusan-otomatis", {"enabled": "maybe"}).status_code == 422


def test_deadline_policies(app_ctx: Context, login: Callable[[str], Browser]) -> None:
    op = login("operator")
    page = op.get("/pengaturan/tenggat").text
    assert "Tindak lanjut OPD" in page and "5 hari kerja" in page
    saved = op.post(
        "/pengaturan/tenggat",
        {"stage": "follow_up", "topic": "sampah", "amount": "2", "unit": "working_days",
         "escalate_after": "1", "note": "sampah harus cepat"},
    )  # fmt: skip
    assert saved.status_code == 303
    page = op.get("/pengaturan/tenggat").text
    assert "2 hari kerja" in page and "sampah harus cepat" in page
    event = audit.list_events(app_ctx, action="sla_policy.save")[0]
    assert event["target_id"] == "follow_up:sampah:*"
    assert event["detail"]["before"] == {} and event["detail"]["after"]["amount"] == 2
    for bad, problem in (
        ({"amount": "-1"}, "bilangan bulat"),
        ({"amount": "400"}, "terlalu panjang"),
        ({"unit": "minggu"}, "tidak sah"),
        ({"topic": "ngawur"}, "tidak dikenal"),
    ):
        form: dict[str, object] = {"stage": "follow_up", "amount": "2", "unit": "working_days"}
        form.update(bad)
        response = op.post("/pengaturan/tenggat", form)
        assert response.status_code == 422 and problem in response.text, bad
    default = op.post("/pengaturan/tenggat/hapus", {"stage": "verify"})
    assert default.status_code == 422 and "tidak dapat dihapus" in default.text
    gone = op.post("/pengaturan/tenggat/hapus", {"stage": "follow_up", "topic": "sampah"})
    assert gone.status_code == 303
    assert audit.list_events(app_ctx, action="sla_policy.delete")[0]["detail"]["before"] == {
        "amount": 2,
        "unit": "working_days",
        "escalate_after": 1,
    }


def test_reply_templates(app_ctx: Context, login: Callable[[str], Browser]) -> None:
    op = login("operator")
    page = op.get("/pengaturan/templat").text
    assert "Aduan diterima (kasus baru)" in page and "{tiket}" in page
    assert (
        "Contoh: Terima kasih, aduan Anda sudah kami terima dengan nomor tiket BGR-2611-0042"
        in page
    )
    bad = op.post("/pengaturan/templat", {"event": "received", "text": "Tiket {nomor} <b>x</b>"})
    assert bad.status_code == 422 and "isian {nomor} tidak dikenal" in bad.text
    assert "Tiket {nomor} &lt;b&gt;x&lt;/b&gt;</textarea>" in bad.text
    text = "Aduan {tiket} kami terima, terima kasih! Pantau: {tautan}"
    assert op.post("/pengaturan/templat", {"event": "received", "text": text}).status_code == 303
    topic = op.post(
        "/pengaturan/templat",
        {"event": "resolved", "topic": "sampah", "text": "{opd}: sampah {tiket} sudah diangkut."},
    )
    assert topic.status_code == 303
    page = op.get("/pengaturan/templat").text
    assert "Khusus topik Sampah dan kebersihan" in page and "Aduan {tiket} kami terima" in page
    events = audit.list_events(app_ctx, action="reply_template.save")
    assert [e["target_id"] for e in events] == ["resolved:sampah", "received:*"]
    assert events[1]["detail"]["before"]["text"].startswith("Terima kasih, aduan Anda")
