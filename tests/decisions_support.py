"""Shared by the engine tests and ``benchmarks/same_decisions.py``: a store's decisions, row by row.

Every table of a store's export (articles, events and their members with their scores, storylines,
entities with their names, keys, aliases and redirects, every mention's entity id, signatures,
merges, centroids, dates, alerts, the assigner's state) as a sorted list of rows, leaving out what
records when or in which order a row was written rather than what was decided: time stamps,
insertion sequence numbers, change tokens and row numbers.  Two writers that decide alike give equal
results, whichever engine each ran on and however it batched its reads."""

from __future__ import annotations

import io
import json
from collections import defaultdict

from storyweave.store import open_store

_NOT_DECISIONS = frozenset({"created", "updated", "seq", "token", "first_seen", "last_seen", "rowid"})


def decisions(location: str) -> dict[str, list[str]]:
    """table -> its rows (JSON, keys sorted, bookkeeping columns left out), sorted."""
    db = open_store(location)
    try:
        out = io.StringIO()
        db.export(out)
    finally:
        db.close()
    tables: dict[str, list[str]] = defaultdict(list)
    for line in out.getvalue().splitlines()[1:]:
        record = json.loads(line)
        row = {k: v for k, v in record["row"].items() if k not in _NOT_DECISIONS and not k.endswith("_at")}
        tables[record["table"]].append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return {table: sorted(rows) for table, rows in tables.items()}
