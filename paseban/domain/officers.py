"""What an officer is told on WhatsApp, as data and pure rules (issue 19): the message templates
the city registers with Meta (their text in Bahasa Indonesia, the parameters each takes), how a
parameter must look (WhatsApp refuses new lines and tabs in one: error 132012), and the city's
quiet hours (a digest waits for the morning; an escalation of a darurat case does not).

No IO: services/people/notify_whatsapp.py sends, docs/notifications.md lists the templates for
registration, and the fake Cloud API of the tests registers the same ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

LANGUAGE = "id"  # Bahasa Indonesia, as registered with Meta
PARAM_MAX = 120  # our cap: a template body's total length is limited (132005)
DEFAULT_QUIET = "21:00-06:00"
DEFAULT_DIGEST = "07:00"
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


class Kind:
    NEW_CASE = "new_case"
    ESCALATION = "escalation"
    DIGEST = "digest"


KIND_LABELS = {
    Kind.NEW_CASE: "aduan baru untuk OPD",
    Kind.ESCALATION: "eskalasi tenggat",
    Kind.DIGEST: "ringkasan pagi",
}


@dataclass(frozen=True)
class Template:
    """A UTILITY template: business-initiated, so outside the 24-hour window only an approved
    template may be sent (131047 otherwise)."""

    name: str
    kind: str
    header: str  # "" when the template has no header
    body: str
    button_text: str  # "" when there is no URL button
    button_url: str  # with {{1}}: the suffix sent as the button's parameter

    def counts(self) -> dict[str, int]:
        """Parameters per component, as the Cloud API checks them (132000)."""
        found = {"header": _params(self.header), "body": _params(self.body)}
        if self.button_url:
            found["button"] = _params(self.button_url)
        return {k: v for k, v in found.items() if v}


def _params(text: str) -> int:
    return len(set(re.findall(r"\{\{(\d+)\}\}", text)))


# the first and third follow the shapes of Meta's documented examples (tests/fixtures/
# whatsapp_templates/templates__list.json); the URL button opens the case on the dashboard
TEMPLATES: dict[str, Template] = {
    Kind.NEW_CASE: Template(
        "kasus_baru_opd",
        Kind.NEW_CASE,
        "",
        "Yth. {{1}}, ada aduan baru {{2}} untuk dinas Anda: {{3}}. Diterima {{4}}. "
        "Mohon segera ditindaklanjuti.",
        "Buka kasus",
        "/kasus/{{1}}",
    ),
    Kind.ESCALATION: Template(
        "eskalasi_aduan",
        Kind.ESCALATION,
        "",
        "Yth. {{1}}, tenggat tahap {{2}} aduan {{3}} sudah terlewati (eskalasi tingkat {{4}}): "
        "{{5}}. Mohon segera ditindaklanjuti.",
        "Buka kasus",
        "/kasus/{{1}}",
    ),
    Kind.DIGEST: Template(
        "ringkasan_pagi",
        Kind.DIGEST,
        "Ringkasan {{1}}",
        "Hari ini ada {{1}} kasus jatuh tempo dan {{2}} eskalasi.",
        "",
        "",
    ),
}


def by_name(name: str) -> Template:
    """The template registered under this name (a stored notification keeps the name)."""
    return next(tp for tp in TEMPLATES.values() if tp.name == name)


def clean(value: str, limit: int = PARAM_MAX) -> str:
    """A template parameter as WhatsApp takes it: one line, no tabs, no run of more than four
    spaces, not empty, at most `limit` characters (an ellipsis when cut)."""
    flat = re.sub(r"\s+", " ", value).strip() or "-"
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def components(
    template: Template, header: list[str], body: list[str], button: list[str]
) -> list[dict[str, object]]:
    """The `components` of a send request for `template` with these parameter values."""
    out: list[dict[str, object]] = []
    for kind, values in (("header", header), ("body", body)):
        if values:
            out.append({"type": kind, "parameters": [_text(v) for v in values]})
    if button:
        out.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [_text(v) for v in button],
            }
        )
    return out


def _text(value: str) -> dict[str, str]:
    return {"type": "text", "text": clean(value)}


# --- quiet hours -------------------------------------------------------------------------------


class BadHours(ValueError):
    """A quiet-hours or digest setting that does not read as a time."""


def parse_clock(text: str) -> time:
    match = re.fullmatch(r"\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*", text)
    if not match:
        raise BadHours(f"jam {text!r} harus seperti 21:00")
    return time(int(match[1]), int(match[2]))


def parse_quiet(text: str) -> tuple[time, time] | None:
    """`21:00-06:00` as (start, end); empty or `-`: no quiet hours."""
    if not text.strip() or text.strip() == "-":
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise BadHours(f"jam tenang {text!r} harus seperti 21:00-06:00")
    first, last = parse_clock(start), parse_clock(end)
    if first == last:
        raise BadHours("jam tenang: awal dan akhir tidak boleh sama")
    return first, last


def quiet_until(local_now: datetime, quiet: tuple[time, time] | None) -> datetime | None:
    """When the quiet hours that `local_now` falls in end (a local time), or None outside them.
    A window may cross midnight (21:00-06:00)."""
    if quiet is None:
        return None
    start, end = quiet
    now = local_now.timetz().replace(tzinfo=None)
    crosses = start > end
    inside = (now >= start or now < end) if crosses else (start <= now < end)
    if not inside:
        return None
    day = local_now.date() if (not crosses or now < end) else local_now.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=local_now.tzinfo)


def waits(kind: str, urgency: str | None) -> bool:
    """Whether a message waits out the quiet hours: everything does, except an escalation of
    a darurat case (a flood, a fallen tree on the road): it is sent at once, day or night. A
    new darurat case is sent at once too: the officer who must act is the one being woken."""
    return urgency != "darurat" or kind == Kind.DIGEST


def as_text(
    template: Template, header: list[str], body: list[str], button: list[str], base_url: str = ""
) -> str:
    """The words of a template message with its parameters filled in, for the e-mail that
    carries the same notice when WhatsApp could not (the button becomes its link's path)."""

    def fill(text: str, values: list[str]) -> str:
        return re.sub(
            r"\{\{(\d+)\}\}",
            lambda m: values[int(m[1]) - 1] if 0 < int(m[1]) <= len(values) else "-",
            text,
        )

    lines = [fill(template.header, header)] if template.header else []
    lines.append(fill(template.body, body))
    if template.button_url and button:
        lines.append(f"{template.button_text}: {base_url}{fill(template.button_url, button)}")
    return "\n\n".join(lines)


# --- the status Meta gives a template (the message_template_status_update webhook) ------------

# statuses under which Meta still delivers the template: FLAGGED is a warning (quality fell,
# a pause may follow); REINSTATED ends a pause. Every other one (PENDING, REJECTED, PAUSED,
# DISABLED, ARCHIVED, DELETED...) would be refused, so the notice goes by e-mail instead
USABLE_STATUSES = frozenset({"APPROVED", "FLAGGED", "REINSTATED"})
STATUS_LABELS = {
    "APPROVED": "disetujui",
    "PENDING": "menunggu tinjauan Meta",
    "REJECTED": "ditolak Meta",
    "PAUSED": "dijeda Meta (kualitas rendah)",
    "DISABLED": "dinonaktifkan Meta",
    "FLAGGED": "ditandai Meta: kualitas turun, bisa dijeda",
    "REINSTATED": "dipulihkan, boleh dipakai lagi",
    "IN_APPEAL": "sedang diajukan banding",
    "PENDING_DELETION": "akan dihapus",
    "DELETED": "dihapus",
    "ARCHIVED": "diarsipkan",
    "LOCKED": "dikunci Meta",
    "LIMIT_EXCEEDED": "batas jumlah templat terlampaui",
}
REASON_LABELS = {
    "ABUSIVE_CONTENT": "isi dianggap kasar",
    "INCORRECT_CATEGORY": "kategori tidak tepat",
    "INVALID_FORMAT": "format tidak sah",
    "PROMOTIONAL": "dianggap promosi",
    "SCAM": "dianggap penipuan",
    "TAG_CONTENT_MISMATCH": "isi tidak cocok dengan kategori",
}


def status_label(status: str) -> str:
    """A template status in the operator's words (an unknown one is shown as Meta sent it)."""
    return STATUS_LABELS.get(status, status.lower().replace("_", " "))


def reason_label(reason: str | None) -> str:
    """Meta's reason for a rejection or a pause; "NONE" (nothing to say) is empty."""
    if not reason or reason.upper() == "NONE":
        return ""
    return REASON_LABELS.get(reason, reason.lower().replace("_", " "))
