"""Enrich a batch of documents for pair scoring: the real pipeline stages, embeddings batched.

``Enricher.prepare`` (extract, clean, language) and ``Enricher.enrich`` (entities, dates) run per
document; the embed stage runs over the whole batch afterwards, because one encoder call on many
texts is cheaper than one call per text.  With ``cache_dir`` set (training and benchmarks only),
results are kept on disk: enriched articles keyed by the input record and a fingerprint of the
stage code, embeddings keyed by the exact text each model read, so editing the entity code never
re-embeds anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ..embed import MODEL_REVISIONS
from ..models import Article, DateMention, EnrichedArticle, Entity, Mention, RawDoc, Reject, Removal
from ..settings import Settings

# (stage, done, total)
Progress = Callable[[str, int, int], None]

# Stages whose code decides what an enriched article holds, besides its embeddings.
_STAGE_SOURCES = ("extract.py", "clean.py", "language.py", "dates.py", "entities", "lang", "ingest", "models.py")
_STAGE_SUFFIXES = {".py", ".gz", ".tsv", ".csv", ".json", ".txt"}
# Settings of the stages after enrichment (assignment, storylines, serving): changing them must not
# throw the cache of enriched articles away.
_NOT_ENRICHMENT = ("embed_", "event_", "consolidate_", "storyline_", "duplicate_", "search_", "summary_", "page_",
                   "max_page_", "stream_", "max_request_")
_EMBED_BATCH = 32


def enrich_documents(
    docs: Iterable[RawDoc],
    settings: Settings,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    cache_tag: str | None = None,
) -> tuple[dict[str, EnrichedArticle], list[Reject]]:
    """Enriched articles by input id (the id the pair file refers to), and the rejected inputs.

    The cache of enriched articles is named after a fingerprint of the stage code and settings, so
    an edit to any stage invalidates it; ``cache_tag`` pins a name instead (to compare scorer
    variants while the stage code keeps changing, at the price of possibly stale entities).
    """
    from ..pipeline import Enricher

    raws = list(docs)
    text_settings = Settings(settings.as_dict())
    text_settings.set("enrich_stages", [s for s in settings.enrich_stages if s != "embed"])
    enricher = Enricher(text_settings)
    known: dict[str, dict[str, Any]] = {}
    store = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        path = cache_dir / f"enriched-{cache_tag or _stage_fingerprint(settings)}.jsonl"
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                known[entry["key"]] = entry
        store = path.open("a", encoding="utf-8")

    result: dict[str, EnrichedArticle] = {}
    rejects: list[Reject] = []
    try:
        for done, raw in enumerate(raws, start=1):
            key = _raw_key(raw)
            entry = known.get(key)
            if entry is None:
                entry = _enrich_one(enricher, raw, key)
                if store is not None:
                    store.write(json.dumps(entry, ensure_ascii=False) + "\n")
                    store.flush()
            if "reject" in entry:
                rejects.append(Reject(raw.origin, entry["reject"]))
            else:
                enriched = _enriched_from_json(entry["enriched"])
                result[raw.id or enriched.article.id] = enriched
            if progress:
                progress("entities and dates", done, len(raws))
    finally:
        if store is not None:
            store.close()

    if "embed" in settings.enrich_stages:
        embed_batch(list(result.values()), settings, progress, cache_dir)
    return result, rejects


def _enrich_one(enricher: Any, raw: RawDoc, key: str) -> dict[str, Any]:
    try:
        prepared = enricher.prepare(raw)
        if isinstance(prepared, Reject):
            return {"key": key, "reject": prepared.reason}
        return {"key": key, "enriched": _enriched_to_json(enricher.enrich(prepared))}
    except Exception as exc:
        return {"key": key, "reject": f"could not process: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"}


def embed_batch(
    enriched: Sequence[EnrichedArticle],
    settings: Settings,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
) -> None:
    """Fill ``vectors`` of every article, one encoder call per batch of texts per model."""
    from ..embed import Embedder, stand_in_usem3

    embedder = Embedder(settings)
    spans = [embedder.spans(e.article) for e in enriched]
    caches: dict[str, _VectorCache] = {}
    for name, (model, _) in embedder.vectors.items():
        cache = caches.setdefault(model, _VectorCache(cache_dir, model))
        todo = sorted({s[name] for s in spans if _text_key(s[name]) not in cache.vectors})
        for start in range(0, len(todo), _EMBED_BATCH):
            chunk = todo[start : start + _EMBED_BATCH]
            for text, vector in zip(chunk, embedder.encode_passages(model, chunk), strict=True):
                cache.vectors[_text_key(text)] = vector
            if progress:
                progress(f"embedding ({name})", start + len(chunk), len(todo))
        cache.save(len(todo) > 0)
        for item, span in zip(enriched, spans, strict=True):
            item.vectors[name] = cache.vectors[_text_key(span[name])]
    for item in enriched:
        stand_in_usem3(item.article.lang, item.vectors)


class _VectorCache:
    """Embeddings by the text the model read; kept in memory only when there is no cache folder."""

    def __init__(self, cache_dir: Path | None, model: str) -> None:
        self.path = cache_dir / f"vectors-{MODEL_REVISIONS[model]}.npz" if cache_dir is not None else None
        self.vectors: dict[str, np.ndarray] = {}
        if self.path is not None and self.path.is_file():
            with np.load(self.path) as data:
                self.vectors = {k: data[k] for k in data.files}

    def save(self, changed: bool) -> None:
        if self.path is not None and changed:
            tmp = self.path.with_name(self.path.stem + ".tmp.npz")
            savez: Any = np.savez  # numpy's stub types **kwds as bool
            savez(tmp, **self.vectors)
            tmp.replace(self.path)


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _stage_fingerprint(settings: Settings) -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for name in _STAGE_SOURCES:
        target = root / name
        # Code and the data it reads (the knowledge base, word lists): either changes what comes out.
        files = sorted(f for f in target.rglob("*") if f.suffix in _STAGE_SUFFIXES) if target.is_dir() else [target]
        for file in files:
            if file.is_file():
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
    relevant = {k: v for k, v in settings.as_dict().items() if not k.startswith(_NOT_ENRICHMENT) and k != "db"}
    relevant["enrich_stages"] = sorted(set(settings.enrich_stages) - {"embed"})  # vectors are cached apart
    digest.update(json.dumps(relevant, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def _raw_key(raw: RawDoc) -> str:
    return hashlib.sha1(json.dumps(asdict(raw), sort_keys=True, default=str).encode()).hexdigest()


def _enriched_to_json(enriched: EnrichedArticle) -> dict[str, Any]:
    return {
        "article": asdict(enriched.article),
        "mentions": [asdict(m) for m in enriched.mentions],
        "entities": [{**asdict(e), "aliases": sorted(e.aliases)} for e in enriched.entities],
        "dates": [asdict(d) for d in enriched.dates],
    }


def _enriched_from_json(data: dict[str, Any]) -> EnrichedArticle:
    article_data = dict(data["article"])
    article_data["removed"] = [Removal(**r) for r in article_data.get("removed", [])]
    return EnrichedArticle(
        article=Article(**article_data),
        mentions=[Mention(**m) for m in data["mentions"]],
        entities=[Entity(**{**e, "aliases": set(e["aliases"])}) for e in data["entities"]],
        dates=[DateMention(**d) for d in data["dates"]],
    )
