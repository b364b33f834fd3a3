"""Needs a directory of local health and social services does not answer, asked of every
development territory: how many still find something (each should find nothing).

    python -m bench.unlisted

The questions were written for this probe, from everyday trades, shops and leisure, not from
any question set.
"""

import asyncio
from pathlib import Path

from bench.heldout import imported

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
_ORDINALS = "third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
TERRITORIES = (*_ORDINALS.split(), "thirteenth", "fourteenth")
UNLISTED = """
cours de yoga pour débutants
acheter une maison à la campagne
serrurier pas cher
plombier en urgence ce soir
cours de piano pour mon fils de 8 ans
club de foot pour mon fils
faire garder mon chien pendant les vacances
location de voiture pour le week-end
billet de train pour Paris
agence de voyage
restaurant ouvert le dimanche
épilation laser
salon de tatouage
vendre ma voiture
réparer mon vélo électrique
pressing pour une robe de mariée
boulangerie ouverte le lundi
cours de danse pour ados
chirurgie esthétique du nez
acupuncture pour arrêter de fumer
ramonage de cheminée
jardinier pour tondre la pelouse
professeur particulier de maths pour mon fils
traiteur pour un mariage
location de salle pour un anniversaire
réparer mon téléphone portable
vétérinaire pour mon chat malade
avocat pour un accident de voiture
notaire pour une succession
coiffeur à domicile pour ma mère
""".strip().splitlines()


async def answered(territory: str) -> list[str]:
    """The questions that find something in one territory's directory."""
    async with imported(DATA / f"{territory}_territory" / "annuaire.csv") as (directory, _):
        return [q for q in UNLISTED if (await directory.search(q))[1]]


async def main() -> None:
    found: dict[str, list[str]] = {}
    for territory in TERRITORIES:
        for question in await answered(territory):
            found.setdefault(question, []).append(territory)
    for question in UNLISTED:
        where = found.get(question, [])
        print(f"{len(where):3d}  {question}" + (f"  ({', '.join(where[:4])}…)" if where else ""))
    total = sum(len(v) for v in found.values())
    print(f"found something: {total} of {len(UNLISTED) * len(TERRITORIES)} askings")


if __name__ == "__main__":
    asyncio.run(main())
