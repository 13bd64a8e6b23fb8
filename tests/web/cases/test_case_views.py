"""The case page's pure helpers: clocks as people read them, progress notes, photo links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from paseban.domain.sla import LEVEL_LABELS, Level
from paseban.storage.rows.cases import CaseStageRow
from paseban.web.cases.page import ACTION_FORMS, clock_views, photo_link, progress_notes

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def _clock(stage: str, start: datetime, due: datetime, **extra: Any) -> CaseStageRow:
    row = CaseStageRow(
        id=1,
        case_id=1,
        stage=stage,
        started_at=start,
        due_at=due,
        escalate_at=due,
        sweep_at=due,
        finished_at=None,
        breached=None,
        escalation_level=0,
        judged=True,
        policy={},
    )
    row.update(extra)  # type: ignore[typeddict-item]  # the test's own columns
    return row


def test_clocks_newest_first_with_what_is_left_or_how_late() -> None:
    rows = [
        _clock(
            "verify", T0, T0 + timedelta(days=1), finished_at=T0 + timedelta(days=2), breached=True
        ),
        _clock("follow_up", T0 + timedelta(days=2), T0 + timedelta(days=5), escalation_level=1),
    ]
    running, done = clock_views(rows, T0 + timedelta(days=6))
    assert running.running and running.late and running.left == -timedelta(days=1)
    assert (
        running.label == "Tindak lanjut OPD" and running.level_label == LEVEL_LABELS[Level.OPD_HEAD]
    )
    assert not done.running and done.late and done.left == timedelta(0)
    on_time = clock_views([_clock("confirm", T0, T0 + timedelta(hours=3))], T0)[0]
    assert not on_time.late and on_time.left == timedelta(hours=3) and on_time.level == 0


def test_progress_notes_are_notes_results_and_photos() -> None:
    def event(i: int, action: str, **extra: object) -> dict[str, object]:
        return {"id": i, "action": action, "note": "", "public_note": None, "data": None, **extra}

    events = [
        event(1, "open"),
        event(2, "note", note="cek lokasi"),
        event(3, "start"),
        event(4, "resolve", public_note="sudah diperbaiki"),
        event(5, "escalate", note="tenggat lewat"),
        event(6, "return", note="x", data={"media_url": "https://f.example/a.jpg"}),
    ]
    assert [e["id"] for e in progress_notes(events)] == [6, 4, 2]


def test_only_web_addresses_become_photo_links() -> None:
    assert photo_link("https://foto.example/a.jpg") == "https://foto.example/a.jpg"
    assert photo_link("http://foto.example/a b.jpg") is None
    assert photo_link("javascript:alert(1)") is None
    assert photo_link(None) is None


def test_every_form_needs_a_reason_where_the_lifecycle_does() -> None:
    from paseban.domain.cases import NEEDS_NOTE

    for action, form in ACTION_FORMS.items():
        assert form.action is action
        if action in NEEDS_NOTE:
            assert form.reason or form.public_required, action
    assert set(LEVEL_LABELS) == set(Level)
