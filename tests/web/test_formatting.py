"""Words, not codes: the vocabulary filters every template environment gets (issue 14)."""

from __future__ import annotations

from functools import cached_property

from jinja2 import Environment

from paseban.domain.accounts import scope_label
from paseban.routing.rules import rule_label
from paseban.web import formatting
from tests.content.helpers import registry


class FixedNames(formatting.Names):
    """The city's names without a database."""

    def __init__(self) -> None:
        pass

    @cached_property
    def opds(self) -> dict[str, str]:
        return {"EXT_PLN": "PT PLN (Persero) — bukan OPD Pemkot"}

    @cached_property
    def topics(self) -> dict[str, str]:
        return {"jalan": "Jalan dan trotoar rusak"}

    @cached_property
    def wilayah(self) -> dict[str, str]:
        return {"32.71.01": "Kecamatan Bogor Selatan"}

    @cached_property
    def urgencies(self) -> dict[str, str]:
        return {"darurat": "Darurat"}

    def platform(self, code: str) -> str:
        return registry().platform_label(code)


def render(source: str, **values: object) -> str:
    env = Environment(autoescape=True)
    formatting.install(env)
    return env.from_string(source).render(names=FixedNames(), **values)


def test_each_vocabulary_reads_as_words() -> None:
    assert render("{{ 'forwarded'|status }}") == "Diteruskan ke OPD"
    assert render("{{ 'follow_up'|stage }}") == "Tindak lanjut OPD"
    assert render("{{ 'kelurahan_admin'|role }}") == "Admin kelurahan"
    assert render("{{ 'instagram'|platform }}") == "Instagram"
    assert render("{{ 'tiktok'|platform }}") == "TikTok"
    assert render("{{ 'manual'|platform }}") == "lapor langsung"
    assert render("{{ 'EXT_PLN'|opd }}") == "PT PLN (Persero) — bukan OPD Pemkot"
    assert render("{{ 'default:jalan'|rule }}") == "bawaan topik Jalan dan trotoar rusak"
    assert render("{{ '32.71.01'|scope }}") == "Kecamatan Bogor Selatan"
    assert render("{{ None|scope }}") == "seluruh kota"
    assert render("{{ 'darurat'|urgency }}") == "Darurat"
    assert render("{{ p|permissions }}", p=["messages:write"]) == (
        "membalas dan mengoreksi pesan warga"
    )
    assert render("{{ None|opd }}") == "-"


def test_a_code_without_a_name_shows_as_itself_for_the_browser_test_to_catch() -> None:
    assert render("{{ 'NEW_OPD'|opd }}") == "NEW_OPD"


def test_rule_and_scope_labels() -> None:
    assert rule_label("default:banjir_longsor", {}) == "bawaan topik banjir longsor"
    assert rule_label("jalan-nasional", {}) == "jalan nasional"
    assert scope_label(None, {}) == "seluruh kota"
    assert scope_label("DLH", {"DLH": "Dinas Lingkungan Hidup"}) == "Dinas Lingkungan Hidup"


def test_audit_fields_and_values_read_as_words() -> None:
    from paseban.web.formatting import field_name, field_value

    assert field_name("keep_location") == "lokasi foto disimpan"
    assert field_name("due_days") == "due days"  # no code with underscores reaches the page
    assert [field_value(v) for v in (True, False, None, 3)] == ["ya", "tidak", "-", "3"]
