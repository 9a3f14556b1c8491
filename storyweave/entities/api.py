"""Tracker methods for entities (mixed into storyweave.Tracker)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import NotFoundError
from ..settings import Settings
from ..store import Store
from ..store import entities as entity_store
from .kb.base import get_kb
from .names import name_form
from .resolve.batch import resolve_batch
from .resolve.reconcile import kinds_to_try, match_stored


def resolve_names(
    rows: Sequence[tuple[str, str, str]],
    db: Store | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    store_aliases: bool = True,
) -> list[tuple[str, str | None, str | None]]:
    """(key, name, lang) rows → (key, entity_id, type); equal ids mean the same entity.

    Works without a store (knowledge base plus clustering of the batch itself); with one, names
    already seen in articles get the ids stored for them.  ``store_aliases`` False leaves out the
    clustering of the rows with every surface form the store holds, whose cost grows with the
    store (seconds a call at 10k articles): stored ids then come from the knowledge base and the
    store's indexed reconciliation alone (a search's few phrases, answered in milliseconds).
    """

    known = db.all_aliases() if db is not None and store_aliases else []
    results = resolve_batch(rows, get_kb(), known, on_progress=on_progress)
    return _reconcile_with_store(db, rows, results) if db is not None else results


def _reconcile_with_store(
    db: Store, rows: Sequence[tuple[str, str, str]], results: list[tuple[str, str | None, str | None]]
) -> list[tuple[str, str | None, str | None]]:
    """The writer's reconciliation, read-only: a bare "Poutine" gets the stored "Vladimir Putin"'s id."""

    names: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for (_, name, _), (_, entity_id, kind) in zip(rows, results, strict=True):
        if entity_id:
            names.setdefault(entity_id, set()).add(name)
            kinds[entity_id] = kind or ""
    mapping = db.redirect_targets(names)
    for entity_id in sorted(names):
        if entity_id in mapping or not entity_id.startswith("sw:") or db.entity_exists(entity_id):
            continue
        for kind in kinds_to_try(kinds[entity_id], [name_form(n) for n in sorted(names[entity_id])]):
            recognised = kinds[entity_id]
            target = match_stored(
                db, entity_id, kind, names[entity_id], set(), recognised != "organisation", recognised=recognised
            )
            if target is not None:
                mapping[entity_id] = target
                kinds[target] = kind
                break
    out = []
    for key, entity_id, kind in results:
        target = mapping.get(entity_id or "", entity_id)
        out.append((key, target, kinds.get(target or "", kind) if target != entity_id else kind))
    return out


def stored_entity_named(db: Store, guess_id: str, kind: str | None, name: str) -> str | None:
    """The stored entity ``name`` means, once the store holds it: ``guess_id`` (what ``name``
    resolved to without the store, of type ``kind``) or the entity it was merged into, else a stored
    entity ``name`` is another form of (a bare "Putin" or "بوتين" of a stored "Vladimir Putin").
    Only the store's name index is read, so this is cheap enough to try for every stored article."""
    current = db.current_id(guess_id)
    if db.entity_exists(current):
        return current
    for candidate_kind in kinds_to_try(kind or "", [name_form(name)]):
        target = match_stored(
            db, guess_id, candidate_kind, {name}, set(), kind != "organisation", recognised=kind or ""
        )
        if target is not None:
            return target
    return None


class EntityQueries:
    db: Store
    settings: Settings

    def entities(
        self, limit: int = 50, type: str | None = None, lang: str | None = None, name_lang: str | None = None
    ) -> list[dict[str, Any]]:
        """Top entities by number of articles: {id, type, name, names, articles, mentions, langs}.

        ``lang`` keeps the entities mentioned in that language and names them in it; ``name_lang``
        only chooses the display language.  ``name`` is the name in that language when known, else
        English, else the most mentioned Latin-script form; ``names`` has one name per language.
        """
        return self.db.list_entities(limit=limit, type=type, lang=lang, name_lang=name_lang)

    def entity(self, entity_id: str, lang: str | None = None) -> dict[str, Any]:
        """One entity with its surface forms in every language and the articles that mention it;
        ``name`` is in ``lang`` when known (see ``entities``)."""
        found = self.db.get_entity(entity_id, lang)
        if found is None:
            raise NotFoundError(f"no entity with id {entity_id!r}; list them with 'storyweave entities'")
        found["article_count"] = found["articles"]
        found["articles"] = found.pop("articles_list")
        return found

    def article_entities(self, article_id: str, lang: str | None = None) -> dict[str, Any]:
        """``{"entities": [...], "mentions": [...]}`` for ``storyweave show``; entity names are in
        ``lang``, by default the article's own language."""
        rows = self.db.article_mentions(article_id)
        if lang is None:
            lang = self.db.article_lang(article_id)
        surfaces = self.db.entity_surface_counts({r["entity_id"] for r in rows if r["entity_id"]})
        entities: dict[str, dict[str, Any]] = {}
        mentions = []
        for row in rows:
            mentions.append(
                {
                    "surface": row["surface"],
                    "start": row["start_pos"],
                    "end": row["end_pos"],
                    "type": row["type"],
                    "entity_id": row["entity_id"],
                }
            )
            if row["entity_id"] is None:
                continue
            entry = entities.get(row["entity_id"])
            if entry is None:
                known = surfaces.get(row["entity_id"], [])
                names = entity_store.display_names(json.loads(row["names"] or "{}"), known)
                entry = entities[row["entity_id"]] = {
                    "id": row["entity_id"],
                    "type": row["entity_type"] or row["type"],
                    "name": entity_store.display_name(names, known, lang, row["name"] or row["surface"]),
                    "names": names,
                    "surfaces": [],
                }
            if row["surface"] not in entry["surfaces"]:
                entry["surfaces"].append(row["surface"])
        return {"entities": list(entities.values()), "mentions": mentions}

    def find_entity(self, name_or_id: str) -> dict[str, str]:
        """The stored entity that ``name_or_id`` means: ``{id, name, matched_by}`` (``name`` as
        ``entity`` shows it: English when known).

        An entity id is taken as it is (an id merged into another follows it); anything else is a
        name in any script (Putin, Poutine, بوتين), resolved with the rules of ``storyweave resolve``
        against what this store knows.  ``matched_by`` is ``id`` or ``name``.
        """
        text = name_or_id.strip()
        entity_id = self.db.current_id(text)
        matched_by = "id"
        if not self.db.entity_exists(entity_id):
            # The query's language is unknown: "und" lets the resolver try every script's rules.
            resolved = self.resolve_names([("query", text, "und")])[0][1]
            if not resolved or not self.db.entity_exists(self.db.current_id(resolved)):
                raise NotFoundError(
                    f"no entity with id or name {text!r} in this store; list them with 'storyweave entities'"
                )
            entity_id, matched_by = self.db.current_id(resolved), "name"
        return {"id": entity_id, "name": self.entity(entity_id)["name"], "matched_by": matched_by}

    def resolve_names(self, rows: Sequence[tuple[str, str, str]]) -> list[tuple[str, str | None, str | None]]:
        """Resolve bare names (key, name, lang) to entity ids; see ``storyweave resolve``."""
        return resolve_names(rows, self.db)
