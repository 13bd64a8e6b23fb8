"""Deadline clocks: started and stopped with the case's stage and stored (cases.due_at and one
`case_stages` row per stage), from the SLA policies that staff edit (also here). Nothing lives
in memory, so clocks survive restarts; the sweep that acts on clocks that ran out is
`sweep.py`."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.cases import Status
from paseban.domain.sla import (
    STAGE_OF,
    Clock,
    InvalidPolicy,
    Level,
    SlaPolicy,
    Stage,
    Unit,
    start_clock,
)
from paseban.domain.workdays import WorkCalendar
from paseban.errors import InvalidInput, NotFound
from paseban.services.cases.routing import record_revision
from paseban.services.people import audit
from paseban.services.reference import cities
from paseban.services.reference import store as ref
from paseban.storage import tables as t
from paseban.storage.lookup import exists
from paseban.storage.rows import row
from paseban.storage.rows.cases import CaseStageRow
from paseban.storage.txcache import cached

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

log = logging.getLogger("paseban.sla")
DEFAULT_LEADERSHIP = ["sekda", "walikota"]


# --- policy and calendar -------------------------------------------------------------------------


def _policy_from_row(r: Any) -> SlaPolicy:
    return SlaPolicy(
        Stage(r.stage), r.amount, Unit(r.unit), r.topic, r.urgency, r.escalate_after, r.id
    )


def policies(conn: sa.Connection, city: str | None = None) -> list[SlaPolicy]:
    """A city's SLA policies (None: the first city's); a city that never set its own follows
    the first city's (`cities.policy_rows`)."""

    def load() -> list[SlaPolicy]:
        return [_policy_from_row(r) for r in cities.policy_rows(conn, t.sla_policies, city)]

    return cached(conn, f"sla_policies:{city}", load)


def follows_first_city(ctx: Context, city: str | None) -> bool:
    """The city has no SLA policies of its own: it follows the first city's."""
    return cities.follows_first(ctx, t.sla_policies, city)


def calendar(conn: sa.Connection, ctx: Context) -> WorkCalendar:
    return cached(conn, "calendar", lambda: WorkCalendar.of(ref.holiday_dates(conn), ctx.tz))


def leadership(conn: sa.Connection) -> list[str]:
    value = ref.get_parameter(conn, "sla.leadership", DEFAULT_LEADERSHIP)
    return [str(v) for v in value] if isinstance(value, list) else list(DEFAULT_LEADERSHIP)


# --- clocks ----------------------------------------------------------------------------------


def _policy_json(policy: SlaPolicy) -> dict[str, Any]:
    data = asdict(policy)
    data["stage"], data["unit"] = policy.stage.value, policy.unit.value
    return data


def stop_clock(conn: sa.Connection, case_id: int, at: datetime) -> None:
    """End the running stage of a case (if any), recording whether it met its deadline."""
    conn.execute(_STOP, {"b_case_id": case_id, "at": at})


def running_stage(conn: sa.Connection, case_id: int) -> Any:
    """The case's running `case_stages` row (stage, due_at, escalation_level), or None."""
    return conn.execute(_RUNNING, {"b_case_id": case_id}).first()


def enter_status(
    conn: sa.Connection,
    ctx: Context,
    *,
    case_id: int | None,
    status: Status,
    at: datetime,
    topic: str | None,
    urgency: str | None,
    city: str | None,
    restart: bool = False,
) -> dict[str, Any]:
    """Stop the running clock and start the one for the new status's stage. Returns the case
    columns to store (stage, due_at, escalation_level): they always mirror the running
    `case_stages` row, so every view reads one clock.

    When the stage does not change, the clock goes on and its deadline stays where it was:
    verifying keeps the verification clock, an OPD accepting a forwarded case keeps the follow-up
    clock that started at forwarding. The running stage is read from `case_stages` itself (not
    from the case's columns), so a case whose columns were left empty cannot restart its clock.
    `restart=True` (a re-assignment to another OPD) ends the running stage without judging it
    (`breached` stays empty: nobody's fault) and starts a new one.
    `case_id=None`: a case about to be inserted; store its clock with `save_clock` after.
    `city`: the case's; its SLA policies set the deadline."""
    stage = STAGE_OF.get(status)
    running = running_stage(conn, case_id) if case_id is not None else None
    if stage is not None and running is not None and running.stage == stage.value and not restart:
        return {
            "stage": running.stage,
            "due_at": running.due_at,
            "escalation_level": int(running.escalation_level),
        }
    if case_id is not None:
        if restart:
            conn.execute(_STOP_UNJUDGED, {"b_case_id": case_id, "at": at})
        else:
            stop_clock(conn, case_id, at)
    if stage is None:
        return {"stage": None, "due_at": None, "escalation_level": 0}
    clock = start_clock(
        stage,
        at,
        topic=topic,
        urgency=urgency,
        policies=policies(conn, city),
        calendar=calendar(conn, ctx),
    )
    out: dict[str, Any] = {"stage": stage.value, "due_at": clock.due_at, "escalation_level": 0}
    if case_id is None:
        return {**out, "_clock": clock}
    _insert_clock(conn, case_id, clock)
    return out


def save_clock(conn: sa.Connection, case_id: int, entered: dict[str, Any]) -> None:
    clock = entered.get("_clock")
    if clock is not None:
        _insert_clock(conn, case_id, clock)


_INSERT_STAGE = sa.insert(t.case_stages)
_RUNNING = (
    sa.select(t.case_stages.c.stage, t.case_stages.c.due_at, t.case_stages.c.escalation_level)
    .where(
        t.case_stages.c.case_id == sa.bindparam("b_case_id"),
        t.case_stages.c.finished_at.is_(None),
    )
    .order_by(t.case_stages.c.id.desc())
    .limit(1)
)
_STOP_UNJUDGED = (
    sa.update(t.case_stages)
    .where(
        t.case_stages.c.case_id == sa.bindparam("b_case_id"),
        t.case_stages.c.finished_at.is_(None),
    )
    .values(finished_at=sa.bindparam("at"), sweep_at=None, breached=None, judged=False)
)
_STOP = (
    sa.update(t.case_stages)
    .where(
        t.case_stages.c.case_id == sa.bindparam("b_case_id"),
        t.case_stages.c.finished_at.is_(None),
    )
    .values(
        finished_at=sa.bindparam("at"),
        sweep_at=None,
        breached=t.case_stages.c.due_at < sa.bindparam("at"),
    )
)


def _insert_clock(conn: sa.Connection, case_id: int, clock: Clock) -> None:
    conn.execute(
        _INSERT_STAGE,
        {
            "case_id": case_id,
            "stage": clock.stage.value,
            "started_at": clock.started_at,
            "due_at": clock.due_at,
            "escalate_at": clock.escalate_at,
            "sweep_at": clock.next_action_at(Level.NONE),
            "escalation_level": 0,
            "finished_at": None,
            "breached": None,
            "policy": _policy_json(clock.policy),
        },
    )


def clocks_of(ctx: Context, case_id: int) -> list[CaseStageRow]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.case_stages)
            .where(t.case_stages.c.case_id == case_id)
            .order_by(t.case_stages.c.id)
        ).mappings()
        return [row(CaseStageRow, r) for r in rows]


# --- staff edit policies -----------------------------------------------------------------------


def list_policies(ctx: Context, city: str | None = None) -> list[SlaPolicy]:
    """A city's policies (None: the first city's), the first city's while it follows them."""
    with ctx.engine.connect() as conn:
        return policies(conn, city)


def save_policy(
    ctx: Context,
    policy: SlaPolicy,
    *,
    actor: Actor | str,
    note: str = "",
    ip: str | None = None,
    city: str | None = None,
) -> SlaPolicy:
    """Add or change a city's policy for (stage, topic, urgency) (None: the first city's);
    validated, with a revision row and an audit row (before and after). It applies to the
    city's clocks started from now on. A city that followed the first city's policies gets a
    copy of them first, and keeps its own from then on."""

    with ctx.engine.begin() as conn:
        if policy.topic is not None and not exists(conn, t.topics.c.code, policy.topic):
            raise InvalidInput(f"topik {policy.topic!r} tidak dikenal")
        if policy.urgency is not None and not exists(conn, t.urgencies.c.code, policy.urgency):
            raise InvalidInput(f"urgensi {policy.urgency!r} tidak dikenal")
        code = cities.own_policy_city(conn, t.sla_policies, city)
        key = _key_where(policy.stage, policy.topic, policy.urgency, code)
        values = {
            "amount": policy.amount,
            "unit": policy.unit.value,
            "escalate_after": policy.escalate_after,
            "updated_at": ctx.now(),
            "updated_by": audit.actor_name(actor),
        }
        old = conn.execute(sa.select(t.sla_policies).where(*key)).mappings().first()
        existing = old["id"] if old is not None else None
        if existing is None:
            existing = conn.execute(
                sa.insert(t.sla_policies)
                .values(
                    stage=policy.stage.value,
                    topic=policy.topic,
                    urgency=policy.urgency,
                    city=code,
                    **values,
                )
                .returning(t.sla_policies.c.id)
            ).scalar_one()
        else:
            conn.execute(
                sa.update(t.sla_policies).where(t.sla_policies.c.id == existing).values(**values)
            )
        saved = SlaPolicy(
            policy.stage,
            policy.amount,
            policy.unit,
            policy.topic,
            policy.urgency,
            policy.escalate_after,
            int(existing),
        )
        target = cities.parameter_key(conn, code, policy_key(saved))
        record_revision(
            conn,
            kind="sla_policy",
            key=target,
            data=_policy_json(saved),
            at=ctx.now(),
            actor=audit.actor_name(actor),
            note=note,
            city=code,
        )
        fields = ("amount", "unit", "escalate_after")
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="sla_policy.save",
            target_kind="sla_policy",
            target_id=target,
            ip=ip,
            detail={
                "before": {k: old[k] for k in fields} if old is not None else {},
                "after": {k: values[k] for k in fields},
                **({"note": note} if note else {}),
            },
        )
    return saved


def delete_policy(
    ctx: Context,
    stage: Stage,
    topic: str | None,
    urgency: str | None,
    *,
    actor: Actor | str,
    ip: str | None = None,
    city: str | None = None,
) -> None:
    """Delete a city's policy (None: the first city's); as `save_policy`, a city that followed
    the first city's policies gets a copy of them first, without this one."""
    if topic is None and urgency is None:
        raise InvalidInput("kebijakan bawaan tahap tidak dapat dihapus; ubah saja durasinya")
    with ctx.engine.begin() as conn:
        code = cities.own_policy_city(conn, t.sla_policies, city)  # rolled back if not found
        where = _key_where(stage, topic, urgency, code)
        old = conn.execute(sa.select(t.sla_policies).where(*where)).mappings().first()
        if old is None:
            raise NotFound("kebijakan SLA itu tidak ada")
        conn.execute(sa.delete(t.sla_policies).where(*where))
        key = cities.parameter_key(
            conn, code, policy_key(SlaPolicy(stage, 0, Unit.HOURS, topic, urgency))
        )
        name = audit.actor_name(actor)
        record_revision(
            conn,
            kind="sla_policy",
            key=key,
            data=None,
            at=ctx.now(),
            actor=name,
            note="hapus",
            city=code,
        )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="sla_policy.delete",
            target_kind="sla_policy",
            target_id=key,
            ip=ip,
            detail={
                "before": {k: old[k] for k in ("amount", "unit", "escalate_after")},
                "after": {},
            },
        )


def policy_key(policy: SlaPolicy) -> str:
    return f"{policy.stage.value}:{policy.topic or '*'}:{policy.urgency or '*'}"


def _key_where(stage: Stage, topic: str | None, urgency: str | None, city: str | None) -> list[Any]:
    c = t.sla_policies.c
    return [
        cities.city_rows(t.sla_policies, city),
        c.stage == stage.value,
        c.topic.is_(None) if topic is None else c.topic == topic,
        c.urgency.is_(None) if urgency is None else c.urgency == urgency,
    ]


def parse_policy(data: dict[str, Any]) -> SlaPolicy:
    """A policy from user input (API, CLI), with one clear error."""
    try:
        return SlaPolicy(
            Stage(data["stage"]),
            int(data["amount"]),
            Unit(data.get("unit", Unit.WORKING_DAYS.value)),
            data.get("topic") or None,
            data.get("urgency") or None,
            int(data.get("escalate_after", 1)),
        )
    except KeyError as exc:
        raise InvalidInput(f"kolom {exc.args[0]!r} wajib diisi") from None
    except (ValueError, InvalidPolicy) as exc:
        raise InvalidInput(f"kebijakan SLA tidak sah: {exc}") from None
