"""Words, not codes: one Jinja filter per vocabulary, so a page shows "Diteruskan ke OPD",
"Dinas Lingkungan Hidup" and "Admin kelurahan Batu Tulis" where the data holds `forwarded`,
`DLH` and `kelurahan_admin` + `32.71.01.1001`.

The labels of the fixed vocabularies live beside their enums in domain/ (and content/ for the
drafts); a platform's name is its connector's (`Registry.platform_label`); the names of what the
city edits (OPDs, topics, wilayah, routing rules) come from the
reference data, read once per page when a filter first needs them (`Names`). Every template
environment of the dashboard calls `install`, so `{{ c.status|status }}` reads the same on every
page; a code nobody labelled shows as itself, which tests/browser/test_every_page.py catches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context as JinjaContext

from paseban.content import approvals
from paseban.context import Context
from paseban.domain import cases, sla
from paseban.domain.accounts import (
    OWNER_KIND_LABELS,
    ROLE_LABELS,
    SOURCE_LABELS,
    Role,
    scope_label,
)
from paseban.domain.auth import PERMISSION_LABELS, Permission
from paseban.domain.wilayah import head_of
from paseban.routing.rules import rule_label
from paseban.services.reference import store as ref


class Names:
    """The city's names for its codes, loaded on first use for one page."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    @cached_property
    def opds(self) -> dict[str, str]:
        with self._ctx.engine.connect() as conn:
            return {o.code: o.name for o in ref.opds_all(conn)}

    @cached_property
    def topics(self) -> dict[str, str]:
        with self._ctx.engine.connect() as conn:
            return ref.topic_names(conn)

    @cached_property
    def urgencies(self) -> dict[str, str]:
        with self._ctx.engine.connect() as conn:
            return ref.urgency_names(conn)

    def platform(self, code: str) -> str:
        """A platform by its connector's name ("Instagram"), or a source's ("lapor langsung")."""
        return self._ctx.connectors.platform_label(code)

    @cached_property
    def wilayah(self) -> dict[str, str]:
        """Kecamatan and kelurahan by code, named with their level ("Kelurahan Batu Tulis")."""
        with self._ctx.engine.connect() as conn:
            return {w.code: f"{w.kind.title()} {w.name}" for w in ref.wilayah_all(conn)}


def _label(labels: dict[Any, str]) -> Callable[[Any], str]:
    def label(code: Any) -> str:
        if code is None or code == "":
            return "-"
        return labels.get(code, str(code))

    return label


def _names(context: JinjaContext) -> Names | None:
    names = context.get("names")
    return names if isinstance(names, Names) else None


def _named(vocabulary: str) -> Callable[..., str]:
    """A filter that names a code from one of the city's vocabularies (`Names.<vocabulary>`):
    opds ("Dinas Lingkungan Hidup (DLH) Kota Bogor"), topics, urgencies, wilayah; "-" for none."""

    @pass_context
    def name(context: JinjaContext, code: str | None) -> str:
        if not code:
            return "-"
        names = _names(context)
        table: dict[str, str] = getattr(names, vocabulary) if names else {}
        return table.get(code, code)

    return name


@pass_context
def platform_name(context: JinjaContext, code: str | None) -> str:
    """A platform as the connector registry names it ("Instagram", "X"); "-" for none."""
    if not code:
        return "-"
    names = _names(context)
    return names.platform(code) if names else SOURCE_LABELS.get(code, code)


@pass_context
def rule_name(context: JinjaContext, name: str | None) -> str:
    """A routing rule in words: "bawaan topik Jalan dan trotoar rusak" for default:jalan."""
    if not name:
        return "-"
    names = _names(context)
    return rule_label(name, names.topics if names else {})


@pass_context
def scope_name(context: JinjaContext, code: str | None) -> str:
    """A user's or token's area: "Kelurahan Batu Tulis", "Dinas Lingkungan Hidup (DLH)"."""
    if not code:
        return "seluruh kota"
    names = _names(context)
    if names is None:
        return code
    return scope_label(code, {**names.wilayah, **names.opds})


def permissions(values: Iterable[str]) -> str:
    """Token scopes as what they allow: "membaca kasus, membalas dan mengoreksi pesan warga"."""
    label = _label(PERMISSION_LABELS)
    return ", ".join(label(Permission(v)) if v in set(Permission) else v for v in values)


# the names of the fields an audit entry's detail holds, where the field's own name is not a word
FIELD_LABELS = {
    "keep_location": "lokasi foto disimpan",
    "alt_text": "teks alternatif",
    "storage_key": "berkas",
    "owner_code": "pemilik",
    "owner_kind": "jenis pemilik",
}


def field_name(key: str) -> str:
    """An audit detail's field as words: "keep_location" reads "lokasi foto disimpan"; a field
    without a label loses its underscores ("due_days" reads "due days")."""
    return FIELD_LABELS.get(key, key.replace("_", " "))


def field_value(value: Any) -> str:
    """A detail's value as words: yes and no in Indonesian, nothing as a dash."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "status": _label(cases.STATUS_LABELS),
    "case_action": _label(cases.ACTION_LABELS),
    "stage": _label(sla.STAGE_LABELS),
    "role": _label(ROLE_LABELS),
    "permission": _label(PERMISSION_LABELS),
    "permissions": permissions,
    "platform": platform_name,
    "owner_kind": _label(OWNER_KIND_LABELS),
    "post_status": _label(approvals.STATUS_LABELS),
    "post_action": _label(approvals.ACTION_LABELS),
    "opd": _named("opds"),
    "topic": _named("topics"),
    "wilayah": _named("wilayah"),
    "urgency": _named("urgencies"),
    "rule": rule_name,
    "scope": scope_name,
    "field": field_name,
    "shown": field_value,
}


def install(env: Environment) -> None:
    """Give a template environment every vocabulary filter."""
    env.filters.update(FILTERS)
    env.globals["Role"] = Role
    env.globals["head_of"] = head_of  # the report's reader: Wali Kota, Bupati
