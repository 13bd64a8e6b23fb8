"""Every page of the dashboard, found rather than listed: a crawler that signs in as one user
per role, follows the links each page shows and keeps one address per page (route and the names
of its query parameters), and the checks every page must pass in a phone-sized browser.

Used by tests/browser/test_every_page.py (overflow, internal codes, axe-core at 360 px) and by
scripts/ui_screenshots.py (every page at 360 x 800 and 1366 x 900 for docs/ui/). A page that no
link reaches is reported by `unreached`, so a new page is covered as soon as the menu or another
page links to it, and a page nobody can reach fails loudly instead of going untested."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path

from paseban.context import Context
from paseban.domain.accounts import Role
from paseban.storage import tables as t
from paseban.web.deps import SESSION_COOKIE

ROOT = Path(__file__).parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# who the crawler signs in as: one sample user per role (any user of a role not named here)
PREFERRED_USERS = {
    Role.DISKOMINFO: "operator",
    Role.KECAMATAN_ADMIN: "camat.bogorselatan",
    Role.KELURAHAN_ADMIN: "lurah.batutulis",
    Role.OPD_OFFICER: "petugas.dlh",
    Role.VIEWER: "pimpinan",
}
ANONYMOUS = ""  # the citizen and anyone not signed in

# what is not a page of the dashboard: machine interfaces and files
NOT_PAGES = ("/api/", "/open311/", "/webhooks/", "/static/", "/docs", "/redoc", "/openapi.json")
NOT_PAGES_EXACT = frozenset({"/healthz"})
# links the crawler must not follow: they change state or end the session
SKIP = re.compile(r"^/keluar")


@dataclass(frozen=True)
class Route:
    template: str  # /kasus/{ticket}
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Page:
    """One page as a role sees it: its address and what identifies it among the others."""

    role: str  # a Role value, or ANONYMOUS
    user: str
    url: str  # path and query
    key: str  # route template, and the names of the query parameters: /kasus?view

    @property
    def name(self) -> str:
        """A file name for the page: kasus-view, kasus-ticket, pengaturan-slug, beranda."""
        words = re.findall(r"[a-z0-9]+", self.key.lower())
        return "-".join(words) or "beranda"


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)
    downloads: set[str] = field(default_factory=set)  # route templates that answer a file
    seen_routes: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)  # addresses that answered 5xx
    unreached: set[str] = field(default_factory=set)  # page routes no link led to


def page_routes(app: FastAPI) -> list[Route]:
    """Every GET route of the app that a person opens in a browser, in matching order."""
    routes: list[Route] = []
    for route in iter_route_contexts(app.routes):
        path = route.path
        if not path or "GET" not in (route.methods or set()):
            continue
        if path.startswith(NOT_PAGES) or path in NOT_PAGES_EXACT:
            continue
        regex, _, _ = compile_path(path)
        routes.append(Route(path, regex))
    return routes


def route_of(path: str, routes: Iterable[Route]) -> str | None:
    return next((r.template for r in routes if r.regex.match(path)), None)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def users_by_role(ctx: Context) -> dict[str, str]:
    """One active user per role (the preferred one when it exists): every role is crawled."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.users.c.username, t.users.c.role)
            .where(t.users.c.active.is_(True))
            .order_by(t.users.c.username)
        ).all()
    chosen: dict[str, str] = {}
    for role in Role:
        names = [name for name, r in rows if r == role.value]
        assert names, f"the sample has no user with the role {role.value}"
        preferred = PREFERRED_USERS.get(role, "")
        chosen[role.value] = preferred if preferred in names else names[0]
    return chosen


def crawl(
    base: str,
    routes: list[Route],
    *,
    role: str,
    user: str,
    token: str | None,
    seeds: Iterable[str] = (),
    limit: int = 400,
) -> Crawl:
    """Follow the links from the first page (and `seeds`) breadth first; keep the first address
    of each page key. Files (CSV, PDF, SVG, JSON) are noted, not kept."""
    result = Crawl()
    cookies = {SESSION_COOKIE: token} if token else {}
    queue: list[str] = ["/", *seeds]
    done_keys: set[str] = set()
    fetched: set[str] = set()
    with httpx.Client(base_url=base, cookies=cookies, follow_redirects=True, timeout=30) as http:
        while queue and len(fetched) < limit:
            url = queue.pop(0)
            parts = urlsplit(url)
            template = route_of(parts.path, routes)
            if template is None or SKIP.match(parts.path):
                continue
            key = page_key(template, parts.path, parts.query)
            if key in done_keys or url in fetched:
                continue
            fetched.add(url)
            done_keys.add(key)  # one address per page, even when it fails
            try:
                answer = http.get(url)
            except httpx.TransportError as exc:
                result.errors.append(f"{role or 'anonymous'} {url}: {exc}")
                continue
            result.seen_routes.add(template)
            if answer.status_code >= 500:
                result.errors.append(f"{role or 'anonymous'} {url}: {answer.status_code}")
            final = answer.url.raw_path.decode()
            if not answer.headers.get("content-type", "").startswith("text/html"):
                result.downloads.add(template)
                continue
            if answer.status_code == 200 and route_of(answer.url.path, routes) == template:
                result.pages.append(Page(role, user, final, key))
            elif answer.status_code == 200:
                # a redirect to another page (/ -> /opd): that page is crawled on its own
                queue.append(final)
            for href in links(answer.text):
                target = urldefrag(urljoin(str(answer.url), href)).url
                split = urlsplit(target)
                if split.netloc and f"{split.scheme}://{split.netloc}" != base:
                    continue
                queue.append(split.path + (f"?{split.query}" if split.query else ""))
    return result


# query parameters that only page through or announce (the page is the same), and those that
# switch to another view of it (the case list as a board)
SAME_PAGE = frozenset({"ok", "page", "lanjut"})
VIEWS = frozenset({"view", "tab"})
SECTIONS = frozenset({"slug", "group"})  # path parameters that name a section of a page


def page_key(template: str, path: str, query: str) -> str:
    """The route and the query parameters it was opened with: /kasus?kelurahan&view=board. A
    path parameter that names a section ({slug}, {group}) makes a page of its own
    (/pengaturan/{slug} is /pengaturan/pengguna and /pengaturan/token); tickets, numbers and
    codes do not."""
    values = dict(zip(template.split("/"), path.split("/"), strict=False))
    template = "/".join(
        values[part] if part.strip("{}") in SECTIONS else part for part in template.split("/")
    )
    names = sorted(
        f"{name}={value}" if name in VIEWS else name
        for name, value in dict(parse_qsl(query)).items()
        if value and name not in SAME_PAGE
    )
    return template + (f"?{'&'.join(names)}" if names else "")


def every_page(
    base: str, app: FastAPI, tokens: dict[str, tuple[str, str | None]], seeds: dict[str, list[str]]
) -> Crawl:
    """Crawl as every role (`tokens`: role -> (user, session token)): the pages, the routes
    reached (as a page or a file) and the addresses that failed."""
    routes = page_routes(app)
    result = Crawl()
    for role, (user, token) in tokens.items():
        found = crawl(base, routes, role=role, user=user, token=token, seeds=seeds.get(role, ()))
        result.pages.extend(found.pages)
        result.downloads |= found.downloads
        result.seen_routes |= found.seen_routes
        result.errors.extend(found.errors)
    result.unreached = {r.template for r in routes} - result.seen_routes
    return result


# --- what every page must pass ------------------------------------------------------------------

# text a person reads must never look like one of these (the codes are for the machine)
CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "snake_case code": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "OPD or constant code": re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"),
    "scope or permission": re.compile(r"\b[a-z_]+:(?:\d{2}(?:\.\d{2,4})*|[a-z_]+)\b"),
    "wilayah code": re.compile(r"\b\d{2}\.\d{2}\.\d{2}(?:\.\d{4})?\b"),
    "ISO timestamp": re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"),
    "UTC time": re.compile(r"\bUTC\b|[+-]00:?00\b|\d{2}:\d{2}(?::\d{2})?Z\b"),
    "action list": re.compile(r"\b[a-z_]+(?:/[a-z_]+){2,}\b"),
}
# words joined by slashes are Indonesian too ("mati/kecil/keruh"): a list is codes when one of
# its parts is a code
LISTS = frozenset({"action list"})


def codes_in(text: str, vocabulary: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(kind, match) for each internal code in `text`; `vocabulary` adds the codes whose words
    are no Indonesian (verify, forwarded, approve, ...), found as whole words."""
    found = [
        (kind, match.group(0))
        for kind, pattern in CODE_PATTERNS.items()
        for match in pattern.finditer(text)
        if kind not in LISTS
        or any("_" in part or part in vocabulary for part in match.group(0).split("/"))
    ]
    # an abbreviation in brackets is part of a name: "Dinas Lingkungan Hidup (DLH) Kota Bogor"
    words = re.findall(r"[\w:]+", re.sub(r"\([^)]*\)", " ", text))
    found += [("vocabulary code", word) for word in words if word in vocabulary]
    return found


# the visible text of a page, without what is shown verbatim on purpose: what citizens and
# admins wrote and the names of accounts (translate="no"), code samples, hidden and screen-reader
# text is included (a screen reader reads it)
VISIBLE_TEXT_JS = """
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  const text = node.textContent.trim();
  if (!text || !el) continue;
  const verbatim = 'script, style, template, noscript, textarea, code, kbd, samp, [translate="no"]';
  if (el.closest(verbatim)) continue;
  if (el.closest('[hidden], [aria-hidden="true"]')) continue;
  if (el.closest('option') || el.checkVisibility({visibilityProperty: true})
      || el.closest('.visually-hidden')) out.push(text);
}
for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
  if (el.closest('[translate="no"]')) continue;
  for (const name of ['title', 'aria-label', 'placeholder']) {
    const value = el.getAttribute(name);
    if (value) out.push(value.trim());
  }
}
return out;
"""

OVERFLOW_JS = """
const doc = document.documentElement;
const wide = [];
if (doc.scrollWidth > window.innerWidth) {
  const scrolls = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && box.width > 0 && !scrolls(el)) {
      const name = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + name
        + ' ' + Math.round(box.right) + 'px');
    }
  }
}
return [doc.scrollWidth, window.innerWidth, wide.slice(0, 8)];
"""

# on a phone a table row is a card: every cell that holds something says what it is
UNLABELLED_JS = """
const out = [];
for (const cell of document.querySelectorAll('table tbody td')) {
  if (cell.hasAttribute('data-label') || cell.colSpan > 1 || !cell.textContent.trim()) continue;
  if (!cell.checkVisibility()) continue;
  const row = [...cell.parentElement.children].indexOf(cell);
  const head = cell.closest('table').querySelectorAll('thead th')[row];
  if (head && head.textContent.trim()) out.push(head.textContent.trim());
}
return [...new Set(out)];
"""

OPEN_DETAILS_JS = "for (const d of document.querySelectorAll('details')) d.open = true;"


def overflow(driver: Any) -> str | None:
    """None when the page fits the window; otherwise the widths and the widest elements."""
    scroll, width, wide = driver.execute_script(OVERFLOW_JS)
    if scroll <= width:
        return None
    return f"scrollWidth {scroll} > {width}: {', '.join(wide)}"


def visible_codes(driver: Any, vocabulary: frozenset[str]) -> list[tuple[str, str, str]]:
    """(kind, code, the text it stands in) for every internal code a person sees."""
    found: list[tuple[str, str, str]] = []
    for text in driver.execute_script(VISIBLE_TEXT_JS):
        found += [(kind, code, text[:120]) for kind, code in codes_in(text, vocabulary)]
    return found


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations of the page, critical and serious ones only."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(done, e => done({error: String(e)}));",
        AXE_OPTIONS,
    )
    assert "error" not in results, results
    return [v for v in results["violations"] if v["impact"] in ("critical", "serious")]


def describe(violations: list[dict[str, Any]]) -> Iterator[str]:
    for v in violations:
        targets = [", ".join(node["target"]) for node in v["nodes"][:3]]
        yield f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['help']} at {targets}"


# --- the sample city -----------------------------------------------------------------------------


def sample_city(ctx: Context) -> None:
    """What `paseban init --sample` gives a new user: Kota Bogor, its sample accounts, users,
    messages, content and three months of measurement, at the context's clock."""
    from paseban.cli.init import load_sample  # the same loader as the command, not a copy
    from paseban.services.reference import store as reference
    from paseban.storage import migrate

    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    load_sample(ctx)


def sessions(ctx: Context) -> dict[str, tuple[str, str | None]]:
    """A session token for one user of every role, and none for the anonymous visitor."""
    from paseban.services.people import auth

    tokens: dict[str, tuple[str, str | None]] = {ANONYMOUS: ("", None)}
    for role, user in users_by_role(ctx).items():
        tokens[role] = (user, auth.open_session(ctx, user).token)
    return tokens
