"""Raw documents held on disk until all of them are read, then given back in publication order.

``storyweave cluster`` treats its input as a stream in publication order, so it must read every
record before the first one goes in.  Held in memory, the records of a large input cost the main
process far more than the pipeline does (about 400 MB for 100,000 news articles: Python strings of
non-Latin text take two to four bytes a character).  The spool keeps them in a temporary SQLite file
instead, and memory stays flat whatever the size of the input.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..models import RawDoc

# An undated document before any dated one sorts first.
_EARLIEST = datetime.min.replace(tzinfo=UTC)
# Rows read back per query: keyset pages keep no cursor open while the pipeline works on them.
_PAGE = 256


def publication_moment(doc: RawDoc) -> datetime | None:
    """The document's publication date and time in UTC, when it has a readable one."""
    from ..extract import normalise_date

    value = normalise_date(doc.publish_date)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class OrderedSpool:
    """Documents in the order they were added, readable back in publication order.

    The order is stable, and an undated document keeps its place after the dated one before it
    (its neighbours in the input are the best clue to its time there is).
    """

    def __init__(self, path: Path) -> None:
        # The ingest reads it back from its enrichment-feed thread (``pipeline.run``), one thread at a time.
        self._conn = sqlite3.connect(path, check_same_thread=False)
        # Scratch data: a crash loses nothing that the input file does not still hold.
        self._conn.execute("PRAGMA journal_mode = OFF")
        self._conn.execute("PRAGMA synchronous = OFF")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS docs (seq INTEGER PRIMARY KEY, moment TEXT NOT NULL, doc TEXT NOT NULL)"
        )
        self._count = 0
        self._last = _EARLIEST

    def __enter__(self) -> OrderedSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def __len__(self) -> int:
        return self._count

    def add(self, doc: RawDoc) -> int:
        """Keep ``doc``; returns its position in the input (0, 1, …)."""
        moment = publication_moment(doc)
        self._last = moment if moment is not None else self._last
        # Metadata values JSON cannot hold (none come from JSON records) come back as strings.
        encoded = json.dumps(dataclasses.asdict(doc), ensure_ascii=False, default=str)
        # ISO strings of UTC moments in one fixed layout sort as the moments do.
        moment_key = self._last.isoformat(timespec="microseconds")
        self._conn.execute("INSERT INTO docs (seq, moment, doc) VALUES (?, ?, ?)", (self._count, moment_key, encoded))
        self._count += 1
        return self._count - 1

    def get(self, seq: int) -> RawDoc:
        row = self._conn.execute("SELECT doc FROM docs WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise KeyError(seq)
        return RawDoc(**json.loads(row[0]))

    def in_publication_order(self) -> Iterator[RawDoc]:
        self._conn.commit()
        self._conn.execute("CREATE INDEX IF NOT EXISTS docs_by_moment ON docs (moment, seq)")
        after: tuple[str, int] = ("", -1)
        while True:
            rows = self._conn.execute(
                "SELECT moment, seq, doc FROM docs WHERE (moment, seq) > (?, ?) ORDER BY moment, seq LIMIT ?",
                (*after, _PAGE),
            ).fetchall()
            if not rows:
                return
            for _, _, doc in rows:
                yield RawDoc(**json.loads(doc))
            after = (rows[-1][0], rows[-1][1])
