"""Setting up from a clone: the Makefile installs only when needed, packaging does not warn, and the
README and docs/ stand on their own (no reference to files outside the repository)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from conftest import REPO


def _make(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-C", str(folder), *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The Makefile and pyproject.toml of this repository in a folder of their own."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, tmp_path / name)
    return tmp_path


def _set_age(path: Path, seconds: float) -> None:
    """Make ``path`` look last changed ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_fresh_machine_creates_the_venv_and_installs(checkout: Path) -> None:
    demo = _make(checkout, "-n", "demo")
    assert demo.returncode == 0, demo.stderr
    steps = demo.stdout
    assert "-m venv .venv" in steps and "pip install --quiet -e ." in steps and "storyweave-demo.db demo" in steps
    assert steps.index("-m venv") < steps.index("pip install") < steps.index(" demo")
    test = _make(checkout, "-n", "test")
    assert test.returncode == 0, test.stderr
    assert "pip install --quiet -e '.[test,kb,postgresql,ray]'" in test.stdout and "pytest" in test.stdout


def test_second_run_does_not_reinstall(checkout: Path) -> None:
    venv_bin = checkout / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").touch()
    installed, installed_test = checkout / ".venv" / ".installed", checkout / ".venv" / ".installed-test"
    installed.touch()
    installed_test.touch()
    _set_age(checkout / "pyproject.toml", 60)
    _set_age(installed, 30)
    _set_age(installed_test, 30)
    assert _make(checkout, "-q", ".venv/.installed").returncode == 0  # up to date
    assert _make(checkout, "-q", ".venv/.installed-test").returncode == 0
    again = _make(checkout, "-n", "demo")
    assert "pip install" not in again.stdout and "storyweave-demo.db demo" in again.stdout
    assert "pip install" not in _make(checkout, "-n", "test").stdout

    # pyproject.toml changed since: both installs run again
    _set_age(installed, 120)
    _set_age(installed_test, 120)
    assert _make(checkout, "-q", ".venv/.installed").returncode == 1
    assert "pip install --quiet -e ." in _make(checkout, "-n", "demo").stdout
    assert "pip install --quiet -e '.[test,kb,postgresql,ray]'" in _make(checkout, "-n", "test").stdout


def test_license_is_an_spdx_string() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    for name in project["project"]["license-files"]:
        assert (REPO / name).is_file()
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    assert any(re.fullmatch(r"setuptools>=(\d+)", r) and int(r.split(">=")[1]) >= 77
               for r in project["build-system"]["requires"])


def test_building_the_package_prints_no_setuptools_warning(tmp_path: Path) -> None:
    """pip prepares the package metadata with setuptools, as ``make`` does, and shows its warnings."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--verbose", "-e", str(REPO)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0 and re.search(r"No matching distribution|Could not find a version|NewConnectionError",
                                            output):
        pytest.skip("no package index reachable to build with")
    assert result.returncode == 0, output[-3000:]
    assert "Would install storyweave" in output
    warnings = re.findall(r".*(?:DeprecationWarning|deprecated).*", output, re.I)
    assert warnings == [], warnings


def _documents() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def test_readme_and_docs_point_only_inside_the_repository() -> None:
    for doc in _documents():
        text = doc.read_text(encoding="utf-8")
        assert "design.md" not in text, doc
        assert "../shared/design" not in text, doc
        for target in re.findall(r"`((?:docs|storyweave|tests|benchmarks|examples)/[\w./-]*\.(?:md|py))`", text):
            assert (REPO / target).exists(), f"{doc.name} names {target}, which does not exist"
        for target in re.findall(r"\]\(((?!https?:)[^)#]+)\)", text):
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/formats.md" in readme


def test_formats_doc_describes_the_contracts() -> None:
    text = " ".join((REPO / "docs" / "formats.md").read_text(encoding="utf-8").split())
    for needed in ("storyweave score-pairs --articles A.jsonl --pairs P.csv --output S.csv", "pair_id,id1,id2",
                   "pair_id,score", "storyweave cluster --articles A.jsonl --output C.csv",
                   "article_id,event_id,storyline_id", "storyweave [--db S.db] resolve --input N.csv --output R.csv",
                   "key,name,lang", "key,entity_id,type", "publish_date", "## Exit codes", "--strict"):
        assert needed in text, needed
