"""The suite's own plumbing: the tests that read the sample share one test process.

scripts/test runs `pytest -n auto --dist loadgroup`, and tests/conftest.py puts every test
marked `sample_data` in the xdist group "sample", so that the sample (three months of data, a
minute or more to load on PostgreSQL) is loaded once per backend in a run. pytest 9.2 made
xdist's grouping a silent no-op (pytest-xdist issue 1386): each test process then loaded the
sample itself and the suite ran minutes longer. This fails if grouping stops again."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROBE = """
import pytest

@pytest.mark.xdist_group("sample")
@pytest.mark.parametrize("i", range(6))
def test_probe(i):
    pass
"""


def test_one_group_runs_in_one_test_process(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_probe.py"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ran = re.findall(r"\[(gw\d+)\].*PASSED .*test_probe\[\d\](@sample)?", done.stdout)
    assert len(ran) == 6, done.stdout
    assert all(suffix == "@sample" for _, suffix in ran), done.stdout  # the group is known
    assert len({worker for worker, _ in ran}) == 1, done.stdout  # and kept in one process
