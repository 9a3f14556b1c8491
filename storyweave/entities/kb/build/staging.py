"""Staging of entities and aliases while the knowledge base is built (build time only).

Every alias is *primary* (the entity's own name: its main name, a CLDR or curated name), *strong*
(a name its source vouches for) or *weak* (alternate-name lists, which are noisy); the hygiene pass
(``hygiene.prune``) removes noise from the staged aliases before anything is indexed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ...names import NameForm, is_cjk, name_form
from ..base import KBEntity, KnowledgeBase

PRIMARY, STRONG, WEAK = 2, 1, 0
_DEMONYM_ENDINGS = ("ian", "ians", "ese", "ish", "ans", "ais", "aise", "isch", "ische")


@dataclass
class StagedAlias:
    """An alias waiting for the hygiene pass (build time only)."""

    text: str
    form: NameForm
    rank: int  # PRIMARY, STRONG or WEAK
    lang: str  # "" when the alias holds in every language, else the languages it is bound to: "de,en"
    source: str
    contextual: bool = False  # holds only when the text names the entity's country (``hygiene``)


def bare_alias(alias: str) -> str:
    """An alias without its bracketed qualifier ("Wien (Land)", "Catalunya [Cataluña]"): what is staged."""
    return alias.split("(")[0].split("[")[0].strip()


class KBBuilder:
    """A ``KnowledgeBase`` being filled: entities go straight in, aliases wait in ``staged``."""

    def __init__(self, stopwords: frozenset[str] = frozenset()) -> None:
        self.kb = KnowledgeBase()
        self.staged: dict[str, dict[str, StagedAlias]] = defaultdict(dict)
        self.removed: list[tuple[str, str, str]] = []  # (alias, entity id, reason), for the build report
        # Entities of the curated lists, True for those a row names by an id another source gave.
        self.curated: dict[str, bool] = {}
        self.stop = stopwords

    @property
    def entities(self) -> dict[str, KBEntity]:
        return self.kb.entities

    def add_entity(self, entity: KBEntity) -> KBEntity:
        found = self.kb.entities.get(entity.id)
        if found is None:
            self.kb.entities[entity.id] = entity
            return entity
        for lang, name in entity.names.items():
            found.names.setdefault(lang, name)
        found.priority = max(found.priority, entity.priority)
        return found

    def add_alias(
        self,
        entity_id: str,
        alias: str,
        *,
        rank: int = PRIMARY,
        lang: str = "",
        source: str = "",
        contextual: bool = False,
    ) -> None:
        """Stage one alias; weak ones first pass the cheap filters meant for noisy alternate-name lists.
        ``contextual``: the alias holds only in a text that names the entity's country."""
        alias = bare_alias(alias)
        if not alias or len(alias) > 80:
            return
        if rank == WEAK and not _plausible_alternate_name(alias):
            return
        form = name_form(alias, drop_titles=False)
        if not form.tokens:
            return
        cjk = is_cjk(alias)
        if cjk and len(form.key) < 2:
            return
        if lang:  # a curated short form of one language ("Mỹ"): only a minimal length applies
            if len(form.key) < 2:
                return
        elif self.needs_language(alias):
            return
        entries = self.staged[form.key]
        found = entries.get(entity_id)
        if found is not None and found.lang and lang and lang not in found.lang.split(","):
            # One short form bound to several languages ("WHO" in English and German text).
            lang = ",".join(sorted({*found.lang.split(","), lang}))
            entries[entity_id] = StagedAlias(alias, form, max(rank, found.rank), lang, source)
        # A general name supersedes a language-bound one only when at least as strong: CLDR binds
        # Vietnamese "Đức" to Vietnamese, and a weak list giving it without a language says nothing
        # about French, where "duc" is a duke.
        elif found is None or rank > found.rank or (found.lang and not lang and rank >= found.rank):
            rank = max(rank, found.rank if found else rank)
            entries[entity_id] = StagedAlias(alias, form, rank, lang, source, contextual)

    def needs_language(self, alias: str) -> bool:
        """A one-word alias too short or too common to hold in every language ("UN" is French "un",
        "WHO" English "who"): it can only be a short form bound to the language that writes it so."""
        form = name_form(alias, drop_titles=False)
        single = not is_cjk(alias) and len(form.tokens) == 1
        return single and (len(form.key) < 3 or form.key in self.stop)

    def index_staged(self) -> KnowledgeBase:
        """Index the staged aliases that survived the hygiene pass; the builder is spent after."""
        for key, entries in self.staged.items():
            for entity_id, staged in entries.items():
                for lang in staged.lang.split(",") if staged.lang else [""]:
                    self.kb.index(entity_id, staged.form, cjk=is_cjk(key), lang=lang, contextual=staged.contextual)
        self.staged.clear()
        return self.kb


def _plausible_alternate_name(alias: str) -> bool:
    """Geonames alternate names include airport codes and lower-case romanisations; drop them."""
    if alias.isascii():
        if alias.islower() or (alias.isupper() and len(alias) <= 4):
            return False
        if alias.lower().endswith(_DEMONYM_ENDINGS):
            return False
    return True
