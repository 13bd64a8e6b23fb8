"""The quality check of a draft (content/quality.py) with what it needs from the database: the
programs, the name book and, when asked, the status of its links."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa

from paseban.connectors.media_limits import media_limits
from paseban.content.links import URL, link_problem
from paseban.content.media import PostMedia
from paseban.content.names import NameBook, city_names
from paseban.content.programs import Fact, Program
from paseban.content.quality import (
    ContentType,
    Draft,
    Report,
    check,
)
from paseban.domain.wilayah import is_within
from paseban.errors import InvalidInput, NotFound
from paseban.services.reference import cities
from paseban.services.reference import store as ref
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

_books: dict[tuple[str, str | None], tuple[tuple[Any, ...], NameBook]] = {}
_books_lock = threading.Lock()


def _facts(raw: Sequence[Mapping[str, Any]] | None) -> tuple[Fact, ...]:
    out: list[Fact] = []
    for item in raw or ():
        as_of = item.get("as_of")
        out.append(
            Fact(
                str(item.get("text", "")),
                str(item.get("source", "")),
                date.fromisoformat(as_of) if as_of else None,
            )
        )
    return tuple(out)


def program_from_row(row: Mapping[str, Any]) -> Program:
    return Program(
        code=row["code"],
        name=row["name"],
        owner_opd=row["owner_opd"],
        summary=row["summary"],
        key_messages=tuple(row["key_messages"] or ()),
        facts=_facts(row["facts"]),
        achievements=_facts(row["achievements"]),
        hashtags=tuple(row["hashtags"] or ()),
        official_names=tuple(row["official_names"] or ()),
        misspellings=tuple(row["misspellings"] or ()),
        active=bool(row["active"]),
        id=row["id"],
        is_sample=bool(row["is_sample"]),
    )


def name_book(ctx: Context, conn: sa.Connection, city: str | None = None) -> NameBook:
    """A city's official names: its name, wilayah, landmarks and programmes (None: the first
    city's name and every city's places and programmes); rebuilt only when the programs or the
    wilayah change."""
    stamp = tuple(
        conn.execute(
            sa.select(
                sa.func.count(t.programs.c.id),
                sa.func.max(t.programs.c.updated_at),
                sa.select(sa.func.count(t.wilayah.c.code)).scalar_subquery(),
            )
        ).one()
    )
    key = (str(ctx.engine.url), city)
    with _books_lock:
        cached = _books.get(key)
        if cached and cached[0] == stamp:
            return cached[1]

    def inside(code: str) -> bool:
        return city is None or is_within(code, city)

    wilayah = [w for w in ref.wilayah_all(conn) if w.level >= 3 and inside(w.code)]
    places = [
        r.name
        for r in conn.execute(sa.select(t.landmarks.c.name, t.landmarks.c.kelurahan))
        if inside(r.kelurahan)
    ]
    own = t.programs.c.city == city if city else sa.true()
    programs = [
        (r.name, tuple(r.official_names or ()))
        for r in conn.execute(sa.select(t.programs.c.name, t.programs.c.official_names).where(own))
    ]
    found = cities.city_of(conn, city) if city else None
    book = city_names(
        city=found.name
        if found and not found.first
        else str(ref.get_parameter(conn, "city_name", "") or ""),
        wilayah=[(w.name, w.aliases) for w in wilayah],
        places=places,
        programs=programs,
    )
    with _books_lock:
        _books[key] = (stamp, book)
    return book


def live_link_status(
    urls: Sequence[str], *, transport: httpx.BaseTransport | None = None, timeout: float = 3.0
) -> dict[str, int | None]:
    """HEAD each well-formed link (GET when HEAD is refused); None when unreachable."""
    out: dict[str, int | None] = {}
    with httpx.Client(
        transport=transport,
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": "Paseban"},
    ) as client:
        for url in urls:
            if link_problem(url):
                continue
            target = url if url.lower().startswith(("http://", "https://")) else f"https://{url}"
            try:
                response = client.head(target)
                if response.status_code in (403, 405):
                    response = client.get(target)
                out[url] = response.status_code
            except httpx.HTTPError:
                out[url] = None
    return out


@dataclass(frozen=True)
class CheckInput:
    text: str
    platform: str = "instagram"
    content_type: str = "informasi"
    program_id: int | None = None
    campaign_id: int | None = None
    media: PostMedia | None = None  # None: a text-only check (the media are not judged)
    city: str | None = None  # whose names the spelling check knows (the account's city)


def _content_type(raw: str) -> ContentType:
    try:
        return ContentType(raw)
    except ValueError:
        choices = ", ".join(c.value for c in ContentType)
        raise InvalidInput(f"jenis konten {raw!r} tidak dikenal (pilihan: {choices})") from None


def check_draft(
    ctx: Context,
    item: CheckInput,
    *,
    live: bool | None = None,
    transport: httpx.BaseTransport | None = None,
    conn: sa.Connection | None = None,
) -> Report:
    """Score a draft. The live link check runs when `live` (default: the setting) is on."""
    if not ctx.connectors.describes_writing(item.platform):
        raise InvalidInput(f"platform {item.platform!r} tidak dipakai untuk unggahan")
    if len(item.text) > 70_000:
        raise InvalidInput("teks terlalu panjang untuk diperiksa (maks. 70.000 huruf)")
    kind = _content_type(item.content_type)
    with _maybe_connect(ctx, conn) as c:
        book = name_book(ctx, c, item.city)
        program = None
        if item.program_id is not None:
            row = c.execute(sa.select(t.programs).where(t.programs.c.id == item.program_id))
            found = row.mappings().first()
            if found is None:
                raise NotFound(f"program {item.program_id} tidak ada")
            program = program_from_row(dict(found))
        tags: tuple[str, ...] = ()
        if item.campaign_id is not None:
            kit_tags = c.execute(
                sa.select(t.campaigns.c.hashtags).where(t.campaigns.c.id == item.campaign_id)
            ).scalar()
            if kit_tags is None:
                raise NotFound(f"kampanye {item.campaign_id} tidak ada")
            tags = tuple(kit_tags)
    use_live = ctx.settings.content_link_check if live is None else live
    statuses = None
    if use_live:
        urls = [u.rstrip(".,;:!?)»”'\"") for u in URL.findall(item.text)]
        statuses = live_link_status(urls, transport=transport) if urls else None
    draft = Draft(
        item.text,
        item.platform,
        kind,
        program,
        tags,
        media=item.media,
        media_limits=media_limits(item.platform),
        limits=ctx.connectors.writing_limits(item.platform),
        platform_name=ctx.connectors.platform_label(item.platform),
    )
    return check(draft, book, live_links=statuses)


class _maybe_connect:
    def __init__(self, ctx: Context, conn: sa.Connection | None) -> None:
        self.ctx, self.conn = ctx, conn
        self.own: sa.Connection | None = None

    def __enter__(self) -> sa.Connection:
        if self.conn is not None:
            return self.conn
        self.own = self.ctx.engine.connect()
        return self.own

    def __exit__(self, *exc: object) -> None:
        if self.own is not None:
            self.own.close()
