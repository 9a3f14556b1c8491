"""What every command module shares: the global options, the tracker, JSON and table output.

Everything printed that came from outside (titles, sources, ids, file names, reasons) goes through
``shown``: controls and bidi overrides become visible escapes, and rich never reads it as markup.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..dates import date_filter
from ..errors import InputError
from ..safetext import BIDI_CONTROLS, escape_controls
from ..settings import Settings
from ..tracker import Tracker

# soft_wrap: a one-line message stays one line, whatever the width, so scripts can grep it.
stderr = Console(stderr=True, soft_wrap=True)
# Cursors are SQLite integers; a bigger number is a usage error, not a crash in the query.
MAX_CURSOR = 2**62


@dataclass
class _State:
    db: str | None = None
    config: Path | None = None


state = _State()

ExecutorOption = Annotated[
    str | None,
    typer.Option("--executor", help="Where enrichment runs: inprocess, pool (local processes; default) or ray."),
]
RayAddressOption = Annotated[
    str | None,
    typer.Option("--ray-address", help="Ray cluster for --executor ray (host:6379 or ray://host:10001)."),
]


def open_tracker(**overrides: Any) -> Tracker:
    return Tracker(db=state.db, config=state.config, **overrides)


def run_as_batch_job(settings: Settings) -> None:
    """Run this process at niceness ``ingest_nice`` at least, before it starts any worker (they
    inherit it).  At least, not more: commands invoked again in one process (tests, scripts
    calling the app) must not lower it further each time.

    Only commands do this, never the library: a server that ingests through its own tracker must
    keep answering at full priority."""
    os.nice(max(0, min(19, int(settings.ingest_nice)) - os.nice(0)))


def open_output(path: Path) -> TextIO:
    """Open a CSV output file for writing, or fail with a one-line reason."""
    try:
        return path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


# JSON escapes C0 controls itself; these it would print raw (they only occur inside strings).
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")


def shown(value: Any, *, keep_lines: bool = False, style: str = "") -> Text:
    """Outside text for the terminal: controls and bidi overrides escaped, never read as markup."""
    return Text(escape_controls("" if value is None else str(value), keep_lines=keep_lines), style=style)


def print_reject(origin: str, reason: str, label: str = "rejected") -> None:
    """One line on stderr however long (no wrapping), whatever the file name holds."""
    stderr.print(Text.assemble(Text(label, style="yellow"), " ", shown(origin), ": ", shown(reason)), soft_wrap=True,
                 highlight=False)


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n")


def print_table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None) -> None:
    table = Table(title=shown(title) if title is not None else None)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(shown(row.get(c)) for c in columns))
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
