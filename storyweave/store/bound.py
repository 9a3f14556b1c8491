"""The ``Store`` operations every engine offers by running an area module's statements on its connection.

Each area module (``articles``, ``events``, ``entities``, ``search``, ``watches``, ``sources``)
holds its statements as functions of a ``Connection``; ``AreaOperations`` offers each of them,
bound to the engine's ``conn``, as the ``Store`` operation of the same name.  An engine
(``SQLiteStore``, ``PostgresStore``) inherits them and adds its lifecycle and whole-store
operations; mypy checks every binding against the interface's signature wherever an engine is
returned as a ``Store``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, Generic, ParamSpec, Self, TypeVar, overload

from . import articles as article_sql
from . import entities as entity_sql
from . import event_index as index_sql
from . import events as event_sql
from . import search as search_sql
from . import sources as source_sql
from . import watches as watch_sql
from .connection import Connection

P = ParamSpec("P")
R = TypeVar("R", covariant=True)


class on_connection(Generic[P, R]):
    """A function of a connection, offered as a method of the store that owns the connection."""

    def __init__(self, func: Callable[Concatenate[Connection, P], R]) -> None:
        self.func = func

    @overload
    def __get__(self, store: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, store: AreaOperations, owner: type | None = None) -> Callable[P, R]: ...

    def __get__(self, store: AreaOperations | None, owner: type | None = None) -> Self | Callable[P, R]:
        if store is None:
            return self
        return functools.partial(self.func, store.conn)


class AreaOperations:
    """The area modules' statements as operations of a store whose connection is ``conn``."""

    conn: Connection

    # -- articles ---------------------------------------------------------------------------------------
    find_existing = on_connection(article_sql.find_existing)
    id_taken_by_other_content = on_connection(article_sql.id_taken_by_other_content)
    has_article_id = on_connection(article_sql.has_article_id)
    article_origin = on_connection(article_sql.article_origin)
    article_lang = on_connection(article_sql.article_lang)
    copy_of = on_connection(article_sql.copy_of)
    insert_article = on_connection(article_sql.insert_article)
    insert_dates = on_connection(article_sql.insert_dates)
    insert_vectors = on_connection(article_sql.insert_vectors)
    load_vectors = on_connection(article_sql.load_vectors)
    record_reject = on_connection(article_sql.record_reject)
    get_article = on_connection(article_sql.get_article)
    get_dates = on_connection(article_sql.get_dates)
    list_articles = on_connection(article_sql.list_articles)
    list_rejects = on_connection(article_sql.list_rejects)
    count = on_connection(article_sql.count)

    # -- events and storylines --------------------------------------------------------------------------
    get_state = on_connection(event_sql.get_state)
    bump_state = on_connection(event_sql.bump_state)
    get_centroids = on_connection(event_sql.get_centroids)
    set_centroids = on_connection(event_sql.set_centroids)
    index_boundary = on_connection(index_sql.index_boundary)
    iter_event_index_rows = on_connection(index_sql.iter_event_index_rows)
    evicted_index_rows = on_connection(index_sql.evicted_index_rows)
    newest_index_rows_below = on_connection(index_sql.newest_index_rows_below)
    evicted_extent = on_connection(index_sql.evicted_extent)
    merged_entity_count = on_connection(event_sql.merged_entity_count)
    merged_entity_ids = on_connection(event_sql.merged_entity_ids)
    event_has_publication_date = on_connection(event_sql.event_has_publication_date)
    touched_events = on_connection(event_sql.touched_events)
    cluster_totals = on_connection(event_sql.cluster_totals)
    article_seq = on_connection(event_sql.article_seq)
    get_event_row = on_connection(event_sql.get_event_row)
    event_row = on_connection(event_sql.event_row)
    title_and_opening = on_connection(event_sql.title_and_opening)
    event_of_article = on_connection(event_sql.event_of_article)
    insert_storyline = on_connection(event_sql.insert_storyline)
    insert_event = on_connection(event_sql.insert_event)
    update_event = on_connection(event_sql.update_event)
    add_member = on_connection(event_sql.add_member)
    member_days = on_connection(event_sql.member_days)
    add_event_entities = on_connection(event_sql.add_event_entities)
    event_entity_ids = on_connection(event_sql.event_entity_ids)
    move_event = on_connection(event_sql.move_event)
    storyline_event_ids = on_connection(event_sql.storyline_event_ids)
    recent_storyline_events = on_connection(event_sql.recent_storyline_events)
    storylines_of = on_connection(event_sql.storylines_of)
    storylines_and_recent_events = on_connection(event_sql.storylines_and_recent_events)
    comparison_member_ids = on_connection(event_sql.comparison_member_ids)
    event_total = on_connection(event_sql.event_total)
    entity_event_counts = on_connection(event_sql.entity_event_counts)
    move_storyline = on_connection(event_sql.move_storyline)
    refresh_storyline = on_connection(event_sql.refresh_storyline)
    save_signature = on_connection(event_sql.save_signature)
    recent_signatures = on_connection(event_sql.recent_signatures)
    resolve_event_id = on_connection(event_sql.resolve_event_id)
    resolve_storyline_id = on_connection(event_sql.resolve_storyline_id)
    list_events = on_connection(event_sql.list_events)
    languages_and_sources = on_connection(event_sql.languages_and_sources)
    event_members = on_connection(event_sql.event_members)
    event_entities = on_connection(event_sql.event_entities)
    event_dates = on_connection(event_sql.event_dates)
    get_storyline_row = on_connection(event_sql.get_storyline_row)
    storyline_events = on_connection(event_sql.storyline_events)
    list_storylines = on_connection(event_sql.list_storylines)
    article_assignment = on_connection(event_sql.article_assignment)
    event_entity_salience = on_connection(event_sql.event_entity_salience)
    event_outlet_rows = on_connection(event_sql.event_outlet_rows)
    event_titles_in = on_connection(event_sql.event_titles_in)

    # -- entities ---------------------------------------------------------------------------------------
    save_article_entities = on_connection(entity_sql.save_article_entities)
    ensure_name_keys = on_connection(entity_sql.ensure_name_keys)
    entity_ids_by_key = on_connection(entity_sql.entity_ids_by_key)
    entity_types = on_connection(entity_sql.entity_types)
    mention_type_votes = on_connection(entity_sql.mention_type_votes)
    set_entity_types = on_connection(entity_sql.set_entity_types)
    entity_surfaces = on_connection(entity_sql.entity_surfaces)
    entity_exists = on_connection(entity_sql.exists)
    cooccurrences = on_connection(entity_sql.cooccurrences)
    article_total = on_connection(entity_sql.article_total)
    article_counts = on_connection(entity_sql.article_counts)
    redirect_targets = on_connection(entity_sql.redirect_targets)
    current_id = on_connection(entity_sql.current_id)
    merge_entities = on_connection(entity_sql.merge_entities)
    load_article_entities = on_connection(entity_sql.load_article_entities)
    load_enriched = on_connection(entity_sql.load_enriched)
    entity_names = on_connection(entity_sql.entity_names)
    entity_surface_counts = on_connection(entity_sql.entity_surface_counts)
    list_entities = on_connection(entity_sql.list_entities)
    get_entity = on_connection(entity_sql.get_entity)
    article_mentions = on_connection(entity_sql.article_mentions)
    all_aliases = on_connection(entity_sql.all_aliases)
    step_pending = on_connection(entity_sql.step_pending)
    has_mentions = on_connection(entity_sql.has_mentions)
    finish_step = on_connection(entity_sql.finish_step)
    mention_ids = on_connection(entity_sql.mention_ids)
    stored_mentions = on_connection(entity_sql.stored_mentions)
    clear_entities = on_connection(entity_sql.clear_entities)
    delete_article_mentions = on_connection(entity_sql.delete_article_mentions)
    redirect_moved = on_connection(entity_sql.redirect_moved)
    rebuild_event_entities = on_connection(entity_sql.rebuild_event_entities)

    # -- search (full text and vector rows are the engine's own) ------------------------------------
    vector_state = on_connection(search_sql.vector_state)
    article_rows = on_connection(search_sql.article_rows)
    max_article_seq = on_connection(search_sql.max_article_seq)
    articles_after = on_connection(search_sql.articles_after)
    event_ids_for = on_connection(search_sql.event_ids_for)
    entities_with_alias = on_connection(search_sql.entities_with_alias)
    known_entities = on_connection(search_sql.known_entities)
    entity_article_hits = on_connection(search_sql.entity_article_hits)
    store_generation = on_connection(search_sql.store_generation)

    # -- watches and alerts -----------------------------------------------------------------------------
    insert_watch = on_connection(watch_sql.insert_watch)
    delete_watch = on_connection(watch_sql.delete_watch)
    get_watch = on_connection(watch_sql.get_watch)
    list_watches = on_connection(watch_sql.list_watches)
    set_watch_entity = on_connection(watch_sql.set_watch_entity)
    article_mentioned = on_connection(watch_sql.article_mentioned)
    event_coverage = on_connection(watch_sql.event_coverage)
    event_brief = on_connection(watch_sql.event_brief)
    watch_reports = on_connection(watch_sql.watch_reports)
    save_watch_report = on_connection(watch_sql.save_watch_report)
    insert_alert = on_connection(watch_sql.insert_alert)
    list_alerts = on_connection(watch_sql.list_alerts)
    max_alert_seq = on_connection(watch_sql.max_alert_seq)
    delivery_counts = on_connection(watch_sql.delivery_counts)
    claim_due_alerts = on_connection(watch_sql.claim_due_alerts)
    record_delivery_attempt = on_connection(watch_sql.record_delivery_attempt)
    retry_failed_alerts = on_connection(watch_sql.retry_failed_alerts)

    # -- followed sources ---------------------------------------------------------------------------------
    add_source = on_connection(source_sql.add_source)
    source_by_url = on_connection(source_sql.source_by_url)
    get_source = on_connection(source_sql.get_source)
    list_sources = on_connection(source_sql.list_sources)
    source_added_since = on_connection(source_sql.source_added_since)
    source_days = on_connection(source_sql.source_days)
    remove_source = on_connection(source_sql.remove_source)
    set_source_paused = on_connection(source_sql.set_source_paused)
    due_sources = on_connection(source_sql.due_sources)
    next_source_due_at = on_connection(source_sql.next_source_due_at)
    handled_entry = on_connection(source_sql.handled_entry)
    remember_source_entries = on_connection(source_sql.remember_source_entries)
    forget_source_entries_before = on_connection(source_sql.forget_source_entries_before)
    save_poll_success = on_connection(source_sql.save_poll_success)
    save_poll_failure = on_connection(source_sql.save_poll_failure)
    defer_source = on_connection(source_sql.defer_source)
