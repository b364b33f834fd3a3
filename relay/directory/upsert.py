"""Which entries of a file are new, changed or the same as stored: by `id` when the file gives
one, else by name and commune."""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from relay.directory.entries import COLUMNS, Entry, name_of_identity
from relay.directory.importing import ANALYSING, Progress
from relay.store.directory import Existing
from relay.textnorm import fold

_SLUG_LENGTH = 48


AMBIGUOUS_TEXT = (
    "{count} fiches s'appellent « {name} » ({communes}) : ajoutez la colonne commune ou id pour "
    "dire laquelle ; ligne ignorée"
)


@dataclass
class Plan:
    inserts: list[dict[str, object]] = field(default_factory=list)
    updates: list[dict[str, object]] = field(default_factory=list)
    unchanged: int = 0
    kept: set[int] = field(default_factory=set)  # stored entries the file holds
    ambiguous: list[tuple[int, str]] = field(default_factory=list)  # entry's index, why left out

    @property
    def added(self) -> int:
        return len(self.inserts)

    @property
    def updated(self) -> int:
        return len(self.updates)


@dataclass
class _Stored:
    """The stored entries, found by id, by name and commune, or by name alone (a file without
    commune column)."""

    by_ref: dict[str, Existing]
    by_identity: dict[str, Existing]
    by_name: dict[str, list[Existing]]

    @classmethod
    def of(cls, stored: Iterable[Existing]) -> "_Stored":
        by_ref = {e.ref: e for e in stored}
        by_identity: dict[str, Existing] = {}
        by_name: dict[str, list[Existing]] = {}
        for existing in by_ref.values():
            by_identity.setdefault(existing.identity, existing)
            by_name.setdefault(name_of_identity(existing.identity), []).append(existing)
        return cls(by_ref, by_identity, by_name)

    def find(self, entry: Entry, has_commune: bool) -> list[Existing]:
        """The stored entry a file's entry updates (none: a new one; several: ambiguous)."""
        if entry.ref and entry.ref in self.by_ref:
            return [self.by_ref[entry.ref]]
        if not has_commune and not entry.ref:
            return self.by_name.get(name_of_identity(entry.identity), [])
        target = self.by_identity.get(entry.identity)
        if target is None or (entry.ref and target.ref != _derived_ref(entry, set())):
            return []  # none, or another entry of the same name that has an id of its own
        return [target]


def plan(
    entries: Sequence[Entry],
    stored: Iterable[Existing],
    now: datetime,
    progress: Progress | None = None,
    present: frozenset[str] = frozenset(COLUMNS),
    current: Mapping[int, Entry] | None = None,
) -> Plan:
    """What to insert and update. A file without some columns (`present`) leaves them as they
    are on the entries it updates: `current` holds those entries as stored."""
    index = _Stored.of(stored)
    taken = set(index.by_ref)
    result = Plan()
    for n, entry in enumerate(entries, start=1):
        if progress is not None and (n % 500 == 0 or n == len(entries)):
            progress(ANALYSING, n, len(entries))
        targets = index.find(entry, "commune" in present)
        if len(targets) > 1:
            result.kept.update(t.id for t in targets)  # --replace must not delete them
            result.ambiguous.append((n - 1, _ambiguous(entry, targets, current or {})))
            continue
        target = targets[0] if targets else None
        if target is not None and current is not None and target.id in current:
            entry = entry.completed(current[target.id], present)
        ref = entry.ref or (target.ref if target else _derived_ref(entry, taken))
        taken.add(ref)
        row = columns(entry, ref)
        if target is None:
            result.inserts.append({**row, "created_at": now, "updated_at": now})
            continue
        result.kept.add(target.id)
        if target.checksum == row["checksum"] and target.ref == ref:
            result.unchanged += 1
        else:
            result.updates.append({**row, "entry_id": target.id, "updated_at": now})
    return result


def _ambiguous(entry: Entry, targets: list[Existing], current: Mapping[int, Entry]) -> str:
    communes = sorted({current[t.id].commune for t in targets if t.id in current})
    return AMBIGUOUS_TEXT.format(
        count=len(targets),
        name=entry.name,
        communes=", ".join(c or "sans commune" for c in communes),
    )


def columns(entry: Entry, ref: str) -> dict[str, object]:
    """The stored row of an entry, analysed search columns and checksum included."""
    row: dict[str, object] = {
        "ref": ref,
        "name": entry.name,
        "category": entry.category,
        "description": entry.description,
        "keywords": ";".join(entry.keywords),
        "publics": ";".join(entry.publics),
        "themes": ";".join(entry.themes),
        "address": entry.address,
        "postal_code": entry.postal_code,
        "commune": entry.commune,
        "phone": entry.phone,
        "email": entry.email,
        "website": entry.website,
        "hours": entry.hours,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "verified_on": entry.verified_on,
        **entry.search_columns(),
    }
    row["checksum"] = _checksum(row)
    return row


def _checksum(row: dict[str, object]) -> str:
    content = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(content.encode("utf-8")).hexdigest()


def _derived_ref(entry: Entry, taken: set[str]) -> str:
    """A readable, stable id for an entry the file gives none: name and commune as a slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(f"{entry.name} {entry.commune}"))
    slug = slug[:_SLUG_LENGTH].strip("-") or "fiche"
    ref, n = slug, 2
    while ref in taken:
        ref, n = f"{slug}-{n}", n + 1
    return ref
