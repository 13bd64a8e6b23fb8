# ruff: noqa: E501  (one SVG element per line reads better than wrapped f-strings)
"""Small inline SVG charts and the complaint map, generated here (no chart library, no tile
server). Every text is escaped; colours work on paper in grey too."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from paseban.domain import fmt

INK = "#1f2937"
GRID = "#d1d5db"
BAR = "#2563eb"
LINE = "#dc2626"
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def _frame(width: int, height: int, body: str, title: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"width='{width}' height='{height}' role='img' aria-label='{escape(title, quote=True)}'>"
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def bars_and_line(
    labels: Sequence[str],
    bars: Sequence[float],
    line: Sequence[float | None],
    *,
    title: str,
    bar_label: str,
    line_label: str,
    line_max: float = 100.0,
    line_suffix: str = "%",
    width: int = 640,
    height: int = 240,
) -> str:
    """Bars (left axis) with a line on a second axis (right, 0..line_max)."""
    left, right, top, bottom = 48, 48, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(labels))
    top_bar = _nice_max(max(bars, default=0))
    step = plot_w / n
    parts = []
    for i in range(5):
        y = top + plot_h * i / 4
        value = top_bar * (4 - i) / 4
        parts.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{left + plot_w}' y2='{y:.1f}' stroke='{GRID}' stroke-width='1'/>"
        )
        parts.append(
            f"<text x='{left - 6}' y='{y + 4:.1f}' font-size='10' text-anchor='end' fill='{INK}' {FONT}>{fmt.num(value)}</text>"
        )
        parts.append(
            f"<text x='{left + plot_w + 6}' y='{y + 4:.1f}' font-size='10' fill='{LINE}' {FONT}>{fmt.num(line_max * (4 - i) / 4)}{line_suffix}</text>"
        )
    points = []
    for i, (label, value) in enumerate(zip(labels, bars, strict=False)):
        x = left + step * i
        h = plot_h * (value / top_bar)
        parts.append(
            f"<rect x='{x + step * 0.18:.1f}' y='{top + plot_h - h:.1f}' width='{step * 0.64:.1f}' height='{h:.1f}' fill='{BAR}' opacity='0.85'/>"
        )
        parts.append(
            f"<text x='{x + step / 2:.1f}' y='{top + plot_h + 14}' font-size='10' text-anchor='middle' fill='{INK}' {FONT}>{escape(label)}</text>"
        )
        lv = line[i] if i < len(line) else None
        if lv is not None:
            ly = top + plot_h * (1 - min(lv, line_max) / line_max)
            points.append((x + step / 2, ly))
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f"<polyline points='{path}' fill='none' stroke='{LINE}' stroke-width='2.5'/>")
    for x, y in points:
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{LINE}'/>")
    parts.append(
        f"<rect x='{left}' y='6' width='10' height='10' fill='{BAR}'/><text x='{left + 14}' y='15' font-size='11' fill='{INK}' {FONT}>{escape(bar_label)}</text>"
    )
    parts.append(
        f"<line x1='{left + 220}' y1='11' x2='{left + 240}' y2='11' stroke='{LINE}' stroke-width='2.5'/><text x='{left + 244}' y='15' font-size='11' fill='{INK}' {FONT}>{escape(line_label)}</text>"
    )
    return _frame(width, height, "".join(parts), title)


def line_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    label: str,
    unit: str = "",
    width: int = 640,
    height: int = 200,
) -> str:
    left, right, top, bottom = 56, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for v in values if v is not None]
    top_v = _nice_max(max(known, default=0))
    n = max(1, len(labels))
    step = plot_w / n
    parts = []
    for i in range(5):
        y = top + plot_h * i / 4
        parts.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{left + plot_w}' y2='{y:.1f}' stroke='{GRID}'/>"
        )
        parts.append(
            f"<text x='{left - 6}' y='{y + 4:.1f}' font-size='10' text-anchor='end' fill='{INK}' {FONT}>{fmt.num(top_v * (4 - i) / 4, 1).removesuffix(',0')}{unit}</text>"
        )
    points = []
    for i, label_text in enumerate(labels):
        x = left + step * i + step / 2
        parts.append(
            f"<text x='{x:.1f}' y='{top + plot_h + 14}' font-size='10' text-anchor='middle' fill='{INK}' {FONT}>{escape(label_text)}</text>"
        )
        v = values[i] if i < len(values) else None
        if v is not None:
            points.append((x, top + plot_h * (1 - v / top_v)))
    if len(points) > 1:
        parts.append(
            f"<polyline points='{' '.join(f'{x:.1f},{y:.1f}' for x, y in points)}' fill='none' stroke='{BAR}' stroke-width='2.5'/>"
        )
    for x, y in points:
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{BAR}'/>")
    parts.append(
        f"<text x='{left}' y='15' font-size='11' fill='{INK}' {FONT}>{escape(label)}</text>"
    )
    return _frame(width, height, "".join(parts), title)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lat: float | None  # a kelurahan without a centre is listed, not drawn
    lon: float | None
    value: int
    group: str = ""  # kecamatan name, for the legend


def complaint_map(
    places: Sequence[Place], *, title: str, width: int = 640, height: int = 520
) -> str:
    """Each kelurahan at its centre (equirectangular projection around the city), a circle whose
    area grows with its complaints, the count written inside; kecamatan names at their centres."""
    coords = {p.code: (p.lon, p.lat) for p in places if p.lat is not None and p.lon is not None}
    located = [p for p in places if p.code in coords]
    if not located:
        return _frame(
            width, height, f"<text x='20' y='40' {FONT}>Tidak ada koordinat wilayah</text>", title
        )
    pad = 40
    lat0 = sum(lat for _, lat in coords.values()) / len(coords)
    kx = math.cos(math.radians(lat0))
    xs = [lon * kx for lon, _ in coords.values()]
    ys = [lat for _, lat in coords.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-3
    scale = min(width - 2 * pad, height - 2 * pad - 30) / span

    def at(p: Place) -> tuple[float, float]:
        lon, lat = coords[p.code]
        return pad + (lon * kx - min(xs)) * scale, height - pad - (lat - min(ys)) * scale

    top_value = max((p.value for p in located), default=0) or 1
    parts = [f"<rect x='0' y='0' width='{width}' height='{height}' fill='#f8fafc'/>"]
    groups: dict[str, list[tuple[float, float]]] = {}
    for p in sorted(located, key=lambda p: p.value):
        x, y = at(p)
        groups.setdefault(p.group, []).append((x, y))
        r = 4 + 22 * math.sqrt(p.value / top_value) if p.value else 3
        shade = (
            "#b91c1c"
            if p.value >= 0.6 * top_value
            else "#ef4444"
            if p.value >= 0.25 * top_value
            else "#fca5a5"
        )
        fill = shade if p.value else "#cbd5e1"
        parts.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill='{fill}' fill-opacity='0.75' stroke='#7f1d1d' stroke-width='0.6'><title>{escape(p.name)}: {p.value} aduan</title></circle>"
        )
        if p.value and r >= 9:
            parts.append(
                f"<text x='{x:.1f}' y='{y + 3.5:.1f}' font-size='9' text-anchor='middle' fill='white' {FONT}>{p.value}</text>"
            )
    for name, pts in groups.items():
        if not name:
            continue
        cx = sum(x for x, _ in pts) / len(pts)
        cy = sum(y for _, y in pts) / len(pts)
        parts.append(
            f"<text x='{cx:.1f}' y='{cy - 14:.1f}' font-size='12' font-weight='bold' text-anchor='middle' fill='{INK}' fill-opacity='0.7' {FONT}>{escape(name)}</text>"
        )
    parts.append(
        f"<text x='{pad}' y='{height - 12}' font-size='10' fill='{INK}' {FONT}>Lingkaran: titik tengah kelurahan; luasnya sebanding jumlah laporan warga. Utara ke atas.</text>"
    )
    return _frame(width, height, "".join(parts), title)
