"""The readings of a question, tried in turn until one finds entries: the whole question; for a
story, the needs it names without the words that tell it; each need on its own."""

import re
from dataclasses import replace

from relay.directory.analysis import fold
from relay.directory.french import PERSONS
from relay.directory.scoring import Scored, names_a_trade, names_service
from relay.directory.understanding import Concept, Query

# A question of this many words describes a situation rather than names a service: the words
# around its needs tell a story ("elle s'est perdue en rentrant du marché").
NARRATIVE_WORDS = 7
LONG_STORY_WORDS = 10  # … and this many, whoever it speaks of ("la facture de fioul a explosé…")
_WORD = re.compile(r"[^\W_]+")  # "j'ai" is "j" and "ai"


def is_narrative(query: Query) -> bool:
    """A story: a long question that speaks of someone ("je", "ma mère", "il"), not a long
    name of a service ("groupe de parole pour les familles de malades psychiques")."""
    words = _WORD.findall(fold(query.question))
    if len(words) >= LONG_STORY_WORDS:
        return True
    return len(words) >= NARRATIVE_WORDS and not PERSONS.isdisjoint(words)


def _is_need(concept: Concept) -> bool:
    """A need of synonyms.yaml: words with services that answer them."""
    return len(concept.alternatives) > 1


def needs_only(query: Query) -> Query | None:
    """A situation described in several words ("ma mère oublie tout depuis son opération"):
    the needs of synonyms.yaml it names, without the plain words around them (words the
    directory knows, no synonym of a need); None when the question names no such need or
    reads the same. In a short question, words the directory does not know still count:
    "réparer ma voiture" is not a transport question; in a story they are its telling, unless
    the story opens on a service or a trade ("un garagiste pas cher pour réparer ma voiture")."""
    concepts = query.concepts
    needs = [c for c in concepts if _is_need(c)]
    narrative = is_narrative(query)
    asked = concepts[0] if _asks_an_unlisted_trade(query) else None
    kept = [
        c
        for c in concepts
        if _is_need(c)
        or c.publics
        or not (c.known or narrative)
        or c is asked
        or (not narrative and names_a_trade(c))
    ]
    if any(not c.circumstance for c in needs):  # "… depuis mon divorce": the need it frames
        kept = [c for c in kept if not c.circumstance]
    narrower = _first_need_first(kept, query.asked) if narrative else tuple(kept)
    if not needs or narrower == concepts:
        return None
    return replace(query, concepts=narrower)


def _first_need_first(concepts: list[Concept], asked: int | None) -> tuple[Concept, ...]:
    """A story's concepts with the needs said in a clause after its first need's marked as
    told: the first is what the person asks about ("ma mère oublie tout"), the clauses after it
    how it shows (", elle s'est perdue en rentrant du marché"). A clause that asks ("je reprends
    le travail, qui peut garder ma fille ?") names what is asked, wherever it comes."""
    needs = [c.clause for c in concepts if _is_need(c)]
    if not needs:
        return tuple(concepts)
    if asked in needs:
        return tuple(
            replace(c, told=True) if _is_need(c) and c.clause != asked else c for c in concepts
        )
    return tuple(
        replace(c, told=True) if _is_need(c) and c.clause > needs[0] else c for c in concepts
    )


def each_need(query: Query) -> list[Query]:
    """A story naming several needs that no entry answers together ("ma mère oublie tout, elle
    s'est perdue en rentrant du marché"): each need with the question's publics, as a question
    of its own."""
    needs = [c for c in query.concepts if _is_need(c)]
    if any(not c.circumstance for c in needs):
        needs = [c for c in needs if not c.circumstance]
    if len(needs) < 2 or not is_narrative(query):
        return []
    publics = [c for c in query.concepts if c.publics and not _is_need(c)]
    return [replace(query, concepts=(need, *publics)) for need in needs]


def readings(query: Query) -> list[list[Query]]:
    """The ways to read a question, tried in turn until one finds entries: the whole question,
    then its needs alone (first the needs, for a story), then each need on its own."""
    narrower = needs_only(query)
    # "un coiffeur qui se déplace à domicile…": a trade the directory does not list, asked
    # first, is what the question is about; its other needs on their own are not
    each = [] if _asks_an_unlisted_trade(query) else each_need(query)
    if narrower is not None and is_narrative(query):
        stages = [[narrower], [query], each]
    else:
        stages = [[query], [narrower] if narrower else [], each]
    return [stage for stage in stages if stage]


def _asks_an_unlisted_trade(query: Query) -> bool:
    """The question opens on a trade the directory does not list, not on when it happened
    ("après la balade en forêt, …")."""
    first = query.concepts[0] if query.concepts else None
    return first is not None and not first.circumstance and names_service(first)


def merged(answers: list[list[Scored]], limit: int) -> list[Scored]:
    """The answers to several readings as one list, each entry once: in turn the best of each
    reading, then the second of each…, so that the first answers speak to every need named."""
    ranked = sorted((found for found in answers if found), key=lambda f: (-f[0].total, f[0].id))
    seen: set[int] = set()
    kept: list[Scored] = []
    for rank in range(max((len(f) for f in ranked), default=0)):
        for found in ranked:
            if rank < len(found) and found[rank].id not in seen:
                seen.add(found[rank].id)
                kept.append(found[rank])
    return kept[:limit]
