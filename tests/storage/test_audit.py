"""The audit trail is append-only on both databases; the migration's seeded policies match the
domain defaults."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.replies import DEFAULT_TEMPLATES
from paseban.domain.sla import DEFAULT_POLICIES
from paseban.storage import tables as t
from tests.conftest import T0


def _case_with_event(ctx: Context) -> int:
    with ctx.engine.begin() as conn:
        case_id = conn.execute(
            sa.insert(t.cases)
            .values(
                ticket="BGR-2611-9999",
                status="received",
                urgency="normal",
                title="x",
                report_count=1,
                opened_at=T0,
                updated_at=T0,
                version=1,
                is_sample=False,
            )
            .returning(t.cases.c.id)
        ).scalar_one()
        conn.execute(
            sa.insert(t.case_events).values(
                case_id=case_id,
                action="open",
                to_status="received",
                at=T0,
                actor="sistem",
                note="",
            )
        )
    return int(case_id)


@pytest.mark.parametrize(
    "statement",
    [
        lambda: sa.update(t.case_events).values(note="diubah"),
        lambda: sa.delete(t.case_events),
        lambda: sa.update(t.policy_revisions).values(note="diubah"),
        lambda: sa.delete(t.policy_revisions),
    ],
)
def test_audit_rows_cannot_be_changed_or_deleted(ctx: Context, statement) -> None:  # type: ignore[no-untyped-def]
    _case_with_event(ctx)
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.insert(t.policy_revisions).values(
                kind="routing_rule", key="x", data={}, changed_at=T0, changed_by="op", note=""
            )
        )
    with (
        pytest.raises(sa.exc.DatabaseError, match="hanya boleh ditambah"),
        ctx.engine.begin() as conn,
    ):
        conn.execute(statement())
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.case_events)).scalar() == 1
        notes = conn.execute(sa.select(t.case_events.c.note)).scalars().all()
    assert notes == [""]


def test_truncate_is_refused_on_postgresql(ctx: Context) -> None:
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _case_with_event(ctx)
    with pytest.raises(sa.exc.DatabaseError), ctx.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE case_events CASCADE"))


def test_seeded_defaults_match_the_domain(ctx: Context) -> None:
    with ctx.engine.connect() as conn:
        policies = {
            (r.stage, r.topic, r.urgency, r.amount, r.unit, r.escalate_after)
            for r in conn.execute(sa.select(t.sla_policies))
        }
        templates = {r.event: r.text for r in conn.execute(sa.select(t.reply_templates))}
    assert policies == {
        (p.stage.value, p.topic, p.urgency, p.amount, p.unit.value, p.escalate_after)
        for p in DEFAULT_POLICIES
    }
    assert templates == {event.value: text for event, text in DEFAULT_TEMPLATES.items()}
