"""Store administration: check, export, import, backup."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ..store import describe
from .common import open_tracker, print_json, print_table, shown, stderr

_MARKS = {"ok": "[green]ok[/]", "warning": "[yellow]warning[/]", "error": "[red]ERROR[/]"}


def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")] = False,
    quick: Annotated[
        bool, typer.Option("--quick", help="Skip the checks that read every page (integrity, full-text words).")
    ] = False,
    show_ok: Annotated[bool, typer.Option("--all", help="Also list the checks that passed.")] = False,
) -> None:
    """Verify the store: integrity, references, full-text index, vectors, events, storylines, entities.

    Exits 1 when a problem is found (warnings alone exit 0).
    """
    with open_tracker() as tracker:
        report = tracker.db.check(quick=quick)
    if as_json:
        print_json(report.as_dict())
    else:
        rows = [
            {**f.as_dict(), "severity": _MARKS[f.severity], "examples": ", ".join(f.examples)}
            for f in report.findings
            if show_ok or f.severity != "ok"
        ]
        if rows:
            _print_findings(rows)
        stderr.print(
            f"{len(report.findings)} checks: {len(report.errors)} errors, {len(report.warnings)} warnings",
            highlight=False,
        )
    if not report.ok:
        raise typer.Exit(1)


def _print_findings(rows: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="store check")
    for column in ("check", "severity", "message", "examples"):
        table.add_column(column, overflow="fold")
    for row in rows:
        # The severity is this module's own markup; messages and examples quote the store's ids.
        table.add_row(shown(row["check"]), str(row["severity"]), shown(row["message"]), shown(row["examples"]))
    Console().print(table)


def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL file to write (default: stdout).")
    ] = None,
) -> None:
    """Write the whole store as JSONL (a header line, then one table row a line)."""
    with open_tracker() as tracker:
        if output is None:
            counts = tracker.db.export(sys.stdout)
            sys.stdout.flush()
        else:
            partial = output.with_name(f".{output.name}.partial")
            with partial.open("w", encoding="utf-8") as out:
                counts = tracker.db.export(out)
            partial.replace(output)
    stderr.print(
        f"exported {counts.get('articles', 0)} articles, {sum(counts.values())} rows in {len(counts)} tables",
        highlight=False,
    )


def import_(
    source: Annotated[str, typer.Argument(help="A file written by 'storyweave export', or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print row counts per table as JSON.")] = False,
) -> None:
    """Read an export into a new, empty store (the --db option names it)."""
    with open_tracker() as tracker:
        db_path = describe(tracker.db_path)
        if source == "-":
            counts = tracker.db.import_export(sys.stdin)
        else:
            path = Path(source)
            if not path.is_file():
                raise InputError(f"{source} is not a file; pass the file 'storyweave export --output' wrote")
            with path.open(encoding="utf-8") as stream:
                counts = tracker.db.import_export(stream)
    if as_json:
        print_json(counts)
    else:
        rows = [{"table": t, "rows": n} for t, n in counts.items()]
        print_table(rows, ["table", "rows"], title=f"imported into {db_path}")


def backup(
    target: Annotated[Path, typer.Argument(help="New file to write the copy to (a SQLite store, or pg_dump's "
                                                "custom format for a PostgreSQL store).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace TARGET if it exists.")] = False,
) -> None:
    """Copy the store to TARGET (safe while ingest or serve run): SQLite's online backup API, or pg_dump."""
    with open_tracker() as tracker:
        size = tracker.db.backup(target, overwrite=overwrite)
    stderr.print(shown(f"backed up {describe(tracker.db_path)} to {target} ({size / 1e6:.1f} MB)"),
                 highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(export)
    app.command("import")(import_)
    app.command()(backup)
