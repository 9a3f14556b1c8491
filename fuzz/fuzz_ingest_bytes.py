"""atheris: arbitrary bytes as every input format, then extraction (HTML, feeds, JSON/JSONL, text).

python fuzz/fuzz_ingest_bytes.py -max_total_time=600 /tmp/fuzz-corpus tests/fixtures/ingest tests/fixtures/hostile
"""

from __future__ import annotations

import sys

import atheris
from _common import check_reason

with atheris.instrument_imports():
    from storyweave import Settings
    from storyweave.extract import extract
    from storyweave.ingest.sources import Session
    from storyweave.models import RawDoc, Reject

SETTINGS = Settings({"fetch_feed_links": False})
FORMATS = [None, "html", "feed", "json", "jsonl", "text", "markdown"]


def test_one_input(data: bytes) -> None:
    fmt = FORMATS[data[0] % len(FORMATS)] if data else None
    for item in Session(SETTINGS).iter_bytes(data[1:], "fuzz", fmt):  # type: ignore[arg-type]
        if isinstance(item, Reject):
            check_reason(item.reason)
        elif isinstance(item, RawDoc):
            result = extract(item, SETTINGS)
            if isinstance(result, Reject):
                check_reason(result.reason)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
