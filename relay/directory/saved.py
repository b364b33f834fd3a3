"""The vocabulary kept in the store between processes, so that `relay ask` or a restart reads
it instead of building it again from every entry.

Only built-in values are written (marshal), so reading it back runs no code. A recipe names
everything the vocabulary was built from besides the entries (synonyms, reference communes,
territory, the code that builds it, Python's version): any change builds it again.
"""

import functools
import gc
import hashlib
import marshal
import sys
import zlib
from collections.abc import Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import Any

from relay.directory import analysis, france, geography, places, synonyms, vocabulary
from relay.directory.geography import Commune, Territory
from relay.directory.synonyms import PublicGroup, Synonyms
from relay.directory.vocabulary import Vocabulary

_REBUILT = {
    "synonyms",
    "territory",
    "_expansions",
    "_corrections",
}  # written apart, or a per-process cache


def recipe(synonyms_file: Path, reference: Sequence[Commune], territory: Sequence[str]) -> str:
    digest = hashlib.sha256()
    digest.update(_code_digest())
    digest.update(synonyms_file.read_bytes() if synonyms_file.is_file() else b"")
    digest.update(repr([astuple(c) for c in reference]).encode())
    digest.update(repr(list(territory)).encode())
    return digest.hexdigest()[:40]


@functools.cache
def _code_digest() -> bytes:
    digest = hashlib.sha256(f"{sys.version_info[:2]}/{marshal.version}".encode())
    for module in (analysis, france, geography, places, synonyms, vocabulary):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(Path(__file__).read_bytes())  # how it is written
    digest.update(france.DATA.read_bytes())
    return digest.digest()


def dumps(built: Vocabulary) -> bytes:
    state: dict[str, Any] = {
        f.name: getattr(built, f.name) for f in fields(Vocabulary) if f.name not in _REBUILT
    }
    territory = built.territory
    state["territory"] = ([astuple(c) for c in territory.communes.values()], territory.listed)
    written = built.synonyms
    groups = [astuple(g) for g in written.publics]
    state["synonyms"] = (written.expansions, groups, *written.forms)
    return zlib.compress(marshal.dumps(state), 1)


def loads(data: bytes) -> Vocabulary:
    """The vocabulary, with the synonyms it was built with (synonyms.yaml is not read again:
    the recipe says it has not changed)."""
    collecting = gc.isenabled()
    gc.disable()  # a million new containers, none in a cycle: the collector would only slow it
    try:
        state: dict[str, Any] = marshal.loads(zlib.decompress(data))
    finally:
        if collecting:
            gc.enable()
    expansions, publics, by_stem, by_root = state.pop("synonyms")
    groups = tuple(PublicGroup(*group) for group in publics)
    written = Synonyms(expansions, groups, by_stem, by_root)  # their forms, not computed again
    communes, listed = state.pop("territory")
    built = [Commune(*values) for values in communes]
    territory = Territory({c.key: c for c in built}, frozenset(listed))
    return Vocabulary(**state, synonyms=written, territory=territory)
