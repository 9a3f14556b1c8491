"""What every command module shares: the global options, the tracker, JSON and table output."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import typer
from rich.console import Console
from rich.table import Table

from ..dates import date_filter
from ..errors import InputError
from ..tracker import Tracker

# soft_wrap: a one-line message stays one line, whatever the width, so scripts can grep it.
stderr = Console(stderr=True, soft_wrap=True)


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


def check_date(value: str | None) -> str | None:
    """The typer callback of every date option: a bad date is a usage error that says what is wrong."""
    if value is None:
        return None
    try:
        return date_filter(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None


def date_option(help: str) -> Any:
    """A ``--since``/``--until`` style option checked by ``check_date``."""
    return typer.Option(help=help, callback=check_date, metavar="YYYY-MM-DD")


def print_more(rows: list[dict[str, Any]], limit: int, what: str, cursor_key: str) -> list[dict[str, Any]]:
    """The first ``limit`` of ``rows`` (fetched with ``limit + 1``); when there were more, says so on
    stderr with the ``--cursor`` that continues."""
    if len(rows) <= limit:
        return rows
    shown = rows[:limit]
    stderr.print(
        f"showing the first {limit} {what}; more exist: add --cursor {shown[-1][cursor_key]} for the next page",
        highlight=False,
    )
    return shown
