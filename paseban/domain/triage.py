"""One case per problem: which open case a new report belongs to, and whether a citizen's later
message is a follow-up on their own case ("gimana min udah ditindak belum?").

Pure functions over plain values; services/cases/reads.py loads the candidates and stores the
result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from paseban.domain.cases import find_tickets

STOPWORDS = frozenset(
    """yang dan di ke dari ini itu ada sudah udah belum tidak gak nggak ga min admin mohon tolong
    pak bu kak bang mas mbak warga kami saya kita kok sih nih dong deh lagi juga dengan untuk
    pada karena jadi bisa akan tapi atau kalau kalo aja saja sama buat udh blm sdh tdk gk yg dgn
    utk jl jln jalan kel kelurahan kec kecamatan kota bogor depan dekat deket sekitar sekali banget
    bgt parah sangat hari minggu bulan sejak""".split()  # noqa: SIM905
)
_TOKEN = re.compile(r"[a-z]+")
_REPEATS = re.compile(r"(.)\1{2,}")
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")


def keywords(text: str) -> frozenset[str]:
    """Content words of a text: lower case, letters only (no digits: no phone or NIK can leak
    into the stored keywords), stop words and short words removed, repeated letters collapsed."""
    lowered = _REPEATS.sub(r"\1", _EMAIL_OR_URL.sub(" ", text.lower()))
    return frozenset(
        word for word in _TOKEN.findall(lowered) if len(word) >= 3 and word not in STOPWORDS
    )


def similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard similarity of two keyword sets (0 when either is empty)."""
    left, right = frozenset(a), frozenset(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, h)))


def neighbours_by_distance(
    centres: Mapping[str, tuple[float, float]], max_km: float
) -> dict[str, frozenset[str]]:
    """Kelurahan whose centres lie within max_km of each other count as neighbours: the
    distance of `distance_m` for every pair at once (a city's 68 kelurahan are 2,278 pairs,
    a kabupaten's 435 desa 94,395; read again for every batch the analysis stores)."""
    # here, not at the top: the CLI starts without numpy (tests/cli/test_startup.py)
    import numpy as np

    codes = sorted(centres)
    if not codes:
        return {}
    lat, lon = np.radians(np.array([centres[code] for code in codes], dtype=np.float64)).T
    h = (
        np.sin((lat[None, :] - lat[:, None]) / 2) ** 2
        + np.cos(lat[:, None])
        * np.cos(lat[None, :])
        * np.sin((lon[None, :] - lon[:, None]) / 2) ** 2
    )
    near = 2 * 6_371_000 * np.arcsin(np.sqrt(np.minimum(1.0, h))) <= max_km * 1000
    np.fill_diagonal(near, False)
    return {
        code: frozenset(codes[j] for j in np.flatnonzero(row))
        for code, row in zip(codes, near, strict=True)
    }


@dataclass(frozen=True)
class TriagePolicy:
    window: timedelta = timedelta(days=7)  # since the case's last report
    radius_m: float = 300.0  # reports with coordinates this close are the same place
    neighbour_similarity: float = 0.3  # text similarity needed across neighbouring kelurahan
    conflict_similarity: float = 0.5  # text similarity that overrides different street names
    follow_up_window: timedelta = timedelta(days=30)


@dataclass(frozen=True)
class Report:
    topic: str
    kelurahan: str | None
    kecamatan: str | None
    keywords: frozenset[str]
    at: datetime
    street: str | None = None
    landmark: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Candidate:
    case_id: int
    topic: str | None
    kelurahan: str | None
    kecamatan: str | None
    keywords: frozenset[str]
    last_report_at: datetime
    street: str | None = None
    landmark: str | None = None
    lat: float | None = None
    lon: float | None = None


def search_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """The (lat0, lat1, lon0, lon1) box around a point in which a case within `radius_m` can
    lie: half again the radius, in degrees, so that the database's cheap range test never
    misses one (the exact distance is checked by find_duplicate)."""
    delta = radius_m / 111_000 * 1.5
    return lat - delta, lat + delta, lon - delta, lon + delta


def placement_keys(report: Report, near: frozenset[str], radius_m: float) -> list[str]:
    """Names for every place whose open cases placing `report` reads, and so for the place of
    the case it may open: two placements that could find each other's case share a name.

    Placing reads the candidates, then joins one or opens a new case; two placements running at
    once that both read "no case here" would open two cases where one after the other opens
    one. Holding these names (services.cases.locks) makes exactly those placements take turns,
    while reports about other topics or other places run in parallel. A report reads the
    open cases of its topic in its kelurahan and the neighbouring ones (or its kecamatan when no
    kelurahan is known) and near its point; a case it opens lies in its own kelurahan (or
    kecamatan) and at its point, both among the names it read. Points are named by grid cells
    as wide as the search box, so a box touches at most four of them."""
    topic = report.topic
    names: set[str] = set()
    if report.kelurahan:
        names.update(f"kel:{topic}:{code}" for code in {report.kelurahan, *near})
    elif report.kecamatan:
        names.add(f"kec:{topic}:{report.kecamatan}")
    if report.lat is not None and report.lon is not None:
        lat0, lat1, lon0, lon1 = search_box(report.lat, report.lon, radius_m)
        size = lat1 - lat0
        rows = {math.floor(lat0 / size), math.floor(lat1 / size)}
        cols = {math.floor(lon0 / size), math.floor(lon1 / size)}
        names.update(f"cell:{topic}:{r}:{c}" for r in rows for c in cols)
    return sorted(names)


@dataclass(frozen=True)
class Match:
    case_id: int
    score: float
    reason: str


def _same_name(a: str | None, b: str | None) -> bool | None:
    """True/False when both are known, None when either is missing."""
    if not a or not b:
        return None
    x, y = " ".join(a.lower().split()), " ".join(b.lower().split())
    return x == y or x in y or y in x


def _place(
    report: Report,
    case: Candidate,
    neighbours: Mapping[str, frozenset[str]],
    sim: float,
    policy: TriagePolicy,
) -> tuple[float, str] | None:
    if None not in (report.lat, report.lon, case.lat, case.lon):
        metres = distance_m((report.lat, report.lon), (case.lat, case.lon))  # type: ignore[arg-type]
        if metres <= policy.radius_m:
            return 1.0, f"berjarak {metres:.0f} m"
    if report.kelurahan and report.kelurahan == case.kelurahan:
        return 1.0, "kelurahan sama"
    if not report.kelurahan and not case.kelurahan and report.kecamatan:
        if report.kecamatan == case.kecamatan:
            return 0.8, "kecamatan sama"
        return None
    if (
        report.kelurahan
        and case.kelurahan
        and case.kelurahan in neighbours.get(report.kelurahan, frozenset())
        and sim >= policy.neighbour_similarity
    ):
        return 0.5, "kelurahan bertetangga dan isi mirip"
    return None


def find_duplicate(
    report: Report,
    candidates: Iterable[Candidate],
    *,
    neighbours: Mapping[str, frozenset[str]] | None = None,
    policy: TriagePolicy | None = None,
) -> Match | None:
    """The open case this report is about, or None (open a new one).

    Same topic, within the window since the case's last report, and the same place: within the
    radius when both have coordinates, the same kelurahan, the same kecamatan when neither knows
    its kelurahan, or a neighbouring kelurahan with similar text. Different street names or
    landmarks mean a different problem unless the texts are very similar."""
    policy = policy or TriagePolicy()
    neighbours = neighbours or {}
    best: tuple[float, datetime, Match] | None = None
    for case in candidates:
        if case.topic != report.topic:
            continue
        if case.last_report_at < report.at - policy.window:
            continue
        sim = similarity(report.keywords, case.keywords)
        place = _place(report, case, neighbours, sim, policy)
        if place is None:
            continue
        score, why = place
        reasons = [why]
        for label, mine, theirs in (
            ("jalan", report.street, case.street),
            ("tempat", report.landmark, case.landmark),
        ):
            same = _same_name(mine, theirs)
            if same is False and sim < policy.conflict_similarity:
                break
            if same:
                score += 0.3
                reasons.append(f"{label} sama")
        else:
            score += sim
            if sim:
                reasons.append(f"kemiripan isi {sim:.2f}")
            match = Match(case.case_id, round(score, 3), ", ".join(reasons))
            key = (score, case.last_report_at)
            if best is None or key > best[:2]:
                best = (score, case.last_report_at, match)
    return best[2] if best else None


# --- a citizen writing again about their own case --------------------------------------------

_FOLLOW_UP = re.compile(
    r"\b(gimana|gmn|bagaimana|gimn|kapan|update|updet|progres|progress|sampai mana|sampe mana|"
    r"udah ditindak|sudah ditindak|udh ditindak|sdh ditindak|ditindak ?lanjuti|tindak ?lanjut|"
    r"follow ?up|ada kabar|kabarnya|belum ada (respon|tanggapan|tindakan|kabar)|"
    r"blm ada (respon|tanggapan|tindakan|kabar)|masih nunggu|masih menunggu|ditunggu|"
    r"kok belum|kok blm|kok lama|lama banget|udah \d+ hari|sudah \d+ hari|respon dong|"
    r"mana (nih|ni|tindakannya|petugasnya)|sudah dilaporkan|udah dilaporin|udah lapor|"
    r"sudah lapor|lapor lagi|masih belum)\b"
)


def is_follow_up(text: str) -> bool:
    """Does the text ask about progress rather than report something new?"""
    return bool(_FOLLOW_UP.search(_REPEATS.sub(r"\1", text.lower())))


def mentioned_tickets(text: str) -> list[str]:
    """Ticket codes written in the text (BGR-2611-0042), in order, without repeats."""
    return find_tickets(text)
