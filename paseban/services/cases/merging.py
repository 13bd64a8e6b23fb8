"""Staff merge cases that are the same problem, and split a case whose reports are about
different problems. Ticket codes are never reused: a merged case keeps its code (its page points
to the case it joined), and a split-off case gets a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import OPERATORS
from paseban.domain.cases import TERMINAL, Action, Actor, Status
from paseban.domain.replies import ReplyEvent
from paseban.domain.triage import keywords
from paseban.errors import Forbidden, InvalidInput
from paseban.routing.rules import route
from paseban.services.cases import clocks, replies
from paseban.services.cases import routing as routing_service
from paseban.services.cases.actions import (
    IllegalTransition,
    StaleVersion,
    apply,
    fire_hooks,
    load_case,
    record_event,
    save_versioned,
)
from paseban.services.cases.tickets import next_ticket
from paseban.services.reference import cities
from paseban.storage import tables as t
from paseban.storage.lookup import exists
from paseban.storage.rows.cases import CaseEventRow, CaseRow

if TYPE_CHECKING:
    from paseban.context import Context


def refresh_reports(conn: sa.Connection, case_id: int) -> dict[str, Any]:
    """Recount a case's citizens, platforms and last report time from its messages."""
    rows = conn.execute(
        sa.select(
            t.messages.c.id,
            t.messages.c.platform,
            t.messages.c.author,
            t.messages.c.author_id,
            t.messages.c.posted_at,
        ).where(t.messages.c.case_id == case_id)
    ).all()
    people = {(r.platform, r.author_id or r.author or f"#{r.id}") for r in rows}
    values: dict[str, Any] = {
        "report_count": max(1, len(people)),
        "platforms": sorted({r.platform for r in rows}),
    }
    if rows:
        values["last_report_at"] = max(r.posted_at for r in rows)
    return values


def _require_diskominfo(actor: Actor) -> None:
    if actor.role is not None and actor.role not in OPERATORS:
        raise Forbidden("hanya operator Diskominfo yang boleh menggabung atau memecah kasus")


def _require_city(actor: Actor, case: CaseRow) -> None:
    if not actor.scope.covers_city(case["city"]):
        raise Forbidden("kasus ini di luar cakupan Anda")


def merge(
    ctx: Context,
    target_ref: int | str,
    source_refs: list[int | str],
    *,
    actor: Actor,
    note: str,
    version: int | None = None,
) -> CaseRow:
    """Merge the source cases into the target: their reports move to the target, each source
    becomes `merged` (pointing at the target) and its citizens are told the target's ticket."""
    _require_diskominfo(actor)
    if not note.strip():
        raise InvalidInput("penggabungan membutuhkan alasan")
    if not source_refs:
        raise InvalidInput("sebutkan kasus yang digabung")
    now = ctx.now()
    fired: list[tuple[int, CaseEventRow]] = []
    with ctx.engine.begin() as conn:
        target = load_case(conn, target_ref)
        _require_city(actor, target)
        if Status(target["status"]) in TERMINAL:
            raise IllegalTransition(f"kasus tujuan {target['ticket']} sudah {target['status']}")
        if version is not None and version != target["version"]:
            raise StaleVersion(f"kasus {target['ticket']} sudah berubah; muat ulang")
        sources = [load_case(conn, s) for s in source_refs]
        for other in sources:
            _require_city(actor, other)
            if other["city"] != target["city"]:
                raise InvalidInput("kasus dari kota/kabupaten lain tidak dapat digabung")
        if any(s["id"] == target["id"] for s in sources):
            raise InvalidInput("kasus tidak dapat digabung dengan dirinya sendiri")
        for source in sources:
            outcome = apply(
                conn,
                ctx,
                source,
                Action.MERGE,
                actor=actor,
                note=note,
                public_note=f"Digabung dengan aduan {target['ticket']}.",
                data={"into": target["ticket"], "into_id": target["id"]},
                at=now,
            )
            replies.answer_case(
                conn,
                ctx,
                outcome.case,
                ReplyEvent.MERGED,
                reason=f"case:{source['id']}:merge",
                tiket_tujuan=target["ticket"],
            )
            conn.execute(
                sa.update(t.cases)
                .where(t.cases.c.id == source["id"])
                .values(merged_into=target["id"])
            )
            conn.execute(
                sa.update(t.messages)
                .where(t.messages.c.case_id == source["id"])
                .values(case_id=target["id"])
            )
            fired += [(source["id"], e) for e in outcome.events]
        counts = refresh_reports(conn, target["id"])
        saved = save_versioned(conn, target, {**counts, "updated_at": now})
        event = record_event(
            conn,
            case_id=target["id"],
            action="merge_in",
            from_status=target["status"],
            to_status=target["status"],
            at=now,
            actor=actor.name,
            note=note,
            data={"from": [s["ticket"] for s in sources]},
        )
        fired.append((target["id"], event))
    for case_id, e in fired:
        fire_hooks(ctx, case_id, [e])
    return saved


def split(
    ctx: Context,
    source_ref: int | str,
    message_ids: list[int],
    *,
    actor: Actor,
    note: str,
    topic: str | None = None,
    kelurahan: str | None = None,
    version: int | None = None,
) -> dict[str, CaseRow]:
    """Move some reports of a case into a new case (new ticket code, routed and clocked anew).
    At least one report stays behind."""

    _require_diskominfo(actor)
    if not note.strip():
        raise InvalidInput("pemecahan membutuhkan alasan")
    wanted = sorted(set(message_ids))
    if not wanted:
        raise InvalidInput("pilih pesan yang dipindah ke kasus baru")
    now = ctx.now()
    with ctx.engine.begin() as conn:
        source = load_case(conn, source_ref)
        _require_city(actor, source)
        if Status(source["status"]) in TERMINAL:
            raise IllegalTransition(f"kasus {source['ticket']} sudah {source['status']}")
        if version is not None and version != source["version"]:
            raise StaleVersion(f"kasus {source['ticket']} sudah berubah; muat ulang")
        msgs = (
            conn.execute(sa.select(t.messages).where(t.messages.c.case_id == source["id"]))
            .mappings()
            .all()
        )
        have = {m["id"] for m in msgs}
        missing = [i for i in wanted if i not in have]
        if missing:
            raise InvalidInput(f"pesan {missing} bukan bagian dari kasus {source['ticket']}")
        if len(wanted) == len(have):
            raise InvalidInput("minimal satu pesan harus tetap di kasus asal")
        moved = [m for m in msgs if m["id"] in wanted]
        first = min(moved, key=lambda m: (m["posted_at"], m["id"]))
        new_topic = topic or first["topic"] or source["topic"]
        if topic and not exists(conn, t.topics.c.code, topic):
            raise InvalidInput(f"topik {topic!r} tidak dikenal")
        kel, kec = first["kelurahan"], first["kecamatan"]
        if kelurahan:
            row = conn.execute(
                sa.select(t.wilayah.c.code, t.wilayah.c.parent_code).where(
                    t.wilayah.c.code == kelurahan, t.wilayah.c.level == 4
                )
            ).first()
            if row is None:
                raise InvalidInput(f"kelurahan {kelurahan!r} tidak dikenal")
            kel, kec = row.code, row.parent_code
        detail = first["place_detail"] or {}
        facts = {
            "intent": "aduan",
            "topic": new_topic,
            "urgency": source["urgency"],
            "kelurahan": kel,
            "kecamatan": kec,
            "street": detail.get("street"),
            "landmark": detail.get("landmark"),
            "text": f" {first['masked_text'] or ''} ",
            "platform": first["platform"],
        }
        rule = route(facts, routing_service.active_rules(conn, source["city"]))
        opened = min(m["posted_at"] for m in moved)
        city = cities.city_of(conn, source["city"])
        prefix = city.ticket_prefix if city is not None else "PSB"
        ticket = next_ticket(conn, prefix, opened.astimezone(ctx.tz))
        words = keywords(" ".join(m["masked_text"] or "" for m in moved))
        new_id = int(
            conn.execute(
                sa.insert(t.cases)
                .values(
                    ticket=ticket,
                    status=Status.RECEIVED.value,
                    topic=new_topic,
                    urgency=source["urgency"],
                    kelurahan=kel,
                    kecamatan=kec,
                    opd=rule.assign_to if rule else None,
                    route_rule=rule.name if rule else None,
                    title=" ".join((first["masked_text"] or "").split())[:140],
                    report_count=1,
                    opened_at=opened,
                    updated_at=now,
                    version=1,
                    is_sample=source["is_sample"],
                    street=detail.get("street"),
                    landmark=detail.get("landmark"),
                    keywords=" ".join(sorted(words)),
                    platforms=[],
                    escalation_level=0,
                    returned_by=[],
                    split_from=source["id"],
                    last_report_at=opened,
                    city=source["city"],
                )
                .returning(t.cases.c.id)
            ).scalar_one()
        )
        conn.execute(
            sa.update(t.messages).where(t.messages.c.id.in_(wanted)).values(case_id=new_id)
        )
        new_values = refresh_reports(conn, new_id)
        new_values.update(
            clocks.enter_status(
                conn,
                ctx,
                case_id=new_id,
                status=Status.RECEIVED,
                at=now,
                topic=new_topic,
                urgency=source["urgency"],
                city=source["city"],
            )
        )
        conn.execute(sa.update(t.cases).where(t.cases.c.id == new_id).values(**new_values))
        opened_event = record_event(
            conn,
            case_id=new_id,
            action="open",
            from_status=None,
            to_status=Status.RECEIVED.value,
            at=now,
            actor=actor.name,
            note=note,
            data={
                "split_from": source["ticket"],
                "messages": wanted,
                "route_rule": rule.name if rule else None,
            },
        )
        saved = save_versioned(
            conn, source, {**refresh_reports(conn, source["id"]), "updated_at": now}
        )
        split_event = record_event(
            conn,
            case_id=source["id"],
            action="split",
            from_status=source["status"],
            to_status=source["status"],
            at=now,
            actor=actor.name,
            note=note,
            data={"to": ticket, "messages": wanted},
        )
        new_case = load_case(conn, new_id)
        replies.answer_case(
            conn,
            ctx,
            new_case,
            ReplyEvent.RECEIVED,
            reason=f"case:{new_id}:split",
        )
    fire_hooks(ctx, new_id, [opened_event])
    fire_hooks(ctx, source["id"], [split_event])
    return {"source": saved, "new": new_case}
