"""The suite's own plumbing: the tests that read the sample share one test process.

scripts/test runs `pytest -n auto --dist loadgroup`, and tests/conftest.py puts every test
marked `sample_data` in the xdist group "sample", so that the sample (three months of data, a
minute or more to load on PostgreSQL) is loaded once per backend in a run. pytest 9.2 made
xdist's grouping a silent no-op (pytest-xdist issue 1386): each test process then loaded the
sample itself and the suite ran minutes longer. This fails if grouping stops again."""

from __future__ import annotations

import pytest


@pytest.mark.sample_data
def test_a_sample_test_is_sent_to_the_sample_group(request: pytest.FixtureRequest) -> None:
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run by xdist with --dist loadgroup (scripts/test does)")
    assert request.node.nodeid.endswith("@sample"), request.node.nodeid
