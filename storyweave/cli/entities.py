"""Entity commands: entities, entity, resolve."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from ..entities.api import resolve_names
from ..errors import InputError
from ..safetext import escape_controls
from ..settings import Settings
from ..store import is_url
from .common import open_output, open_tracker, print_json, print_table, shown, state, stderr

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]


def entities(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many entities to show.")] = 50,
    type: Annotated[str | None, typer.Option("--type", help="person, place, organisation or other.")] = None,
    lang: Annotated[str | None, typer.Option(help="Only entities mentioned in this language, named in it.")] = None,
    name_lang: Annotated[
        str | None, typer.Option("--name-lang", help="Show names in this language (default: English).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the most mentioned entities, counted across all languages and scripts."""
    with open_tracker() as tracker:
        rows = tracker.entities(limit=limit, type=type, lang=lang, name_lang=name_lang)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["langs"] = ",".join(row["langs"])
    print_table(rows, ["id", "type", "name", "articles", "mentions", "langs"], title="entities")


def entity(
    entity_id: Annotated[str, typer.Argument(help="Entity id (Q… or sw:…) or a name in any script (Putin, بوتين).")],
    lang: Annotated[str | None, typer.Option(help="Show the name in this language (default: English).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show one entity: its names in every language, surface forms and articles."""
    with open_tracker() as tracker:
        match = tracker.find_entity(entity_id)
        if match["matched_by"] == "name":
            stderr.print(shown(f"entity: {match['id']} {match['name']} (the name {entity_id!r} resolved to it)"),
                         highlight=False)
        found = tracker.entity(match["id"], lang=lang)
    if as_json:
        print_json(found)
        return
    typer.echo(escape_controls(f"{found['id']}  {found['type']}  {found['name']}"))
    for lang, name in sorted(found["names"].items()):
        typer.echo(escape_controls(f"  {lang}: {name}"))
    print_table(found["surface_forms"], ["surface", "lang", "count"], title="surface forms")
    print_table(found["articles"], ["id", "lang", "publish_date", "source", "title"], title="articles")


def _read_names(path: Path) -> list[tuple[str, str, str]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = {"key", "name"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path} lacks column(s) {', '.join(sorted(missing))}; expected key,name,lang")
        return [(row["key"] or "", row["name"] or "", row.get("lang") or "") for row in reader]


def resolve(
    input: Annotated[Path, typer.Option("--input", "-i", help="CSV with columns key,name,lang.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write: key,entity_id,type.")],
) -> None:
    """Resolve bare names to entity ids: equal ids mean the same real-world entity, across scripts."""
    rows = _read_names(input)
    stderr.print(shown(f"resolving {len(rows)} names from {input}"), highlight=False)

    def progress(done: int, total: int) -> None:
        stderr.print(f"  {done}/{total}", highlight=False)

    db_path = Settings.load(state.config, db=state.db).db_path
    if is_url(db_path) or Path(db_path).is_file():
        with open_tracker() as tracker:
            results = resolve_names(rows, tracker.db, on_progress=progress)
    else:
        results = resolve_names(rows, None, on_progress=progress)
    handle = open_output(output)
    with handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "entity_id", "type"])
        writer.writerows((key, entity_id or "", kind or "") for key, entity_id, kind in results)
    distinct = len({r[1] for r in results if r[1]})
    stderr.print(shown(f"resolved {len(results)} names to {distinct} entities → {output}"), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("entities")(entities)
    app.command("entity")(entity)
    app.command("resolve")(resolve)
