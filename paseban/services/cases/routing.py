"""Routing rules and routing parameters that staff edit: validated on save, every change kept in
`policy_revisions` (append-only), applied from the next transaction on."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.nlp.pipeline import Analysis
from paseban.routing.rules import InvalidRule, Rule, validate_rule
from paseban.services.people import audit
from paseban.services.reference import cities
from paseban.services.reference import store as ref
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.cases import PolicyRevisionRow, RoutingRuleRow
from paseban.storage.txcache import cached

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

AUTO_FORWARD = "routing.auto_forward"


def record_revision(
    conn: sa.Connection,
    *,
    kind: str,
    key: str,
    data: dict[str, Any] | None,
    at: datetime,
    actor: str,
    note: str = "",
    city: str | None = None,
) -> None:
    """One change to a policy of a city (None: the first city's, the column's default)."""
    values = {"kind": kind, "key": key, "data": data, "changed_at": at, "changed_by": actor}
    conn.execute(
        sa.insert(t.policy_revisions).values(
            note=note, **values, **({"city": city} if city is not None else {})
        )
    )


def revisions(
    ctx: Context, kind: str, key: str | None = None, *, city: str | None = None
) -> list[PolicyRevisionRow]:
    """The changes to one kind of policy; `city`: only that city's (the first city's also
    those stored before any city was loaded)."""
    query = sa.select(t.policy_revisions).where(t.policy_revisions.c.kind == kind)
    if key is not None:
        query = query.where(t.policy_revisions.c.key == key)
    if city is not None:
        c = t.policy_revisions.c
        before = sa.and_(c.city.is_(None), sa.literal(city) == cities.first_code())
        query = query.where(sa.or_(c.city == city, before))
    with ctx.engine.connect() as conn:
        rows = conn.execute(query.order_by(t.policy_revisions.c.id)).mappings()
        return [row(PolicyRevisionRow, r) for r in rows]


def active_rules(conn: sa.Connection, city: str | None = None) -> list[Rule]:
    """A city's active rules (None: every city's, for the pages that list them all)."""
    return cached(conn, f"routing_rules:{city}", lambda: ref.active_rules(conn, city))


def auto_forward(conn: sa.Connection, city: str | None = None) -> bool:
    """Forward a city's new cases to the routed OPD at once (SiBadra), or hold them for
    verification; a city that never set it follows the first city (`cities.get_city_parameter`)."""
    return cached(
        conn,
        f"{AUTO_FORWARD}:{city}",
        lambda: bool(cities.get_city_parameter(conn, city, AUTO_FORWARD, False)),
    )


def set_auto_forward(
    ctx: Context,
    enabled: bool,
    *,
    actor: Actor | str,
    ip: str | None = None,
    city: str | None = None,
) -> None:
    """Switch a city's auto-forward (None: the first city's, which other cities follow until
    they set their own)."""
    name = audit.actor_name(actor)
    with ctx.engine.begin() as conn:
        key = cities.parameter_key(conn, city, AUTO_FORWARD)
        before = bool(cities.get_city_parameter(conn, city, AUTO_FORWARD, False))
        ref.set_parameter(conn, key, bool(enabled), at=ctx.now(), actor=name)
        record_revision(
            conn,
            kind="parameter",
            key=key,
            data={"value": bool(enabled)},
            at=ctx.now(),
            actor=name,
            city=city,
        )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="routing.auto_forward",
            target_kind="parameter",
            target_id=key,
            ip=ip,
            detail={"before": {"aktif": before}, "after": {"aktif": bool(enabled)}},
        )


def list_rules(
    ctx: Context, *, include_inactive: bool = True, city: str | None = None
) -> list[RoutingRuleRow]:
    """The rules of a city (None: the first city's: a province chooses one to edit)."""
    if city is None:
        with ctx.engine.connect() as conn:
            found = cities.city_of(conn, None)
        city = found.code if found is not None else None
    query = sa.select(t.routing_rules).order_by(t.routing_rules.c.priority, t.routing_rules.c.name)
    if city is not None:
        query = query.where(t.routing_rules.c.city == city)
    if not include_inactive:
        query = query.where(t.routing_rules.c.active.is_(True))
    with ctx.engine.connect() as conn:
        return [row(RoutingRuleRow, r) for r in conn.execute(query).mappings()]


def save_rule(
    ctx: Context,
    *,
    name: str,
    condition: Any,
    assign_to: str,
    priority: int = 100,
    active: bool = True,
    notes: str = "",
    actor: Actor | str,
    ip: str | None = None,
    new: bool = False,
    city: str | None = None,
) -> dict[str, Any]:
    """Add or change a rule of a city (None: the first city). Everything is checked first
    (condition, OPD of that city, priority, name), so a bad rule never reaches the router; the
    change is kept as a revision and in the audit trail (with the values before and after).
    `new`: refuse (409) when the name is taken in the city; saving a rule unchanged stores
    nothing."""
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise InvalidInput("prioritas harus bilangan bulat")
    rule = Rule(name, condition, assign_to, priority)
    now = ctx.now()
    with ctx.engine.begin() as conn:
        code, key = _rule_city(conn, city, name)
        opds = conn.execute(
            sa.select(t.opds.c.code).where(t.opds.c.active.is_(True), t.opds.c.city == code)
        ).scalars()
        try:
            validate_rule(rule, opds=list(opds))
        except InvalidRule as exc:
            raise InvalidInput(str(exc)) from None
        values = {
            "priority": priority,
            "condition": condition,
            "assign_to": assign_to,
            "active": active,
            "notes": notes,
            "updated_at": now,
            "updated_by": audit.actor_name(actor),
        }
        mine = (t.routing_rules.c.name == name, t.routing_rules.c.city == code)
        old = conn.execute(sa.select(t.routing_rules).where(*mine)).mappings().first()
        existing = old["id"] if old is not None else None
        if existing is not None and new:
            raise Conflict(f"aturan {name!r} sudah ada; ubah aturan itu atau pakai nama lain")
        data = {k: v for k, v in values.items() if k not in ("updated_at", "updated_by")}
        if old is not None and all(old[k] == data[k] for k in RULE_FIELDS):
            return dict(old)
        if existing is None:
            conn.execute(sa.insert(t.routing_rules).values(name=name, city=code, **values))
        else:
            conn.execute(
                sa.update(t.routing_rules).where(t.routing_rules.c.id == existing).values(**values)
            )
        record_revision(
            conn,
            kind="routing_rule",
            key=key,
            data={"name": name, **data},
            at=now,
            actor=audit.actor_name(actor),
            note="baru" if existing is None else "ubah",
            city=code,
        )
        _audit_rule(conn, now, actor, ip, key, dict(old) if old is not None else None, data)
        row = conn.execute(sa.select(t.routing_rules).where(*mine))
        return dict(row.mappings().one())


def rule_revisions(ctx: Context, name: str, city: str | None = None) -> list[PolicyRevisionRow]:
    """The changes to one rule of a city (None: the first city)."""
    with ctx.engine.connect() as conn:
        _, key = _rule_city(conn, city, name)
    return revisions(ctx, "routing_rule", key)


def _rule_city(conn: sa.Connection, city: str | None, name: str) -> tuple[str, str]:
    """The city a rule is saved in (None: the first) and the key of its history: the name for
    the first city's rules (as in a one-city deployment), `name@code` for another's."""
    found = cities.city_of(conn, city)
    if found is None:
        raise InvalidInput(f"kota {city!r} tidak dimuat di sini")
    return found.code, (name if found.first else f"{name}@{found.code}")


RULE_FIELDS = ("priority", "condition", "assign_to", "active", "notes")


def _audit_rule(
    conn: sa.Connection,
    at: datetime,
    actor: Actor | str,
    ip: str | None,
    name: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    old = {k: before[k] for k in RULE_FIELDS} if before is not None else {}
    changed = {k: after[k] for k in RULE_FIELDS if k in after and old.get(k) != after[k]}
    audit.record(
        conn,
        at=at,
        actor=actor,
        action="routing_rule.save",
        target_kind="routing_rule",
        target_id=name,
        ip=ip,
        detail={"before": {k: old.get(k) for k in changed}, "after": changed},
    )


def deactivate_rule(
    ctx: Context, name: str, *, actor: Actor | str, ip: str | None = None, city: str | None = None
) -> None:
    """Switch off a rule of a city (None: the first city)."""
    with ctx.engine.begin() as conn:
        code, key = _rule_city(conn, city, name)
        mine = (t.routing_rules.c.name == name, t.routing_rules.c.city == code)
        row = conn.execute(sa.select(t.routing_rules).where(*mine)).mappings().first()
        if row is None:
            raise NotFound(f"aturan {name!r} tidak ada")
        conn.execute(
            sa.update(t.routing_rules)
            .where(*mine)
            .values(active=False, updated_at=ctx.now(), updated_by=audit.actor_name(actor))
        )
        _audit_rule(conn, ctx.now(), actor, ip, key, dict(row), {"active": False})
        record_revision(
            conn,
            kind="routing_rule",
            key=key,
            data={
                "name": name,
                "priority": row["priority"],
                "condition": row["condition"],
                "assign_to": row["assign_to"],
                "active": False,
                "notes": row["notes"],
            },
            at=ctx.now(),
            actor=audit.actor_name(actor),
            note="nonaktif",
            city=code,
        )


def routing_facts(analysis: Analysis, platform: str) -> dict[str, Any]:
    """What the routing rules see of an analysed message (routing/rules.py matches on these)."""
    return {
        "intent": analysis.intent.label,
        "topic": analysis.topic.label,
        "urgency": analysis.urgency.label,
        "kelurahan": analysis.place.kelurahan,
        "kecamatan": analysis.place.kecamatan,
        "street": analysis.place.street,
        "landmark": analysis.place.landmark,
        "text": f" {analysis.normalized} ",
        "platform": platform,
    }
