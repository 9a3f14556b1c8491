"""Exports of an event, an entity or a search as CSV, JSON, Atom or RSS, to a file or stdout.

The bytes are those of the REST API's exports (``/api/events/ID.csv`` …): both use ``storyweave.exports``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer

from ..errors import InputError
from ..exports import FORMATS, Export, check_format, entity_export, event_export, render, search_export
from ..tracker import Tracker
from .common import open_tracker, shown, stderr


def _format(value: str) -> str:
    try:
        return check_format(value.lower())
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None


FormatOption = Annotated[
    str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.", callback=_format)
]
OutputOption = Annotated[str, typer.Option("--output", "-o", help="File to write, or - for stdout.")]
BaseUrlOption = Annotated[
    str,
    typer.Option("--base-url", help="Where 'storyweave serve' runs: feeds link there (and to articles without a URL)."),
]
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


def _counted(rows: Iterator[dict[str, Any]], seen: list[int]) -> Iterator[dict[str, Any]]:
    for row in rows:
        seen[0] += 1
        yield row


def _write(build: Callable[[Tracker], tuple[Export, str]], kind: str, output: str, base_url: str) -> None:
    """Build the export, then stream it to ``output``; a file appears only when complete.

    ``build`` also names the export's path on the server (the feed's own link), relative to ``base_url``.
    """
    base = base_url if base_url.endswith("/") else base_url + "/"
    seen = [0]
    with open_tracker() as tracker:
        export, self_path = build(tracker)  # raises here, before any output, for an unknown id
        export.rows = _counted(export.rows, seen)
        chunks = render(kind, export, base + self_path, base)
        if output == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            _write_file(Path(output), chunks)
    where = "stdout" if output == "-" else output
    stderr.print(shown(f"exported {seen[0]} articles as {kind} → {where}"), highlight=False)


def _write_file(path: Path, chunks: Iterator[str]) -> None:
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            out.writelines(chunks)
        partial.replace(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)


def export_event(
    event_id: Annotated[str, typer.Argument(help="Event id (from 'storyweave events').")],
    kind: FormatOption = "csv",
    output: OutputOption = "-",
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
) -> None:
    """Export an event's articles as CSV, JSON, Atom or RSS (as GET /api/events/ID.FORMAT does)."""
    _write(lambda tracker: (event_export(tracker, event_id), f"api/events/{quote(event_id)}.{kind}"),
           kind, output, base_url)


def export_entity(
    entity: Annotated[str, typer.Argument(help="Entity id (sw:…, Q…) or a name in any script.")],
    kind: FormatOption = "csv",
    output: OutputOption = "-",
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
) -> None:
    """Export the articles naming an entity as CSV, JSON, Atom or RSS (as GET /api/entities/ID.FORMAT does)."""

    def build(tracker: Tracker) -> tuple[Export, str]:
        found = tracker.find_entity(entity)
        if found["matched_by"] == "name":
            stderr.print(shown(f"entity: {found['id']} {found['name']} (the name {entity!r} resolved to it)"),
                         highlight=False)
        return entity_export(tracker, found["id"]), f"api/entities/{quote(found['id'])}.{kind}"

    _write(build, kind, output, base_url)


def export_search(
    query: Annotated[str, typer.Argument(help="Search query, any language.")],
    lang: Annotated[str | None, typer.Option(help="Only articles in this language (ISO 639-1).")] = None,
    kind: FormatOption = "csv",
    output: OutputOption = "-",
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
) -> None:
    """Export every hit of a search, uncapped, as CSV, JSON, Atom or RSS (as GET /api/search.FORMAT does)."""
    query_string = f"q={quote(query)}" + (f"&lang={quote(lang)}" if lang else "")
    _write(lambda tracker: (search_export(tracker, query, lang), f"api/search.{kind}?{query_string}"),
           kind, output, base_url)


def register(app: typer.Typer) -> None:
    app.command("export-event")(export_event)
    app.command("export-entity")(export_entity)
    app.command("export-search")(export_search)
