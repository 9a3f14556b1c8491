"""Near-duplicate (syndicated) copies: MinHash over word shingles, banded LSH for candidates.

Copies of one wire story differ by a byline, a caption or a footer; their word-shingle sets still
overlap almost completely while two independent reports of one event share few shingles.  Only
the latest ``window`` articles stay in the LSH, since syndication happens within days, which keeps
memory flat however large the store grows.
"""

from __future__ import annotations

import re
from collections import deque
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


def shingles(article: Article, size: int) -> set[bytes]:
    words = _WORD.findall(article_body(article).casefold())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class NearDuplicates:
    """``find(signature)`` returns the most similar recent article above the Jaccard threshold."""

    def __init__(self, threshold: float, num_perm: int, shingle_size: int, window: int) -> None:
        self.threshold = threshold
        self.enabled = threshold <= 1.0  # a Jaccard above 1 can never be reached: copy detection is off
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.window = window
        # Imported here: datasketch pulls in scipy (about a second), which commands that never
        # assign an article (help, queries, check, export) need not pay for.
        from datasketch import MinHash, MinHashLSH

        self._lsh = MinHashLSH(threshold=threshold if self.enabled else 0.9, num_perm=num_perm)
        self._recent: deque[tuple[str, int]] = deque()
        self._signatures: dict[str, np.ndarray] = {}
        self._seq: dict[str, int] = {}
        # Generating the permutations is the costly part of building a MinHash: do it once.
        self._permutations = MinHash(num_perm=num_perm, seed=_MINHASH_SEED, scheme=_MINHASH_SCHEME).permutations

    def signature(self, article: Article) -> np.ndarray | None:
        """The MinHash hash values of ``article``; ``None`` when it has too few words to compare."""
        if not self.enabled:
            return None
        grams = shingles(article, self.shingle_size)
        if len(grams) < self.shingle_size:
            return None
        mh = self._minhash(None)
        mh.update_batch(sorted(grams))
        return np.asarray(mh.hashvalues, dtype=np.uint32)

    def _minhash(self, signature: np.ndarray | None) -> MinHash:
        from datasketch import MinHash

        return MinHash(
            num_perm=self.num_perm,
            seed=_MINHASH_SEED,
            hashvalues=signature,
            permutations=self._permutations,
            scheme=_MINHASH_SCHEME,
        )

    def find(self, signature: np.ndarray) -> tuple[str, float] | None:
        """(article id, estimated Jaccard) of the closest copy, the earliest on a tie."""
        best: tuple[str, float] | None = None
        for key in self._lsh.query(self._minhash(signature)):
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
        self._lsh.insert(article_id, self._minhash(signature))
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
