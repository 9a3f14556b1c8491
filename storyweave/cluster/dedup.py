"""Near-duplicate (syndicated) copies: MinHash over word shingles, banded LSH for candidates.

Copies of one wire story differ by a byline, a caption or a footer; their word-shingle sets still
overlap almost completely while two independent reports of one event share few shingles.  Only
the latest ``window`` articles stay in the LSH, since syndication happens within days, which keeps
memory flat however large the store grows.
"""

from __future__ import annotations

import re
from collections import deque
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from ..models import Article, article_body

if TYPE_CHECKING:
    from datasketch import MinHash

_WORD = re.compile(r"\w+", re.UNICODE)
# Fixed (seed and hashing scheme) so that signatures stored today match those computed after a
# restart or an upgrade of datasketch.
_MINHASH_SEED = 1
_MINHASH_SCHEME = "affine32"
SHINGLE_WORDS = 4
MINHASH_PERMUTATIONS = 64


def shingles(article: Article, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(article_body(article).casefold())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Generating the permutations is the costly part of building a MinHash: done once a process."""
    from datasketch import MinHash

    permutations: tuple[np.ndarray, np.ndarray] = MinHash(
        num_perm=MINHASH_PERMUTATIONS, seed=_MINHASH_SEED, scheme=_MINHASH_SCHEME
    ).permutations
    return permutations


def _minhash(signature: np.ndarray | None) -> MinHash:
    # Imported here: datasketch pulls in scipy (about a second), which commands that never
    # assign an article (help, queries, check, export) need not pay for.
    from datasketch import MinHash

    return MinHash(
        num_perm=MINHASH_PERMUTATIONS,
        seed=_MINHASH_SEED,
        hashvalues=signature,
        permutations=_permutations(),
        scheme=_MINHASH_SCHEME,
    )


def signature(article: Article) -> np.ndarray | None:
    """The MinHash hash values of ``article``'s word shingles; ``None`` when it has too few words
    to compare.  A pure function of its title and text (the enrichment workers compute it)."""
    grams = shingles(article)
    if len(grams) < SHINGLE_WORDS:
        return None
    mh = _minhash(None)
    mh.update_batch(sorted(grams))
    return np.asarray(mh.hashvalues, dtype=np.uint32)


class NearDuplicates:
    """``find(signature)`` returns the most similar recent article above the Jaccard threshold."""

    def __init__(self, threshold: float, window: int) -> None:
        self.threshold = threshold
        self.enabled = threshold <= 1.0  # a Jaccard above 1 can never be reached: copy detection is off
        self.window = window
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=threshold if self.enabled else 0.9, num_perm=MINHASH_PERMUTATIONS)
        self._recent: deque[tuple[str, int]] = deque()
        self._signatures: dict[str, np.ndarray] = {}
        self._seq: dict[str, int] = {}

    def find(self, signature: np.ndarray) -> tuple[str, float] | None:
        """(article id, estimated Jaccard) of the closest copy, the earliest on a tie."""
        best: tuple[str, float] | None = None
        for key in self._lsh.query(_minhash(signature)):
            other = self._signatures[key]
            jaccard = float(np.mean(other == signature))
            if jaccard < self.threshold:
                continue
            if best is None or jaccard > best[1] or (jaccard == best[1] and self._seq[key] < self._seq[best[0]]):
                best = (key, jaccard)
        return best

    def add(self, article_id: str, seq: int, signature: np.ndarray) -> None:
        if article_id in self._signatures:
            return
        self._lsh.insert(article_id, _minhash(signature))
        self._signatures[article_id] = signature
        self._seq[article_id] = seq
        self._recent.append((article_id, seq))
        while len(self._recent) > self.window:
            old, _ = self._recent.popleft()
            self._lsh.remove(old)
            del self._signatures[old]
            del self._seq[old]

    def __len__(self) -> int:
        return len(self._signatures)
