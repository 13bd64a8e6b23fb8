"""What the content pages' tests share: the sample content, signed in as anyone."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

import pytest
from fastapi.testclient import TestClient

from paseban.content.approvals import Person
from paseban.context import Context
from paseban.sample import content as content_sample
from paseban.services.people import accounts, auth
from paseban.web.app import create_app
from paseban.web.deps import SESSION_COOKIE


class As:
    """Switch the signed-in user: `holder.who = LURAH_BT` opens a real session for that user
    (the dashboard's sign-in) and sends its CSRF token with every request."""

    def __init__(self, ctx: Context, client: TestClient) -> None:
        self.ctx, self.client = ctx, client
        self._who: Person | None = None

    @property
    def who(self) -> Person | None:
        return self._who

    @who.setter
    def who(self, person: Person) -> None:
        self._who = person
        new = auth.open_session(self.ctx, person.name)
        self.client.cookies.set(SESSION_COOKIE, new.token)
        self.client.headers["X-CSRF-Token"] = new.info.csrf_token


@pytest.fixture
def signed(ctx: Context) -> Iterator[tuple[TestClient, As]]:
    folder = resources.files("paseban.data").joinpath("sample")
    with resources.as_file(folder) as path:
        accounts.import_csv(ctx, path / "accounts.csv", sample=True)
        accounts.import_users(ctx, path / "users.csv", sample=True)
    content_sample.load(ctx)
    with TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost") as client:
        yield client, As(ctx, client)
