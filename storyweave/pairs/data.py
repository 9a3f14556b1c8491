"""Reading pair files and article files for pair scoring (the ``score-pairs`` contract)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..models import RawDoc, Reject
from ..settings import Settings

PAIR_COLUMNS = ("pair_id", "id1", "id2")


@dataclass(frozen=True)
class Pair:
    pair_id: str
    id1: str
    id2: str
    overall: float | None = None
    lang1: str = ""
    lang2: str = ""

    @property
    def lang_pair(self) -> str:
        return f"{self.lang1 or '?'}-{self.lang2 or '?'}"


def read_pairs(path: Path) -> list[Pair]:
    """Pairs from a CSV with at least ``pair_id,id1,id2``; ``overall``, ``lang1``, ``lang2`` when present."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError(f"pairs file {path} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read pairs file {path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in PAIR_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"pairs file {path} lacks column(s) {', '.join(missing)}; it needs pair_id,id1,id2")
        pairs = []
        for line, row in enumerate(reader, start=2):
            if not (row["pair_id"] and row["id1"] and row["id2"]):
                raise InputError(f"pairs file {path} line {line}: pair_id, id1 and id2 must not be empty")
            overall = row.get("overall")
            try:
                overall_value = float(overall) if overall not in (None, "") else None
            except ValueError:
                raise InputError(f"pairs file {path} line {line}: overall {overall!r} is not a number") from None
            pairs.append(
                Pair(
                    row["pair_id"],
                    row["id1"],
                    row["id2"],
                    overall_value,
                    row.get("lang1") or "",
                    row.get("lang2") or "",
                )
            )
    return pairs


def read_raw_docs(path: Path, settings: Settings) -> Iterator[RawDoc | Reject]:
    """The article JSONL as the ingest stage reads it."""
    if not path.is_file():
        raise InputError(f"articles file {path} does not exist")
    try:
        from ..ingest import iter_inputs
    except ImportError:  # the ingest package without its directory walker: read the JSONL directly
        from ..ingest.records import iter_jsonl

        yield from iter_jsonl(path.read_text(encoding="utf-8"), str(path))
        return
    yield from iter_inputs(str(path), settings)
