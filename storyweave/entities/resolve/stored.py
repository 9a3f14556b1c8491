"""What reconciliation reads of the stored entities, kept in the single writer between articles.

Each article's names are compared with every stored person and organisation sharing a name key:
the same keys, the same candidates and the same stored names come back article after article.
``StoredNames`` keeps them (the ids under each key, each entity's type and parsed names) and is
told of every change the writer itself makes (``stored``, ``retyped``, ``merged``); the writer
empties it (``clear``) when the store changed by any other hand, or when its transaction failed.
What one article's decisions count (articles per entity, co-occurrences) changes with every
article stored, so it is kept for one article only (``begin_article``).
Without a writer (``entities`` commands, tests), a fresh ``StoredNames`` per call reads exactly
what the store holds.

Each of its tables is bounded (``writer_names_kept``, ``writer_name_pairs_kept``): past the bound
the oldest quarter is dropped and read again when next asked, so a writer that runs for months holds
a fixed amount of it, and decides exactly as one that keeps everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import TypeVar

from ...settings import Settings
from ...store import Store
from ..names import NameForm, name_form

K = TypeVar("K")
V = TypeVar("V")


class Bounded(dict[K, V]):
    """A dict of at most ``limit`` entries: ``make_room`` drops the oldest-inserted quarter.

    Dropping a quarter at once, not one entry per insertion, keeps the cost of the bound off the
    hot path; the oldest are what the writer read longest ago (the names of past weeks' news)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = max(1, limit)

    def make_room(self, coming: int) -> None:
        if len(self) + coming > self.limit:
            drop = max(len(self) + coming - self.limit, len(self) // 4)
            for key in list(islice(self, drop)):
                del self[key]


def name_forms(surfaces: Iterable[str]) -> list[NameForm]:
    """The parsed names of some surfaces, in a stable order, without the empty ones."""
    return [f for f in (name_form(s) for s in sorted(set(surfaces))) if f.tokens]


class StoredNames:
    def __init__(self, conn: Store, kept: int | None = None, pairs_kept: int | None = None) -> None:
        defaults = Settings()
        self.conn = conn
        kept = defaults.writer_names_kept if kept is None else kept
        self._ids_by_key: Bounded[str, frozenset[str]] = Bounded(kept)
        self._types: Bounded[str, str | None] = Bounded(kept)
        self._forms: Bounded[str, list[NameForm]] = Bounded(kept)
        # Whether two names (their texts) are one entity's: a pure function of them, so never
        # emptied with the rest; reconciliation reads and fills it (``reconcile._same_entity``).
        self.same_pairs: Bounded[tuple[str, str], bool] = Bounded(
            defaults.writer_name_pairs_kept if pairs_kept is None else pairs_kept
        )
        self._article_counts: dict[str, int] = {}
        self._cooccurrences: dict[tuple[str, frozenset[str]], int] = {}
        self._article_total: int | None = None
        # The name key index once seen filled: it only empties with the entities, which moves the
        # store's change token, and the writer then calls ``clear``.
        self.keys_indexed = False

    # -- what the writer tells ---------------------------------------------------------------------------
    def clear(self) -> None:
        self.keys_indexed = False
        self._ids_by_key.clear()
        self._types.clear()
        self._forms.clear()
        self.begin_article()

    def begin_article(self) -> None:
        """Forget the counts one article's decisions read: storing it changed them."""
        self._article_counts.clear()
        self._cooccurrences.clear()
        self._article_total = None

    def stored(self, ids: Iterable[str], keys: Iterable[tuple[str, str]]) -> None:
        """The writer stored mentions of ``ids`` (new names, maybe new entities) and indexed ``keys``
        ((key, entity id) rows)."""
        for entity_id in ids:
            self._forms.pop(entity_id, None)
            self._types.pop(entity_id, None)
        for key, entity_id in keys:
            known = self._ids_by_key.get(key)
            if known is not None and entity_id not in known:
                self._ids_by_key[key] = known | {entity_id}

    def retyped(self, ids: Iterable[str]) -> None:
        for entity_id in ids:
            self._types.pop(entity_id, None)

    def merged(self, old: str, new: str) -> None:
        """``old`` was folded into ``new``: its names and keys are ``new``'s now."""
        for entity_id in (old, new):
            self._forms.pop(entity_id, None)
            self._types.pop(entity_id, None)
        self._ids_by_key.clear()  # rare (a full name absorbing a surname): cheaper than finding old's keys

    # -- what reconciliation asks --------------------------------------------------------------------------
    def candidates(self, keys: set[str], kind: str) -> set[str]:
        """The stored entities of type ``kind`` indexed under any of ``keys``."""
        found = self._under(keys)
        self._read_types(found)
        types = self._types
        return {e for e in found if types[e] == kind}

    def read_ahead(self, keys: set[str]) -> None:
        """Read at once what ``candidates`` of ``keys`` will be asked, for all of an article's names:
        the ids under the keys and their types, one statement each instead of one per entity and
        type tried (on PostgreSQL each is a round trip).  Only what is read changes, not what is
        found.  The candidates' names are read as the candidates of each type are asked: reading
        those of every candidate at once would parse many that no decision reads."""
        self._read_types(self._under(keys))

    def _under(self, keys: set[str]) -> set[str]:
        missing = {k for k in keys if k not in self._ids_by_key}
        if missing:
            self._ids_by_key.make_room(len(missing))
            missing = {k for k in keys if k not in self._ids_by_key}  # making room may drop some of keys
            self._ids_by_key.update((k, frozenset(v)) for k, v in self.conn.entity_ids_by_key(missing).items())
        return set().union(*(self._ids_by_key[k] for k in keys)) if keys else set()

    def types(self, ids: Iterable[str]) -> dict[str, str | None]:
        """entity id -> its type, ``None`` for ids that are no entity (merged away, never stored)."""
        wanted = set(ids)
        self._read_types(wanted)
        return {e: self._types[e] for e in wanted}

    def _read_types(self, wanted: set[str]) -> None:
        missing = {e for e in wanted if e not in self._types}  # not wanted - keys(): that walks every key
        if missing:
            self._types.make_room(len(missing))
            missing = {e for e in wanted if e not in self._types}
            stored = self.conn.entity_types(missing)
            self._types.update((e, stored.get(e)) for e in missing)

    def exists(self, entity_id: str) -> bool:
        return self.types([entity_id])[entity_id] is not None

    def forms(self, ids: Iterable[str]) -> dict[str, list[NameForm]]:
        """entity id -> the parsed names it was stored under."""
        wanted = set(ids)
        missing = {e for e in wanted if e not in self._forms}
        if missing:
            self._forms.make_room(len(missing))
            missing = {e for e in wanted if e not in self._forms}
            surfaces = self.conn.entity_surface_counts(missing)
            for entity_id in missing:
                self._forms[entity_id] = name_forms(s for s, _, _ in surfaces.get(entity_id, ()))
        return {e: self._forms[e] for e in wanted}

    def article_total(self) -> int:
        if self._article_total is None:
            self._article_total = self.conn.article_total()
        return self._article_total

    def article_counts(self, ids: set[str]) -> dict[str, int]:
        missing = {e for e in ids if e not in self._article_counts}
        if missing:
            self._article_counts.update(self.conn.article_counts(missing))
        return {e: self._article_counts[e] for e in ids}

    def cooccurrences(self, entity_id: str, others: set[str]) -> int:
        key = (entity_id, frozenset(others))
        found = self._cooccurrences.get(key)
        if found is None:
            found = self._cooccurrences[key] = self.conn.cooccurrences(entity_id, others)
        return found
