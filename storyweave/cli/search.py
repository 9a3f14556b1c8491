"""``storyweave search``: the same blended search, and the same "why", as the REST API and web UI."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import date_option, open_tracker, print_json, print_more, print_table

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]


def why_text(why: list[dict[str, Any]]) -> str:
    """Each kind of match on one line of a table cell: text words, entity names, closeness in meaning."""
    parts = []
    for match in why:
        terms = match.get("terms") or []
        parts.append(f"{match['kind']}: {match['detail']}" + (f" ({', '.join(terms)})" if terms else ""))
    return "\n".join(parts)


def search(
    query: Annotated[str, typer.Argument(help="Words, a name or a phrase, in any language.")],
    lang: Annotated[str | None, typer.Option(help="Only articles in this language (ISO 639-1).")] = None,
    source: Annotated[str | None, typer.Option(help="Only articles from this outlet.")] = None,
    since: Annotated[str | None, date_option("Only articles published on or after this ISO date.")] = None,
    until: Annotated[str | None, date_option("Only articles published on or before this ISO date.")] = None,
    semantic: Annotated[
        bool, typer.Option("--semantic/--no-semantic", help="Include matches by meaning, across languages.")
    ] = True,
    cursor: Annotated[int | None, typer.Option(help="Continue after this cursor (from a previous page).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many hits to show.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Search articles by words, by meaning across languages and by the entities they name, best first;
    each hit says why it matched."""
    with open_tracker() as tracker:
        hits = tracker.search(query, lang=lang, limit=limit + 1, cursor=cursor, source=source, since=since,
                              until=until, semantic=semantic)
    hits = print_more(hits, limit, "hits", "cursor")
    rows = [{"id": hit["article_id"], **{k: v for k, v in hit.items() if k != "article_id"}} for hit in hits]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["why"] = why_text(row["why"])
    print_table(rows, ["score", "id", "lang", "publish_date", "source", "title", "why"], title=f"search: {query}")


def register(app: typer.Typer) -> None:
    app.command()(search)
