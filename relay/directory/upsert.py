"""Which entries of a file are new, changed or the same as stored: by `id` when the file gives
one, else by name and commune."""

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from relay.directory.entries import Entry
from relay.directory.importing import ANALYSING, Progress
from relay.store.directory import Existing
from relay.textnorm import fold

_SLUG_LENGTH = 48


@dataclass
class Plan:
    inserts: list[dict[str, object]] = field(default_factory=list)
    updates: list[dict[str, object]] = field(default_factory=list)
    unchanged: int = 0
    kept: set[int] = field(default_factory=set)  # stored entries the file holds

    @property
    def added(self) -> int:
        return len(self.inserts)

    @property
    def updated(self) -> int:
        return len(self.updates)


def plan(
    entries: Sequence[Entry],
    stored: Iterable[Existing],
    now: datetime,
    progress: Progress | None = None,
) -> Plan:
    by_ref = {e.ref: e for e in stored}
    by_identity: dict[str, Existing] = {}
    for existing in by_ref.values():
        by_identity.setdefault(existing.identity, existing)
    taken = set(by_ref)
    result = Plan()
    for n, entry in enumerate(entries, start=1):
        if progress is not None and (n % 500 == 0 or n == len(entries)):
            progress(ANALYSING, n, len(entries))
        target = by_ref.get(entry.ref) if entry.ref else None
        if target is None:
            target = by_identity.get(entry.identity)
            if target is not None and entry.ref and target.ref != _derived_ref(entry, set()):
                target = None  # another entry of the same name that has an id of its own
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
