"""The SQL twin of `domain.sla.deadline`: the same "is it late" rule as a WHERE clause, so that
the lists, the OPD queue, the API, Open311 and the measurement filter and count exactly the
cases the pages mark late (a property test checks that the two agree)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from paseban.domain.sla import OVERDUE_STAGES

OVERDUE_STAGE_VALUES = sorted(stage.value for stage in OVERDUE_STAGES)


def overdue(stage: Any, due_at: Any, now: datetime) -> sa.ColumnElement[bool]:
    """Late at `now`: a binding deadline (verification or the OPD's follow-up) has passed. Works
    on `cases` (stage, due_at) and on running `case_stages` rows alike."""
    return sa.and_(stage.in_(OVERDUE_STAGE_VALUES), due_at < now)
