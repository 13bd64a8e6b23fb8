"""Open311 GeoReport v2, the service side: API keys, services from our topics, a POSTed request
opening a case like any other channel, and requests as plain values. The wire format (XML,
JSON, the error list) lives in web/cases/open311.py only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import sqlalchemy as sa

from paseban.domain.cases import OPEN, STATUS_LABELS, Status
from paseban.domain.sla import Stage, add, deadline, resolve_policy
from paseban.domain.triage import distance_m
from paseban.nlp.mask import mask_public
from paseban.nlp.pipeline import Decision, Place
from paseban.services.cases import clocks, jurisdictions
from paseban.services.cases.open311_keys import Open311Error as Open311Error
from paseban.services.cases.open311_keys import add_key as add_key
from paseban.services.cases.open311_keys import digest, key_account
from paseban.services.cases.open311_keys import list_keys as list_keys
from paseban.services.cases.open311_keys import revoke_key as revoke_key
from paseban.services.cases.triage import place_message
from paseban.services.reference import cities
from paseban.services.reference import store as ref
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

MAX_DESCRIPTION = 4000
MAX_RANGE = timedelta(days=90)
MAX_RESULTS = 1000
NEAREST_KM = 3.0  # a point farther than this from every kelurahan centre is not placed
URGENCIES = ("normal", "tinggi", "darurat")


# --- jurisdiction, services --------------------------------------------------------------------


def jurisdiction(ctx: Context, given: str | None) -> str | None:
    """The city a request's `jurisdiction_id` names, or None when it names none (absent or
    empty); one the deployment does not serve is refused (404)."""
    with ctx.engine.connect() as conn:
        return jurisdictions.chosen(conn, given)


def discovery_jurisdictions(ctx: Context) -> list[dict[str, str]]:
    with ctx.engine.connect() as conn:
        return [
            {"jurisdiction_id": j.jurisdiction_id, "name": j.name, "ticket_prefix": j.ticket_prefix}
            for j in jurisdictions.jurisdictions(conn)
        ]


def services(ctx: Context, city: str | None = None) -> list[dict[str, Any]]:
    """Our topics; each one's group is the OPD that handles it: of the city asked for (its
    counterpart of the topic's default OPD, when the city has one), else the default."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.topics.c.code,
                t.topics.c.name,
                t.topics.c.examples,
                t.topics.c.default_opd,
                t.opds.c.name.label("opd_name"),
            )
            .join(t.opds, t.opds.c.code == t.topics.c.default_opd)
            .where(t.topics.c.active.is_(True))
            .order_by(t.topics.c.code)
        ).all()
        found = cities.city_of(conn, city) if city else None
        names: dict[str, str] = {}
        if found is not None and not found.first:
            keys = {cities.opd_key(found, r.default_opd): r.default_opd for r in rows}
            names = {
                keys[code]: name
                for code, name in conn.execute(
                    sa.select(t.opds.c.code, t.opds.c.name).where(t.opds.c.code.in_(keys))
                )
            }
    return [
        {
            "service_code": r.code,
            "service_name": r.name,
            "description": f"Contoh: {r.examples}" if r.examples else r.name,
            "metadata": True,
            "type": "realtime",
            "keywords": ", ".join(k.strip() for k in (r.examples or "").split(",") if k.strip()),
            "group": names.get(r.default_opd, r.opd_name),
        }
        for r in rows
    ]


def service_definition(ctx: Context, code: str, city: str | None = None) -> dict[str, Any]:
    """The attributes of a service: the kelurahan to choose from are the city's (None: every
    city's)."""
    if code not in {s["service_code"] for s in services(ctx)}:
        raise Open311Error(404, f"service_code {code!r} tidak dikenal")
    w = t.wilayah.c
    with ctx.engine.connect() as conn:
        kelurahan = conn.execute(
            sa.select(w.code, w.name)
            .where(
                w.level == 4,
                w.code.startswith(f"{city}.", autoescape=True) if city else sa.true(),
            )
            .order_by(w.name)
        ).all()
        urgencies = dict(conn.execute(sa.select(t.urgencies.c.code, t.urgencies.c.name)).all())
    return {
        "service_code": code,
        "attributes": [
            {
                "variable": True,
                "code": "kelurahan",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "kode Kemendagri kelurahan",
                "order": 1,
                "description": "Kelurahan tempat masalahnya (bila tahu)",
                "values": [{"key": r.code, "name": r.name} for r in kelurahan],
            },
            {
                "variable": True,
                "code": "urgensi",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "normal, tinggi, atau darurat",
                "order": 2,
                "description": "Seberapa mendesak (darurat: bahaya bagi nyawa/harta)",
                "values": [{"key": k, "name": urgencies.get(k, k)} for k in URGENCIES],
            },
        ],
    }


# --- POST requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRequest:
    service_code: str | None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    address_id: str | None = None
    description: str | None = None
    media_url: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    email: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()


def _coordinates(req: NewRequest) -> tuple[float, float] | None:
    if not req.lat and not req.long:
        return None
    try:
        lat, lon = float(req.lat or ""), float(req.long or "")
    except ValueError:
        raise Open311Error(400, "lat dan long harus angka (WGS84)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Open311Error(400, "lat/long di luar rentang WGS84")
    return lat, lon


def _nearest_kelurahan(conn: sa.Connection, point: tuple[float, float]) -> Any:
    rows = conn.execute(
        sa.select(
            t.wilayah.c.code, t.wilayah.c.parent_code, t.wilayah.c.lat, t.wilayah.c.lon
        ).where(t.wilayah.c.level == 4, t.wilayah.c.lat.is_not(None))
    ).all()
    best = min(rows, key=lambda r: distance_m(point, (r.lat, r.lon)), default=None)
    if best is None or distance_m(point, (best.lat, best.lon)) > NEAREST_KM * 1000:
        return None
    return best


def create_request(
    ctx: Context, req: NewRequest, *, api_key: str | None, city: str | None = None
) -> dict[str, Any]:
    """Validate, store the report as a message of the key's account, and place it (open or join
    a case) in one transaction. Returns the ticket and a service notice. The case is of the
    key's city; a `city` (the jurisdiction asked for) that is another is refused."""
    now = ctx.now()
    if not req.service_code:
        raise Open311Error(400, "service_code wajib diisi")
    codes = {s["service_code"] for s in services(ctx)}
    point = _coordinates(req)
    attrs = dict(req.attributes)
    text = (req.description or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description lebih dari {MAX_DESCRIPTION} karakter")
    if req.media_url:
        parsed = urlparse(req.media_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(req.media_url) > 500:
            raise Open311Error(400, "media_url harus URL http(s)")
    urgency = attrs.get("urgensi") or None
    if urgency is not None and urgency not in URGENCIES:
        raise Open311Error(400, f"attribute[urgensi] harus salah satu dari {', '.join(URGENCIES)}")
    address = (req.address_string or "").strip()[:500] or None
    with ctx.engine.begin() as conn:
        account_id, key_city = key_account(conn, api_key, now)
        jurisdictions.check_key_city(conn, key_city, city)
        city = key_city
        if req.service_code not in codes:
            raise Open311Error(404, f"service_code {req.service_code!r} tidak dikenal")
        if point is None and not address:
            if req.address_id:
                raise Open311Error(
                    400, "address_id tidak dikenal di sini; kirim lat/long atau address_string"
                )
            raise Open311Error(400, "lokasi wajib: lat dan long, atau address_string")
        kel_code = attrs.get("kelurahan") or None
        place = None
        if kel_code:
            row = conn.execute(
                sa.select(t.wilayah.c.code, t.wilayah.c.parent_code).where(
                    t.wilayah.c.code == kel_code,
                    t.wilayah.c.level == 4,
                    t.wilayah.c.code.startswith(f"{city}.", autoescape=True),
                )
            ).first()
            if row is None:
                raise Open311Error(400, f"attribute[kelurahan] {kel_code!r} tidak dikenal")
            place = Place(
                row.code,
                row.parent_code,
                source="open311",
                confidence=1.0,
                reason="atribut kelurahan dari klien Open311",
            )
        elif point is not None:
            near = _nearest_kelurahan(conn, point)
            if near is not None:
                place = Place(
                    near.code,
                    near.parent_code,
                    source="coordinates",
                    confidence=0.7,
                    reason="kelurahan terdekat dari lat/long",
                )
        body = " ".join(p for p in (text, address and f"Lokasi: {address}") if p)
        analyzer = ctx.analyzer(city)  # a request through a city's key is about the city
        analysis = analyzer.analyze(
            body or req.service_code, account_wilayah=analyzer.gazetteer.city
        )
        found = analysis.place
        if place is None:
            place = found
        else:
            place = replace(
                place, street=found.street, rt=found.rt, rw=found.rw, landmark=found.landmark
            )
        analysis = replace(
            analysis,
            intent=Decision("aduan", 1.0, "dikirim sebagai laporan lewat Open311"),
            topic=Decision(req.service_code, 1.0, "service_code dari klien Open311"),
            urgency=Decision(urgency, 1.0, "atribut urgensi") if urgency else analysis.urgency,
            place=place,
        )
        author = req.account_id or req.device_id or (digest(req.email)[:16] if req.email else "")
        message_id = conn.execute(
            sa.insert(t.messages)
            .values(
                platform="open311",
                external_id=uuid.uuid4().hex,
                account_id=account_id,
                kind="report",
                author=f"open311:{author}" if author else "",
                text=body,
                masked_text=analysis.masked,
                posted_at=now,
                received_at=now,
                lat=point[0] if point else None,
                lon=point[1] if point else None,
                analyzed_at=now,
                analysis_version=analysis.version,
                intent="aduan",
                topic=req.service_code,
                urgency=analysis.urgency.label,
                kelurahan=place.kelurahan,
                kecamatan=place.kecamatan,
                place_source=place.source,
                place_detail={
                    "street": place.street,
                    "rt": place.rt,
                    "rw": place.rw,
                    "landmark": place.landmark,
                    "address": address,
                },
                confidence=analysis.confidences(),
                reasons=analysis.reasons(),
                needs_review=False,
                is_sample=False,
            )
            .returning(t.messages.c.id)
        ).scalar_one()
        placement = place_message(
            conn,
            ctx,
            message_id=int(message_id),
            platform="open311",
            analysis=analysis,
            reported_at=now,
            author=f"open311:{author}" if author else None,
            lat=point[0] if point else None,
            lon=point[1] if point else None,
            city=city,
        )
        if placement is None:  # an aduan is always placed; anything else is a bug
            raise Open311Error(400, "laporan tidak dapat dicatat")
        conn.execute(
            sa.update(t.messages)
            .where(t.messages.c.id == message_id)
            .values(case_id=placement.case_id)
        )
        if not placement.joined:
            conn.execute(
                sa.update(t.cases)
                .where(t.cases.c.id == placement.case_id)
                .values(address=address, media_url=req.media_url)
            )
    notice = (
        f"Laporan serupa sudah tercatat dengan tiket {placement.ticket}; laporan Anda digabung."
        if placement.joined
        else f"Aduan tercatat dengan tiket {placement.ticket} dan akan diverifikasi."
    )
    return {"service_request_id": placement.ticket, "service_notice": notice, "account_id": None}


# --- GET requests ------------------------------------------------------------------------------


def _parse_time(value: str, name: str, tz: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, f"{name} harus format W3C/ISO 8601, mis. 2026-11-01T00:00:00+07:00"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


OPEN_STATUSES = frozenset(s.value for s in OPEN)


def find_requests(
    ctx: Context,
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    statuses: list[str] | None = None,
    page: int = 1,
    page_size: int = MAX_RESULTS,
    city: str | None = None,
) -> list[dict[str, Any]]:
    """The spec's filters: ids override everything; otherwise a range of at most 90 days
    (default: the last 90), service codes, open/closed; at most 1000 per page. Of one city's
    cases when `city` is given (its jurisdiction_id), else of every city's."""
    c = t.cases.c
    query = sa.select(t.cases.c.id)
    if city is not None:
        query = query.where(c.city == city)
    if ids:
        query = query.where(
            c.ticket.in_([i.strip().upper() for i in ids if i.strip()][:MAX_RESULTS])
        )
    else:
        now = ctx.now()
        end_at = _parse_time(end, "end_date", ctx.tz) if end else now
        start_at = _parse_time(start, "start_date", ctx.tz) if start else end_at - MAX_RANGE
        if not start and end:
            start_at = end_at - MAX_RANGE
        if end_at < start_at:
            raise Open311Error(400, "end_date sebelum start_date")
        if end_at - start_at > MAX_RANGE:
            raise Open311Error(400, "rentang start_date sampai end_date paling lama 90 hari")
        query = query.where(c.opened_at >= start_at, c.opened_at <= end_at)
        if service_codes:
            query = query.where(c.topic.in_(service_codes))
        if statuses:
            bad = [s for s in statuses if s not in ("open", "closed")]
            if bad:
                raise Open311Error(400, f"status hanya open atau closed, bukan {bad[0]!r}")
            if statuses == ["open"]:
                query = query.where(c.status.in_(OPEN_STATUSES))
            elif statuses == ["closed"]:
                query = query.where(c.status.not_in(OPEN_STATUSES))
    size = max(1, min(page_size, MAX_RESULTS))
    query = (
        query.order_by(c.opened_at.desc(), c.id.desc())
        .limit(size)
        .offset((max(page, 1) - 1) * size)
    )
    with ctx.engine.connect() as conn:
        case_ids = list(conn.execute(query).scalars())
        return _describe(conn, ctx, case_ids)


def get_request(ctx: Context, ticket: str, city: str | None = None) -> dict[str, Any]:
    """One request by its ticket; with a `city`, only that city's (another's is not found)."""
    c = t.cases.c
    with ctx.engine.connect() as conn:
        case_id = conn.execute(
            sa.select(c.id).where(
                c.ticket == ticket.strip().upper(), c.city == city if city else sa.true()
            )
        ).scalar()
        if case_id is None:
            raise Open311Error(404, f"service_request_id {ticket!r} tidak ditemukan")
        return _describe(conn, ctx, [int(case_id)])[0]


def _describe(conn: sa.Connection, ctx: Context, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    kel, kec = t.wilayah.alias("kel"), t.wilayah.alias("kec")
    target = t.cases.alias("target")
    rows = (
        conn.execute(
            sa.select(
                t.cases,
                kel.c.name.label("kel_name"),
                kel.c.postal_code,
                kel.c.lat.label("kel_lat"),
                kel.c.lon.label("kel_lon"),
                kec.c.name.label("kec_name"),
                t.opds.c.name.label("opd_name"),
                t.topics.c.name.label("topic_name"),
                target.c.ticket.label("merged_ticket"),
            )
            .select_from(
                t.cases.outerjoin(kel, kel.c.code == t.cases.c.kelurahan)
                .outerjoin(kec, kec.c.code == t.cases.c.kecamatan)
                .outerjoin(t.opds, t.opds.c.code == t.cases.c.opd)
                .outerjoin(t.topics, t.topics.c.code == t.cases.c.topic)
                .outerjoin(target, target.c.id == t.cases.c.merged_into)
            )
            .where(t.cases.c.id.in_(ids))
        )
        .mappings()
        .all()
    )
    by_id = {r["id"]: r for r in rows}
    return [
        _request(conn, ctx, by_id[i], _city_name(conn, by_id[i]["city"])) for i in ids if i in by_id
    ]


def _city_name(conn: sa.Connection, code: str | None) -> str:
    found = cities.city_of(conn, code)
    return found.name if found else str(ref.get_parameter(conn, "city_name", ""))


def expected_at(conn: sa.Connection, ctx: Context, case: Any) -> datetime | None:
    """When the fix can be expected: the follow-up deadline; while still being verified, the
    verification deadline plus the follow-up time of the case's policy."""
    if case["due_at"] is None or case["stage"] == Stage.CONFIRM.value:
        return None
    if case["stage"] == Stage.FOLLOW_UP.value:
        due: datetime = case["due_at"]
        return due
    policy = resolve_policy(
        clocks.policies(conn, case["city"]),
        Stage.FOLLOW_UP,
        topic=case["topic"],
        urgency=case["urgency"],
    )
    return add(clocks.calendar(conn, ctx), case["due_at"], policy.amount, policy.unit)


def _request(conn: sa.Connection, ctx: Context, case: Any, city: str) -> dict[str, Any]:
    status = Status(case["status"])
    note = case["public_note"]
    if case["merged_ticket"]:
        note = f"Digabung dengan {case['merged_ticket']}."
    elif not note:
        note = STATUS_LABELS[status]
    notice = None
    clock = deadline(case["stage"], case["due_at"], case["escalation_level"], now=ctx.now())
    if clock.running:
        late = " (terlambat)" if clock.overdue else ""
        notice = f"{clock.stage_label}: tenggat {_w3(ctx, case['due_at'])}{late}"
    address = case["address"] or ", ".join(
        p
        for p in (
            case["street"],
            case["kel_name"] and f"Kel. {case['kel_name']}",
            case["kec_name"] and f"Kec. {case['kec_name']}",
            city,
        )
        if p
    )
    lat = case["lat"] if case["lat"] is not None else case["kel_lat"]
    lon = case["lon"] if case["lon"] is not None else case["kel_lon"]
    return {
        "service_request_id": case["ticket"],
        "status": "open" if case["status"] in OPEN_STATUSES else "closed",
        "status_notes": mask_public(note).text,
        "service_name": case["topic_name"],
        "service_code": case["topic"],
        "description": mask_public(case["title"]).text,
        "agency_responsible": case["opd_name"],
        "service_notice": notice,
        "requested_datetime": _w3(ctx, case["opened_at"]),
        "updated_datetime": _w3(ctx, case["updated_at"]),
        "expected_datetime": _w3(ctx, expected_at(conn, ctx, case)),
        "address": mask_public(address).text if address else address,
        "address_id": None,
        "zipcode": case["postal_code"],
        # a point within about 100 m: the street, not the house (issue 16)
        "lat": round(lat, 3) if lat is not None else None,
        "long": round(lon, 3) if lon is not None else None,
        "media_url": case["media_url"],
        "extended_attributes": {
            "kelurahan": case["kelurahan"],
            "kelurahan_name": case["kel_name"],
            "kecamatan": case["kecamatan"],
            "kecamatan_name": case["kec_name"],
            "detailed_status": status.value,
            "report_count": case["report_count"],
            # the page without its key: the feed is public, the key is the citizen's
            "tracking_url": f"{ctx.settings.base_url()}/lacak",
        },
    }


def _w3(ctx: Context, value: datetime | None) -> str | None:
    return value.astimezone(ctx.tz).isoformat(timespec="seconds") if value else None
