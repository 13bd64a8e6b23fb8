"""Reading the inbox: its filters as one value (what the page's query string, a remembered
filter and the command centre's links all carry), the page of messages they select, how many
match, and what arrived since the page was drawn.

Every read stays within the accounts the actor works (`messages.account_ids_in_scope`), and a
fixed number of queries answers a page however long it is."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import sqlalchemy as sa

from paseban.domain.accounts import Scope
from paseban.domain.auth import Actor, Permission
from paseban.domain.inbox import InboxState
from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.services.inbox.scope import account_ids_in_scope
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.inbox import InboxMessageRow
from paseban.storage.rows.people import AccountChoiceRow

if TYPE_CHECKING:
    from paseban.context import Context

# how far a count goes before it says "+": what still waits, an index answers quickly; a
# narrowed list stops at the first thousand matches, a search at the first two hundred (a count
# of every match of a filter no index covers would read the whole table)
COUNT_CAP = 10_000
MATCH_CAP = 1_000
SEARCH_CAP = 200
NEW_CAP = 99  # "99+ pesan baru"
STATES = (*(s.value for s in InboxState), "all")
ORDERS = ("newest", "oldest")
SEARCH_MAX = 100
# a ticket code as citizens and staff type it: BGR-2611-0042, bgr-2612-c03808
TICKET_LIKE = re.compile(r"^[A-Za-z]{2,5}-\d{4}-[A-Za-z]?\d{1,6}$")


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox shows: any combination of account, state, intent, topic, urgency and a
    search (text, ticket code, or @author/@account), newest or oldest first."""

    account: int | None = None
    state: str = InboxState.NEW.value  # an InboxState, or "all"
    intent: str | None = None
    topic: str | None = None
    urgency: str | None = None
    q: str = ""
    order: str = "newest"

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> InboxFilters:
        """From a query string (blank values mean "not chosen"); InvalidInput names the field
        that is wrong."""
        got = {k: v.strip() for k, v in params.items() if k in FIELDS and v.strip()}
        account = None
        if "account" in got:
            if not got["account"].isdigit() or int(got["account"]) < 1:
                raise InvalidInput("isian tidak sah: akun")
            account = int(got["account"])
        state = got.get("state", InboxState.NEW.value)
        if state not in STATES:
            raise InvalidInput("isian tidak sah: keadaan")
        order = got.get("order", "newest")
        if order not in ORDERS:
            raise InvalidInput("isian tidak sah: urutan")
        for name, label in (("intent", "jenis"), ("topic", "topik"), ("urgency", "urgensi")):
            if len(got.get(name, "")) > 40:
                raise InvalidInput(f"isian tidak sah: {label}")
        q = " ".join(got.get("q", "").split())
        if len(q) > SEARCH_MAX:
            raise InvalidInput(f"kata pencarian terlalu panjang (paling banyak {SEARCH_MAX})")
        return cls(
            account=account,
            state=state,
            intent=got.get("intent"),
            topic=got.get("topic"),
            urgency=got.get("urgency"),
            q=q,
            order=order,
        )

    def params(self) -> dict[str, str]:
        """The query string's fields; the state and order are always written, so a link says
        exactly what it shows (a remembered filter applies only to a bare /kotak-masuk)."""
        return {
            "account": str(self.account or ""),
            "state": self.state,
            "intent": self.intent or "",
            "topic": self.topic or "",
            "urgency": self.urgency or "",
            "q": self.q,
            "order": self.order,
        }

    @property
    def query(self) -> str:
        return urlencode({k: v for k, v in self.params().items() if v})

    @property
    def href(self) -> str:
        return f"/kotak-masuk?{self.query}"

    @property
    def narrowed(self) -> bool:
        """Whether something besides the defaults narrows the list."""
        return self.without_search() != InboxFilters() or bool(self.q)

    def without_search(self) -> InboxFilters:
        """What is remembered for the person: the filters, not the search."""
        return replace(self, q="")

    @property
    def cap(self) -> int:
        """Where counting these filters stops ("1.000+"): the page and every link to it count
        alike."""
        if self.q:
            return SEARCH_CAP
        return MATCH_CAP if self.narrowed else COUNT_CAP


FIELDS = frozenset(f.name for f in fields(InboxFilters))


@dataclass(frozen=True)
class MessagePage:
    rows: list[InboxMessageRow]
    has_next: bool
    waiting: int  # messages still waiting in the scope (up to COUNT_CAP + 1)
    matching: int  # messages the filters select (up to the filters' cap + 1)
    cap: int  # the filters' cap

    @property
    def capped(self) -> bool:
        return self.waiting > COUNT_CAP

    @property
    def matching_shown(self) -> int:
        return min(self.matching, self.cap)

    @property
    def matching_capped(self) -> bool:
        return self.matching > self.cap


def message_query() -> sa.Select[Any]:
    """A message with its account, case and kelurahan names (one row per message)."""
    kel = t.wilayah.alias("kel")
    m = t.messages
    return sa.select(
        m.c.id,
        m.c.platform,
        m.c.kind,
        m.c.author,
        m.c.text,
        m.c.masked_text,
        m.c.posted_at,
        m.c.received_at,
        m.c.analyzed_at,
        m.c.intent,
        m.c.topic,
        m.c.urgency,
        m.c.kelurahan,
        m.c.kecamatan,
        m.c.place_source,
        m.c.place_detail,
        m.c.confidence,
        m.c.reasons,
        m.c.needs_review,
        m.c.case_id,
        m.c.inbox_state,
        m.c.handled_at,
        m.c.handled_by,
        m.c.account_id,
        m.c.is_sample,
        m.c.edited_at,  # connectors: what became of it on the platform
        m.c.deleted_at,
        m.c.standby,
        t.accounts.c.handle.label("account_handle"),
        t.accounts.c.name.label("account_name"),
        t.accounts.c.owner_code.label("account_owner"),
        t.accounts.c.city.label("account_city"),
        t.cases.c.ticket,
        t.cases.c.status.label("case_status"),
        t.cases.c.opd.label("case_opd"),
        t.opds.c.name.label("case_opd_name"),
        t.cases.c.due_at.label("case_due_at"),
        t.cases.c.report_count.label("case_report_count"),
        kel.c.name.label("kelurahan_name"),
    ).select_from(
        m.join(t.accounts, t.accounts.c.id == m.c.account_id)
        .outerjoin(t.cases, t.cases.c.id == m.c.case_id)
        .outerjoin(t.opds, t.opds.c.code == t.cases.c.opd)
        .outerjoin(kel, kel.c.code == m.c.kelurahan)
    )


def search_clause(q: str, *, can_pii: bool) -> Any:
    """A search: a ticket code finds its case's messages; `@name` an author (for people who may
    see authors) or an account handle; anything else every word in the text (the masked text,
    or the original for people who may read it) or the whole phrase in the author's name."""
    m = t.messages.c
    if TICKET_LIKE.match(q):
        return t.cases.c.ticket == q.upper()
    if q.startswith("@") and len(q) > 1:
        name = q[1:]
        found = [t.accounts.c.handle.icontains(name, autoescape=True)]
        if can_pii:
            found.append(m.author.icontains(name, autoescape=True))
        return sa.or_(*found)
    text = m.text if can_pii else m.masked_text
    words = sa.and_(*(text.icontains(word, autoescape=True) for word in q.split()))
    if can_pii:
        return sa.or_(words, m.author.icontains(q, autoescape=True))
    return words


def _where(ids: list[int] | None, actor: Actor, filters: InboxFilters) -> list[Any]:
    """The filters as SQL, within the accounts `ids` (None: every account)."""
    m = t.messages.c
    where: list[Any] = []
    if filters.account is not None:
        if ids is not None and filters.account not in ids:
            raise Forbidden("akun ini di luar cakupan Anda")
        where.append(m.account_id == filters.account)
    elif ids is not None:
        where.append(m.account_id.in_(ids))
    if filters.state != "all":
        where.append(m.inbox_state == filters.state)
    if filters.intent:
        where.append(m.intent == filters.intent)
    if filters.topic:
        where.append(m.topic == filters.topic)
    if filters.urgency:
        where.append(m.urgency == filters.urgency)
    if filters.q:
        where.append(search_clause(filters.q, can_pii=actor.can(Permission.PII_READ)))
    return where


def _count(conn: sa.Connection, where: list[Any], cap: int, *, joined: bool) -> int:
    """How many messages match, counting up to cap + 1 (a count of a million rows would not
    be quick; an index walk of ten thousand is). `joined`: the conditions name the account or
    the case (a search), so the count reads them too."""
    source: Any = t.messages
    if joined:
        source = t.messages.join(t.accounts, t.accounts.c.id == t.messages.c.account_id).outerjoin(
            t.cases, t.cases.c.id == t.messages.c.case_id
        )
    base = sa.select(t.messages.c.id).select_from(source).where(*where).limit(cap + 1)
    return int(conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one())


def _ordered(query: sa.Select[Any], oldest_first: bool) -> sa.Select[Any]:
    m = t.messages.c
    if oldest_first:
        return query.order_by(m.posted_at.asc(), m.id.asc())
    return query.order_by(m.posted_at.desc(), m.id.desc())


def list_messages(
    ctx: Context, actor: Actor, filters: InboxFilters, *, limit: int = 50, offset: int = 0
) -> MessagePage:
    """One page of the inbox, how many messages the filters select, and how many still wait in
    the actor's scope (on the chosen account), in a fixed number of queries whatever the page's
    length (a test counts them), fast on a million messages (bench/dashboard.py)."""
    with ctx.engine.connect() as conn:
        ids = account_ids_in_scope(conn, actor.scope)
        where = _where(ids, actor, filters)
        query = _ordered(message_query().where(*where), filters.order == "oldest")
        rows = conn.execute(query.limit(limit + 1).offset(offset)).mappings()
        result = [row(InboxMessageRow, r) for r in rows]
        matching = _count(conn, where, filters.cap, joined=bool(filters.q))
        waiting_in = InboxFilters(account=filters.account, state=InboxState.NEW.value)
        waiting = _count(conn, _where(ids, actor, waiting_in), COUNT_CAP, joined=False)
    return MessagePage(result[:limit], len(result) > limit, waiting, matching, filters.cap)


def count_messages(ctx: Context, actor: Actor, filters: InboxFilters) -> int:
    """How many messages the inbox at `filters.href` selects (up to `filters.cap` + 1, as the
    page counts them): the command centre's and the kelurahan home's numbers."""
    with ctx.engine.connect() as conn:
        where = _where(account_ids_in_scope(conn, actor.scope), actor, filters)
        return _count(conn, where, filters.cap, joined=bool(filters.q))


def arrived_after(
    ctx: Context, actor: Actor, filters: InboxFilters, after_id: int, *, limit: int = NEW_CAP
) -> tuple[int, list[InboxMessageRow]]:
    """What arrived since a page was drawn (ids above `after_id`) and matches its filters: how
    many (up to NEW_CAP + 1), and the newest `limit` of them, newest first."""
    with ctx.engine.connect() as conn:
        ids = account_ids_in_scope(conn, actor.scope)
        where = [*_where(ids, actor, filters), t.messages.c.id > after_id]
        count = _count(conn, where, NEW_CAP, joined=bool(filters.q))
        rows: list[InboxMessageRow] = []
        if count and limit:
            query = message_query().where(*where).order_by(t.messages.c.id.desc()).limit(limit)
            rows = [row(InboxMessageRow, r) for r in conn.execute(query).mappings()]
    return count, rows


def get_message(ctx: Context, actor: Actor, message_id: int) -> InboxMessageRow:
    """One message, if the actor works the account it came in on (403 otherwise)."""
    if not actor.can(Permission.MESSAGES_READ):
        raise Forbidden("peran Anda tidak mengizinkan membaca pesan warga")
    with ctx.engine.connect() as conn:
        found = (
            conn.execute(message_query().where(t.messages.c.id == message_id)).mappings().first()
        )
        if found is None:
            raise NotFound(f"pesan {message_id} tidak ada")
        ids = account_ids_in_scope(conn, actor.scope)
    if ids is not None and found["account_id"] not in ids:
        raise Forbidden("pesan ini masuk ke akun di luar cakupan Anda")
    return row(InboxMessageRow, found)


def accounts_for(ctx: Context, scope: Scope) -> list[AccountChoiceRow]:
    """The accounts an actor's inbox may filter on (those in the scope), by platform and handle."""
    with ctx.engine.connect() as conn:
        ids = account_ids_in_scope(conn, scope)
        query = sa.select(
            t.accounts.c.id,
            t.accounts.c.platform,
            t.accounts.c.handle,
            t.accounts.c.name,
            t.accounts.c.city,
        ).order_by(t.accounts.c.platform, t.accounts.c.handle)
        if ids is not None:
            query = query.where(t.accounts.c.id.in_(ids))
        return [row(AccountChoiceRow, r) for r in conn.execute(query).mappings()]
