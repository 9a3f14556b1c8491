"""Tracker methods for watches and their alerts (mixed into ``storyweave.Tracker``).

The shapes returned here are a contract: the CLI, the REST API and the web UI show them as they are
(the server masks webhook addresses; see ``storyweave/server/alerts.py``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError
from ..settings import Settings
from ..store import Store
from ..store.articles import utc_now
from ..store.base import WatchRow
from .delivery import Deliverer, webhook_fetcher
from .query import parse_words

MAX_WORDS_CHARS = 1000
MAX_NAME_CHARS = 200
MAX_COVERAGE = 1000


def _lang_codes(langs: Iterable[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for lang in langs:
        for part in lang.split(","):
            code = part.strip().lower()
            if not code:
                continue
            if not (code.isascii() and code.isalpha() and 2 <= len(code) <= 3):
                raise InputError(f"language {part.strip()!r} is not an ISO 639-1 code such as fr or ar")
            if code not in codes:
                codes.append(code)
    return tuple(sorted(codes))


def _minimum(value: int, what: str) -> int:
    if not 0 <= value <= MAX_COVERAGE:
        raise InputError(f"minimum {what} must be between 0 and {MAX_COVERAGE}, not {value}")
    return int(value)


def watch_view(watch: WatchRow) -> dict[str, Any]:
    """A watch for display, without its secret."""
    return {
        "id": watch.id,
        "name": watch.name,
        "words": watch.words,
        "entity": {"query": watch.entity_query, "id": watch.entity_id} if watch.entity_query else None,
        "langs": list(watch.langs),
        "min_outlets": watch.min_outlets,
        "min_langs": watch.min_langs,
        "webhook": watch.webhook_url,
        "created_at": watch.created_at,
    }


class WatchQueries:
    db: Store
    settings: Settings

    if TYPE_CHECKING:  # given by EntityQueries, which Tracker mixes in beside this

        def find_entity(self, name_or_id: str) -> dict[str, str]: ...

        def resolve_names(self, rows: Sequence[tuple[str, str, str]]) -> list[tuple[str, str | None, str | None]]: ...

    def add_watch(
        self,
        *,
        words: str = "",
        entity: str | None = None,
        langs: Iterable[str] = (),
        min_outlets: int = 1,
        min_langs: int = 1,
        webhook: str | None = None,
        name: str = "",
    ) -> dict[str, Any]:
        """Save a watch; returns it with its webhook ``secret`` (the only read that shows it).

        ``words`` follows ``storyweave/alerts/query.py`` (``ceasefire "Gaza City" -football``);
        ``entity`` is an id or a name in any script, resolved as ``storyweave entity`` does, or, for
        an entity this store has not seen yet, as ``storyweave resolve`` would name it.
        """
        words = " ".join(words.split())
        if len(words) > MAX_WORDS_CHARS:
            raise InputError(f"words are longer than {MAX_WORDS_CHARS} characters")
        if words and not parse_words(words).terms:
            raise InputError(f"words {words!r} hold no letter or digit to look for")
        entity_query = " ".join((entity or "").split())
        if not words and not entity_query:
            raise InputError("a watch needs words or an entity to look for")
        webhook = (webhook or "").strip() or None
        if webhook is not None:
            with webhook_fetcher(self.settings) as fetcher:
                fetcher.check_url(webhook)
        entity_id, entity_type = self._watched_entity(entity_query) if entity_query else (None, None)
        watch = WatchRow(
            id="w" + secrets.token_hex(5),
            name=" ".join(name.split())[:MAX_NAME_CHARS] or words or entity_query,
            words=words,
            entity_query=entity_query,
            entity_id=entity_id,
            entity_type=entity_type,
            langs=_lang_codes(langs),
            min_outlets=_minimum(min_outlets, "outlets"),
            min_langs=_minimum(min_langs, "languages"),
            webhook_url=webhook,
            secret=secrets.token_hex(32),
            created_at=utc_now(),
        )
        with self.db.transaction():
            self.db.insert_watch(watch)
        return {**watch_view(watch), "secret": watch.secret}

    def _watched_entity(self, query: str) -> tuple[str, str | None]:
        """(id, type) of the entity ``query`` names: a stored one, else the id an article naming it
        would get, which the watcher swaps for the stored entity once one appears."""
        try:
            return self.find_entity(query)["id"], None
        except NotFoundError:
            pass
        _, resolved, kind = self.resolve_names([("watch", query, "und")])[0]
        if not resolved:
            raise InputError(f"{query!r} names no entity storyweave can recognise; try another spelling or an id")
        return resolved, kind

    def watches(self) -> list[dict[str, Any]]:
        """Every watch, oldest first."""
        return [watch_view(w) for w in self.db.list_watches()]

    def _watch_row(self, watch_id: str) -> WatchRow:
        found = self.db.get_watch(watch_id)
        if found is None:
            raise NotFoundError(f"no watch with id {watch_id!r}; list them with 'storyweave watch list'")
        return found

    def watch(self, watch_id: str, limit: int = 20) -> dict[str, Any]:
        """One watch with its latest alerts, its failed deliveries and counts per delivery state."""
        details = watch_view(self._watch_row(watch_id))
        details["deliveries"] = self.db.delivery_counts(watch_id)
        details["alerts"] = self.db.list_alerts(watch_id=watch_id, limit=limit)
        details["failed"] = self.db.list_alerts(watch_id=watch_id, delivery="failed", limit=limit)
        return details

    def watch_secret(self, watch_id: str) -> str:
        return self._watch_row(watch_id).secret

    def remove_watch(self, watch_id: str) -> None:
        """Delete a watch with its alerts."""
        with self.db.transaction():
            if not self.db.delete_watch(watch_id):
                raise NotFoundError(f"no watch with id {watch_id!r}; list them with 'storyweave watch list'")

    def alerts(
        self, watch_id: str | None = None, *, after: int | None = None, delivery: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        """Alerts newest first (of one watch, in one delivery state, when given); with ``after``,
        those after that id, oldest first.  ``delivery``: none, pending, delivered or failed."""
        if watch_id is not None:
            self._watch_row(watch_id)
        return self.db.list_alerts(watch_id=watch_id, after=after, delivery=delivery, limit=limit,
                                   oldest_first=after is not None)

    def retry_failed_deliveries(self, watch_id: str) -> int:
        """Queue a watch's failed webhook deliveries again; how many."""
        self._watch_row(watch_id)
        return self.db.retry_failed_alerts(watch_id)

    def deliver_alerts(self, limit: int = 100) -> dict[str, list[int]]:
        """Deliver the pending webhook alerts that are due, once each (at most ``limit``):
        ``{"delivered": [ids], "retrying": [ids], "failed": [ids]}``.  Feeds and the live stream read
        the alerts where they are; only webhooks need this."""
        deliverer = Deliverer(self.db, self.settings)
        try:
            return deliverer.deliver(limit).as_dict()
        finally:
            deliverer.close()
