"""Open311 GeoReport v2 under /open311/v2: the only place that knows the wire format.

XML (required by the spec) and JSON (its mechanical "Spark" mapping), UTF-8, timestamps with
the +07:00 offset, errors as the spec's list of {code, description} with 404 / 403 / 400.
See docs/open311.md for the endpoints and every deviation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Request
from fastapi.responses import Response

from paseban.domain.cases import Status
from paseban.errors import PasebanError
from paseban.services.cases import open311 as service
from paseban.services.cases.open311 import NewRequest, Open311Error
from paseban.web.deps import CtxDep

router = APIRouter(tags=["open311"])

SPEC = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
CHANGESET = "2026-11-27"  # bump when services or definitions change shape
# child element names for lists (the XML of the spec; JSON drops them)
ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "jurisdictions": "jurisdiction",
    "formats": "format",
}

# every status has its Open311 open/closed (a test checks set(OPEN311_STATUS) == set(Status))
OPEN311_STATUS: dict[Status, str] = {
    Status.RECEIVED: "open",
    Status.VERIFIED: "open",
    Status.FORWARDED: "open",
    Status.IN_PROGRESS: "open",
    Status.RESOLVED: "closed",
    Status.CLOSED: "closed",
    Status.REJECTED: "closed",
    Status.OUTSIDE_AUTHORITY: "closed",
    Status.MERGED: "closed",
}


# --- rendering ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(tag: str, value: Any) -> ET.Element:
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            node.append(_element(key, child))
    elif isinstance(value, list):
        child_tag = ITEM.get(tag, "item")
        for child in value:
            node.append(_element(child_tag, child))
    else:
        node.text = _text(value)
    return node


def render(fmt: str, root: str, data: Any, status: int = 200) -> Response:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
        return Response(body, status_code=status, media_type=FORMATS["json"])
    tree = _element(root, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(tree, encoding="utf-8")
    return Response(body, status_code=status, media_type=FORMATS["xml"])


def error(fmt: str, exc: Open311Error) -> Response:
    payload = [{"code": exc.code, "description": exc.description}]
    return render(fmt if fmt in FORMATS else "xml", "errors", payload, exc.status)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(400, f"format {fmt!r} tidak didukung (xml atau json)")
    return fmt


def _run(fmt: str, produce: Callable[[str], Response]) -> Response:
    try:
        return produce(_format(fmt))
    except Open311Error as exc:
        return error(fmt, exc)
    except PasebanError as exc:  # anything else the services refuse: a general 400
        return error(fmt, Open311Error(400, str(exc)))


def _extensions(request: Request) -> bool:
    return request.query_params.get("extensions", "").lower() == "true"


def _strip(requests: list[dict[str, Any]], extensions: bool) -> list[dict[str, Any]]:
    if extensions:
        return requests
    return [{k: v for k, v in r.items() if k != "extended_attributes"} for r in requests]


# --- discovery and services ----------------------------------------------------------------------


@router.get("/discovery.{fmt}")
def discovery(ctx: CtxDep, request: Request, fmt: str) -> Response:
    base = ctx.settings.base_url()

    def produce(f: str) -> Response:
        data = {
            "changeset": CHANGESET,
            "contact": "Diskominfo: gunakan halaman lacak aduan di " + f"{base}/lacak",
            "key_service": "Minta api_key ke Diskominfo (dibuat dengan `paseban open311 key add`)",
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": f"{base}/open311/v2",
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
            # an extension: the kota/kabupaten served here, each a `jurisdiction_id` to send
            "jurisdictions": service.discovery_jurisdictions(ctx),
        }
        return render(f, "discovery", data)

    return _run(fmt, produce)


@router.get("/services.{fmt}")
def service_list(ctx: CtxDep, request: Request, fmt: str) -> Response:
    def produce(f: str) -> Response:
        city = service.jurisdiction(ctx, request.query_params.get("jurisdiction_id"))
        return render(f, "services", service.services(ctx, city))

    return _run(fmt, produce)


@router.get("/services/{code}.{fmt}")
def service_definition(ctx: CtxDep, request: Request, code: str, fmt: str) -> Response:
    def produce(f: str) -> Response:
        city = service.jurisdiction(ctx, request.query_params.get("jurisdiction_id"))
        return render(f, "service_definition", service.service_definition(ctx, code, city))

    return _run(fmt, produce)


# --- requests ------------------------------------------------------------------------------------


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _int(value: str | None, name: str, default: int) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise Open311Error(400, f"{name} harus bilangan bulat") from None
    if number < 1:
        raise Open311Error(400, f"{name} minimal 1")
    return number


@router.get("/requests.{fmt}")
def request_list(ctx: CtxDep, request: Request, fmt: str) -> Response:
    q = request.query_params

    def produce(f: str) -> Response:
        city = service.jurisdiction(ctx, q.get("jurisdiction_id"))
        found = service.find_requests(
            ctx,
            ids=_csv(q.get("service_request_id")) or None,
            service_codes=_csv(q.get("service_code")) or None,
            start=q.get("start_date") or None,
            end=q.get("end_date") or None,
            statuses=_csv(q.get("status")) or None,
            page=_int(q.get("page"), "page", 1),
            page_size=_int(q.get("page_size"), "page_size", service.MAX_RESULTS),
            city=city,
        )
        return render(f, "service_requests", _strip(found, _extensions(request)))

    return _run(fmt, produce)


@router.get("/requests/{service_request_id}.{fmt}")
def request_detail(ctx: CtxDep, request: Request, service_request_id: str, fmt: str) -> Response:
    def produce(f: str) -> Response:
        city = service.jurisdiction(ctx, request.query_params.get("jurisdiction_id"))
        found = [service.get_request(ctx, service_request_id, city)]
        return render(f, "service_requests", _strip(found, _extensions(request)))

    return _run(fmt, produce)


@router.get("/tokens/{token}.{fmt}")
def token(ctx: CtxDep, request: Request, token: str, fmt: str) -> Response:
    """Our services are realtime: POST returns the id at once and no token is ever issued."""

    def produce(f: str) -> Response:
        raise Open311Error(404, "token tidak dikenal: layanan ini realtime, tanpa token")

    return _run(fmt, produce)


_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_\-]{1,40})\](\[\])?$")


@router.post("/requests.{fmt}")
async def create(ctx: CtxDep, request: Request, fmt: str) -> Response:
    """POST a service request (application/x-www-form-urlencoded, with api_key)."""
    try:
        form = await request.form()
    except Exception:  # a body that is not a form at all
        return error(fmt, Open311Error(400, "badan permintaan harus form urlencoded"))

    def value(name: str) -> str | None:
        raw = form.get(name)
        return raw.strip() if isinstance(raw, str) and raw.strip() else None

    attributes: list[tuple[str, str]] = []
    for key, raw in form.multi_items():
        match = _ATTRIBUTE.match(key)
        if match and isinstance(raw, str):
            attributes.append((match.group(1), raw.strip()))

    def produce(f: str) -> Response:
        city = service.jurisdiction(ctx, value("jurisdiction_id"))
        req = NewRequest(
            service_code=value("service_code"),
            lat=value("lat"),
            long=value("long"),
            address_string=value("address_string"),
            address_id=value("address_id"),
            description=value("description"),
            media_url=value("media_url"),
            device_id=value("device_id"),
            account_id=value("account_id"),
            email=value("email"),
            attributes=tuple(attributes),
        )
        created = service.create_request(ctx, req, api_key=value("api_key"), city=city)
        return render(f, "service_requests", [created])

    return _run(fmt, produce)
