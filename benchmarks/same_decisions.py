"""Do two stores hold the same decisions?  Row by row, through each store's export.

    python benchmarks/same_decisions.py a.db b.db
    python benchmarks/same_decisions.py a.db postgresql://user@host/db

Every table of the export (articles, events and their members, storylines, entities with their
names, keys, aliases and redirects, every mention's entity id, signatures, merges, centroids, dates,
alerts, the assigner's state) is compared as a sorted list of rows, leaving out what records when
or in which order a row was written rather than what was decided: time stamps, insertion sequence
numbers and change tokens.  Two writers that decide alike give "ALL IDENTICAL", whichever engine
each ran on and however it batched its reads.  Exit status 1 when a table differs.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections import defaultdict

from storyweave.store import open_store

# What says when or in which order, not what: left out of every row.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", help="A SQLite file or a postgresql:// URL.")
    parser.add_argument("second", help="A SQLite file or a postgresql:// URL.")
    args = parser.parse_args()
    first, second = decisions(args.first), decisions(args.second)
    same = True
    for table in sorted(first.keys() | second.keys()):
        a, b = first.get(table, []), second.get(table, [])
        verdict = "identical" if a == b else f"DIFFERENT ({len(set(a) ^ set(b))} rows in one only)"
        same &= a == b
        print(f"{table:<22} {len(a):>8} rows vs {len(b):>8}: {verdict}")
    print("ALL IDENTICAL" if same else "DIFFERENCES")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
