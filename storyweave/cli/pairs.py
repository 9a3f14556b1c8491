"""``storyweave score-pairs``: score article pairs on the SemEval scale (1 same story … 4 unrelated)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..errors import InputError
from ..models import RawDoc, Reject
from ..settings import Settings
from .common import open_output, print_reject, shown, state, stderr

# Written for a pair whose article the pipeline rejected (e.g. no text left after cleaning): the
# middle of the scale, i.e. "no evidence either way", so one bad article cannot fail a whole run.
UNKNOWN_SCORE = 2.5


def score_pairs(
    articles: Annotated[Path, typer.Option("--articles", help="Article JSONL (id, title, text, lang, …).")],
    pairs: Annotated[Path, typer.Option("--pairs", help="CSV with columns pair_id,id1,id2 (more allowed).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write: pair_id,score.")],
) -> None:
    """Score article pairs: 1.0 same story … 4.0 unrelated, through the full enrichment pipeline."""
    from ..pairs import PairScorer, enrich_documents, read_pairs, read_raw_docs

    settings = Settings.load(state.config)
    wanted_pairs = read_pairs(pairs)
    needed = {p.id1 for p in wanted_pairs} | {p.id2 for p in wanted_pairs}
    docs: dict[str, RawDoc] = {}
    for doc in read_raw_docs(articles, settings):
        if isinstance(doc, Reject):
            print_reject(doc.origin, doc.reason, label="skipped")
            continue
        if doc.id in needed and doc.id not in docs:
            docs[doc.id] = doc
    unknown = sorted(needed - docs.keys())
    if unknown:
        listed = ", ".join(repr(u) for u in unknown[:3]) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
        raise InputError(f"{len(unknown)} article id(s) in {pairs} are not in {articles}: {listed}")
    scorer = PairScorer.load()

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        enriched, rejects = enrich_documents(docs.values(), settings, progress=report)
    for reject in rejects:
        print_reject(reject.origin, reject.reason)

    handle = open_output(output)
    with handle:
        writer = csv.writer(handle)
        writer.writerow(["pair_id", "score"])
        for pair in wanted_pairs:
            a, b = enriched.get(pair.id1), enriched.get(pair.id2)
            score = scorer.score(a, b) if a is not None and b is not None else UNKNOWN_SCORE
            writer.writerow([pair.pair_id, f"{score:.4f}"])
    stderr.print(shown(f"scored {len(wanted_pairs)} pairs over {len(enriched)} articles → {output}"), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("score-pairs")(score_pairs)
