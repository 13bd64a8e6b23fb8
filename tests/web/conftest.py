"""Signed-in test clients. Sessions are opened through the service (no password hashing per
test); the login form itself is tested in test_auth.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.services.people import accounts, auth
from paseban.web.app import create_app
from paseban.web.deps import SESSION_COOKIE
from tests.factories import with_accounts

# users of the test city: role, scope
USERS: dict[str, tuple[str, str | None]] = {
    "operator": ("diskominfo", None),
    "camat.selatan": ("kecamatan_admin", "32.71.01"),
    "lurah.batutulis": ("kelurahan_admin", "32.71.01.1001"),
    "lurah.tegalgundil": ("kelurahan_admin", "32.71.05.1002"),
    "petugas.dlh": ("opd_officer", "DLH"),
    "petugas.pupr": ("opd_officer", "DPUPR"),
    "pimpinan": ("viewer", None),
}


@dataclass
class Browser:
    """A TestClient signed in as one user, with the session's CSRF token at hand."""

    client: TestClient
    csrf: str

    def get(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.get(url, **kwargs)  # type: ignore[arg-type]

    def post(self, url: str, data: Mapping[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        form = {"csrf": self.csrf, **(data or {})}
        return self.client.post(url, data=form, follow_redirects=False, **kwargs)  # type: ignore[arg-type]


def add_users(ctx: Context) -> None:
    for name, (role, scope) in USERS.items():
        accounts.add_user(ctx, name, role=role, scope=scope, full_name=name.title())


@pytest.fixture
def app_ctx(ctx: Context, tmp_path: Path) -> Context:
    with_accounts(ctx, tmp_path)
    add_users(ctx)
    return ctx


@pytest.fixture
def anon(app_ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(app_ctx, start_jobs=False), base_url="http://localhost") as client:
        yield client


@pytest.fixture
def login(app_ctx: Context) -> Iterator[Callable[[str], Browser]]:
    clients: list[TestClient] = []
    app = create_app(app_ctx, start_jobs=False)

    def sign_in(username: str) -> Browser:
        client = TestClient(app, base_url="http://localhost")
        client.__enter__()
        clients.append(client)
        new = auth.open_session(app_ctx, username)
        client.cookies.set(SESSION_COOKIE, new.token)
        return Browser(client, new.info.csrf_token)

    yield sign_in
    for client in clients:
        client.__exit__(None, None, None)
