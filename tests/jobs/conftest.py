"""Fixtures of the job backends' tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import _pg_fresh


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database with Kota Bogor's reference data (these tests need one)."""
    yield from _pg_fresh(request, request.getfixturevalue("pg_template"))
