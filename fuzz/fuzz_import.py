"""atheris: arbitrary and tampered export files into ``storyweave import``: refused whole with a
one-line reason, or loaded into a store that passes ``storyweave check``.

Three kinds of input: any text after a valid header; any bytes read as the CLI reads a file (so
invalid UTF-8 too); and a real export (a few made-up articles, events on) with values replaced by
fuzzed ones (integers past 64 bits, lone surrogate escapes, bytes of any length, rows twice).

python fuzz/fuzz_import.py -max_total_time=600
"""

from __future__ import annotations

import base64
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import atheris
from _common import REPO  # noqa: F401

with atheris.instrument_imports():
    from import_outcome import import_outcome  # inside the block: what it imports is instrumented too

    from storyweave import Tracker
    from storyweave.errors import StoryweaveError
    from storyweave.ingest import record_to_doc
    from storyweave.store.backup import FORMAT
    from storyweave.store.db import latest_version

HEADER = json.dumps({"format": FORMAT, "schema_version": latest_version()})
WORK = Path(tempfile.mkdtemp())
RECORDS = [{"id": f"fuzz-{n}", "title": f"Harbour fees rise in Haiphong, report {n}", "lang": "en",
            "text": f"Port fees in Haiphong rose again on Monday, the authority said in report {n}.",
            "publish_date": f"2024-05-0{n}"} for n in range(1, 5)]


def _real_export() -> tuple[str, list[dict[str, Any]]]:
    with Tracker(db=WORK / "source.db", enrich_stages=[], assign_events=True) as tracker:
        tracker.ingest_docs(record_to_doc(r, "fuzz") for r in RECORDS)
        out = io.StringIO()
        tracker.db.export(out)
    header, *lines = out.getvalue().splitlines()
    return header, [json.loads(line) for line in lines]


REAL_HEADER, REAL_ROWS = _real_export()


def _fuzzed_value(provider: atheris.FuzzedDataProvider) -> Any:
    kind = provider.ConsumeIntInRange(0, 5)
    if kind == 0:
        return provider.ConsumeInt(provider.ConsumeIntInRange(1, 80))
    if kind == 1:
        return provider.ConsumeUnicode(20)  # may hold lone surrogates: written as \ud800 escapes
    if kind == 2:
        return {"$b64": base64.b64encode(provider.ConsumeBytes(12)).decode()}
    if kind == 3:
        return provider.ConsumeFloat()
    if kind == 4:
        return None
    return provider.ConsumeBool()


def _tampered_export(provider: atheris.FuzzedDataProvider) -> str:
    rows = json.loads(json.dumps(REAL_ROWS))
    for _ in range(provider.ConsumeIntInRange(1, 3)):
        row = rows[provider.ConsumeIntInRange(0, len(rows) - 1)]["row"]
        columns = sorted(row)
        row[columns[provider.ConsumeIntInRange(0, len(columns) - 1)]] = _fuzzed_value(provider)
    if provider.ConsumeBool():
        rows.append(rows[provider.ConsumeIntInRange(0, len(rows) - 1)])
    return REAL_HEADER + "\n" + "".join(json.dumps(r, allow_nan=True) + "\n" for r in rows)


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    db = WORK / "import.db"
    for leftover in WORK.glob("import.db*"):
        leftover.unlink()
    mode = provider.ConsumeIntInRange(0, 2)
    source = WORK / "export.jsonl"
    if mode == 0:
        source.write_text(HEADER + "\n" + provider.ConsumeUnicodeNoSurrogates(4000), encoding="utf-8")
    elif mode == 1:
        source.write_bytes(HEADER.encode() + b"\n" + provider.ConsumeBytes(4000))
    else:
        source.write_text(_tampered_export(provider), encoding="utf-8")
    outcome = import_outcome(db, source)
    if isinstance(outcome, StoryweaveError):
        if "\n" in str(outcome):
            raise AssertionError(f"multi-line error: {outcome!r}")
        return
    if not outcome.ok:
        raise AssertionError(f"an import committed a store that fails its check: {outcome.errors[0]}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
