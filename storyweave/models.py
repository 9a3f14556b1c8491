"""Dataclasses passed between pipeline stages.

Each stage takes one of these and returns the next, so the stages stay pure functions of one
document (plus read-only resources) and can later fan out over a distributed engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .safetext import escape_controls

EntityType = Literal["person", "place", "organisation", "other"]


@dataclass
class RawDoc:
    """One input document as a source produced it, before extraction.

    ``origin`` says where it came from (a path, ``path:LINE`` for JSONL, a URL, ``stdin``) so every
    rejection and every stored article can be traced back.  When ``html`` is set, the extract stage
    derives the missing title, text, date and language hint from it.
    """

    origin: str
    id: str | None = None
    title: str | None = None
    text: str | None = None
    html: str | None = None
    url: str | None = None
    source: str | None = None
    lang_hint: str | None = None
    publish_date: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reject:
    """An input that could not become an article, with a one-line reason a user can act on."""

    origin: str
    reason: str

    def __post_init__(self) -> None:
        # Reasons quote outside text (file names, values): kept to one line that no terminal obeys.
        object.__setattr__(self, "reason", escape_controls(self.reason))


@dataclass(frozen=True)
class Removal:
    """A piece of text the clean stage cut, kept so every cut can be audited.

    ``kind`` is one of: caption, credit, byline, teaser, related, repeated, boilerplate.
    """

    kind: str
    text: str


@dataclass
class Article:
    """A clean article: what the store keeps and every later stage reads."""

    id: str
    title: str
    text: str
    origin: str
    url: str | None = None
    canonical_url: str | None = None
    source: str | None = None
    lang: str = "und"
    lang_confidence: float = 0.0
    lang_hint: str | None = None
    publish_date: str | None = None
    content_hash: str = ""
    removed: list[Removal] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mention:
    """A span of article text naming a person, place or organisation.

    Offsets index into ``Article.title + "\\n\\n" + Article.text`` (see ``article_body``).
    ``entity_id`` is filled by canonical resolution; ``None`` means unresolved.
    """

    surface: str
    start: int
    end: int
    type: EntityType
    lang: str
    entity_id: str | None = None
    confidence: float = 1.0


@dataclass
class Entity:
    """One real-world person, place or organisation, with one id across scripts.

    ``id`` is a Wikidata QID (``Q7747``) where the name data carries one, else ``sw:…``.
    """

    id: str
    type: EntityType
    names: dict[str, str] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class DateMention:
    """A date the text refers to, normalised to ISO 8601 against the publication date."""

    date: str
    expression: str
    sentence: str
    kind: Literal["publication", "event"] = "event"
    # When the happening itself took place (the lead's dates, dates close to publication), as
    # opposed to background the text recalls (births, anniversaries, earlier years).
    happening: bool = False


@dataclass(frozen=True)
class TextDigest:
    """What event assignment reads of an article's title and text alone (``cluster.digest``).

    The enrichment workers compute it so that the single writer does not; ``text_key`` names the
    title and text it was computed from, and a digest of any other text is ignored.
    """

    text_key: str
    signature: Any  # numpy uint32 MinHash values of the word shingles; None: too few words to compare
    numbers: frozenset[str]
    terms: Any  # pairs.terms.TermBag of the opening
    # pairs.terms.title_grounding; None in a digest made before it existed, which is then made again.
    title_grounding: float | None = None


@dataclass
class EnrichedArticle:
    """An article with everything the enrichment stages found; the unit the assigner consumes."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    vectors: dict[str, Any] = field(default_factory=dict)  # model name -> numpy float32 vector
    # A plain default, not a factory: enriched articles pickled before the field existed load with None.
    digest: TextDigest | None = None


@dataclass
class Event:
    id: str
    title: str
    lang: str
    first_date: str | None
    last_date: str | None
    article_ids: list[str] = field(default_factory=list)
    storyline_id: str | None = None


@dataclass
class Storyline:
    id: str
    title: str
    event_ids: list[str] = field(default_factory=list)


def article_body(article: Article) -> str:
    """The text every enrichment stage reads: title, blank line, body."""
    if article.title and article.text:
        return f"{article.title}\n\n{article.text}"
    return article.title or article.text
