from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.people import audit, auth
from paseban.storage import tables as t
from tests.web.conftest import Browser


def _secret(html: str) -> str:
    found = re.search(r'<code class="secret-value">([^<]+)</code>', html)
    assert found, html
    return found.group(1)


def test_settings_are_for_diskominfo_only(login: Callable[[str], Browser]) -> None:
    for user in ("lurah.batutulis", "camat.selatan", "petugas.dlh", "pimpinan"):
        browser = login(user)
        assert browser.get("/pengaturan").status_code == 403
        assert browser.get("/pengaturan/pengguna").status_code == 403
        assert browser.post("/pengaturan/topik/sampah", {"default_opd": "DPUPR"}).status_code == 403
    op = login("operator")
    index = op.get("/pengaturan")
    assert index.status_code == 200 and "Riwayat perubahan" in index.text
    for slug in ("akun", "pengguna", "opd", "topik", "token", "riwayat"):
        assert op.get(f"/pengaturan/{slug}").status_code == 200, slug
    assert op.get("/pengaturan/tidak-ada").status_code == 404


def test_topic_default_opd_is_validated_and_moves_the_rule(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    op = login("operator")
    bad = op.post("/pengaturan/topik/sampah", {"default_opd": "NOPE", "active": "1"})
    assert bad.status_code == 422 and "Tidak disimpan" in bad.text and "NOPE" in bad.text
    saved = op.post("/pengaturan/topik/sampah", {"default_opd": "DISPERUMKIM", "active": "1"})
    assert saved.status_code == 303
    with app_ctx.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(t.topics.c.default_opd).where(t.topics.c.code == "sampah")
            ).scalar()
            == "DISPERUMKIM"
        )
        assert (
            conn.execute(
                sa.select(t.routing_rules.c.assign_to).where(
                    t.routing_rules.c.name == "default:sampah"
                )
            ).scalar()
            == "DISPERUMKIM"
        )
    event = audit.list_events(app_ctx, action="topic.update")[0]
    assert event["detail"] == {
        "before": {"default_opd": "DLH"},
        "after": {"default_opd": "DISPERUMKIM"},
    }
    assert "DLH → DISPERUMKIM" in op.get("/pengaturan/riwayat").text


def test_accounts_users_and_opds(app_ctx: Context, login: Callable[[str], Browser]) -> None:
    op = login("operator")
    bad = op.post(
        "/pengaturan/akun",
        {
            "platform": "instagram",
            "handle": "kel.baru",
            "owner_kind": "kelurahan",
            "owner_code": "32.71.01",
        },
    )
    assert bad.status_code == 422 and "bukan kelurahan" in bad.text
    added = op.post(
        "/pengaturan/akun",
        {
            "platform": "instagram",
            "handle": "kel.empang",
            "owner_kind": "kelurahan",
            "owner_code": "32.71.01.1003",
            "name": "Kelurahan Empang",
        },
    )
    assert added.status_code == 303
    dup = op.post(
        "/pengaturan/akun",
        {
            "platform": "instagram",
            "handle": "KEL.EMPANG",
            "owner_kind": "kelurahan",
            "owner_code": "32.71.01.1003",
        },
    )
    assert dup.status_code == 422 and "sudah terdaftar" in dup.text
    with app_ctx.engine.connect() as conn:
        account_id = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kel.empang")
        ).scalar_one()
    off = op.post(
        f"/pengaturan/akun/{account_id}",
        {"name": "Empang", "owner_kind": "kelurahan", "owner_code": "32.71.01.1003"},
    )
    assert off.status_code == 303
    # a new user gets a one-time password that works
    page = op.post(
        "/pengaturan/pengguna",
        {"username": "Lurah.Empang", "role": "kelurahan_admin", "scope": "32.71.01.1003"},
    )
    assert page.status_code == 200
    password = _secret(page.text)
    session = auth.login(app_ctx, "lurah.empang", password)
    assert session.info.actor.scope.wilayah == "32.71.01.1003"
    wrong_scope = op.post(
        "/pengaturan/pengguna", {"username": "x1", "role": "opd_officer", "scope": "32.71.01"}
    )
    assert wrong_scope.status_code == 422 and "OPD" in wrong_scope.text
    with app_ctx.engine.connect() as conn:
        user_id = conn.execute(
            sa.select(t.users.c.id).where(t.users.c.username == "lurah.empang")
        ).scalar_one()
    op.post(
        f"/pengaturan/pengguna/{user_id}",
        {"role": "kelurahan_admin", "scope": "32.71.01.1003", "full_name": "Lurah Empang"},
    )
    assert auth.session(app_ctx, session.token) is None  # deactivated: the session ended
    me = session.info.actor
    assert me.name == "lurah.empang"
    with app_ctx.engine.connect() as conn:
        operator_id = conn.execute(
            sa.select(t.users.c.id).where(t.users.c.username == "operator")
        ).scalar_one()
    self_demote = op.post(f"/pengaturan/pengguna/{operator_id}", {"role": "viewer", "active": "1"})
    assert self_demote.status_code == 422 and "diri sendiri" in self_demote.text
    # a notification address: a bad one stores nothing at all, a good one is kept, then cleared
    bad = op.post(
        f"/pengaturan/pengguna/{user_id}",
        {"role": "viewer", "full_name": "Diganti", "active": "1", "email": "empang@"},
    )
    assert bad.status_code == 422 and "alamat e-mail" in bad.text
    good = {"role": "kelurahan_admin", "scope": "32.71.01.1003", "full_name": "Lurah Empang"}
    saved = op.post(f"/pengaturan/pengguna/{user_id}", {**good, "email": "Empang@Kota.go.id"})
    assert saved.status_code == 303
    with app_ctx.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.users.c.role, t.users.c.email).where(t.users.c.id == user_id)
        ).one()
        trail = (
            conn.execute(
                sa.select(t.audit_events.c.detail).where(t.audit_events.c.action == "user.email")
            )
            .scalars()
            .all()
        )
    assert tuple(row) == ("kelurahan_admin", "empang@kota.go.id")  # the bad post changed nothing
    assert trail == [{"set": True}]  # audited, without the address
    assert 'value="empang@kota.go.id"' in op.get("/pengaturan/pengguna").text
    op.post(f"/pengaturan/pengguna/{user_id}", {**good, "email": ""})
    with app_ctx.engine.connect() as conn:
        assert (
            conn.execute(sa.select(t.users.c.email).where(t.users.c.id == user_id)).scalar() is None
        )
    reset = op.post(f"/pengaturan/pengguna/{user_id}/sandi")
    assert reset.status_code == 200 and _secret(reset.text) != password
    # OPDs
    assert op.post("/pengaturan/opd", {"code": "bad code", "name": "x"}).status_code == 422
    assert (
        op.post(
            "/pengaturan/opd", {"code": "DISKOMINFO", "name": "Dinas Kominfo", "kind": "opd"}
        ).status_code
        == 303
    )
    busy = op.post("/pengaturan/opd/DLH", {"name": "DLH", "kind": "opd", "handles": ""})
    assert busy.status_code == 422 and "sampah" in busy.text
    actions = {e["action"] for e in audit.list_events(app_ctx, actor="operator")}
    assert {
        "account.create",
        "account.update",
        "user.create",
        "user.update",
        "opd.create",
    } <= actions
    assert "password.set" in actions


def test_tokens_from_the_settings_page(app_ctx: Context, login: Callable[[str], Browser]) -> None:
    op = login("operator")
    made = op.post(
        "/pengaturan/token",
        {"name": "open311", "role": "viewer", "scopes": ["cases:read", "messages:read"]},
    )
    assert made.status_code == 200
    token = _secret(made.text)
    assert auth.token_actor(app_ctx, token) is not None
    too_much = op.post(
        "/pengaturan/token", {"name": "x", "role": "viewer", "scopes": ["settings:write"]}
    )
    assert too_much.status_code == 422
    none = op.post("/pengaturan/token", {"name": "y", "role": "viewer"})
    assert none.status_code == 422 and "sedikitnya satu" in none.text
    assert op.post("/pengaturan/token/open311/cabut").status_code == 303
    assert auth.token_actor(app_ctx, token) is None
