"""What every command module shares: the global options, the tracker, JSON and table output."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ..tracker import Tracker

stderr = Console(stderr=True)


@dataclass
class _State:
    db: Path | None = None
    config: Path | None = None


state = _State()


def open_tracker(**overrides: Any) -> Tracker:
    return Tracker(db=state.db, config=state.config, **overrides)


def open_output(path: Path) -> TextIO:
    """Open a CSV output file for writing, or fail with a one-line reason."""
    try:
        return path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    Console().print(table)
