"""What importing an export file comes to: a refusal, or the check of the store it committed.

Shared by the hypothesis test (tests/test_hostile_import.py) and the atheris harness
(fuzz/fuzz_import.py), which hold both outcomes to the same rules.
"""

from __future__ import annotations

from pathlib import Path

from storyweave.errors import StoryweaveError
from storyweave.store.backup import import_store
from storyweave.store.base import CheckReport
from storyweave.store.check import check_store
from storyweave.store.db import connect


def import_outcome(db: Path, source: Path) -> StoryweaveError | CheckReport:
    """Import ``source`` into the new store ``db`` as ``storyweave import FILE`` reads it; the
    error that refused it, else the ``check`` report of what it committed."""
    try:
        with source.open(encoding="utf-8") as stream:
            import_store(db, stream)
    except StoryweaveError as exc:
        return exc
    conn = connect(db)
    try:
        return check_store(conn)
    finally:
        conn.close()
