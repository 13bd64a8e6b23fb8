"""The review queue's order: least confident first, spread over topics."""

from __future__ import annotations

import pytest

from paseban.nlp import analyze
from paseban.nlp.review import Pending, pending, pending_from_stored, teaching_order


def test_least_confident_first_in_turns_over_topics() -> None:
    items = [
        Pending(1, "aduan", 0.95, "jalan", 0.95),
        Pending(2, "aduan", 0.40, "jalan", 0.90),
        Pending(3, "aduan", 0.45, "jalan", 0.90),
        Pending(4, "aduan", 0.90, "sampah", 0.50),
        Pending(5, "informasi", 0.55),
        Pending(6, "aduan", 0.99, "sampah", 0.99),
    ]
    order = [p.key for p in teaching_order(items)]
    # round 1: the most doubtful of each topic (jalan 2, sampah 4, informasi 5), then round 2 ...
    assert order == [2, 4, 5, 3, 6, 1]


def test_a_topic_is_doubtful_only_where_the_product_emits_it() -> None:
    assert Pending(1, "apresiasi", 0.9, "jalan", 0.1).doubt == pytest.approx(0.1)
    assert Pending(1, "aduan", 0.9, "jalan", 0.3).doubt == pytest.approx(0.7)
    assert Pending(1, "apresiasi", 0.9, "jalan", 0.1).bucket == "niat:apresiasi"


def test_rows_stored_by_the_pipeline_can_be_ordered() -> None:
    a = analyze("jalan depan rumah bolong parah")
    stored = pending_from_stored(7, a.intent.label, a.topic.label, a.confidences())
    assert stored == pending(7, a)
    assert pending_from_stored(8, "informasi", None, None).doubt == 1.0
    assert teaching_order([]) == []
