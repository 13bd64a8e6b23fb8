from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.domain.auth import LoginPolicy
from paseban.errors import Conflict, InvalidInput
from paseban.services.ingest import files
from paseban.services.people import audit, auth
from paseban.storage import tables as t
from paseban.web.app import create_app
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser

PASSWORD = "kata-sandi-rahasia"
TEMPLATES = Path(__file__).parents[3] / "paseban" / "web" / "templates"


def _form_login(client: TestClient, username: str, password: str, lanjut: str = "/"):  # type: ignore[no-untyped-def]
    page = client.get("/masuk")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, page.text
    return client.post(
        "/masuk",
        data={"username": username, "password": password, "csrf": csrf.group(1), "lanjut": lanjut},
        follow_redirects=False,
    )


def test_pages_send_the_browser_to_login_and_the_api_answers_401(anon: TestClient) -> None:
    page = anon.get("/kasus?status=received", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/masuk?lanjut=%2Fkasus%3Fstatus%3Dreceived"
    api = anon.get("/api/v1/cases")
    assert api.status_code == 401 and api.json()["error"] == "NotAuthenticated"
    assert api.headers["www-authenticate"] == "Bearer"
    assert anon.get("/healthz").status_code == 200


def test_login_with_the_form_sets_a_safe_cookie(app_ctx: Context, anon: TestClient) -> None:
    auth.set_password(app_ctx, "lurah.batutulis", PASSWORD, actor="cli")
    response = _form_login(anon, "Lurah.Batutulis", PASSWORD, lanjut="/kasus")
    assert response.status_code == 303 and response.headers["location"] == "/kasus"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("paseban_sesi=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert anon.get("/kasus").status_code == 200
    events = audit.list_events(app_ctx, action="login.ok")
    assert events[0]["actor"] == "lurah.batutulis" and events[0]["ip"] == "testclient"
    # the database holds only a digest of the cookie's token
    token = anon.cookies["paseban_sesi"]
    with app_ctx.engine.connect() as conn:
        assert conn.execute(sa.select(t.sessions.c.id)).scalar() == auth.digest(token)


def test_cookies_are_secure_off_localhost(app_ctx: Context) -> None:
    auth.set_password(app_ctx, "operator", PASSWORD, actor="cli")
    app_ctx.settings = replace(app_ctx.settings, trusted_hosts=("paseban.example",))
    with TestClient(create_app(app_ctx, start_jobs=False), base_url="http://paseban.example") as c:
        page = c.get("/masuk")
        assert "Secure" in page.headers["set-cookie"]


def test_login_refuses_open_redirects(app_ctx: Context, anon: TestClient) -> None:
    auth.set_password(app_ctx, "operator", PASSWORD, actor="cli")
    response = _form_login(anon, "operator", PASSWORD, lanjut="//evil.example/x")
    assert response.headers["location"] == "/"


def test_login_needs_its_csrf_cookie(anon: TestClient) -> None:
    response = anon.post("/masuk", data={"username": "operator", "password": "x", "csrf": "forged"})
    assert response.status_code == 403


def test_wrong_passwords_lock_the_name(
    app_ctx: Context, anon: TestClient, clock: FixedClock
) -> None:
    auth.set_password(app_ctx, "operator", PASSWORD, actor="cli")
    for _ in range(4):
        wrong = _form_login(anon, "operator", "salah-salah-salah")
        assert wrong.status_code == 401 and "kata sandi salah" in wrong.text
    locked = _form_login(anon, "operator", "salah-salah-salah")
    assert locked.status_code == 429 and "dikunci" in locked.text and "WIB" in locked.text
    # the right password does not help while locked, and an unknown name reads the same
    assert _form_login(anon, "operator", PASSWORD).status_code == 429
    assert "kata sandi salah" in _form_login(anon, "tidak.ada", PASSWORD).text
    clock.advance(timedelta(minutes=16))
    assert _form_login(anon, "operator", PASSWORD).status_code == 303
    actions = [e["action"] for e in audit.list_events(app_ctx, target_id="operator")]
    assert actions.count("login.failed") == 5 and "login.locked" in actions


def test_attempts_from_one_address_are_limited(app_ctx: Context) -> None:
    policy = LoginPolicy(max_attempts_per_ip=3)
    for name in ("a1", "a2", "a3"):
        with pytest.raises(auth.LoginRefused, match="salah"):
            auth.login(app_ctx, name, "x" * 12, ip="10.0.0.9", policy=policy)
    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(app_ctx, "operator", "x" * 12, ip="10.0.0.9", policy=policy)
    assert refused.value.reason == "rate_limited"


def test_sessions_expire_and_logout_needs_csrf(
    app_ctx: Context, login: Callable[[str], Browser], clock: FixedClock
) -> None:
    op = login("operator")
    assert op.post("/keluar", {"csrf": "forged"}).status_code == 403
    other_site = op.post("/keluar", headers={"origin": "https://evil.example"})
    assert other_site.status_code == 403
    assert op.post("/keluar").status_code == 303
    assert op.get("/kasus", follow_redirects=False).status_code == 303
    later = login("pimpinan")
    clock.advance(auth.POLICY.session_idle + timedelta(minutes=1))
    assert later.get("/kasus", follow_redirects=False).status_code == 303


def test_security_headers(login: Callable[[str], Browser]) -> None:
    response = login("operator").get("/kasus")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"


def test_templates_have_no_inline_script_or_style() -> None:
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path.name
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", text), path.name


def test_api_tokens_are_scoped(app_ctx: Context, anon: TestClient, tmp_path: Path) -> None:
    files.ingest_file(
        app_ctx,
        write_jsonl(
            tmp_path / "m.jsonl",
            [
                message(1, "sampah numpuk di kel. tegal gundil"),
                message(2, "lampu jalan mati di batutulis, gelap"),
            ],
        ),
    )
    city = auth.create_token(app_ctx, "dasbor-kota", scopes=["cases:read"], actor="cli")
    local = auth.create_token(
        app_ctx,
        "kelurahan-bot",
        scopes=["cases:read"],
        role="kelurahan_admin",
        area="32.71.01.1001",
        actor="cli",
    )
    no_cases = auth.create_token(app_ctx, "pesan-saja", scopes=["messages:read"], actor="cli")

    def get(token: str):  # type: ignore[no-untyped-def]
        return anon.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})

    assert get(city).json()["total"] == 2
    me = anon.get("/api/v1/me", headers={"Authorization": f"Bearer {local}"}).json()
    assert me == {
        "name": "kelurahan-bot",
        "kind": "token",
        "role": "kelurahan_admin",
        "wilayah": "32.71.01.1001",
        "opd": None,
        "city": "32.71",  # the token's city (issue 17, item 5), read from its area
        "permissions": ["cases:read"],
    }
    mine = get(local).json()
    assert mine["total"] == 1 and mine["items"][0]["kelurahan"] == "32.71.01.1001"
    assert get(no_cases).status_code == 403
    assert get("psb_forged").status_code == 401
    auth.revoke_token(app_ctx, "dasbor-kota", actor="cli")
    assert get(city).status_code == 401
    with pytest.raises(Conflict):
        auth.revoke_token(app_ctx, "dasbor-kota", actor="cli")
    with pytest.raises(InvalidInput, match="tidak memiliki izin settings:write"):
        auth.create_token(app_ctx, "x", scopes=["settings:write"], actor="cli")
    with pytest.raises(InvalidInput, match="membutuhkan cakupan"):
        auth.create_token(app_ctx, "y", scopes=["cases:read"], role="kelurahan_admin", actor="cli")
    listed = {r["name"]: r for r in auth.list_tokens(app_ctx)}
    assert listed["dasbor-kota"]["revoked_at"] is not None
    assert "token_hash" not in listed["kelurahan-bot"]
    assert {e["action"] for e in audit.list_events(app_ctx, target_kind="token")} == {
        "token.create",
        "token.revoke",
    }


def test_scopes_limit_what_each_role_sees(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    files.ingest_file(
        app_ctx,
        write_jsonl(
            tmp_path / "m.jsonl",
            [
                message(1, "sampah numpuk di kel. tegal gundil"),
                message(2, "lampu jalan mati di batutulis, gelap"),
                message(3, "jalan berlubang parah di empang"),
            ],
        ),
    )

    def kelurahan(user: str) -> set[str]:
        items = login(user).get("/api/v1/cases").json()["items"]
        return {c["kelurahan"] for c in items}

    assert kelurahan("operator") == {"32.71.05.1002", "32.71.01.1001", "32.71.01.1003"}
    assert kelurahan("pimpinan") == kelurahan("operator")
    assert kelurahan("camat.selatan") == {"32.71.01.1001", "32.71.01.1003"}
    assert kelurahan("lurah.batutulis") == {"32.71.01.1001"}
    assert kelurahan("petugas.dlh") == {"32.71.05.1002"}
