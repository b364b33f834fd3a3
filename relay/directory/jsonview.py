"""Answers as JSON: `relay ask --json` and the web site's `/api/annuaire` print the same shape."""

from collections.abc import Sequence
from typing import Any

from relay.directory.entries import Entry
from relay.directory.results import Result
from relay.directory.understanding import Query


def answer_json(
    question: str, query: Query | None, total: int, results: Sequence[Result]
) -> dict[str, Any]:
    """`{"query", "normalised", "place", "publics", "total", "results": [{"id", "name",
    "score", "coverage", …the entry's columns}]}`."""
    return {
        "query": question,
        "normalised": query.normalised() if query else "",
        "place": query.where if query else None,
        "publics": sorted(query.publics) if query else [],
        "total": total,
        "results": [
            {
                "id": r.entry.ref,
                "name": r.entry.name,
                "score": round(r.score, 4),
                "coverage": round(r.coverage, 4),
                **entry_json(r.entry),
            }
            for r in results
        ],
    }


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "category": entry.category,
        "address": entry.address,
        "postal_code": entry.postal_code,
        "commune": entry.commune,
        "phone": entry.phone,
        "email": entry.email,
        "site": entry.website,
        "hours": entry.hours,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "verified_on": entry.verified_on.isoformat() if entry.verified_on else None,
    }
