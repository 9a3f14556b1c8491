"""Search on PostgreSQL: its own full text, character trigrams, and the stored vectors.

Each article's ``search`` column (migration 0009) holds its words cut and stemmed by the
text-search configuration of its language (``storyweave_text_config``).  A query term is parsed
by every configuration in use and the parses are OR-ed, so "elections" finds "election" in an
English article and "Wahlen" in a German one, and one constant query keeps the GIN index usable.
Scripts without spaces (Chinese, Japanese, Korean, Thai) are found by substring, which a trigram
index (pg_trgm) answers for runs of three characters or more.  All values travel as parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .connection import Connection
from .search import CJK_LANGS, MARK_END, MARK_START
from .values import TextHit

# Configurations storyweave_text_config hands out, each parsing the query terms once.
TEXT_CONFIGS = (
    "arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish", "french", "german",
    "greek", "hindi", "hungarian", "indonesian", "irish", "italian", "lithuanian", "nepali", "norwegian",
    "portuguese", "romanian", "russian", "serbian", "simple", "spanish", "swedish", "tamil", "turkish", "yiddish",
)
# Rows of vectors read per query when the in-process index catches up.
_VECTOR_PAGE = 2000
_CJK_IN = ", ".join(f"'{lang}'" for lang in CJK_LANGS)
# Title matches weigh three times body matches (weights of D, C, B, A).
_WEIGHTS = "'{0.1, 0.2, 0.33, 1.0}'"
_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=16"


def _query(count: int) -> str:
    """A tsquery matching any of ``count`` terms ($1…), each parsed by every configuration."""
    return " || ".join(
        f"phraseto_tsquery('{config}', ${n})" for n in range(1, count + 1) for config in TEXT_CONFIGS
    )


def text_matches(conn: Connection, terms: Sequence[str], limit: int) -> list[TextHit]:
    """Articles whose title or text holds any of ``terms`` (word tokens), best first (rank: lower is better)."""
    words = [t for t in terms if t]
    if not words:
        return []
    n = len(words)
    rows = conn.execute(
        f"""WITH q AS (SELECT {_query(n)} AS query),
                 hits AS (SELECT a.seq, ts_rank({_WEIGHTS}, a.search, q.query) AS score
                          FROM articles a, q WHERE a.search @@ q.query
                          ORDER BY score DESC, a.seq LIMIT ${n + 1})
            SELECT a.seq, a.id, -h.score AS rank,
                   ts_headline(storyweave_text_config(a.lang), a.text, q.query, '{_HEADLINE}') AS snip,
                   to_tsvector(storyweave_text_config(a.lang), a.title) @@ q.query AS in_title
            FROM hits h JOIN articles a ON a.seq = h.seq CROSS JOIN q
            ORDER BY h.score DESC, a.seq""",
        [*words, limit],
    )
    return [TextHit(row["seq"], row["id"], float(row["rank"]), row["snip"] or "", bool(row["in_title"]))
            for row in rows]


def _like(run: str) -> str:
    return "%" + run.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def substring_matches(conn: Connection, runs: Sequence[str], limit: int) -> list[TextHit]:
    """Articles in unspaced scripts holding any of ``runs`` as a substring, most occurrences first
    (``limit`` < 0: no limit)."""
    found: dict[int, TextHit] = {}
    for run in runs:
        if not run:
            continue
        rows = conn.execute(
            f"""SELECT seq, id, -((length(title) + length(text) - length(replace(title || text, $1, '')))::float8
                                  / greatest(1, length($1))) AS rank,
                       substr(text, greatest(1, strpos(text, $1) - 40), 120) AS snip,
                       strpos(title, $1) > 0 AS in_title
                FROM articles
                WHERE lang IN ({_CJK_IN}) AND (title || ' ' || text) LIKE $2
                ORDER BY rank, seq LIMIT $3""",
            [run, _like(run), limit if limit >= 0 else None],
        )
        for row in rows:
            snippet = (row["snip"] or "").replace(run, f"{MARK_START}{run}{MARK_END}")
            hit = TextHit(row["seq"], row["id"], float(row["rank"]), snippet, bool(row["in_title"]))
            if row["seq"] not in found or hit.rank < found[row["seq"]].rank:
                found[row["seq"]] = hit
    ranked = sorted(found.values(), key=lambda h: (h.rank, h.seq))
    return ranked if limit < 0 else ranked[:limit]


def vector_rows(conn: Connection, model: str, after_rowid: int) -> Iterator[tuple[int, bytes]]:
    """``(rowid, float32 blob)`` of one model's article vectors stored after ``after_rowid``, a page at a time."""
    while True:
        rows = conn.execute(
            "SELECT rowid, vector FROM article_vectors WHERE model = $1 AND rowid > $2 ORDER BY rowid LIMIT $3",
            [model, after_rowid, _VECTOR_PAGE],
        ).fetchall()
        for row in rows:
            yield int(row[0]), bytes(row[1])
        if len(rows) < _VECTOR_PAGE:
            return
        after_rowid = int(rows[-1][0])


def vector_article_ids(conn: Connection, model: str, rowids: Sequence[int]) -> dict[int, str]:
    """The article of each given ``article_vectors`` rowid of ``model``, by rowid (gone rows left out)."""
    if not len(rowids):
        return {}
    rows = conn.execute(
        "SELECT rowid, article_id FROM article_vectors WHERE model = $1 AND rowid = ANY($2)",
        [model, [int(r) for r in rowids]],
    )
    return {int(row[0]): str(row[1]) for row in rows}
