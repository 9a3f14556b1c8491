"""atheris: records with hostile field sizes, lone surrogates and HTML floods, through the whole ingest.

Each input becomes up to three JSON records (any field any size, any code point, surrogates
included, metadata keys too) plus optionally an HTML page whose one element carries many
attributes, or that has many elements.  They go through the real pipeline into a real store.
Rules: every record is stored or rejected with a one-line reason from a real check; what is stored
is valid UTF-8 and within max_title_chars / max_source_chars; only http(s) or relative URLs are kept.

python fuzz/fuzz_fields.py -max_total_time=600 -timeout=60
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import atheris
from _common import check_reason

with atheris.instrument_imports():
    from storyweave import Tracker
    from storyweave.ingest import record_to_doc
    from storyweave.limits import url_scheme

STORE = Path(tempfile.mkdtemp()) / "fields.db"
TRACKER = Tracker(db=STORE, enrich_stages=["dates"], assign_events=False, workers=1, fetch_feed_links=False)
FIELDS = ["id", "title", "text", "source", "url", "lang", "publish_date", "html", "extra"]


def _value(provider: atheris.FuzzedDataProvider) -> str:
    # A short piece repeated up to 30,000 times: sizes from one character to past every cap.
    return provider.ConsumeUnicode(12) * provider.ConsumeIntInRange(1, 30_000)


def _flood(provider: atheris.FuzzedDataProvider) -> str:
    count = provider.ConsumeIntInRange(0, 80_000)
    if provider.ConsumeBool():
        names = " ".join(f'a{n}="{provider.ConsumeUnicode(1)}"' for n in range(count))
        return f"<html><body><div {names}><p>Harbour pilots strike.</p></div></body></html>"
    return "<html><body>" + "<span>w</span>" * count + "</body></html>"


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    records: list[dict[str, Any]] = []
    for _ in range(provider.ConsumeIntInRange(1, 3)):
        record: dict[str, Any] = {"id": _value(provider)}
        for name in FIELDS[1:]:
            if provider.ConsumeBool():
                key = provider.ConsumeUnicode(8) if name == "extra" else name
                record[key] = _flood(provider) if name == "html" and provider.ConsumeBool() else _value(provider)
        records.append(record)
    report = TRACKER.ingest_docs(record_to_doc(r, f"fuzz#{n}") for n, r in enumerate(records))
    for reject in report.rejected:
        check_reason(reject.reason)
        (reject.origin + reject.reason).encode("utf-8")
    for article_id in report.added:
        details = TRACKER.article_details(article_id)
        json.dumps(details, ensure_ascii=False).encode("utf-8")
        if len(details["title"]) > TRACKER.settings.max_title_chars:
            raise AssertionError(f"title of {len(details['title'])} characters stored")
        if len(details["source"] or "") > TRACKER.settings.max_source_chars:
            raise AssertionError(f"source of {len(details['source'])} characters stored")
        if details["url"] and url_scheme(details["url"]) not in (None, "http", "https"):
            raise AssertionError(f"URL {details['url'][:80]!r} stored")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
