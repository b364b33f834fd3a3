"""A directory entry with the columns of the directory file (contract §4), and what is derived
from it for searching."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from relay.directory.analysis import analyze
from relay.directory.geography import place_key

STALE_DAYS = 365  # an entry not verified for this long is listed as one to check

COLUMNS = (
    "id",
    "nom",
    "categorie",
    "description",
    "mots_cles",
    "public",
    "themes",
    "adresse",
    "code_postal",
    "commune",
    "telephone",
    "email",
    "site",
    "horaires",
    "latitude",
    "longitude",
    "verifie_le",
)
LIST_COLUMNS = ("mots_cles", "public", "themes")
LIST_SEPARATOR = ";"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# The Entry attribute each column of the file fills.
FIELDS = {
    "id": "ref",
    "nom": "name",
    "categorie": "category",
    "description": "description",
    "mots_cles": "keywords",
    "public": "publics",
    "themes": "themes",
    "adresse": "address",
    "code_postal": "postal_code",
    "commune": "commune",
    "telephone": "phone",
    "email": "email",
    "site": "website",
    "horaires": "hours",
    "latitude": "latitude",
    "longitude": "longitude",
    "verifie_le": "verified_on",
}


@dataclass(frozen=True)
class Entry:
    """One actor or service, as the coordinator's spreadsheet describes it."""

    name: str
    ref: str = ""  # the `id` column; given by the coordinator or derived from name and commune
    category: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    address: str = ""
    postal_code: str = ""
    commune: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    hours: str = ""
    latitude: float | None = None
    longitude: float | None = None
    verified_on: date | None = None

    @property
    def identity(self) -> str:
        """Name and commune folded: how an entry without id is recognised on re-import."""
        return f"{analyze(self.name)}|{place_key(self.commune)}"

    def completed(self, stored: "Entry", columns: Iterable[str]) -> "Entry":
        """This entry, with the stored entry's values for the columns the file did not have."""
        absent = {FIELDS[c]: getattr(stored, FIELDS[c]) for c in COLUMNS if c not in columns}
        return replace(self, **absent)

    @property
    def own_themes(self) -> tuple[str, ...]:
        """Themes the file named its own way, none of the catalogue's (slugs have no capitals,
        accents nor spaces): their words are searched like keywords."""
        return tuple(t for t in self.themes if not _SLUG.fullmatch(t))

    def search_columns(self) -> dict[str, str]:
        """The analysed text the full-text index and the scorer read."""
        return {
            "search_name": analyze(self.name, self.category),
            "search_keywords": analyze(*self.keywords, *self.own_themes),
            "search_text": analyze(self.description),
            "search_publics": analyze(*self.publics),
            "search_place": place_token(place_key(self.commune)),
            "commune_key": place_key(self.commune),
            "identity": self.identity,
        }

    def row(self) -> dict[str, str]:
        """The entry as a line of the directory file."""
        return {
            "id": self.ref,
            "nom": self.name,
            "categorie": self.category,
            "description": self.description,
            "mots_cles": LIST_SEPARATOR.join(self.keywords),
            "public": LIST_SEPARATOR.join(self.publics),
            "themes": LIST_SEPARATOR.join(self.themes),
            "adresse": self.address,
            "code_postal": self.postal_code,
            "commune": self.commune,
            "telephone": self.phone,
            "email": self.email,
            "site": self.website,
            "horaires": self.hours,
            "latitude": _coordinate(self.latitude),
            "longitude": _coordinate(self.longitude),
            "verifie_le": self.verified_on.isoformat() if self.verified_on else "",
        }


def name_of_identity(identity: str) -> str:
    """The folded name part of an identity (`Entry.identity`)."""
    return identity.partition("|")[0]


def place_token(commune_key: str) -> str:
    """A commune as one full-text token ('saint brevin les pin' -> 'saintbrevinlespin'); '0'
    for an entry without commune (a service for the whole territory)."""
    return commune_key.replace(" ", "") or "0"


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")
