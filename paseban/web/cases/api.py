"""Our REST API under /api/v1 (OpenAPI at /docs)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from paseban.context import Context
from paseban.domain.accounts import OPERATORS, Role, Scope
from paseban.domain.cases import STATUS_LABELS, Action, Actor, Status
from paseban.domain.sla import deadline
from paseban.errors import Forbidden
from paseban.services.cases import actions, clocks, merging, reads, reassign
from paseban.services.cases import replies as replies_service
from paseban.services.cases import routing as routing_service
from paseban.services.cases.replies import tracking_link
from paseban.web.cases.actors import CaseActor, SettingsActor
from paseban.web.deps import ActorDep, CasesReader, CtxDep, client_ip, writing_in

router = APIRouter(tags=["api"])


class CaseOut(BaseModel):
    id: int
    ticket: str
    status: str
    status_label: str
    topic: str | None
    topic_name: str | None
    urgency: str
    kelurahan: str | None
    kelurahan_name: str | None
    kecamatan: str | None
    kecamatan_name: str | None
    opd: str | None
    opd_name: str | None
    route_rule: str | None
    title: str
    report_count: int
    opened_at: datetime
    updated_at: datetime
    is_sample: bool
    stage: str | None = None
    due_at: datetime | None = None
    overdue: bool = False  # the one clock (domain.sla.deadline), as every page shows it


class CaseList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[CaseOut]


def case_out(row: Mapping[str, Any], now: datetime) -> CaseOut:
    skip = ("status_label", "overdue")
    return CaseOut(
        **{k: row[k] for k in CaseOut.model_fields if k in row and k not in skip},
        status_label=STATUS_LABELS[Status(row["status"])],
        overdue=deadline(row["stage"], row["due_at"], row["escalation_level"], now=now).overdue,
    )


@router.get("/cases", response_model=CaseList)
def list_cases(
    ctx: CtxDep,
    actor: CasesReader,
    status: Annotated[Status | None, Query()] = None,
    opd: Annotated[str | None, Query(max_length=40)] = None,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    kecamatan: Annotated[str | None, Query(max_length=13)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CaseList:
    """Cases the caller may see (session or `Authorization: Bearer` token with `cases:read`)."""
    rows, total = reads.list_cases(
        ctx,
        scope=actor.scope,
        status=status.value if status else None,
        opd=opd,
        topic=topic,
        kecamatan=kecamatan,
        limit=limit,
        offset=offset,
    )
    return CaseList(
        total=total, limit=limit, offset=offset, items=[case_out(r, ctx.now()) for r in rows]
    )


# --- complaint lifecycle: case detail, staff actions, the OPD work view (issue 4) ---------------


class EventOut(BaseModel):
    id: int
    action: str
    from_status: str | None
    to_status: str
    at: datetime
    actor: str
    note: str
    public_note: str | None
    data: dict[str, Any] | None


class ClockOut(BaseModel):
    stage: str
    started_at: datetime
    due_at: datetime
    escalation_level: int
    finished_at: datetime | None
    breached: bool | None


class CaseDetail(CaseOut):
    version: int
    escalation_level: int
    platforms: list[str]
    returned_by: list[str]
    public_note: str | None
    merged_into: int | None
    split_from: int | None
    tracking_url: str
    timeline: list[EventOut]
    clocks: list[ClockOut]


class ActionIn(BaseModel):
    action: Action
    note: str = Field("", max_length=2000, description="alasan/catatan internal")
    public_note: str | None = Field(None, max_length=2000, description="catatan untuk warga")
    opd: str | None = Field(None, max_length=40, description="OPD tujuan (forward, mark_outside)")
    media_url: str | None = Field(None, max_length=500, description="tautan foto")
    version: int | None = Field(None, description="versi kasus yang Anda lihat (409 jika berubah)")


class NoteIn(BaseModel):
    note: str = Field("", max_length=2000)
    public_note: str | None = Field(None, max_length=2000)
    media_url: str | None = Field(None, max_length=500)


class OpdStepIn(BaseModel):
    note: str = Field("", max_length=2000)
    public_note: str | None = Field(None, max_length=2000)
    media_url: str | None = Field(None, max_length=500)
    version: int | None = None


class MergeIn(BaseModel):
    sources: list[str] = Field(min_length=1, max_length=50)
    note: str = Field(min_length=1, max_length=2000)
    version: int | None = None


class SplitIn(BaseModel):
    message_ids: list[int] = Field(min_length=1, max_length=500)
    note: str = Field(min_length=1, max_length=2000)
    topic: str | None = Field(None, max_length=40)
    kelurahan: str | None = Field(None, max_length=13)
    version: int | None = None


def _detail(
    ctx: Context, ref: int | str, actor: Actor, *, scope: Scope | None = None
) -> CaseDetail:
    row = reads.get_case(ctx, ref, scope=actor.scope if scope is None else scope)
    fields: dict[str, Any] = {
        k: v for k, v in row.items() if k in CaseDetail.model_fields and k != "overdue"
    }
    now = ctx.now()
    return CaseDetail(
        **fields,
        overdue=deadline(row["stage"], row["due_at"], row["escalation_level"], now=now).overdue,
        status_label=STATUS_LABELS[Status(row["status"])],
        tracking_url=tracking_link(ctx, row["ticket"]),
        timeline=[EventOut.model_validate(e) for e in reads.timeline(ctx, row["id"])],
        clocks=[ClockOut.model_validate(c) for c in clocks.clocks_of(ctx, row["id"])],
    )


@router.get("/cases/{ticket}", response_model=CaseDetail)
def case_detail(ctx: CtxDep, actor: CaseActor, ticket: str) -> CaseDetail:
    """One case with its audit trail and deadline clocks (within the caller's scope)."""
    return _detail(ctx, ticket, actor)


@router.post("/cases/{ticket}/actions", response_model=CaseDetail)
def case_action(ctx: CtxDep, actor: CaseActor, ticket: str, body: ActionIn) -> CaseDetail:
    """Verify, forward, reject, mark outside authority, return, start, resolve, reopen, close.
    403 outside the role or scope, 404 unknown ticket, 409 illegal transition or a stale
    `version`, 422 missing reason or unknown OPD. Nothing is stored when it fails."""
    _visible(ctx, ticket, actor)
    actions.act(
        ctx,
        ticket,
        body.action,
        actor=actor,
        note=body.note,
        public_note=body.public_note,
        opd=body.opd,
        media_url=body.media_url,
        version=body.version,
    )
    return _detail(ctx, ticket, actor)


class ReassignIn(BaseModel):
    opd: str = Field(min_length=1, max_length=40, description="OPD tujuan")
    note: str = Field(min_length=1, max_length=2000, description="alasan pengalihan")
    version: int | None = None


@router.post("/cases/{ticket}/reassign", response_model=CaseDetail)
def case_reassign(ctx: CtxDep, actor: CaseActor, ticket: str, body: ReassignIn) -> CaseDetail:
    """Diskominfo gives an open case to another OPD with a reason, credited to nobody's fault
    (the old OPD is not added to `returned_by`; its running stage ends unjudged)."""
    _visible(ctx, ticket, actor)
    reassign.reassign(ctx, ticket, opd=body.opd, actor=actor, note=body.note, version=body.version)
    return _detail(ctx, ticket, actor)


@router.post("/cases/{ticket}/notes", response_model=CaseDetail)
def case_note(ctx: CtxDep, actor: CaseActor, ticket: str, body: NoteIn) -> CaseDetail:
    """A progress note (internal, public, and/or a photo link)."""
    _visible(ctx, ticket, actor)
    actions.add_note(
        ctx,
        ticket,
        actor=actor,
        note=body.note,
        public_note=body.public_note,
        media_url=body.media_url,
    )
    return _detail(ctx, ticket, actor)


@router.post("/cases/{ticket}/merge", response_model=CaseDetail)
def case_merge(ctx: CtxDep, actor: CaseActor, ticket: str, body: MergeIn) -> CaseDetail:
    """Merge the `sources` cases into this one (Diskominfo)."""
    merging.merge(
        ctx, ticket, list(body.sources), actor=actor, note=body.note, version=body.version
    )
    return _detail(ctx, ticket, actor)


@router.post("/cases/{ticket}/split", response_model=CaseDetail)
def case_split(ctx: CtxDep, actor: CaseActor, ticket: str, body: SplitIn) -> CaseDetail:
    """Move some reports into a new case (Diskominfo); returns the new case."""
    out = merging.split(
        ctx,
        ticket,
        body.message_ids,
        actor=actor,
        note=body.note,
        topic=body.topic,
        kelurahan=body.kelurahan,
        version=body.version,
    )
    return _detail(ctx, out["new"]["ticket"], actor)


def _visible(ctx: Context, ticket: str, actor: Actor) -> None:
    """404 for a case outside the caller's scope, so that tickets cannot be probed."""
    reads.get_case(ctx, ticket, scope=actor.scope)


# the OPD work view: an officer's queue and the four things an officer does


def _officer(actor: Actor) -> str:
    if actor.role is not Role.OPD_OFFICER or actor.scope.opd is None:
        raise Forbidden("tampilan kerja OPD hanya untuk petugas OPD")
    return actor.scope.opd


@router.get("/opd/cases", response_model=CaseList)
def opd_queue(
    ctx: CtxDep,
    actor: CaseActor,
    status: Annotated[list[Status] | None, Query()] = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CaseList:
    """The officer's OPD's cases, earliest deadline first (default: forwarded and in progress)."""
    opd = _officer(actor)
    wanted = [s.value for s in status] if status else ["forwarded", "in_progress"]
    rows, total = reads.list_cases(
        ctx,
        scope=actor.scope,
        opd=opd,
        statuses=wanted,
        limit=limit,
        offset=offset,
        overdue_at=ctx.now() if overdue else None,
        order="deadline",
    )
    return CaseList(
        total=total, limit=limit, offset=offset, items=[case_out(r, ctx.now()) for r in rows]
    )


def _opd_step(ctx: Context, actor: Actor, ticket: str, action: Action, body: OpdStepIn) -> Any:
    _officer(actor)
    _visible(ctx, ticket, actor)
    actions.act(
        ctx,
        ticket,
        action,
        actor=actor,
        note=body.note,
        public_note=body.public_note,
        media_url=body.media_url,
        version=body.version,
    )
    # a returned case has left the OPD; the officer still sees the outcome of their own action
    return _detail(ctx, ticket, actor, scope=Scope() if action is Action.RETURN else None)


@router.post("/opd/cases/{ticket}/accept", response_model=CaseDetail)
def opd_accept(ctx: CtxDep, actor: CaseActor, ticket: str, body: OpdStepIn) -> Any:
    """Accept a forwarded case: it is now in progress (the follow-up clock keeps running)."""
    return _opd_step(ctx, actor, ticket, Action.START, body)


@router.post("/opd/cases/{ticket}/return", response_model=CaseDetail)
def opd_return(ctx: CtxDep, actor: CaseActor, ticket: str, body: OpdStepIn) -> Any:
    """ "Not ours": back to Diskominfo with the reason (`note`, required); re-routed."""
    return _opd_step(ctx, actor, ticket, Action.RETURN, body)


@router.post("/opd/cases/{ticket}/notes", response_model=CaseDetail)
def opd_note(ctx: CtxDep, actor: CaseActor, ticket: str, body: NoteIn) -> Any:
    """A progress note, optionally public, optionally with a photo link."""
    _officer(actor)
    return case_note(ctx, actor, ticket, body)


@router.post("/opd/cases/{ticket}/resolve", response_model=CaseDetail)
def opd_resolve(ctx: CtxDep, actor: CaseActor, ticket: str, body: OpdStepIn) -> Any:
    """Resolved: the citizen is asked "sudah beres?" and has 10 working days to object."""
    return _opd_step(ctx, actor, ticket, Action.RESOLVE, body)


# policy that Diskominfo edits: routing rules, auto-forward, SLA policies, reply templates


class RuleIn(BaseModel):
    condition: Any = Field(description='mis. {"attr": "topic", "op": "eq", "value": "jalan"}')
    assign_to: str = Field(max_length=40)
    priority: int = 100
    active: bool = True
    notes: str = Field("", max_length=2000)


class PolicyIn(BaseModel):
    stage: str
    topic: str | None = None
    urgency: str | None = None
    amount: int
    unit: str = "working_days"
    escalate_after: int = 1
    note: str = Field("", max_length=2000)


class TemplateIn(BaseModel):
    text: str = Field(max_length=1000)
    topic: str | None = Field(None, max_length=40)


class AutoForwardIn(BaseModel):
    enabled: bool


def _diskominfo(actor: Actor) -> str:
    if actor.role not in OPERATORS:
        raise Forbidden("hanya operator Diskominfo yang boleh mengubah kebijakan")
    return actor.name


def _policy_city(ctx: Context, who: ActorDep) -> str | None:
    """The city whose policy is read or changed: the actor's; the province role names one with
    `?kota=` in a deployment of several (422 without), never the first city by default."""
    return writing_in(ctx, who, None, "kota").scope.city


@router.get("/routing/rules")
def routing_rules(ctx: CtxDep, actor: SettingsActor, who: ActorDep) -> list[dict[str, Any]]:
    # plain dicts: the response stays as it was (pydantic on 3.11 refuses typing.TypedDict)
    return [dict(r) for r in routing_service.list_rules(ctx, city=_policy_city(ctx, who))]


@router.put("/routing/rules/{name}")
def routing_rule_save(
    request: Request, ctx: CtxDep, actor: SettingsActor, who: ActorDep, name: str, body: RuleIn
) -> dict[str, Any]:
    """Add or change a rule; validated (condition, OPD, priority, name) before it is stored."""
    _diskominfo(actor)
    return routing_service.save_rule(
        ctx,
        name=name,
        condition=body.condition,
        assign_to=body.assign_to,
        priority=body.priority,
        active=body.active,
        notes=body.notes,
        actor=who,
        ip=client_ip(request),
        city=_policy_city(ctx, who),
    )


@router.get("/routing/rules/{name}/history")
def routing_rule_history(
    ctx: CtxDep, actor: SettingsActor, who: ActorDep, name: str
) -> list[dict[str, Any]]:
    return [dict(r) for r in routing_service.rule_revisions(ctx, name, _policy_city(ctx, who))]


@router.put("/routing/auto-forward")
def routing_auto_forward(
    request: Request, ctx: CtxDep, actor: SettingsActor, who: ActorDep, body: AutoForwardIn
) -> dict[str, bool]:
    """On: new cases go to the routed OPD at once (SiBadra); off: held for verification."""
    _diskominfo(actor)
    routing_service.set_auto_forward(
        ctx, body.enabled, actor=who, ip=client_ip(request), city=_policy_city(ctx, who)
    )
    return {"enabled": body.enabled}


@router.get("/sla/policies")
def sla_policies(ctx: CtxDep, actor: SettingsActor, who: ActorDep) -> list[dict[str, Any]]:
    return [
        {
            "stage": p.stage.value,
            "topic": p.topic,
            "urgency": p.urgency,
            "amount": p.amount,
            "unit": p.unit.value,
            "escalate_after": p.escalate_after,
        }
        for p in clocks.list_policies(ctx, _policy_city(ctx, who))
    ]


@router.put("/sla/policies")
def sla_policy_save(
    request: Request, ctx: CtxDep, actor: SettingsActor, who: ActorDep, body: PolicyIn
) -> dict[str, Any]:
    """Add or change the policy for (stage, topic, urgency) of the actor's city (the province:
    the chosen city, else the first); applies to that city's clocks started after."""
    _diskominfo(actor)
    policy = clocks.parse_policy(body.model_dump(exclude={"note"}))
    saved = clocks.save_policy(
        ctx, policy, actor=who, note=body.note, ip=client_ip(request), city=_policy_city(ctx, who)
    )
    return {"key": clocks.policy_key(saved), "amount": saved.amount, "unit": saved.unit}


@router.put("/replies/templates/{event}")
def reply_template_save(
    request: Request, ctx: CtxDep, actor: SettingsActor, who: ActorDep, event: str, body: TemplateIn
) -> dict[str, Any]:
    """Change the reply for an event (optionally for one topic) of the actor's city (the
    province: the chosen city, else the first); placeholders are checked."""
    _diskominfo(actor)
    saved = replies_service.save_template(
        ctx,
        event,
        body.text,
        topic=body.topic,
        actor=who,
        ip=client_ip(request),
        city=_policy_city(ctx, who),
    )
    return {"event": saved.event.value, "topic": saved.topic, "text": saved.text}


class WhoAmI(BaseModel):
    name: str
    kind: str
    role: str
    wilayah: str | None
    opd: str | None
    city: str | None = None  # the kota/kabupaten; None: every city (the province role)
    permissions: list[str]


@router.get("/me", response_model=WhoAmI)
def whoami(actor: ActorDep) -> WhoAmI:
    """Who the session or token acts as, and what it may do (for checking a token's scopes)."""
    return WhoAmI(
        name=actor.name,
        kind=actor.kind,
        role=actor.role.value,
        wilayah=actor.scope.wilayah,
        opd=actor.scope.opd,
        city=actor.scope.city,
        permissions=sorted(p.value for p in actor.permissions),
    )
