from __future__ import annotations

import pytest

from paseban.domain.replies import (
    DEFAULT_TEMPLATES,
    Answer,
    InvalidTemplate,
    ReplyEvent,
    Template,
    classify_answer,
    pick_template,
    render,
    validate_template,
)


def test_every_event_has_a_valid_default_with_ticket_code() -> None:
    assert set(DEFAULT_TEMPLATES) == set(ReplyEvent)
    for event, text in DEFAULT_TEMPLATES.items():
        validate_template(text)
        assert "{tiket}" in text, event
        if event is not ReplyEvent.REJECTED:
            assert "{tautan}" in text, event


def test_render_fills_and_tidies() -> None:
    text = render(
        DEFAULT_TEMPLATES[ReplyEvent.RESOLVED],
        {"tiket": "BGR-2611-0042", "opd": "Dinas PUPR", "tautan": "https://x/lacak/BGR-2611-0042"},
    )
    assert text.startswith("Dinas PUPR menyatakan aduan BGR-2611-0042 sudah selesai ditangani.")
    assert "  " not in text and "Balas SUDAH atau BELUM" in text
    assert render("Tiket {tiket} ({alasan})", {"tiket": "A"}) == "Tiket A"


def test_topic_template_beats_the_general_one() -> None:
    general = Template(ReplyEvent.RECEIVED, "umum {tiket}")
    banjir = Template(ReplyEvent.RECEIVED, "banjir {tiket}", topic="banjir_longsor")
    other = Template(ReplyEvent.FORWARDED, "x {tiket}")
    templates = [general, banjir, other]
    assert pick_template(templates, ReplyEvent.RECEIVED, "banjir_longsor") is banjir
    assert pick_template(templates, ReplyEvent.RECEIVED, "jalan") is general
    assert (
        pick_template(templates, ReplyEvent.CLOSED, "jalan").text
        == (DEFAULT_TEMPLATES[ReplyEvent.CLOSED])
    )


@pytest.mark.parametrize(
    "text",
    ["Tiket {nomor}", "Tiket {tiket:>10}", "Tiket {tiket", "   ", "x" * 1001, "{tiket!r}"],
)
def test_bad_templates_are_refused(text: str) -> None:
    with pytest.raises(InvalidTemplate):
        validate_template(text)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("sudah min, makasih", Answer.YES),
        ("Alhamdulillah udah beres", Answer.YES),
        ("SUDAH", Answer.YES),
        ("iya", Answer.YES),
        ("belum min", Answer.NO),
        ("BELUMMM", Answer.NO),
        ("blm, masih bolong", Answer.NO),
        ("udah dicek tapi masih rusak", Answer.NO),
        ("gak beres sama sekali", Answer.NO),
        ("teu acan", Answer.NO),
        ("sudah, tidak ada masalah lagi", Answer.YES),
        ("jam berapa kantor buka?", Answer.UNKNOWN),
        ("", Answer.UNKNOWN),
    ],
)
def test_sudah_beres_answers(text: str, answer: Answer) -> None:
    assert classify_answer(text) is answer
