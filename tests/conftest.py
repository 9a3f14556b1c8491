"""Shared fixtures.  Every test runs offline: a model hub download must fail loudly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pgserver
import pytest
from pgserver import Databases

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"
EVAL_DIR = SHARED / "eval" / "semeval-dev"
ARABIC_SEED = EXAMPLES / "000_f35a44fb5feb97ee.txt"
FRENCH_SEED = EXAMPLES / "004_c0189183aaa892e8.txt"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real user's config and data directories from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for name in list(os.environ):
        if name.startswith("STORYWEAVE_"):
            monkeypatch.delenv(name)


@pytest.fixture
def eval_dir() -> Path:
    if not (EVAL_DIR / "articles.jsonl").is_file():
        pytest.skip(f"evaluation data not present at {EVAL_DIR}")
    return EVAL_DIR


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[Databases]:
    """A real PostgreSQL server for the session (tests/pgserver.py), handing out fresh databases."""
    pytest.importorskip("psycopg", reason="psycopg is the postgresql extra: pip install storyweave[postgresql]")
    reason = pgserver.unavailable()
    if reason is not None:
        pytest.skip(reason)
    with pgserver.databases() as found:
        yield found
