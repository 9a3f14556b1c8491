"""Identity across articles and scripts, decided in the single writer on evidence.

``EntityRecognizer.analyse`` is a pure function of one article, so each name no knowledge base
knows gets the id of its own normalised name (``names.sw_id``): "بوتين" in one article and
"Vladimir Putin" in another get different ids.  The writer, which alone may read the store,
reconciles them, and only on evidence:

* a whole name that matches a stored one strongly (``matching.strong_match``: the same letters
  once romanised, enough consonants, or the same sound) joins it; a person only when it is also a
  spelling of every full name the person has in its script (``_agrees``), so transliterations do
  not chain (A~B, B~C, C~D never make A and D one);
* across person and organisation (recognisers disagree) only the same spelling joins: "Jaime Mata"
  sounds like "الأمم المتحدة" and is no organisation;
* a weaker match (a one-word name with few consonants, a surname matched by sound) joins only
  when the article names distinctive entities the stored one was named with (``_distinctive``: no
  country, nothing in 2% of the articles); acronyms and short names never match by sound;
* a bare family name joins the one stored full name it belongs to, read in its own script when
  the person has a full name there; when several share it, the one named alongside this article's
  entities wins, and a tie leaves it alone;
* a new full name absorbs the stored surname-only entities it owns, and a stored one-word entity
  joins a stored one when context finally says so; the old id redirects (``entity_redirects``).

The decisions depend only on the store's content, so a given ingest order always gives the same ids.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz

from ...models import Entity, Mention
from ...store import Store
from ..kb.base import COUNTRY_PRIORITY, get_kb
from ..names import NameForm, is_acronym_like, name_form, unvoiced, vowel_skeleton
from ..transcriptions import foreign_variants
from .bodies import bare_body
from .matching import (
    contains_name,
    flipped,
    same_name,
    sound_key,
    strong_match,
    token_match,
    transcribes,
    transcription_pair,
)
from .places import match_place, region_places, surface_place_keys
from .stored import StoredNames, name_forms

RECONCILED_TYPES = ("person", "organisation")


@lru_cache(maxsize=20_000)  # the same names come back in article after article; as name_form's cache
def name_keys(form: NameForm) -> frozenset[str]:
    """Index keys of one surface form: every reading of every token, and of the whole name."""
    keys = {v for options in form.variants for v in options if len(v) >= 2}
    keys |= {k for k in form.key_variants if len(k) >= 4}
    keys |= {unvoiced(v) for options in foreign_variants(form) for v in options if len(v) >= 2}  # 特朗普 finds Trump
    if form.short and form.vowel_key:
        keys.add("v:" + form.vowel_key)
    return frozenset(keys)


def surface_keys(surface: str) -> set[str]:
    return set(name_keys(name_form(surface)))


SAME_SCRIPT_WORD_SIMILARITY = 75.0  # two one-word spellings in one script: Kovid/Covid, not Tierra/Twitter


def _fullest(forms: list[NameForm]) -> list[NameForm]:
    """The multi-token names when there are any: a bare "Trump" that an article grouped under
    "Melania Trump" is no evidence that Melania Trump is the stored Donald Trump."""
    return [f for f in forms if len(f.tokens) > 1] or forms


def _same(f: NameForm, g: NameForm) -> bool:
    """``same_name``, and for two one-word names also alike in letters (one script) or in sound
    (two scripts): Kovid is Covid and تويتر Twitter, but Tierra is not Twitter nor جهود Covid."""
    if not same_name(f, g):
        return False
    if len(f.tokens) != 1 or len(g.tokens) != 1:
        return True
    if f.script == g.script:
        return fuzz.ratio(f.roman_key, g.roman_key) >= SAME_SCRIPT_WORD_SIMILARITY
    # A transcription's vowels are the writing system's, not the name's (特朗普 te-lang-pu, Trump).
    return transcribes(f, 0, g, 0) or fuzz.ratio(sound_key(f), sound_key(g)) >= SAME_SCRIPT_WORD_SIMILARITY


def _token_found(form: NameForm, index: int, other: NameForm) -> bool:
    if not form.skeletons[index] or not form.variants[index].isdisjoint(other.every_variant):
        return True
    return transcription_pair(form, other) and any(transcribes(form, index, other, j) for j in range(len(other.tokens)))


def may_be_same(f: NameForm, g: NameForm) -> bool:
    """What every way of matching ``f`` and ``g`` below needs, cheap enough to ask first: name
    keys bring hundreds of stored names sharing one common token (a given name, "ministry").
    A token match (``same_name``, ``contains_name``) pairs both end tokens of ``f`` with tokens
    of ``g``; the other paths need the same whole-name reading or two short names."""
    if _token_found(f, 0, g) and _token_found(f, -1, g):
        return True
    return (f.short and g.short) or f.skeleton_key == g.skeleton_key or bool(f.key_variants & g.key_variants)


def _same_entity(names: StoredNames, fullest: list[NameForm], stored: list[NameForm], whole: bool = False) -> bool:
    """``fullest``: ``_fullest`` of the new entity's names, taken once for all its candidates.
    ``whole``: each new full name must also be every stored full name of its script (``_agrees``)."""
    stored = _fullest(stored)
    if whole and not all(_agrees(names, f, stored) for f in fullest):
        return False
    return any(_memo_same(names, f, g) for f in fullest for g in _comparable(f, stored))


def _memo_same(names: StoredNames, f: NameForm, g: NameForm) -> bool:
    # may_be_same first, outside the memo: most pairs fail it, and it is cheaper than a lookup.
    if not may_be_same(f, g):
        return False
    known = names.same_pairs  # the same pairs of names come back with every article naming them
    pair = (f.text, g.text)
    same = known.get(pair)
    if same is None:
        known.make_room(1)
        same = known[pair] = _same_names(f, g)
    return same


def _agrees(names: StoredNames, f: NameForm, stored: list[NameForm]) -> bool:
    """A full name joins a person only as another spelling of *all* its full names in its script.

    Matching any one of them lets transliterations chain: "Faysyl Ahmed" reads like the flipped
    "محمد صلاح", "أحمد صلاح" like "Faysyl Ahmed", and four people become one although the first and
    the last never match.  The names of one script are the entity's own spellings of it, so a new
    name of that script must be one of them; a name whose script the entity lacks has only the
    match itself to go on."""
    if len(f.tokens) < 2:
        return True
    return all(_memo_same(names, f, g) for g in stored if g.script == f.script and len(g.tokens) > 1)


def _same_names(f: NameForm, g: NameForm) -> bool:
    """Two names ``may_be_same`` already let through (the caller asks it) are one entity's."""
    return _same(f, g) or contains_name(g, f) or contains_name(f, g)


def _comparable(form: NameForm, stored: list[NameForm]) -> list[NameForm]:
    """The stored names a one-word name is compared with: those in its own script when there are
    any.  A spelling in the same script is the better witness: "Tierra" is not "Twitter", however
    close it sounds to "تويتر"."""
    if len(form.tokens) != 1:
        return stored
    return [g for g in stored if g.script == form.script] or stored


def _family_name_of(part: NameForm, full: NameForm, position: int) -> bool:
    """``part`` (one token) is token ``position`` (0 or -1) of the multi-token ``full``."""
    if len(part.tokens) != 1 or len(full.tokens) < 2:
        return False
    index = position % len(full.tokens)
    if is_acronym_like(part) or len(part.skeleton_key) < 2:  # few letters to tell: only all of them ("Feijóo")
        return part.roman[0] == full.roman[index]
    if not token_match(part, 0, full, index):
        return False
    if transcribes(part, 0, full, index):  # the transcription's vowels say nothing (普京, Putin)
        return True
    # Across scripts the consonants alone say little (جهود and Guaidó share G-T): the sound must agree.
    alike = part.roman[0] if part.script == full.script else sound_key(part)
    other = full.roman[index] if part.script == full.script else vowel_skeleton(full.roman[index])
    return fuzz.ratio(alike, other) >= SAME_SCRIPT_WORD_SIMILARITY


def kinds_to_try(kind: str, forms: list[NameForm]) -> list[str]:
    """The stored types a new entity may join, its own first.  Recognisers of different languages
    type one name differently (the rules call "Trump" an organisation next to "Trump Organization",
    an Arabic name may be typed "other"), and the name match itself is the evidence; only an
    acronym keeps its own type."""
    own = [kind] if kind in RECONCILED_TYPES else []
    if forms and all(is_acronym_like(f) for f in forms):
        return own
    return own + [k for k in RECONCILED_TYPES if k != kind]


def _strong(forms: list[NameForm], stored: list[NameForm], person: bool) -> bool:
    return any(
        strong_match(f, g) and not (person and flipped(f, g)) for f in _fullest(forms) for g in _fullest(stored)
    )


def _letter_for_letter(part: NameForm, full: NameForm, position: int) -> bool:
    return len(full.tokens) > 1 and part.roman[0] == full.roman[position % len(full.roman)]


def _spelled_alike(forms: list[NameForm], stored: list[NameForm]) -> bool:
    """One of ``forms`` is one of ``stored``, or its family name, letter for letter once romanised,
    or a full name strongly matching one of the same script ("Fayez el-Sarraj", "Fayez al-Serraj")."""
    return any(
        f.roman_key == g.roman_key
        or (len(f.tokens) == 1 and _letter_for_letter(f, g, -1))
        # may_be_same first: it holds for every strong match, and it turns away most of the
        # hundreds of candidates a common token brings, for a fraction of strong_match's cost.
        or (f.script == g.script and len(f.tokens) > 1 and may_be_same(f, g) and strong_match(f, g))
        for f in forms
        for g in stored
    )


def _own_script(part: NameForm, stored: list[NameForm]) -> list[NameForm]:
    """The stored names a bare name may be the family or given name of: those of its own script when
    the entity has a full name there.  "Amerikalı" sounds like the end of "أنجيلا ميركل", but the
    Latin "Angela Merkel" beside it says the Latin spelling of that name is "Merkel"."""
    own = [g for g in stored if g.script == part.script]
    return own if any(len(g.tokens) > 1 for g in own) else stored


DISTINCTIVE_SHARE = 0.02  # context must be rarer than this share of stored articles ...
DISTINCTIVE_MIN_ARTICLES = 5  # ... or than this many, in a small store


def _distinctive(names: StoredNames, context: set[str]) -> set[str]:
    """The entities of ``context`` that say something: no country, nothing named in every other
    article.  Two names that both co-occur with the United States share no evidence at all."""
    if not context:
        return set()
    kb = get_kb().entities
    # Countries first: they are named in a large share of the store, and counting their articles
    # costs as much as they have.
    context = {e for e in context if not (e in kb and kb[e].priority >= COUNTRY_PRIORITY)}
    if not context:
        return set()
    limit = max(DISTINCTIVE_MIN_ARTICLES, DISTINCTIVE_SHARE * names.article_total())
    counts = names.article_counts(context)
    return {e for e in context if counts[e] <= limit}


def _pick(names: StoredNames, pool: list[str], context: set[str], weak: set[str]) -> str | None:
    """The one candidate of ``pool``; a ``weak`` one only when it shares stored articles with the
    entities named alongside, and several only when co-occurrence tells one apart."""
    context = _distinctive(names, context)
    weights = {c: names.cooccurrences(c, context) if context else 0 for c in pool}
    pool = [c for c in pool if c not in weak or weights[c] > 0]
    if len(pool) == 1:
        return pool[0]
    if not pool or not context:
        return None
    ranked = sorted(((c, weights[c]) for c in pool), key=lambda item: (-item[1], item[0]))
    if ranked[0][1] > 0 and ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return None


def match_stored(
    conn: Store,
    entity_id: str,
    kind: str,
    surfaces: Iterable[str],
    context: set[str],
    person: bool = True,
    names: StoredNames | None = None,
    recognised: str = "",
) -> str | None:
    """The stored entity of type ``kind`` that ``entity_id`` (with these surface forms) is another
    name of, if one is.  A bare name may be the family (last) name of a stored full name; the first
    one too (Xi of Xi Jinping) only when the recogniser read it as a ``person``'s: "Google" is no
    name of "Google Assistant".  ``names``: the writer's view of the stored names (else a fresh one).
    ``recognised``: the type the recognisers gave the name, when ``kind`` is another one to try."""
    names = names if names is not None else StoredNames(conn)
    forms = name_forms(surfaces)
    if not forms or kind not in RECONCILED_TYPES or all(bare_body(f.text) for f in forms):
        return None  # "Sağlık Bakanlığı" is each country's: its id already says whose (``bodies``)
    keys = set().union(*(name_keys(f) for f in forms))
    candidates = sorted(names.candidates(keys, kind) - {entity_id})
    stored = names.forms(candidates)
    candidates = [c for c in candidates if not all(bare_body(g.text) for g in stored[c])]
    if recognised in RECONCILED_TYPES and recognised != kind:
        # A person's name read like an organisation's ("Jaime Mata", "الأمم المتحدة": M, MT) is
        # some person: across types only the same spelling is evidence ("Trump" of Trump Organization).
        candidates = [c for c in candidates if _spelled_alike(forms, stored[c])]
    if not candidates:
        return None
    fullest = _fullest(forms)
    same = [c for c in candidates if _same_entity(names, fullest, stored[c], whole=kind == "person")]

    def weak(pool: Iterable[str]) -> set[str]:  # only a candidate that can be picked needs the check
        return {c for c in pool if not _strong(forms, stored[c], kind == "person")}

    if kind != "person" or any(len(f.tokens) > 1 for f in forms):
        return _pick(names, same, context, weak(same))
    # A bare family name: every stored full name ending with it competes (a "Müller" once linked to
    # Thomas Müller is still Gerd Müller's name too), else (Xi, Nguyen) the ones starting with it.
    # Letter for letter ("Trump" of "Donald Trump") it stands alone; by sound only it needs context.
    # A first name always needs context: a bare "Francis" is the Pope's as often as Francis Kahata's.
    for position in (-1, 0) if person else (-1,):
        owners = {
            c
            for c in candidates
            if any(_family_name_of(f, g, position) for f in forms for g in _own_script(f, stored[c]))
        }
        if owners:
            exact = (
                {c for c in owners if any(_letter_for_letter(f, g, position) for f in forms for g in stored[c])}
                if position == -1
                else set()
            )
            pool = sorted(owners | set(same))
            return _pick(names, pool, context, weak(pool) - exact)
    return _pick(names, same, context, weak(same))


def _absorbable(names: StoredNames, new_id: str, full: list[NameForm], context: set[str]) -> list[str]:
    """Stored surname-only people that the new full names own, and no other stored full name does;
    a surname matched by sound only ("Poutine" of "Vladimir Putin") also needs a shared context."""
    keys = {v for f in full for v in f.variants[-1] if len(v) >= 2}
    found = []
    for candidate in sorted(names.candidates(keys, "person") - {new_id}):
        forms = names.forms([candidate])[candidate]
        if not forms or any(len(g.tokens) > 1 for g in forms):
            continue
        if not all(any(_family_name_of(g, f, -1) for f in full) for g in forms):
            continue
        rivals = sorted(names.candidates(set().union(*(name_keys(g) for g in forms)), "person") - {candidate, new_id})
        rival_forms = names.forms(rivals)
        claimed = any(_family_name_of(g, r, -1) for other in rivals for r in rival_forms[other] for g in forms)
        if claimed:
            continue
        exact = all(any(_letter_for_letter(g, f, -1) for f in full) for g in forms)
        if exact or (context and names.cooccurrences(candidate, context) > 0):
            found.append(candidate)
    return found


@dataclass
class Plan:
    mapping: dict[str, str] = field(default_factory=dict)  # this article's id -> the id to store under
    absorb: list[tuple[str, str]] = field(default_factory=list)  # (stored id, id that absorbs it)


def plan_article(conn: Store, mentions: list[Mention], entities: list[Entity], names: StoredNames) -> Plan:
    plan = Plan()
    ids = sorted({e.id for e in entities} | {m.entity_id for m in mentions if m.entity_id})
    plan.mapping.update(conn.redirect_targets(ids))
    kinds: dict[str, str] = {plan.mapping.get(e.id, e.id): e.type for e in entities}
    surfaces: dict[str, set[str]] = defaultdict(set)
    for mention in mentions:
        if mention.entity_id:
            stored_id = plan.mapping.get(mention.entity_id, mention.entity_id)
            surfaces[stored_id].add(mention.surface)
            kinds.setdefault(stored_id, mention.type)
    for entity in entities:
        surfaces[plan.mapping.get(entity.id, entity.id)] |= set(entity.aliases)
    current = sorted({plan.mapping.get(i, i) for i in ids})
    if not names.keys_indexed:
        names.keys_indexed = conn.ensure_name_keys(surface_keys)
    # What the loop below asks of each entity, read for all of them at once: one statement each,
    # not one per entity (on PostgreSQL each is a round trip).  Nothing is written before the loop ends.
    types = names.types(current)
    own_forms = names.forms(current)
    known = get_kb().entities
    # The stored entities sharing a key with the names the loop may compare, and their types.
    names.read_ahead(
        {
            key
            for entity_id in current
            if entity_id.startswith("sw:") and entity_id not in known
            # as the loop below: a stored entity with a longer name had its whole-name match
            and (types[entity_id] is None or all(len(f.tokens) == 1 for f in own_forms[entity_id]))
            for f in name_forms(surfaces[entity_id])
            for key in name_keys(f)
        }
    )
    # Fullest names first: a whole name that matches by itself becomes the context a bare one needs.
    fullest_first = sorted(
        current, key=lambda i: (-max((len(f.tokens) for f in name_forms(surfaces[i])), default=0), i)
    )
    for entity_id in fullest_first:
        kind = kinds.get(entity_id, "")
        if not entity_id.startswith("sw:") or entity_id in known:
            continue
        forms = name_forms(surfaces[entity_id])
        stored = names.exists(entity_id)
        # A stored one-word name that once lacked the context to join anything gets another chance
        # whenever it comes with context; a stored entity with a longer name (all its names, not
        # this article's: "Trump" here may be the stored Donald Trump) had its whole-name match.
        if stored and not all(len(f.tokens) == 1 for f in names.forms([entity_id])[entity_id]):
            continue
        context = {plan.mapping.get(i, i) for i in ids} - {entity_id}
        if stored and not context:
            continue
        target = None
        if kind == "place":
            target = match_place(names, entity_id, surfaces[entity_id], region_places(context, kinds, known), known)
        for candidate_kind in kinds_to_try(kind, forms) if target is None else []:
            target = match_stored(
                conn, entity_id, candidate_kind, surfaces[entity_id], context, kind == "person", names, kind
            )
            if target is not None:
                break
        if target is not None:
            for original in ids:
                if plan.mapping.get(original, original) == entity_id:
                    plan.mapping[original] = target
            if stored:
                plan.absorb.append((entity_id, target))
            continue
        if stored:
            continue
        full = [f for f in name_forms(surfaces[entity_id]) if len(f.tokens) > 1]
        if kind == "person" and full:
            plan.absorb += [(old, entity_id) for old in _absorbable(names, entity_id, full, context)]
    plan.mapping = {k: v for k, v in plan.mapping.items() if k != v}
    return plan


KEYED_TYPES = ("person", "organisation")


@dataclass(frozen=True)
class StoredEntities:
    """What storing an article's entities changed that others may hold: ``mapping`` (this article's
    id -> stored id) and ``retyped`` (stored entities whose one type the new mentions changed)."""

    mapping: dict[str, str]
    retyped: frozenset[str]


def store_article_entities(
    conn: Store, article_id: str, mentions: list[Mention], entities: list[Entity], names: StoredNames | None = None
) -> StoredEntities:
    """Reconcile the article's entities with the store, then store them (inside the caller's open
    transaction): a bare "Poutine" joins the stored "Vladimir Putin"; a late full name absorbs stored
    surname-only entities.  ``mentions`` and ``entities`` are rewritten *in place* to the stored ids,
    so the event assigner that reads them next sees the same ids as the store.  Returns the mapping
    applied and the stored entities retyped.  ``names``: the writer's view of the stored names, told
    of every change made here (else a fresh one, for this article alone)."""
    names = names if names is not None else StoredNames(conn)
    names.begin_article()
    plan = plan_article(conn, mentions, entities, names)
    apply_mapping(plan.mapping, mentions, entities)
    kinds = {e.id: e.type for e in entities}
    untyped = [e.id for e in entities if e.id not in get_kb().entities]
    # As the store holds them: nothing was written since reconciliation read them.
    types_before = {e: kind for e, kind in names.types(untyped).items() if kind is not None}
    unknown = set(untyped)
    keyed = [
        (key, m.entity_id)
        for m in mentions
        if m.entity_id and kinds.get(m.entity_id, m.type) in KEYED_TYPES
        for key in name_keys(name_form(m.surface))
    ]
    # Unknown places by their sound, which ``places.match_place`` looks them up by.
    keyed += [
        (key, m.entity_id)
        for m in mentions
        if m.entity_id and m.entity_id in unknown and kinds.get(m.entity_id, m.type) == "place"
        for key in surface_place_keys(m.surface)
    ]
    conn.save_article_entities(article_id, mentions, entities, keyed)
    names.stored({e.id for e in entities} | {m.entity_id for m in mentions if m.entity_id}, keyed)
    for old, new in plan.absorb:
        conn.merge_entities(old, new, "full name")
        names.merged(old, new)
    settled = settle_types(conn, untyped)
    names.retyped(untyped)
    retyped = frozenset(e for e, kind in types_before.items() if settled.get(e, kind) != kind)
    return StoredEntities(plan.mapping, retyped)


# Ties go to the type that says most: a name typed person and organisation equally often is a person.
_TYPE_ORDER = ("person", "organisation", "place", "other")


def majority_type(votes: Mapping[str, tuple[int, int, int]]) -> str | None:
    """The type an entity's mentions give it (one type per entity: Trump is one person), from each
    type's (languages, articles, mentions).

    A recogniser that misreads a name misreads it in every article of its language alike (the
    French model's "Rhodalis" is a place each time), so other languages' recognisers are the
    independent evidence: the type read in the most languages wins, then in the most articles.
    "other" is what a recogniser says when it cannot tell, so any specific type outvotes it, unless
    that type rests on one article's reading while several articles could not type the name (a
    chimpanzee called Limbo is no place because one English sentence read it so)."""
    if not votes:
        return None
    specific = {k: v for k, v in votes.items() if k != "other"}
    if specific and sum(v[1] for v in specific.values()) == 1 and votes.get("other", (0, 0, 0))[1] >= 2:
        specific = {}
    ranked = specific or dict(votes)
    return max(ranked, key=lambda k: (ranked[k], -_TYPE_ORDER.index(k) if k in _TYPE_ORDER else -len(_TYPE_ORDER)))


def settle_types(conn: Store, ids: Iterable[str]) -> dict[str, str]:
    """Give each entity no knowledge base types the majority type of its stored mentions; returns
    the types set (an entity without stored mentions keeps its own)."""
    votes = conn.mention_type_votes(ids)
    majorities = {entity_id: majority_type(found) for entity_id, found in votes.items()}
    settled = {entity_id: kind for entity_id, kind in majorities.items() if kind is not None}
    conn.set_entity_types(settled)
    return settled


def apply_mapping(mapping: dict[str, str], mentions: list[Mention], entities: list[Entity]) -> None:
    if not mapping:
        return
    for i, mention in enumerate(mentions):
        if mention.entity_id in mapping:
            mentions[i] = replace(mention, entity_id=mapping[mention.entity_id])
    merged: dict[str, Entity] = {}
    for entity in entities:
        entity_id = mapping.get(entity.id, entity.id)
        found = merged.get(entity_id)
        if found is None:
            merged[entity_id] = Entity(entity_id, entity.type, dict(entity.names), set(entity.aliases))
        else:
            for lang, name in entity.names.items():
                found.names.setdefault(lang, name)
            found.aliases |= entity.aliases
    entities[:] = list(merged.values())
