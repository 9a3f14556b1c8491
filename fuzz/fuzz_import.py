"""atheris: arbitrary export files into ``storyweave import``: refused whole with a reason, or loaded.

python fuzz/fuzz_import.py -max_total_time=600
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

import atheris
from _common import REPO  # noqa: F401

with atheris.instrument_imports():
    from storyweave.backup import FORMAT, import_store
    from storyweave.errors import StoryweaveError
    from storyweave.store.db import latest_version

HEADER = json.dumps({"format": FORMAT, "schema_version": latest_version()})
WORK = Path(tempfile.mkdtemp())


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    body = provider.ConsumeUnicodeNoSurrogates(4000)
    text = (HEADER + "\n" + body) if provider.ConsumeBool() else body
    db = WORK / "import.db"
    for leftover in WORK.glob("import.db*"):
        leftover.unlink()
    try:
        import_store(db, io.StringIO(text))
    except StoryweaveError as exc:
        if "\n" in str(exc):
            raise AssertionError(f"multi-line error: {exc!r}") from None


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
