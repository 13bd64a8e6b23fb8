"""Which examples the tuning step fits on (the tests that guard what it may read)."""

from __future__ import annotations

from collections.abc import Sequence

from paseban.nlp import train
from paseban.nlp.labelled import Example
from paseban.nlp.sources import Sources


def fitted_in_tuning(data: Sources) -> set[str]:
    """Run train.tune on `data` and return the ids of every example a tuning model was fitted on."""
    seen: set[str] = set()
    original = train.Matrix.build

    def spy(examples: Sequence[Example], docs: train.Docs | None = None) -> train.Matrix:
        seen.update(e.id for e in examples)
        return original(examples, docs)

    train.Matrix.build = spy  # type: ignore[method-assign]
    try:
        train.tune(data)
    finally:
        train.Matrix.build = original  # type: ignore[method-assign]
    return seen
