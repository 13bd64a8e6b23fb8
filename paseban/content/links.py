"""Links in a draft: found in the text, judged offline (well formed, not a placeholder), and
judged again by their HTTP status when the optional live check ran. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

_I = re.IGNORECASE
URL = re.compile(
    r"(?:\b[a-z]{2,8}://|www\.)[^\s<>\"]+|\b(?:[a-z0-9-]+\.)+(?:id|com|ly|co|me)/[^\s<>\"]*", _I
)
PLACEHOLDER_HOSTS = {"example.com", "example.org", "contoh.com", "xxx.com", "link.com"}


def urls_in(text: str) -> list[str]:
    return [u.rstrip(".,;:!?)»”'\"") for u in URL.findall(text)]


def link_problem(url: str) -> str | None:
    """Why a link cannot work, judged offline; None when it is well formed."""
    scheme = re.match(r"^([a-z]{2,8})://", url, _I)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return f"awalan {scheme.group(1)}:// salah (seharusnya https://)"
    candidate = url if scheme else f"https://{url}"
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return "bentuk tautan rusak"
    host = (parts.hostname or "").lower()
    if not host or "." not in host:
        return "tanpa nama domain"
    labels = host.split(".")
    if not all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels):
        return "nama domain tidak sah"
    if not re.fullmatch(r"[a-z]{2,24}", labels[-1]):
        return "akhiran domain tidak sah"
    if host in PLACEHOLDER_HOSTS or re.search(r"x{3,}|\.\.\.", candidate):
        return "masih tautan contoh/placeholder"
    return None


def judge_links(
    urls: list[str], live: Mapping[str, int | None]
) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
    """(score 0..1, reasons, blocking problems) for the draft's links."""
    if not urls:
        return 1.0, ("Tidak ada tautan.",), ()
    reasons: list[str] = []
    blocking: list[str] = []
    for url in urls:
        problem = link_problem(url)
        if problem is None and url in live:
            status = live[url]
            if status is None:
                problem = "tidak dapat dihubungi"
            elif status >= 400:
                problem = f"menjawab HTTP {status}"
        if problem:
            blocking.append(f"Tautan {url} rusak: {problem}.")
        elif url.lower().startswith("http://"):
            reasons.append(f"Tautan {url} belum aman (http); pakai https bila tersedia.")
    if blocking:
        return 0.0, tuple(blocking), tuple(blocking)
    checked = " (dicek langsung)" if live else ""
    reasons.insert(0, f"{len(urls)} tautan berbentuk benar{checked}.")
    score = 0.8 if len(reasons) > 1 else 1.0
    return score, tuple(reasons), ()
