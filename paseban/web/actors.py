"""Who is calling the API: a user from `paseban users`, with role and scope.

Machine clients and the OPD work view authenticate with HTTP Basic (username and password over
HTTPS) until the dashboard's sessions and API tokens exist; `current_actor` is the one place to
extend when they do. Wrong or missing credentials get 401 with a `WWW-Authenticate` header.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from paseban.context import Context
from paseban.domain.accounts import Role, scope_for
from paseban.domain.cases import Actor
from paseban.errors import NotFound
from paseban.security import verify_password
from paseban.services import accounts as account_service
from paseban.web.deps import CtxDep

basic = HTTPBasic(auto_error=False, realm="Paseban")


def authenticate(ctx: Context, username: str, password: str) -> Actor | None:
    try:
        user = account_service.get_user(ctx, username)
    except NotFound:
        verify_password(None, password)
        return None
    if not user["active"] or not verify_password(user["password_hash"], password):
        return None
    role = Role(user["role"])
    return Actor(user["username"], role, scope_for(role, user["scope_code"]))


def current_actor(
    ctx: CtxDep, credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)]
) -> Actor:
    unauthorized = HTTPException(
        status_code=401,
        detail="masuk dengan nama pengguna dan kata sandi (HTTP Basic)",
        headers={"WWW-Authenticate": 'Basic realm="Paseban"'},
    )
    if credentials is None:
        raise unauthorized
    actor = authenticate(ctx, credentials.username, credentials.password)
    if actor is None:
        raise unauthorized
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
