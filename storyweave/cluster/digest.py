"""What event assignment reads of an article's title and text alone, computed off the writer.

The MinHash signature (copy detection) and the pair scorer's numbers and word bag are pure
functions of an article's title and text: about 2 ms an article, which the single writer would
otherwise spend on every article it stores, and again on every member it reads back.  The
enrichment workers compute them (``Enricher.annotate``) and carry them in
``EnrichedArticle.digest``; the writer computes them itself for an enriched article without one
(pickled or serialised before the field existed, or built by hand).  A digest is keyed by a hash
of the title and text it was computed from, so one that travelled with other text (an article
rewritten after enrichment) is never used.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from ..models import Article, EnrichedArticle, TextDigest
from ..pairs.features import text_features
from .dedup import signature


def text_key(article: Article) -> str:
    # The NUL keeps ("ab", "c") and ("a", "bc") apart; str() keeps a missing title distinct from "".
    body = f"{article.title}\0{article.text}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def text_digest(article: Article) -> TextDigest:
    numbers, terms, grounding = text_features(article)
    return TextDigest(text_key(article), signature(article), numbers, terms, grounding)


def digest_of(enriched: EnrichedArticle) -> TextDigest:
    """The digest ``enriched`` carries when it is of its own title and text, else a fresh one."""
    carried = enriched.digest
    if (
        carried is not None
        and carried.title_grounding is not None
        and carried.text_key == text_key(enriched.article)
    ):
        return carried
    return text_digest(enriched.article)


class RecentDigests:
    """The digests of the articles this writer stored last, by text key: a member read back from
    the store whose title and text are those of one of them needs no new tokenising."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[str, TextDigest] = OrderedDict()

    def add(self, digest: TextDigest) -> None:
        self._items[digest.text_key] = digest
        self._items.move_to_end(digest.text_key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def of(self, article: Article) -> TextDigest | None:
        return self._items.get(text_key(article))
