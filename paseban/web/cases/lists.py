"""Server-rendered case pages in Bahasa Indonesia. Views call services; no SQL here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from paseban.context import Context
from paseban.domain.accounts import Scope
from paseban.domain.cases import OPEN, STATUS_COLOURS, STATUS_LABELS, Status
from paseban.services.cases import reads
from paseban.services.reference import store as ref
from paseban.storage.rows.cases import CaseListRow
from paseban.web.deps import CasesReader, CtxDep
from paseban.web.rendering import query, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
COUNT_CAP = 10_000
BOARD_CAP = 1_000
OPEN_VALUES = [s.value for s in Status if s in OPEN]


UNROUTED = "-"  # the OPD filter's value for cases without an OPD
# "opened within": the command centre's "new" cases link here
SINCE: dict[str, tuple[str, timedelta]] = {
    "24h": ("24 jam terakhir", timedelta(hours=24)),
    "7d": ("7 hari terakhir", timedelta(days=7)),
    "30d": ("30 hari terakhir", timedelta(days=30)),
}


@dataclass(frozen=True)
class CaseFilters:
    """The case list's filters as its query string carries them. The command centre counts its
    numbers with these same filters and links to `href`, so a number and the list behind it
    cannot disagree."""

    status: Status | None = None
    opd: str | None = None  # an OPD's code, or UNROUTED
    topic: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    urgency: str | None = None
    open_only: bool = False  # any status still being worked on
    overdue: bool = False  # open, and the running deadline has passed
    escalated: bool = False  # open, and the running stage was escalated
    since: str | None = None  # a key of SINCE
    order: str = "newest"

    def read_args(self, now: datetime) -> dict[str, Any]:
        """The arguments of reads.list_cases for these filters at `now`. Overdue: open cases
        whose running deadline has passed (a resolved case waiting for the citizen is not late
        work); deadline order: the most pressing first."""
        args: dict[str, Any] = {
            "status": self.status.value if self.status else None,
            "opd": None if self.opd == UNROUTED else self.opd,
            "unrouted": self.opd == UNROUTED,
            "topic": self.topic,
            "kecamatan": self.kecamatan,
            "kelurahan": self.kelurahan,
            "urgency": self.urgency,
            "order": "due" if self.order == "deadline" else self.order,
        }
        if self.open_only or self.overdue or self.escalated:
            args["statuses"] = OPEN_VALUES
        if self.overdue:
            args["overdue_at"] = now
        if self.escalated:
            args["escalated"] = True
        if self.since:
            args["opened_since"] = now - SINCE[self.since][1]
        return args

    def params(self) -> dict[str, str]:
        """The query string of the list page showing these filters (blank values dropped by
        `rendering.query`)."""
        return {
            "status": self.status.value if self.status else "",
            "opd": self.opd or "",
            "topic": self.topic or "",
            "kecamatan": self.kecamatan or "",
            "kelurahan": self.kelurahan or "",
            "urgency": self.urgency or "",
            "open": "1" if self.open_only else "",
            "overdue": "1" if self.overdue else "",
            "escalated": "1" if self.escalated else "",
            "since": self.since or "",
            "order": "" if self.order == "newest" else self.order,
        }

    @property
    def href(self) -> str:
        wanted = query(self.params())
        return f"/kasus?{wanted}" if wanted else "/kasus"

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (the order does not)."""
        return any(v for k, v in self.params().items() if k != "order")


def count_cases(ctx: Context, scope: Scope, filters: CaseFilters) -> int:
    """How many cases the list at `filters.href` shows (counted up to COUNT_CAP + 1, as the
    list counts them)."""
    return reads.list_cases(
        ctx, scope=scope, limit=0, count_cap=COUNT_CAP, **filters.read_args(ctx.now())
    )[1]


def count_cases_by(
    ctx: Context, scope: Scope, group: str, filters: CaseFilters
) -> dict[str | None, int]:
    """How many cases the list at `filters.href` shows, per OPD or kecamatan (the list of one
    of them: `replace(filters, opd=...)`), in one query."""
    return reads.count_by(ctx, group, scope=scope, **filters.read_args(ctx.now()))


@router.get("/kasus", response_class=HTMLResponse)
def case_list(
    request: Request,
    ctx: CtxDep,
    actor: CasesReader,
    status: Annotated[Status | None, Query()] = None,
    opd: Annotated[str | None, Query(max_length=40)] = None,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    kecamatan: Annotated[str | None, Query(max_length=13)] = None,
    kelurahan: Annotated[str | None, Query(max_length=13)] = None,
    urgency: Annotated[str | None, Query(max_length=20)] = None,
    view: Annotated[str, Query(pattern="^(list|board)$")] = "list",
    order: Annotated[str, Query(pattern="^(newest|deadline)$")] = "newest",
    open_only: Annotated[bool, Query(alias="open")] = False,
    overdue: Annotated[bool, Query()] = False,
    escalated: Annotated[bool, Query()] = False,
    since: Annotated[str | None, Query(pattern="^(24h|7d|30d)$")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    filters = CaseFilters(
        status=status,
        opd=opd or None,
        topic=topic or None,
        kecamatan=kecamatan or None,
        kelurahan=kelurahan or None,
        urgency=urgency or None,
        open_only=open_only,
        overdue=overdue,
        escalated=escalated,
        since=since,
        order=order,
    )
    args = filters.read_args(ctx.now())
    rows: list[CaseListRow] = []
    columns: list[reads.Column] = []
    if view == "board":
        # a column needs only a rough size: counting stops at BOARD_CAP ("1.000+"); each
        # column is one status, so the status filters stay with the list
        del args["status"]
        columns = reads.board(ctx, actor.scope, count_cap=BOARD_CAP, **args)
        total = sum(min(c.total, BOARD_CAP) for c in columns)
    else:
        rows, total = reads.list_cases(
            ctx,
            scope=actor.scope,
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
            count_cap=COUNT_CAP,
            **args,
        )
    with ctx.engine.connect() as conn:
        opds = [o for o in ref.opds_all(conn) if actor.scope.covers_city(o.city)]
        topics = ref.topics_all(conn)
        wilayah = ref.wilayah_all(conn)
    params = {**filters.params(), "view": view}
    return render(
        request,
        ctx,
        "cases.html",
        {
            "rows": rows,
            "columns": columns,
            "total": total,
            "capped": total > (BOARD_CAP if view == "board" else COUNT_CAP),
            "board_cap": BOARD_CAP,
            "count_cap": COUNT_CAP,
            "page": page,
            "has_next": view == "list" and total > page * PER_PAGE,
            "view": view,
            "status_labels": STATUS_LABELS,
            "status_colours": STATUS_COLOURS,
            "statuses": list(Status),
            "open_statuses": [s.value for s in OPEN],
            "opds": opds,
            "topics": topics,
            "urgencies": {"darurat": "Darurat", "tinggi": "Tinggi", "normal": "Normal"},
            "kecamatan_list": [
                w for w in wilayah if w.level == 3 and actor.scope.covers_wilayah(w.code)
            ],
            "kelurahan_name": next((w.name for w in wilayah if w.code == kelurahan), kelurahan),
            "filters": params,
            "since_labels": {key: label for key, (label, _) in SINCE.items()},
            "filtered": filters.active,
            "params": params,
        },
    )
