"""Every filter form of every list, submitted exactly as a browser submits it, answers 200.

A browser sends each field of a GET form, chosen or not: a select with its "Semua" option
selected sends `name=`, a hidden field its value, an unchecked checkbox nothing. The forms are
read from the pages themselves, so a new field or a new list page is covered without a new test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from paseban.context import Context
from paseban.services.ingest import files
from paseban.web.query import without_blanks
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what the browser sends
    options: dict[str, list[str]] = field(default_factory=dict)  # each select's choices


class GetForms(HTMLParser):
    """The GET forms of a page, with the values a browser would submit untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._chosen: str | None = None
        self._first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "get":
                self._form = Form(a.get("action", ""))
            return
        form = self._form
        if form is None or (tag != "option" and "name" not in a) or "disabled" in a:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            form.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._chosen, self._first = a["name"], None, None
            form.options[a["name"]] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if self._first is None:
                self._first = value
            if "selected" in a:
                self._chosen = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._form is not None and self._select is not None:
            self._form.fields.append((self._select, self._chosen or self._first or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def get_forms(html: str) -> list[Form]:
    parser = GetForms()
    parser.feed(html)
    return parser.forms


# each list page with a filter form, and who uses it
PAGES = [
    ("operator", "/kotak-masuk"),
    ("lurah.batutulis", "/kotak-masuk"),
    ("operator", "/kasus"),
    ("operator", "/kasus?view=board"),
    ("petugas.dlh", "/opd"),
    ("operator", "/opd?opd=DLH"),
    ("operator", "/peta"),
    ("operator", "/pengaturan/riwayat"),
    ("operator", "/peringatan"),
    ("operator", "/peringkat"),
    ("operator", "/konten/draf"),
    ("lurah.batutulis", "/konten/draf"),
    ("lurah.batutulis", "/konten/kalender"),
    ("operator", "/konten/kalender"),
]


def _submit(browser: Browser, page: str, form: Form, fields: list[tuple[str, str]]) -> int:
    target = urljoin(page, form.action or urlsplit(page).path)
    response = browser.get(f"{urlsplit(target).path}?{urlencode(fields)}")
    return int(response.status_code)


@pytest.mark.parametrize(("user", "page"), PAGES)
def test_filter_forms_answer_200_as_the_browser_submits_them(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path, user: str, page: str
) -> None:
    records = [message(1, "lampu jalan mati di batutulis, gelap banget min")]
    files.ingest_file(app_ctx, write_jsonl(tmp_path / "m.jsonl", records))
    browser = login(user)
    shown = browser.get(page)
    assert shown.status_code == 200, page
    forms = get_forms(shown.text)
    assert forms, f"{page} has no filter form"
    for form in forms:
        # untouched: every select on its default (usually "Semua", sent blank)
        assert _submit(browser, page, form, form.fields) == 200, (page, form.fields)
        # each choice of each select, the others left as they are
        for name, choices in form.options.items():
            for choice in choices:
                fields = [(k, choice if k == name else v) for k, v in form.fields]
                assert _submit(browser, page, form, fields) == 200, (page, name, choice)


def test_blank_parameters_are_dropped_and_the_rest_kept() -> None:
    sent = b"account=&state=new&topic=+&q=lampu%20jalan"
    assert without_blanks(sent) == b"state=new&q=lampu+jalan"
    assert without_blanks(b"state=new") == b"state=new"
    assert without_blanks(b"a=&b=") == b""


def test_an_invalid_choice_is_still_refused(login: Callable[[str], Browser]) -> None:
    assert login("operator").get("/kasus?order=sideways").status_code == 422
