"""Resolve a batch of bare names (``storyweave resolve``): equal ids mean the same entity.

Each name is looked up in the knowledge base and among the store's surface forms; the rest are
clustered across the whole batch with the same cross-script machinery the recognizer uses, so a
name no knowledge base has ("Эмманюэль Макрон", "إيمانويل ماكرون", "Emmanuel Macron") still gets
one id.  Chinese and Japanese renderings of foreign names share no letters with the original; for
those, rigour's name-part symbols (Wikidata ids of given and family names) link a one-token name to
the unique group whose family name carries the same symbol.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from ...lang.inflection import person_nominative
from ...lang.lexicon import runtime_stopwords
from ...models import EntityType
from ..kb.base import KnowledgeBase
from ..names import NameForm, is_acronym_like, is_cjk, name_form
from .bodies import bare_body
from .resolver import GroupIndex, KBResolver, group_id, group_names, guess_type

Row = tuple[str, str, str]  # key, name, lang
Result = tuple[str, str | None, str | None]  # key, entity_id, type


def resolve_batch(
    rows: Sequence[Row],
    kb: KnowledgeBase,
    known: Iterable[tuple[str, str, str, str, int]] = (),
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """``known`` holds (surface, lang, entity_id, type, mentions) from the store.

    In order: the store's own answer for that exact (normalised) surface, the knowledge base's
    exact alias (a contextual one never: a bare name has no context), its cross-script match of a
    long name, then the batch's and the store's names under strict matching (``GroupIndex``), else
    the name's own ``sw:`` id, the one an article naming it would get.
    """
    resolver = KBResolver(kb)
    index = GroupIndex(strict=True)
    group_of_id: dict[str, int] = {}
    by_surface: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    kinds: dict[str, str] = {}

    def seed(form: NameForm, entity_id: str, kind: str, findable: bool = True) -> int:
        target = index.add(form, group_of_id.get(entity_id), findable=findable, entity_id=entity_id, type=kind)
        group_of_id[entity_id] = target
        return target

    for surface, surface_lang, entity_id, kind, count in known:
        form = name_form(surface)
        if form.tokens:
            seed(form, entity_id, kind, findable=not is_acronym_like(form))
            by_surface[(form.key, surface_lang)][entity_id] += count
            by_surface[(form.key, "")][entity_id] += count
            kinds[entity_id] = kind

    stop = runtime_stopwords()
    forms = [name_form(name) for _, name, _ in rows]
    # Function words alone ("the", "في") are not names at all: they stay unresolved, unless the
    # knowledge base knows the name in that language (Turkish "Çin", China, folds to Spanish "sin")
    # or it is written as an acronym ("UN" is no Spanish "un").
    forms = [
        f
        if any(t not in stop for t in f.tokens) or _acronym(name) or resolver.exact(name, lang=lang or None)
        else name_form("")
        for f, (_, name, lang) in zip(forms, rows, strict=True)
    ]
    assignment = [-1] * len(rows)
    pending: list[int] = []
    homonym_types: dict[int, EntityType] = {}
    for i, (_, name, lang) in enumerate(rows):
        if on_progress is not None and i % 500 == 0:
            on_progress(i, len(rows))
        if not forms[i].tokens or bare_body(name):
            continue  # a body named by generic words alone is each country's: no article, no id
        # Acronyms and short names are read in their language only (PP in Spanish, AB in Turkish).
        stored = by_surface.get((forms[i].key, lang)) or (
            None if is_acronym_like(forms[i]) else by_surface.get((forms[i].key, ""))
        )
        if stored and _homonyms_abroad(kb, forms[i].key, stored):
            # "Grünen": Germany's party or Austria's, which only an article's country says; what
            # kind of thing it is, they agree on.
            homonym_types[i] = kb.entities[max(stored, key=lambda e: (stored[e], e))].type
            continue
        if stored:
            entity_id = max(stored, key=lambda e: (stored[e], e))
            assignment[i] = seed(forms[i], entity_id, kinds[entity_id])
            continue
        match = resolver.resolve(name, lang=lang or None)
        if match is not None:
            # A short form one language binds to an entry (Turkish "AB", the EU) is no name of it in
            # another: nothing else joins through it.
            bound = match.entity_id not in kb.lookup(forms[i].key)
            assignment[i] = seed(forms[i], match.entity_id, match.type, findable=not bound)
        else:
            pending.append(i)
    for i, target in zip(pending, group_names([forms[i] for i in pending], index), strict=True):
        assignment[i] = target
    _link_declined_names(rows, pending, forms, assignment, index)
    _link_cjk_names(forms, assignment, index)

    def is_place(text: str) -> bool:
        match = resolver.exact(text)
        return match is not None and match.type == "place"

    results: list[Result] = []
    for i, ((key, name, _), target) in enumerate(zip(rows, assignment, strict=True)):
        if target < 0:
            # A bare body is some country's organisation: which one, only an article says.
            results.append((key, None, homonym_types.get(i) or ("organisation" if bare_body(name) else None)))
            continue
        group = index.groups[target]
        group_type: EntityType = group.type or guess_type(group.canonical, is_place)
        results.append((key, group_id(group), group_type))
    if on_progress is not None:
        on_progress(len(rows), len(rows))
    return results


def _homonyms_abroad(kb: KnowledgeBase, key: str, stored: Counter[str]) -> bool:
    """The store holds ``key`` for entries of two countries or more that the knowledge base gives it
    only where a text names their country (Guadalajara in Spain, beside Mexico's): a bare name has
    no country, so it is neither."""
    entries = [kb.entities[e] for e in stored if e in kb.entities]
    return (
        len(entries) == len(stored) >= 2
        and len({e.country for e in entries}) >= 2
        and any((key, e.id) in kb.contextual for e in entries)
    )


def _acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _link_declined_names(
    rows: Sequence[Row], pending: list[int], forms: list[NameForm], assignment: list[int], index: GroupIndex
) -> None:
    """Move a group of Russian or Ukrainian men's names all in a case no nominative has ("Путиным",
    "Путіним") to the group their nominative joins, if any: across cases a bare name matches only by
    sound, too weakly for names from unrelated texts."""
    members: dict[int, list[int]] = defaultdict(list)
    for i in pending:
        if assignment[i] >= 0:
            members[assignment[i]].append(i)
    moves: dict[int, int] = {}
    for own, rows_of in members.items():
        readings = [person_nominative(rows[i][1], rows[i][2]) for i in rows_of]
        # A nominative, a stored or a listed name in the group already says whom it names.
        declined = all(r != rows[i][1] for r, i in zip(readings, rows_of, strict=True))
        if len(rows_of) != len(index.groups[own].forms) or not declined:
            continue
        target = index.find(name_form(readings[0]))
        if target is not None and target != own:
            moves[own] = target
    for own, target in moves.items():
        if target not in moves:
            for i in members[own]:
                index.groups[target].forms.append(forms[i])
                assignment[i] = target


def _link_cjk_names(forms: list[NameForm], assignment: list[int], index: GroupIndex) -> None:
    """Attach a one-group CJK name (马克龙) to the one group whose family name shares its symbols."""
    lonely = [
        i
        for i, form in enumerate(forms)
        if is_cjk(form.text) and assignment[i] >= 0 and len(index.groups[assignment[i]].forms) == 1
    ]
    if not lonely:
        return
    from rigour.names import analyze_names
    from rigour.names.tag import NameTypeTag

    def symbols(text: str) -> set[str]:
        found: set[str] = set()
        for name in analyze_names(NameTypeTag.PER, [text], consolidate=False):
            for span in name.spans:
                if len(span.parts) == 1 and span.symbol.id.startswith("Q"):
                    found.add(span.symbol.id)
        return found

    family: dict[str, set[int]] = defaultdict(set)
    for g, group in enumerate(index.groups):
        if len(group.canonical.tokens) >= 2 and not is_cjk(group.canonical.text):
            for symbol in symbols(group.canonical.text.split()[-1]):
                family[symbol].add(g)
    for i in lonely:
        owners: set[int] = set()
        for symbol in symbols(forms[i].text):
            owners |= family.get(symbol, set())
        owners.discard(assignment[i])
        if len(owners) == 1:
            target = owners.pop()
            index.groups[target].forms.append(forms[i])
            assignment[i] = target
