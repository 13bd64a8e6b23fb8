"""A wheel built from the repository works as well as the editable install: it carries every
data file the code reads (the model above all), so an installed Paseban analyses a message.

The wheel is built from a copy of the checkout (never in the checkout itself) and installed
without its dependencies into a new virtual environment, which borrows the dependencies from
the test environment through a path file. Only the wheel's own `paseban` is importable there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIP = [sys.executable, "-m", "pip", "--quiet"]


def _source_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot tell the project's files from local ones")
    return [name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in _source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("paseban-*.whl")
    return built


def test_the_wheel_carries_every_data_file_of_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = [n for n in _source_files() if n.startswith("paseban/") and not n.endswith(".py")]
    missing = [n for n in tracked if n not in names]
    assert not missing, f"not in the wheel: {missing[:10]}"
    assert "paseban/nlp/models/paseban-nlp.npz" in names


def test_an_installed_wheel_analyses_a_message(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            *PIP,
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-warn-script-location",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # the dependencies come from the test environment: a path file adds its site-packages
    # (without running that folder's own path files, so the editable checkout stays out)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    where = subprocess.run(
        [str(python), "-c", "import paseban; print(paseban.__file__)"],
        cwd=tmp_path,  # not the checkout, whose paseban/ would shadow the installed one
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(venv)), f"paseban imported from {where}"

    line = json.dumps({"id": "1", "text": "lampu jalan mati di kel. batutulis, gelap banget min"})
    run = subprocess.run(
        [str(venv / "bin" / "paseban"), "analyze"],
        input=line + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[0])
    assert result["intent"] == "aduan"
    assert result["topic"]
