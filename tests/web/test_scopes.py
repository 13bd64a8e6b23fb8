"""Token scopes mean what they say (issue 16): every /api/v1 route declares the permission it
needs through its dependencies, settings are changed and read with `settings:write` whatever
the role, and a token without the declared permission is refused on every route."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.domain.auth import Permission
from paseban.services.people import auth
from paseban.web.app import create_app
from paseban.web.cases.actors import WRITES, case_actor, settings_actor

# what a route does, by its path: the scope it must declare (the rest follow from the router)
SETTINGS_PATHS = ("/api/v1/routing/", "/api/v1/sla/", "/api/v1/replies/")
# POSTs that store nothing: the draft checker answers with its findings
READ_ONLY_POSTS = {"/api/v1/content/check"}


def _routes(app: Any) -> Iterator[tuple[str, APIRoute, str]]:
    """(full path, route, method) of every API route, through FastAPI's included routers."""
    stack: list[Any] = list(app.routes)
    while stack:
        route = stack.pop()
        if isinstance(route, APIRoute):
            for method in sorted(route.methods or ()):
                yield route.path, route, method
        elif hasattr(route, "effective_candidates"):
            stack.extend(route.effective_candidates())
        elif isinstance(getattr(route, "original_route", None), APIRoute):
            for method in sorted(route.methods or ()):
                yield route.path, route.original_route, method


def declared(dependant: Dependant, method: str) -> set[Permission]:
    """The permissions a route's dependencies check, found by walking them."""
    found: set[Permission] = set()
    for dep in dependant.dependencies:
        call = dep.call
        if call is case_actor:
            found.add(Permission.CASES_WRITE if method in WRITES else Permission.CASES_READ)
        elif call is settings_actor:
            found.add(Permission.SETTINGS_WRITE)
        else:
            for cell in getattr(call, "__closure__", None) or ():
                if isinstance(cell.cell_contents, Permission):
                    found.add(cell.cell_contents)
        found |= declared(dep, method)
    return found


@pytest.fixture
def api(app_ctx: Context) -> Iterator[tuple[TestClient, Context]]:
    with TestClient(create_app(app_ctx, start_jobs=False), base_url="http://localhost") as c:
        yield c, app_ctx


def _token(ctx: Context, name: str, scopes: set[Permission]) -> dict[str, str]:
    token = auth.create_token(
        ctx, name, scopes=sorted(p.value for p in scopes), role="diskominfo", actor="test"
    )
    return {"authorization": f"Bearer {token}"}


def test_a_cases_token_cannot_change_city_settings(api: tuple[TestClient, Context]) -> None:
    # defect 3: a Diskominfo token with cases:read,cases:write created a routing rule, set the
    # verification deadline to 99 working days and turned auto-forward off
    client, ctx = api
    headers = _token(ctx, "kasus", {Permission.CASES_READ, Permission.CASES_WRITE})
    rule = {"condition": {"attr": "topic", "op": "eq", "value": "jalan"}, "assign_to": "DPUPR"}
    assert client.put("/api/v1/routing/rules/x", json=rule, headers=headers).status_code == 403
    policy = {"stage": "verify", "amount": 99}
    assert client.put("/api/v1/sla/policies", json=policy, headers=headers).status_code == 403
    off = {"enabled": False}
    assert client.put("/api/v1/routing/auto-forward", json=off, headers=headers).status_code == 403
    # smaller finding: any cases:read token read all routing rules
    assert client.get("/api/v1/routing/rules", headers=headers).status_code == 403
    settings = _token(ctx, "pengaturan", {Permission.SETTINGS_WRITE})
    assert client.put("/api/v1/routing/rules/x", json=rule, headers=settings).status_code == 200
    assert client.get("/api/v1/routing/rules", headers=settings).status_code == 200


def test_every_api_route_declares_a_scope_that_holds(api: tuple[TestClient, Context]) -> None:
    client, ctx = api
    checked = 0
    for n, (full, route, method) in enumerate(_routes(client.app)):
        if not full.startswith("/api/v1/") or full == "/api/v1/me":
            continue
        needed = declared(route.dependant, method)
        assert needed, f"{method} {full} declares no permission"
        if full.startswith(SETTINGS_PATHS):
            assert needed == {Permission.SETTINGS_WRITE}, (method, full, needed)
        elif method in WRITES and full not in READ_ONLY_POSTS:
            assert needed & {
                Permission.CASES_WRITE,
                Permission.MESSAGES_WRITE,
                Permission.CONTENT_WRITE,
                Permission.FIELD_WRITE,
                Permission.SETTINGS_WRITE,
            }, (method, full, needed)
        # a token with every scope but the declared ones is refused
        headers = _token(ctx, f"t{n}", set(Permission) - needed)
        path = full
        for param in route.dependant.path_params:
            path = path.replace("{" + param.name + "}", "1")
        response = client.request(method, path, json={}, headers=headers)
        assert response.status_code == 403, (method, full, response.status_code)
        assert set(response.json()) >= {"error", "detail"}
        checked += 1
    assert checked >= 20
