"""A CLS anywhere in France: its communes, postal codes and intercommunalities come with relay,
and "nearby" works on a coordinator's file without coordinates, in the order a person expects
(the same commune, the same intercommunality, the neighbouring ones, the département)."""

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest

from relay.app import Relay
from relay.directory import DirectoryService
from relay.directory.france import DEPARTEMENTS, local_communes, national_index
from relay.directory.geography import (
    NEIGHBOUR_EPCI,
    SAME_DEPARTEMENT,
    SAME_EPCI,
    TERRITORY_WIDE,
    Commune,
    EntryPlace,
    Territory,
)
from relay.settings import Settings, SettingsError, load_settings

HEADER = ["id", "nom", "categorie", "description", "public", "themes"]
HEADER += ["adresse", "code_postal", "commune", "telephone"]
# A valley of the Haut-Rhin: services in a few communes, no coordinates at all.
ENTRIES = [
    ("hr-1", "Cabinet de psychologie du Vignoble", "Psychologue", "68240", "Kaysersberg Vignoble"),
    ("hr-2", "Psychologue de Lapoutroie", "Psychologue", "68650", "Lapoutroie"),
    ("hr-3", "Psychologue du Pays de Ribeauvillé", "Psychologue", "68150", "Ribeauvillé"),
    ("hr-4", "Psychologue de Mulhouse", "Psychologue", "68100", "Mulhouse"),
    ("hr-5", "Aide à domicile de la vallée", "Aide à domicile", "68370", "Orbey"),
    ("hr-6", "Pharmacie de Kientzheim", "Pharmacie", "68240", "Kientzheim"),
]


def write_directory(folder: Path, entries: Sequence[tuple[str, ...]] = ENTRIES) -> Path:
    path = folder / "annuaire-haut-rhin.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADER)
        for ref, name, category, postal_code, commune in entries:
            description = f"{category} sur rendez-vous."
            row = [ref, name, category, description, "Tous publics", "acces-aux-soins"]
            writer.writerow([*row, "1 rue Principale", postal_code, commune, "03 89 00 00 00"])
    return path


@pytest.fixture
async def haut_rhin(relay: Relay, settings: Settings, tmp_path: Path) -> DirectoryService:
    directory = DirectoryService(relay.db, settings, relay.themes)
    report = await directory.import_file(write_directory(tmp_path))
    assert report.added == len(ENTRIES)
    return directory


async def refs(directory: DirectoryService, question: str) -> list[str]:
    _, found = await directory.search(question, limit=10)
    return [r.entry.ref for r in found]


async def test_nearby_without_coordinates_goes_commune_epci_neighbours_departement(
    haut_rhin: DirectoryService,
) -> None:
    # Riquewihr has no service: Ribeauvillé's (its own intercommunality) comes first, then the
    # neighbouring valley of Kaysersberg's; Mulhouse, 50 km away, is not "near".
    assert await refs(haut_rhin, "psychologue près de Riquewihr") == ["hr-3", "hr-1", "hr-2"]
    # Nothing else in the département: the one pharmacy, as "the nearest".
    _, found = await haut_rhin.search("pharmacie près de Mulhouse")
    assert [r.entry.ref for r in found] == ["hr-6"]
    assert 0 < found[0].proximity <= SAME_DEPARTEMENT


def test_the_tiers_without_any_position() -> None:
    communes = [
        Commune("Amont", epci="CC A", departement="68"),
        Commune("Aval", epci="CC A", departement="68", latitude=48.0, longitude=7.0),
        Commune("Bourg", epci="CC B", departement="68", latitude=48.05, longitude=7.05),
        Commune("Bosc", epci="CC B", departement="68"),
        Commune("Combe", epci="CC C", departement="68"),
        Commune("Delta", epci="CC D", departement="67"),
    ]
    territory = Territory.build([], [], communes)
    near = territory.proximity(frozenset({"amont"}))
    assert near.of("amont", None, None) == 1.0
    assert near.of("aval", None, None) == SAME_EPCI
    assert near.of("bosc", None, None) == NEIGHBOUR_EPCI
    assert near.of("combe", None, None) == SAME_DEPARTEMENT
    assert near.of("delta", None, None) == 0.0
    assert near.of("", None, None) == TERRITORY_WIDE  # a service for the whole territory


def test_in_one_intercommunality_the_nearer_town_centre_comes_first() -> None:
    # A metropolis is one intercommunality: without the file's coordinates, its town centres
    # still say which commune is next door, and the tiers keep their order.
    communes = [
        Commune(
            "Centre", epci="MGP", departement="93", latitude=48.90, longitude=2.45, approximate=True
        ),
        Commune(
            "Voisine",
            epci="MGP",
            departement="93",
            latitude=48.90,
            longitude=2.48,
            approximate=True,
        ),
        Commune(
            "Lointaine",
            epci="MGP",
            departement="93",
            latitude=48.90,
            longitude=2.80,
            approximate=True,
        ),
        Commune(
            "Ailleurs",
            epci="CA B",
            departement="93",
            latitude=48.90,
            longitude=2.47,
            approximate=True,
        ),
    ]
    territory = Territory.build([], [], communes)
    near = territory.proximity(frozenset({"centre"}))
    next_door, far_away = near.of("voisine", None, None), near.of("lointaine", None, None)
    assert SAME_EPCI >= next_door > far_away > NEIGHBOUR_EPCI
    assert far_away > near.of("ailleurs", None, None)  # another intercommunality, however near


async def test_a_former_commune_names_the_commune_it_joined(haut_rhin: DirectoryService) -> None:
    query, found = await haut_rhin.search("psychologue à Kaysersberg")
    assert query.place is not None and query.place.label == "Kaysersberg"
    assert found[0].entry.ref == "hr-1" and found[0].proximity == 1.0
    _, found = await haut_rhin.search("pharmacie à Kaysersberg Vignoble")
    assert found[0].entry.ref == "hr-6" and found[0].proximity == 1.0


async def test_postal_codes_and_intercommunalities_of_france(haut_rhin: DirectoryService) -> None:
    query = (await haut_rhin.index()).read("aide à domicile 68370")
    assert query.place is not None and query.place.label == "Orbey"
    assert await refs(haut_rhin, "aide à domicile 68370") == ["hr-5"]
    query = (await haut_rhin.index()).read("psychologue CC de la Vallée de Kaysersberg")
    assert query.place is not None and query.place.kind == "epci"
    assert set((await refs(haut_rhin, "psychologue CC de la Vallée de Kaysersberg"))[:2]) == {
        "hr-1",
        "hr-2",
    }


def test_a_small_commune_across_the_border_is_near_by_its_intercommunality() -> None:
    # Mandray (Vosges) has no position; Plainfaing, of its intercommunality, is a few km from
    # the valley's services: both are places of the territory. Épinal's intercommunality, 60 km
    # away, is not, nor its small communes.
    valley = [EntryPlace("Orbey", "68370"), EntryPlace("Lapoutroie", "68650")]
    names = {c.name for c in local_communes(frozenset({"68"}), valley)}
    assert {"Plainfaing", "Mandray"} <= names
    assert not names & {"Épinal", "Arches", "La Baffe"}


def test_beyond_twenty_km_the_nearer_still_comes_first() -> None:
    # Up a river or across a causse, the nearest service may be 40 km away: it comes before
    # one 200 km away, and after any within reach of the asked place.
    communes = [
        Commune("Amont", epci="CC A", departement="973", latitude=3.87, longitude=-54.2),
        Commune("Bourg", epci="CC A", departement="973", latitude=3.64, longitude=-54.03),
    ]
    near = Territory.build([], [], communes).proximity(frozenset({"amont"}))
    within, forty_km = near.of("x", 3.80, -54.15), near.of("bourg", 3.64, -54.03)
    two_hundred_km = near.of("y", 5.50, -54.03)
    assert within > NEIGHBOUR_EPCI >= forty_km > two_hundred_km > 0


async def test_a_commune_outside_the_territory_finds_nothing(haut_rhin: DirectoryService) -> None:
    for question in ("psychologue à Brest", "psychologue 29200", "psychologue près de Pornic"):
        answer = await haut_rhin.ask(question, "console", log_query=False)
        assert answer.results == (), question
        assert answer.query.outside, question
        assert answer.broader == "psychologue", question


async def test_a_commune_of_the_departement_far_from_every_entry_finds_nothing(
    relay: Relay, settings: Settings, tmp_path: Path
) -> None:
    """A valley's directory: Altkirch, in the same département but 60 km away, with no entry
    in its intercommunality nor in a neighbouring one, is outside the territory; Riquewihr,
    next door, is not."""
    directory = DirectoryService(relay.db, settings, relay.themes)
    valley = [entry for entry in ENTRIES if entry[4] != "Mulhouse"]
    await directory.import_file(write_directory(tmp_path, valley))
    answer = await directory.ask("psychologue à Altkirch", "console", log_query=False)
    assert answer.results == () and answer.query.outside
    assert answer.broader == "psychologue"
    assert await refs(directory, "psychologue près de Riquewihr") == ["hr-3", "hr-1", "hr-2"]


def test_the_territory_setting_names_departements_or_intercommunalities() -> None:
    index = national_index()
    assert index.scope(["68"]) == {"68"}
    assert index.scope(["246800551"]) == {"68"}  # CC de la Vallée de Kaysersberg
    valley = local_communes(index.scope(["68"]), [EntryPlace("Orbey", "68370")])
    assert {c.name for c in valley} >= {"Kaysersberg", "Kaysersberg Vignoble", "Riquewihr"}
    # Across the border, the Vosges communes within reach of Orbey, not the whole département.
    vosges = {c.name for c in valley if c.departement == "88"}
    assert "Fraize" in vosges and "Épinal" not in vosges


def test_the_departements_checked_without_the_file_are_those_of_the_file() -> None:
    assert national_index().departements == DEPARTEMENTS


async def test_a_wrong_territory_stops_with_one_french_line(relay: Relay) -> None:
    with pytest.raises(SettingsError, match="RELAY_TERRITORY"):
        load_settings(territory="Alsace")
    settings = load_settings(territory="99")
    with pytest.raises(SettingsError, match="« 99 » ne désigne aucun département"):
        DirectoryService(relay.db, settings, relay.themes)
