"""Settings for Diskominfo that steer the complaint desk: routing rules (edited as rows of
attribute, operator and value, no JSON), the auto-forward switch, deadline (SLA) policies and
reply templates. Each is a section in `web.settings.SECTIONS`; every save is validated by the
service that owns the policy, kept in its revision history and written to the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paseban.context import Context
from paseban.domain.accounts import Platform
from paseban.domain.replies import (
    DEFAULT_TEMPLATES,
    EVENT_LABELS,
    PLACEHOLDERS,
    SAMPLE_VALUES,
    ReplyEvent,
    pick_template,
)
from paseban.domain.replies import render as fill_template
from paseban.domain.sla import STAGE_LABELS, UNIT_LABELS, Stage
from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.routing.conditions import (
    ATTR_LABELS,
    JOINS,
    OP_LABELS,
    ConditionError,
    Row,
    Vocabulary,
    describe,
    from_rows,
    to_rows,
)
from paseban.services.cases import clocks
from paseban.services.cases import replies as replies_service
from paseban.services.cases import routing as routing_service
from paseban.services.reference import cities, policy
from paseban.services.reference import store as ref
from paseban.web.deps import CtxDep, SettingsReader, SettingsWriter, client_ip, writing_in
from paseban.web.people.settings import SECTIONS
from paseban.web.rendering import render, save_or_show

router = APIRouter(prefix="/pengaturan", include_in_schema=False)
UserError = (InvalidInput, Conflict, NotFound, ConditionError)
BLANK_ROWS = 2
MAX_ROWS = 30


def _section(slug: str) -> Any:
    return next(s for s in SECTIONS if s.slug == slug)


def _page(
    request: Request,
    ctx: Context,
    slug: str,
    template: str,
    data: dict[str, Any],
    *,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        ctx,
        template,
        {"section": _section(slug), "sections": SECTIONS, "error": error, **data},
        status_code=status_code,
    )


def _done(path: str, code: str = "saved") -> RedirectResponse:
    return RedirectResponse(f"{path}?ok={code}", status_code=303)


# --- routing rules -------------------------------------------------------------------------------


def vocabulary(ctx: Context) -> Vocabulary:
    """Names for the codes a condition may hold (topics, wilayah, ...), for the rows."""
    with ctx.engine.connect() as conn:
        wilayah = ref.wilayah_all(conn)
        topics = {tp.code: tp.name for tp in ref.topics_all(conn)}
        urgencies, intents = ref.urgency_names(conn), ref.intent_names(conn)
    return {
        "topic": topics,
        "urgency": urgencies,
        "intent": intents,
        "platform": {p.value: p.value for p in Platform},
        "kelurahan": {w.code: w.name for w in wilayah if w.level == 4},
        "kecamatan": {w.code: w.name for w in wilayah if w.level == 3},
        "wilayah": {w.code: w.name for w in wilayah if w.level >= 2},
    }


def _rule_form_data(ctx: Context, names: Vocabulary) -> dict[str, Any]:
    suggestions = sorted(
        {
            name
            for key in ("topic", "kelurahan", "kecamatan", "urgency")
            for name in names[key].values()
        }
    )
    return {
        "attrs": ATTR_LABELS,
        "ops": OP_LABELS,
        "joins": JOINS,
        "opds": [o for o in policy.list_opds(ctx) if o["active"]],
        "suggestions": suggestions,
    }


def _rows_from_form(
    attr: list[str], op: list[str], value: list[str], negate: list[str], join: list[str]
) -> list[Row]:
    count = min(max(len(attr), len(op), len(value)), MAX_ROWS)

    def at(values: list[str], i: int, default: str) -> str:
        return values[i] if i < len(values) else default

    return [
        Row(
            attr=at(attr, i, ""),
            op=at(op, i, "eq"),
            value=at(value, i, ""),
            negate=at(negate, i, "") == "1",
            join="atau" if at(join, i, "dan") == "atau" and i > 0 else "dan",
        )
        for i in range(count)
    ]


def _rule_page(
    request: Request,
    ctx: Context,
    *,
    rule: Mapping[str, Any] | None,
    rows: list[Row] | None = None,
    blank: int = BLANK_ROWS,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """The list of rules and the form for a new one (rule=None), or one rule's form and history."""
    names = vocabulary(ctx)
    data: dict[str, Any] = _rule_form_data(ctx, names)
    complex_condition = ""
    if rows is None:
        rows = []
        if rule is not None and rule.get("condition") is not None:
            found = to_rows(rule["condition"], names)
            if found is None:
                complex_condition = describe(rule["condition"], names)
            rows = found or []
    filled = [r for r in rows if not r.blank][:MAX_ROWS]
    rows = [*filled, *(Row() for _ in range(min(blank, MAX_ROWS - len(filled))))]
    data.update(rows=rows, rule=rule or {}, complex_condition=complex_condition)
    if rule is not None and rule.get("id") is not None:
        history = routing_service.rule_revisions(ctx, rule["name"], _city(request))
        data["history"] = [
            {**h, "described": describe(h["data"]["condition"], names) if h["data"] else ""}
            for h in reversed(history)
        ]
        return _page(
            request, ctx, "aturan", "settings/aturan_edit.html", data, error=error,
            status_code=status_code,
        )  # fmt: skip
    rules = routing_service.list_rules(ctx, city=_city(request))
    with ctx.engine.connect() as conn:
        auto = routing_service.auto_forward(conn, _city(request))
    data.update(
        rules=[{**r, "described": describe(r["condition"], names)} for r in rules],
        auto_forward=auto,
        form_open=rule is not None,
    )
    return _page(
        request, ctx, "aturan", "settings/aturan.html", data, error=error, status_code=status_code
    )


def _city(request: Request) -> str | None:
    """The city whose policy the page shows and changes: the operator's own, or the one the
    province operator chose (None: the only city). With every city chosen the province is
    asked for one (the header's choice), never shown the first city's as if they were all's."""
    actor = getattr(request.state, "actor", None)
    if actor is None:
        return None
    return writing_in(request.app.state.ctx, actor, None, "kota").scope.city


@router.get("/aturan", response_class=HTMLResponse)
def rules_page(request: Request, ctx: CtxDep, actor: SettingsReader) -> HTMLResponse:
    return _rule_page(request, ctx, rule=None)


@router.get("/aturan/{name}", response_class=HTMLResponse)
def rule_page(request: Request, ctx: CtxDep, actor: SettingsReader, name: str) -> HTMLResponse:
    rules = routing_service.list_rules(ctx, city=_city(request))
    rule = next((r for r in rules if r["name"] == name), None)
    if rule is None:
        raise NotFound(f"aturan {name!r} tidak ada")
    return _rule_page(request, ctx, rule=rule)


RowField = Annotated[list[str] | None, Form()]


def _save_rule(
    request: Request,
    ctx: Context,
    actor: Any,
    *,
    name: str,
    existing: Mapping[str, Any] | None,
    form: dict[str, Any],
    rows: list[Row],
) -> Response:
    shown = existing or {"name": name}
    shown = {**shown, **{k: form[k] for k in ("assign_to", "priority", "active", "notes")}}
    if form["step"] == "tambah-baris":  # one more row, nothing saved (works without script)
        return _rule_page(request, ctx, rule=shown, rows=rows, blank=BLANK_ROWS + 1)
    try:
        try:
            priority = int(form["priority"])
        except ValueError:
            raise InvalidInput("prioritas harus bilangan bulat") from None
        condition = from_rows(rows, vocabulary(ctx))
        routing_service.save_rule(
            ctx,
            name=name,
            condition=condition,
            assign_to=form["assign_to"],
            priority=priority,
            active=form["active"],
            notes=form["notes"].strip(),
            actor=actor,
            ip=client_ip(request),
            new=existing is None,
            city=_city(request),
        )
    except UserError as exc:
        return _rule_page(request, ctx, rule=shown, rows=rows, error=str(exc), status_code=422)
    return _done(f"/pengaturan/aturan/{name}", "saved")


def _rule_form(assign_to: str, priority: str, active: str, notes: str, step: str) -> dict[str, Any]:
    return {
        "assign_to": assign_to,
        "priority": priority.strip(),
        "active": active == "1",
        "notes": notes,
        "step": step,
    }


@router.post("/aturan")
def rule_create(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    name: Annotated[str, Form(max_length=100)] = "",
    assign_to: Annotated[str, Form(max_length=40)] = "",
    priority: Annotated[str, Form(max_length=10)] = "100",
    active: Annotated[str, Form(max_length=5)] = "",
    notes: Annotated[str, Form(max_length=2000)] = "",
    step: Annotated[str, Form(alias="langkah", max_length=20)] = "",
    attr: RowField = None,
    op: RowField = None,
    value: RowField = None,
    negate: RowField = None,
    join: RowField = None,
) -> Response:
    rows = _rows_from_form(attr or [], op or [], value or [], negate or [], join or [])
    form = _rule_form(assign_to, priority, active, notes, step)
    return _save_rule(request, ctx, actor, name=name.strip(), existing=None, form=form, rows=rows)


@router.post("/aturan/{name}")
def rule_update(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    name: str,
    assign_to: Annotated[str, Form(max_length=40)] = "",
    priority: Annotated[str, Form(max_length=10)] = "100",
    active: Annotated[str, Form(max_length=5)] = "",
    notes: Annotated[str, Form(max_length=2000)] = "",
    step: Annotated[str, Form(alias="langkah", max_length=20)] = "",
    attr: RowField = None,
    op: RowField = None,
    value: RowField = None,
    negate: RowField = None,
    join: RowField = None,
) -> Response:
    rules = routing_service.list_rules(ctx, city=_city(request))
    existing = next((r for r in rules if r["name"] == name), None)
    if existing is None:
        raise NotFound(f"aturan {name!r} tidak ada")
    rows = _rows_from_form(attr or [], op or [], value or [], negate or [], join or [])
    form = _rule_form(assign_to, priority, active, notes, step)
    return _save_rule(request, ctx, actor, name=name, existing=existing, form=form, rows=rows)


@router.post("/penerusan-otomatis")
def auto_forward(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    enabled: Annotated[str, Form(pattern="^(on|off)$")],
) -> Response:
    routing_service.set_auto_forward(
        ctx, enabled == "on", actor=actor, ip=client_ip(request), city=_city(request)
    )
    return _done("/pengaturan/aturan")


# --- deadline (SLA) policies ---------------------------------------------------------------------


def _topics_and_urgencies(ctx: Context) -> dict[str, dict[str, str]]:
    with ctx.engine.connect() as conn:
        return {
            "topic": {tp.code: tp.name for tp in ref.topics_all(conn)},
            "urgency": ref.urgency_names(conn),
        }


def _whose(
    request: Request, ctx: Context, follows: Callable[[Context, str | None], bool]
) -> tuple[str | None, dict[str, Any] | None]:
    """The city whose SLA policies or reply templates the page shows and changes (the operator's;
    the province's chosen city, else the first) and, when the deployment holds several, its
    name and whether it still follows the first city's."""
    known = cities.cities(ctx)
    code = _city(request)
    mine = next((c for c in known if c.code == code), known[0] if known else None)
    if mine is None or len(known) < 2:
        return (mine.code if mine else None), None
    note = {"name": mine.name, "first": known[0].name, "follows": follows(ctx, mine.code)}
    return mine.code, note


def _sla_page(
    request: Request, ctx: Context, *, error: str = "", status_code: int = 200
) -> HTMLResponse:
    words = _topics_and_urgencies(ctx)
    city, whose = _whose(request, ctx, clocks.follows_first_city)
    policies = sorted(
        clocks.list_policies(ctx, city),
        key=lambda p: (list(Stage).index(p.stage), p.specificity, p.topic or "", p.urgency or ""),
    )
    history = list(reversed(routing_service.revisions(ctx, "sla_policy", city=city)))[:30]
    data = {
        "whose": whose,
        "policies": policies,
        "stages": STAGE_LABELS,
        "units": UNIT_LABELS,
        "topics": words["topic"],
        "urgencies": words["urgency"],
        "history": history,
        "key": clocks.policy_key,
    }
    return _page(
        request, ctx, "tenggat", "settings/tenggat.html", data, error=error,
        status_code=status_code,
    )  # fmt: skip


@router.get("/tenggat", response_class=HTMLResponse)
def sla_page(request: Request, ctx: CtxDep, actor: SettingsReader) -> HTMLResponse:
    return _sla_page(request, ctx)


def _attempt(
    request: Request, ctx: Context, page: Callable[..., HTMLResponse], run: Callable[[], Any],
    path: str,
) -> Response:  # fmt: skip
    return save_or_show(
        run,
        done=lambda _: _done(path),
        show=lambda error, status: page(request, ctx, error=error, status_code=status),
        errors=dict.fromkeys(UserError, 422),
    )


@router.post("/tenggat")
def sla_save(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    stage: Annotated[str, Form(max_length=20)],
    amount: Annotated[str, Form(max_length=10)],
    unit: Annotated[str, Form(max_length=20)],
    escalate_after: Annotated[str, Form(max_length=10)] = "1",
    topic: Annotated[str, Form(max_length=40)] = "",
    urgency: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def run() -> None:
        for label, raw in (("durasi", amount), ("eskalasi berikutnya", escalate_after)):
            if not raw.strip().isdigit():
                raise InvalidInput(f"{label} harus bilangan bulat 0 atau lebih")
        fields = {"stage": stage, "amount": amount, "unit": unit, "topic": topic}
        parsed = clocks.parse_policy(
            {**fields, "urgency": urgency, "escalate_after": escalate_after}
        )
        clocks.save_policy(
            ctx,
            parsed,
            actor=actor,
            note=note.strip(),
            ip=client_ip(request),
            city=_city(request),
        )

    return _attempt(request, ctx, _sla_page, run, "/pengaturan/tenggat")


@router.post("/tenggat/hapus")
def sla_delete(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    stage: Annotated[str, Form(max_length=20)],
    topic: Annotated[str, Form(max_length=40)] = "",
    urgency: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    def run() -> None:
        try:
            chosen = Stage(stage)
        except ValueError:
            raise InvalidInput(f"tahap {stage!r} tidak dikenal") from None
        clocks.delete_policy(
            ctx,
            chosen,
            topic or None,
            urgency or None,
            actor=actor,
            ip=client_ip(request),
            city=_city(request),
        )

    return _attempt(request, ctx, _sla_page, run, "/pengaturan/tenggat")


# --- reply templates -----------------------------------------------------------------------------


def _templates_page(
    request: Request,
    ctx: Context,
    *,
    error: str = "",
    draft: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    city, whose = _whose(request, ctx, replies_service.follows_first_city)
    saved = replies_service.list_templates(ctx, city)
    words = _topics_and_urgencies(ctx)
    events = []
    for event in ReplyEvent:
        general = pick_template(saved, event, None)
        events.append(
            {
                "event": event,
                "label": EVENT_LABELS[event],
                "text": general.text,
                "stored": general.id is not None,
                "preview": fill_template(general.text, SAMPLE_VALUES),
                "default": DEFAULT_TEMPLATES[event],
                "topics": [t for t in saved if t.event is event and t.topic is not None],
            }
        )
    existing = {(t.event.value, t.topic) for t in saved if t.topic is not None}
    chosen = (draft or {}).get("event"), (draft or {}).get("topic")
    data = {
        "whose": whose,
        "new_open": bool(chosen[1]) and chosen not in existing,
        "events": events,
        "placeholders": PLACEHOLDERS,
        "topics": words["topic"],
        "event_labels": EVENT_LABELS,
        "draft": draft or {},
        "history": list(reversed(routing_service.revisions(ctx, "reply_template", city=city)))[:30],
    }
    return _page(
        request, ctx, "templat", "settings/templat.html", data, error=error,
        status_code=status_code,
    )  # fmt: skip


@router.get("/templat", response_class=HTMLResponse)
def templates_page(request: Request, ctx: CtxDep, actor: SettingsReader) -> HTMLResponse:
    return _templates_page(request, ctx)


@router.post("/templat")
def template_save(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    event: Annotated[str, Form(max_length=30)],
    text: Annotated[str, Form(max_length=4000)] = "",
    topic: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    try:
        replies_service.save_template(
            ctx,
            event,
            text.strip(),
            topic=topic or None,
            actor=actor,
            ip=client_ip(request),
            city=_city(request),
        )
    except UserError as exc:
        draft = {"event": event, "topic": topic, "text": text}
        return _templates_page(request, ctx, error=str(exc), draft=draft, status_code=422)
    return _done("/pengaturan/templat")
