"""Write config/annuaire.csv, the sample directory of local health actors, from config/communes.csv.

Every entry is invented: plausible structures of a French *Contrat Local de Santé* territory placed
in its real communes, with telephone numbers only from ARCEP's ranges reserved for fiction
(02 61 91 xx xx, 01 99 00 xx xx) and e-mails and websites only under example.org.

The output is deterministic: each entry draws its details from its own seeded random generator, so
editing one part of the catalogue does not reshuffle the rest. Run from the project root:

    .venv/bin/python config/tools/make_sample_directory.py

Entries are numbered in catalogue order (``ann-0001`` …): ``tests/data/directory_eval.yaml`` refers
to those ids, so append new placements at the end of a list rather than in the middle, and re-check
the evaluation set (``pytest tests/test_directory_eval_data.py``) after any change.
"""

from __future__ import annotations

import csv
import math
import random
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from relay.directory.entries import COLUMNS

CONFIG_DIR = Path(__file__).resolve().parent.parent
COMMUNES_CSV = CONFIG_DIR / "communes.csv"
ANNUAIRE_CSV = CONFIG_DIR / "annuaire.csv"

SEED = "relay-cls-pays-de-retz-2026"
FIELDS = list(COLUMNS)  # the directory file format (contract §4), declared once

THEMES = frozenset(
    {
        "prevention",
        "sante-environnement",
        "acces-aux-soins",
        "education-therapeutique",
        "personnes-agees",
        "handicap",
        "addictions",
        "sante-mentale",
        "jeunes",
        "perinatalite",
        "precarite",
        "nutrition-activite-physique",
        "metiers-de-sante",
        "vie-du-cls",
    }
)
PUBLICS = frozenset(
    {
        "tout public",
        "jeunes",
        "adolescents",
        "enfants",
        "parents",
        "familles",
        "personnes âgées",
        "aidants",
        "personnes en situation de handicap",
        "personnes en précarité",
        "femmes enceintes",
        "professionnels",
    }
)

# verifie_le: dates between OLDEST and NEWEST, STALE_SHARE of them before STALE_BEFORE (one year
# before the sample was made), so that the "not verified for a year" list is not empty.
OLDEST = date(2024, 6, 3)
STALE_BEFORE = date(2025, 11, 23)
NEWEST = date(2026, 11, 20)
STALE_SHARE = 0.15

MAX_OFFSET_KM = 1.5
FICTION_PHONE_SHARE_01 = 0.06  # the rest is 02 61 91 xx xx, the Grand Ouest fiction range

# ---------------------------------------------------------------------------------------------
# Geography helpers
# ---------------------------------------------------------------------------------------------

COASTAL = frozenset(
    {
        "Pornic",
        "Saint-Brevin-les-Pins",
        "Saint-Michel-Chef-Chef",
        "La Plaine-sur-Mer",
        "Préfailles",
        "La Bernerie-en-Retz",
        "Les Moutiers-en-Retz",
        "Villeneuve-en-Retz",
    }
)
ESTUARY = frozenset({"Paimbœuf", "Corsept", "Frossay", "Saint-Viaud", "Saint-Père-en-Retz"})
LAKESIDE = frozenset(
    {
        "Saint-Philbert-de-Grand-Lieu",
        "Saint-Lumine-de-Coutais",
        "La Chevrolière",
        "Saint-Mars-de-Coutais",
        "Pont-Saint-Martin",
    }
)

STREETS_COMMON = (
    "rue de la Mairie",
    "place de l'Église",
    "rue des Écoles",
    "rue du Stade",
    "rue de la Poste",
    "allée des Tilleuls",
    "rue des Lilas",
    "rue du Moulin",
    "route de Nantes",
    "rue de la Gare",
    "place du Marché",
    "impasse des Genêts",
    "rue des Chênes",
    "rue de la Source",
    "chemin des Vignes",
    "rue du Calvaire",
    "rue des Artisans",
    "avenue des Sports",
    "rue des Jardins",
    "rue du Prieuré",
    "rue des Acacias",
    "rue de la Fontaine",
)
STREETS_COASTAL = (
    "boulevard de l'Océan",
    "rue de la Plage",
    "avenue des Pins",
    "rue du Port",
    "rue des Dunes",
    "avenue de la Mer",
    "rue des Mimosas",
    "rue des Goélands",
)
STREETS_ESTUARY = ("quai de la Loire", "rue de l'Estuaire", "rue du Canal", "rue des Pêcheurs")
STREETS_LAKESIDE = ("rue du Lac", "rue de Grand-Lieu", "rue des Roseaux", "chemin des Prées")

LIEUX_COMMON = (
    "du Bourg",
    "de l'Église",
    "de la Mairie",
    "des Tilleuls",
    "du Marché",
    "des Vignes",
    "du Moulin",
    "des Chênes",
    "de la Gare",
    "du Centre",
    "des Genêts",
    "des Lilas",
    "de la Source",
    "du Val",
    "des Prés",
    "des Ormeaux",
)
LIEUX_COASTAL = (
    "des Sables",
    "du Port",
    "de la Plage",
    "des Mouettes",
    "de la Corniche",
    "de l'Océan",
    "des Dunes",
    "de la Côte de Jade",
    "des Pins",
    "du Phare",
    "des Embruns",
)
LIEUX_ESTUARY = ("de l'Estuaire", "du Quai", "des Marais", "de la Loire", "du Canal")
LIEUX_LAKESIDE = ("du Lac", "des Roseaux", "de Grand-Lieu", "des Marais")
# A landmark of one town only: the Carolingian abbey church of Saint-Philbert-de-Grand-Lieu.
LANDMARKS = {"Saint-Philbert-de-Grand-Lieu": ("rue de l'Abbatiale", "de l'Abbatiale")}


@dataclass(frozen=True)
class Commune:
    insee: str
    nom: str
    codes_postaux: tuple[str, ...]
    epci_siren: str
    epci: str
    latitude: float | None
    longitude: float | None


def load_communes(path: Path) -> dict[str, Commune]:
    communes: dict[str, Commune] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            lat, lon = row["latitude"].strip(), row["longitude"].strip()
            communes[row["commune"]] = Commune(
                insee=row["insee"],
                nom=row["commune"],
                codes_postaux=tuple(row["code_postal"].split(";")),
                epci_siren=row["epci_siren"],
                epci=row["epci"],
                latitude=float(lat) if lat else None,
                longitude=float(lon) if lon else None,
            )
    return communes


def slugify(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("'", " ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def de_commune(nom: str) -> str:
    """French "de" before a commune name: de Pornic, du Bignon, des Moutiers-en-Retz."""
    if nom.startswith("Le "):
        return "du " + nom[3:]
    if nom.startswith("Les "):
        return "des " + nom[4:]
    if nom[0] in "AEIOUÉ":
        return "d'" + nom
    return "de " + nom


def streets_for(commune: str) -> tuple[str, ...]:
    extra: tuple[str, ...] = ()
    if commune in COASTAL:
        extra = STREETS_COASTAL
    elif commune in ESTUARY:
        extra = STREETS_ESTUARY
    elif commune in LAKESIDE:
        extra = STREETS_LAKESIDE
    if commune in LANDMARKS:
        extra += LANDMARKS[commune][:1]
    return STREETS_COMMON + extra + extra  # local flavour twice as likely


def lieux_for(commune: str) -> tuple[str, ...]:
    landmark = LANDMARKS[commune][1:] if commune in LANDMARKS else ()
    if commune in COASTAL:
        return LIEUX_COASTAL + LIEUX_COMMON[:6]
    if commune in ESTUARY:
        return LIEUX_ESTUARY + LIEUX_COMMON
    if commune in LAKESIDE:
        return LIEUX_LAKESIDE + landmark + LIEUX_COMMON
    return LIEUX_COMMON


def lieu_slug(lieu: str) -> str:
    """ "du Port" -> "port", "de l'Église" -> "eglise": the short form used in host names."""
    return re.sub(r"^(de-la|de-l|des|du|de)-", "", slugify(lieu))


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------

# Opening hours used by several templates.
H_OFFICE = "lun-ven 9h-12h30 / 13h30-17h"
H_OFFICE_FRI = "lun-jeu 9h-12h30 / 13h30-17h30, ven 9h-12h30"
H_RDV = "sur rendez-vous"
H_PHARMA = (
    "lun-sam 9h-12h30 / 14h-19h30",
    "lun-ven 8h45-12h30 / 14h-19h30, sam 9h-12h30",
    "lun-sam 9h-19h30 sans interruption",
)
H_LIBERAL = (
    "lun-ven 8h30-19h sur rendez-vous",
    "lun-ven 8h-12h / 14h-19h, sam 8h-12h",
    "sur rendez-vous",
    "lun, mar, jeu, ven 9h-19h ; mer 9h-12h",
)


@dataclass(frozen=True)
class Variant:
    """One way of describing a service, with the keywords that go with that wording."""

    text: str
    mots_cles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """A kind of service.

    ``nom`` is formatted with commune, de_commune, lieu (a place name such as "du Port", unique for
    the kind and commune), proper (drawn from ``proper_names``) and named (the name in NAMED for
    this kind and commune). ``slug`` is formatted with c (commune), l (lieu) and s (the slug in
    NAMED, else the slug of the whole name).
    """

    nom: str
    categorie: str
    variants: tuple[Variant, ...]
    mots_cles: tuple[str, ...]
    public: tuple[str, ...]
    themes: tuple[str, ...]
    horaires: tuple[str, ...]
    proper_names: tuple[str, ...] = ()  # pool for {proper}; each name is used once if possible
    slug: str = ""  # host name before .example.org; "" = no e-mail, no website
    email_users: tuple[str, ...] = ("contact",)
    site_share: float = 1.0  # share of entries of this kind that have a website
    email_share: float = 1.0  # share of entries of this kind that have an e-mail
    hours_share: float = 1.0  # share of entries of this kind whose opening hours are known
    streets: tuple[str, ...] = ()  # fixed street pool, else the commune's
    has_phone: bool = True
    territory_wide: bool = False  # no address: the service covers the whole CLS territory


def words(text: str) -> tuple[str, ...]:
    """Split a ``;``-separated keyword list, as it is written in the CSV."""
    return tuple(word.strip() for word in text.split(";") if word.strip())


def v(text: str, mots_cles: str = "") -> Variant:
    return Variant(text, words(mots_cles))


# Proper names drawn for the templates that have {proper} in their name.
GEM_NAMES = ("L'Estran", "La Passerelle", "Le Grand Large")
LAEP_NAMES = ("La Bulle", "Les Petits Pas", "Ribambelle", "La Cabane", "Pirouette")
ADJ_NAMES = ("Les Hortensias", "Le Jardin d'Arthur", "La Parenthèse", "Les Camélias")
EHPAD_NAMES = (
    "Les Tamaris",
    "Le Clos Fleuri",
    "Les Glycines",
    "La Roseraie",
    "Les Charmilles",
    "Le Bois Joli",
    "Les Hautes Ouches",
    "La Chênaie",
    "Les Bruyères",
    "Le Val Fleuri",
    "Les Jardins d'Automne",
    "Les Salines",
    "La Grande Prée",
    "Les Magnolias",
    "Le Verger",
    "Les Aubépines",
    "Les Iris",
    "Le Pré Vert",
)
SESSAD_NAMES = ("Le Cap", "L'Archipel", "Les Alizés", "Les Coquelicots")
ESAT_NAMES = ("des Ateliers du Marais", "de la Prée", "Les Ateliers de l'Estuaire")
EPICERIE_NAMES = (
    "« Le Cabas »",
    "« La Mie »",
    "« Le Garde-Manger »",
    "« L'Étal »",
    "« Panier Garni »",
)
PSY_NAMES = (
    "Cabinet de psychologie",
    "Espace psy",
    "Cabinet de psychologues",
    "Consultation de psychologie",
)

TEMPLATES: dict[str, Template] = {
    # --- Hospital, emergencies, unscheduled care -----------------------------------------------
    "hopital_pornic": Template(
        nom="Centre hospitalier Côte de Jade – site de Pornic",
        categorie="Hôpital",
        variants=(
            v(
                "Hôpital de proximité : médecine polyvalente, soins médicaux et de réadaptation, "
                "consultations avancées de cardiologie, de gériatrie et d'addictologie. Standard "
                "joignable 24h/24.",
                "cardiologie; gériatrie",
            ),
        ),
        mots_cles=words("hôpital; centre hospitalier; CH; hospitalisation; consultations"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("standard 24h/24 ; consultations lun-ven 8h30-17h30",),
        slug="ch-cotedejade",
        email_users=("standard",),
        streets=("rue de l'Hôpital",),
    ),
    "urgences_pornic": Template(
        nom="Urgences – Centre hospitalier Côte de Jade (Pornic)",
        categorie="Urgences",
        variants=(
            v(
                "Service d'urgences ouvert 24h/24 et 7j/7 pour adultes et enfants. En cas "
                "d'urgence vitale, appelez d'abord le 15 (SAMU) ou le 112. Pour un problème non "
                "urgent le soir ou le week-end, préférez la maison médicale de garde.",
            ),
        ),
        mots_cles=words("urgences; urgence; SAMU; 15; 112; accident; nuit; hôpital"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("24h/24, 7j/7",),
        slug="ch-cotedejade",
        email_users=("urgences",),
        site_share=0.0,
        streets=("rue de l'Hôpital",),
    ),
    "pass_pornic": Template(
        nom="PASS – Permanence d'accès aux soins de santé (hôpital de Pornic)",
        categorie="PASS",
        variants=(
            v(
                "Pour les personnes sans couverture maladie ou en difficulté pour se soigner : "
                "consultation médicale, bilan avec l'assistante sociale pour ouvrir des droits, "
                "médicaments délivrés si besoin. Gratuit, sans rendez-vous le matin.",
                "sans papiers; sans mutuelle; CSS",
            ),
        ),
        mots_cles=words(
            "PASS; accès aux soins; sans sécu; pas de couverture sociale; assistante sociale; "
            "soins gratuits; précarité"
        ),
        public=("personnes en précarité", "tout public"),
        themes=("acces-aux-soins", "precarite"),
        horaires=("lun-ven 9h-12h sans rendez-vous, 14h-16h30 sur rendez-vous",),
        slug="ch-cotedejade",
        email_users=("pass",),
        site_share=0.0,
        streets=("rue de l'Hôpital",),
    ),
    "tabacologie_pornic": Template(
        nom="Consultation de tabacologie – Centre hospitalier Côte de Jade",
        categorie="Consultation de tabacologie",
        variants=(
            v(
                "Accompagnement à l'arrêt du tabac et de la cigarette électronique par une "
                "infirmière tabacologue : substituts nicotiniques, entretiens de suivi, mesure du "
                "CO. Femmes enceintes prioritaires, entourage bienvenu.",
            ),
        ),
        mots_cles=words(
            "tabac; tabacologie; tabacologue; arrêter de fumer; arrêt du tabac; sevrage tabagique; "
            "cigarette; vapotage; substituts nicotiniques; patch"
        ),
        public=("tout public", "femmes enceintes"),
        themes=("addictions", "prevention"),
        horaires=("mar et jeu 9h-17h sur rendez-vous",),
        slug="ch-cotedejade",
        email_users=("tabacologie",),
        site_share=0.0,
        streets=("rue de l'Hôpital",),
    ),
    "etp_diabete": Template(
        nom="Éducation thérapeutique diabète et obésité – hôpital de Pornic",
        categorie="Éducation thérapeutique (ETP)",
        variants=(
            v(
                "Programme d'éducation thérapeutique pour vivre avec un diabète ou une obésité : "
                "ateliers collectifs (alimentation, activité physique, traitements) et entretiens "
                "individuels. Sur orientation du médecin traitant ou inscription directe.",
            ),
        ),
        mots_cles=words(
            "ETP; éducation thérapeutique; diabète; diabétique; obésité; maladie chronique; "
            "ateliers"
        ),
        public=("tout public",),
        themes=("education-therapeutique", "nutrition-activite-physique"),
        horaires=(H_RDV,),
        slug="ch-cotedejade",
        email_users=("etp",),
        site_share=0.0,
        streets=("rue de l'Hôpital",),
    ),
    "hopital_site": Template(
        nom="Centre hospitalier Côte de Jade – site {de_commune}",
        categorie="Hôpital",
        variants=(
            v(
                "Site hospitalier de proximité : soins médicaux et de réadaptation, unité de "
                "soins de longue durée et consultations avancées (gériatrie, diabétologie). Pas "
                "de service d'urgences sur ce site.",
                "SMR; soins de suite; USLD",
            ),
        ),
        mots_cles=words("hôpital; centre hospitalier; CH; hospitalisation; gériatrie"),
        public=("tout public", "personnes âgées"),
        themes=("acces-aux-soins", "personnes-agees"),
        horaires=("accueil lun-ven 8h30-18h ; visites 13h-20h",),
        slug="ch-cotedejade-{c}",
        email_users=("accueil",),
        streets=("rue de l'Hôpital", "avenue des Tilleuls"),
    ),
    "pass_permanence": Template(
        nom="PASS – permanence {de_commune}",
        categorie="PASS",
        variants=(
            v(
                "Permanence avancée de la PASS de l'hôpital : consultation médicale et "
                "accompagnement social pour les personnes sans droits ouverts ou sans mutuelle. "
                "Gratuit et confidentiel.",
            ),
        ),
        mots_cles=words(
            "PASS; accès aux soins; sans couverture sociale; soins gratuits; précarité"
        ),
        public=("personnes en précarité",),
        themes=("acces-aux-soins", "precarite"),
        horaires=("mercredi 9h-12h30",),
        slug="ch-cotedejade",
        email_users=("pass",),
        site_share=0.0,
        streets=("rue de l'Hôpital",),
    ),
    "mmg": Template(
        nom="Maison médicale de garde {de_commune}",
        categorie="Maison médicale de garde",
        variants=(
            v(
                "Consultations de médecine générale quand les cabinets sont fermés : soirs de "
                "semaine, week-ends et jours fériés. Appelez d'abord le 116 117 (permanence des "
                "soins) qui vous donne un créneau.",
                "116 117",
            ),
            v(
                "Médecins généralistes de garde le soir, le week-end et les jours fériés, après "
                "régulation par le 116 117. Pour une urgence vitale, composez le 15.",
                "116 117",
            ),
        ),
        mots_cles=words(
            "maison médicale de garde; MMG; médecin de garde; garde; week-end; dimanche; jour "
            "férié; soir; nuit; généraliste"
        ),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 20h-24h, sam 12h-24h, dim et jours fériés 8h-24h",),
        slug="mmg-{c}",
        site_share=0.0,
        email_share=0.0,
    ),
    "soins_non_programmes": Template(
        nom="Centre de soins non programmés {de_commune}",
        categorie="Soins non programmés",
        variants=(
            v(
                "Consultations sans rendez-vous pour les petites urgences du quotidien (plaie, "
                "entorse, fièvre, infection) du lundi au samedi. Radiographie sur place.",
                "sans rendez-vous; entorse; plaie",
            ),
        ),
        mots_cles=words(
            "soins non programmés; petite urgence; urgence; sans rdv; médecin; généraliste"
        ),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 8h-20h, sam 9h-18h",),
        slug="snp-{c}",
        site_share=1.0,
    ),
    "pharmacie_garde": Template(
        nom="Pharmacie de garde : composez le 3237",
        categorie="Pharmacie de garde",
        variants=(
            v(
                "Pour connaître la pharmacie de garde la plus proche la nuit, le dimanche ou un "
                "jour férié, composez le 3237 (service payant, 24h/24). La nuit, la pharmacie de "
                "garde peut demander une ordonnance ou l'appel préalable de la gendarmerie.",
            ),
        ),
        mots_cles=words(
            "pharmacie de garde; 3237; garde; nuit; dimanche; jour férié; médicaments; pharmacie"
        ),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("24h/24, 7j/7",),
        has_phone=False,
        territory_wide=True,
    ),
    "garde_dentaire": Template(
        nom="Permanence des soins dentaires week-end et jours fériés",
        categorie="Permanence dentaire",
        variants=(
            v(
                "Un chirurgien-dentiste de garde assure les urgences (douleur, abcès, traumatisme "
                "dentaire) les week-ends et jours fériés. Appelez le numéro de régulation le "
                "matin même pour connaître le cabinet de garde.",
            ),
        ),
        mots_cles=words(
            "dentiste de garde; urgence dentaire; rage de dents; mal aux dents; dentiste; "
            "dimanche; jour férié; week-end; abcès"
        ),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("sam-dim et jours fériés 9h-12h",),
        slug="garde-dentaire-retz",
        site_share=1.0,
        email_share=0.0,
        territory_wide=True,
    ),
    # --- Mental health ------------------------------------------------------------------------
    "cmp_adultes": Template(
        nom="CMP adultes {de_commune}",
        categorie="Centre médico-psychologique (CMP)",
        variants=(
            v(
                "Centre médico-psychologique pour les adultes : consultations de psychiatre et de "
                "psychologue, entretiens infirmiers et orientation. Premier contact par "
                "téléphone, sans avance de frais.",
            ),
            v(
                "Accueil et soins en santé mentale pour les plus de 18 ans : évaluation par un "
                "infirmier, puis suivi par psychiatre ou psychologue selon les besoins. Soins "
                "pris en charge par l'Assurance Maladie.",
            ),
        ),
        mots_cles=words(
            "CMP; centre médico-psychologique; psy; psychiatre; psychiatrie; psychologue; santé "
            "mentale; dépression; anxiété; souffrance psychique"
        ),
        public=("tout public",),
        themes=("sante-mentale",),
        horaires=(H_OFFICE, H_OFFICE_FRI),
        slug="cmp-adultes-{c}",
        email_users=("secretariat",),
        site_share=0.0,
    ),
    "cmpea": Template(
        nom="CMPEA – CMP enfants et adolescents {de_commune}",
        categorie="CMP enfants et adolescents (CMPEA)",
        variants=(
            v(
                "Consultations pour les enfants et adolescents de 0 à 18 ans et leurs parents : "
                "pédopsychiatre, psychologues, orthophoniste, psychomotricienne. Gratuit (pris en "
                "charge par l'Assurance Maladie), sur rendez-vous.",
                "gratuit; psychomotricité",
            ),
            v(
                "Soins psychiques des 0-18 ans : troubles du comportement, anxiété, difficultés "
                "scolaires, mal-être à l'adolescence. Psychologues et pédopsychiatre, gratuit, "
                "les parents sont associés au suivi.",
                "gratuit; mal-être",
            ),
        ),
        mots_cles=words(
            "CMPEA; CMP enfants; CMPIJ; CMP; pédopsychiatrie; pédopsy; psy; psychologue enfant; "
            "psychologue ado; ado; enfant"
        ),
        public=("enfants", "adolescents", "parents"),
        themes=("sante-mentale", "jeunes"),
        horaires=(H_OFFICE, "lun-ven 9h-18h sur rendez-vous"),
        slug="cmpea-{c}",
        email_users=("secretariat",),
        site_share=0.0,
    ),
    "cattp_adultes": Template(
        nom="CATTP adultes « Les Passerelles » {de_commune}",
        categorie="CATTP",
        variants=(
            v(
                "Centre d'accueil thérapeutique à temps partiel : ateliers et activités de groupe "
                "(expression, cuisine, marche, écriture) pour maintenir le lien social après une "
                "hospitalisation. Sur indication du CMP.",
            ),
        ),
        mots_cles=words(
            "CATTP; accueil thérapeutique; ateliers thérapeutiques; psychiatrie; santé mentale; psy"
        ),
        public=("tout public",),
        themes=("sante-mentale",),
        horaires=("lun-ven 9h30-16h30",),
        slug="cattp-{c}",
        email_users=("cattp",),
        site_share=0.0,
    ),
    "cattp_enfants": Template(
        nom="CATTP enfants « Les Embruns » {de_commune}",
        categorie="CATTP",
        variants=(
            v(
                "Groupes thérapeutiques pour les enfants de 4 à 12 ans suivis par le CMPEA : "
                "contes, jeux, expression corporelle. Le mercredi et pendant les vacances "
                "scolaires.",
            ),
        ),
        mots_cles=words("CATTP; CATTP enfants; groupes thérapeutiques; pédopsychiatrie; enfant"),
        public=("enfants",),
        themes=("sante-mentale", "jeunes"),
        horaires=("mer 9h-16h et vacances scolaires",),
        slug="cattp-enfants-{c}",
        site_share=0.0,
    ),
    "gem": Template(
        nom="GEM « {proper} » {de_commune}",
        proper_names=GEM_NAMES,
        categorie="Groupe d'entraide mutuelle (GEM)",
        variants=(
            v(
                "Groupe d'entraide mutuelle : un lieu convivial géré par et pour des personnes "
                "vivant avec des troubles psychiques, pour rompre l'isolement. Activités, "
                "sorties, cafés-rencontres. Adhésion libre et gratuite.",
            ),
            v(
                "Association d'usagers en santé mentale : accueil sans rendez-vous, repas "
                "partagés, ateliers créatifs et sorties choisies ensemble. On vient quand on "
                "veut.",
                "sans rendez-vous",
            ),
        ),
        mots_cles=words(
            "GEM; groupe d'entraide mutuelle; entraide; isolement; troubles psychiques; "
            "pair-aidance; santé mentale; psy"
        ),
        public=("tout public", "personnes en situation de handicap"),
        themes=("sante-mentale", "handicap"),
        horaires=("mar-sam 14h-18h", "lun, mer, ven 10h-17h"),
        slug="gem-{c}",
        site_share=0.5,
    ),
    "familles_psy": Template(
        nom="Familles & Santé psychique – antenne Pays de Retz",
        categorie="Association santé mentale",
        variants=(
            v(
                "Association de familles et d'amis de personnes vivant avec des troubles "
                "psychiques (schizophrénie, troubles bipolaires, dépression sévère) : accueil "
                "individuel par des bénévoles formés, groupes de parole, information sur les "
                "droits.",
                "schizophrénie; bipolaire; groupe de parole",
            ),
        ),
        mots_cles=words(
            "famille; proches; aidants; soutien aux familles; maladie psychique; santé mentale; psy"
        ),
        public=("familles", "aidants"),
        themes=("sante-mentale",),
        horaires=("permanence le 1er samedi du mois 10h-12h, et sur rendez-vous",),
        slug="familles-sante-psy-retz",
        site_share=1.0,
    ),
    "paej": Template(
        nom="Point Accueil Écoute Jeunes (PAEJ) du Pays de Retz",
        categorie="Point Accueil Écoute Jeunes (PAEJ)",
        variants=(
            v(
                "Écoute et soutien pour les 12-25 ans et leurs parents, avec des psychologues : "
                "mal-être, conflits familiaux, harcèlement, consommations. Gratuit, anonyme et "
                "confidentiel, avec ou sans rendez-vous.",
                "harcèlement; anonyme",
            ),
        ),
        mots_cles=words(
            "PAEJ; point écoute; écoute jeunes; psychologue; psy; gratuit; ado; adolescent; jeune; "
            "mal-être"
        ),
        public=("jeunes", "adolescents", "parents"),
        themes=("jeunes", "sante-mentale"),
        horaires=("lun-ven 13h30-18h30, mer 10h-18h30",),
        slug="paej-retz",
        site_share=1.0,
    ),
    "paej_permanence": Template(
        nom="PAEJ – permanence {de_commune}",
        categorie="Point Accueil Écoute Jeunes (PAEJ)",
        variants=(
            v(
                "Permanence du Point Accueil Écoute Jeunes : une psychologue reçoit les 12-25 "
                "ans, seuls ou avec un proche. Gratuit et confidentiel, sur rendez-vous ou en "
                "passant.",
            ),
        ),
        mots_cles=words("PAEJ; point écoute; psychologue; psy; gratuit; ado; jeunes; écoute"),
        public=("jeunes", "adolescents"),
        themes=("jeunes", "sante-mentale"),
        horaires=("mer 14h-18h", "mar 16h-19h"),
        slug="paej-retz",
        site_share=1.0,
    ),
    "mda_antenne": Template(
        nom="Maison des adolescents – antenne {de_commune}",
        categorie="Maison des adolescents (MDA)",
        variants=(
            v(
                "La MDA accueille les 11-21 ans, leurs parents et les professionnels qui les "
                "accompagnent : écoute, évaluation, orientation vers les soins. Gratuit, sans "
                "rendez-vous le mercredi après-midi.",
                "sans rendez-vous",
            ),
        ),
        mots_cles=words(
            "MDA; maison des ados; maison des adolescents; ado; adolescent; psy; gratuit; écoute; "
            "parents"
        ),
        public=("adolescents", "parents", "professionnels"),
        themes=("jeunes", "sante-mentale"),
        horaires=("mer 13h30-18h, ven 14h-18h sur rendez-vous",),
        slug="mda44-retz",
        email_users=("accueil",),
        site_share=1.0,
    ),
    "mda_permanence": Template(
        nom="Maison des adolescents – permanence {de_commune}",
        categorie="Maison des adolescents (MDA)",
        variants=(
            v(
                "Permanence mensuelle de la Maison des adolescents pour les 11-21 ans et leurs "
                "parents : un premier entretien pour faire le point. Gratuit, sur rendez-vous.",
            ),
        ),
        mots_cles=words("MDA; maison des ados; ado; adolescent; psy; gratuit; parents"),
        public=("adolescents", "parents"),
        themes=("jeunes", "sante-mentale"),
        horaires=("2e mardi du mois 14h-18h",),
        slug="mda44-retz",
        email_users=("accueil",),
        site_share=1.0,
    ),
    # --- Addictions ---------------------------------------------------------------------------
    "csapa": Template(
        nom="CSAPA du Pays de Retz – {commune}",
        categorie="CSAPA",
        variants=(
            v(
                "Centre de soins, d'accompagnement et de prévention en addictologie : alcool, "
                "tabac, cannabis, drogues, jeux, écrans. Médecin, infirmière, psychologue et "
                "travailleur social. Gratuit et confidentiel, entourage bienvenu.",
                "écrans; jeux d'argent",
            ),
        ),
        mots_cles=words(
            "CSAPA; addictologie; addicto; addiction; alcool; cannabis; drogue; tabac; sevrage; "
            "dépendance"
        ),
        public=("tout public", "familles"),
        themes=("addictions",),
        horaires=("lun-ven 9h-12h30 / 13h30-18h, sur rendez-vous",),
        slug="csapa-retz",
        email_users=("accueil",),
        site_share=1.0,
    ),
    "csapa_antenne": Template(
        nom="CSAPA – antenne {de_commune}",
        categorie="CSAPA",
        variants=(
            v(
                "Antenne du centre d'addictologie : consultations pour l'alcool, le cannabis, les "
                "médicaments ou les jeux, pour la personne concernée comme pour ses proches. "
                "Gratuit et anonyme si vous le souhaitez.",
                "anonyme",
            ),
            v(
                "Consultations avancées en addictologie deux jours par semaine : évaluation, "
                "sevrage ambulatoire, traitements de substitution, soutien de l'entourage. "
                "Gratuit.",
                "substitution",
            ),
        ),
        mots_cles=words(
            "CSAPA; addictologie; addicto; addiction; alcool; cannabis; drogue; dépendance"
        ),
        public=("tout public", "familles"),
        themes=("addictions",),
        horaires=("mar et jeu 9h-17h sur rendez-vous", "lun 13h30-18h, jeu 9h-12h30"),
        slug="csapa-retz",
        email_users=("accueil",),
        site_share=1.0,
    ),
    "cjc": Template(
        nom="Consultation jeunes consommateurs (CJC) {de_commune}",
        categorie="Consultation jeunes consommateurs (CJC)",
        variants=(
            v(
                "Pour les 12-25 ans qui se posent des questions sur le cannabis, l'alcool, les "
                "écrans ou les jeux vidéo, et pour leurs parents. Gratuit et confidentiel, sans "
                "jugement, sur rendez-vous.",
                "écrans; jeux vidéo",
            ),
            v(
                "Consultation gratuite et anonyme pour les jeunes consommateurs et leur famille : "
                "faire le point sur ses consommations, sans obligation d'arrêter. Entourage "
                "bienvenu.",
                "anonyme",
            ),
        ),
        mots_cles=words(
            "CJC; jeunes consommateurs; cannabis; alcool; addicto; addiction; ado; jeunes; parents"
        ),
        public=("jeunes", "adolescents", "parents"),
        themes=("addictions", "jeunes"),
        horaires=("mer 13h30-18h30", "mer 14h-18h, sam 9h30-12h"),
        slug="cjc-{c}",
        site_share=0.0,
    ),
    "caarud": Template(
        nom="CAARUD mobile Sud Loire – Le Fourgon",
        categorie="CAARUD",
        variants=(
            v(
                "Accueil et réduction des risques pour les personnes qui consomment des drogues : "
                "matériel stérile, naloxone, dépistage rapide, accès aux droits. Le fourgon passe "
                "dans les communes du territoire ; anonyme et gratuit.",
                "naloxone; matériel stérile",
            ),
        ),
        mots_cles=words(
            "CAARUD; réduction des risques; RDR; drogues; seringues; usagers de drogues; addicto; "
            "addiction"
        ),
        public=("tout public", "personnes en précarité"),
        themes=("addictions", "precarite"),
        horaires=("mar 14h-18h Saint-Brevin, jeu 14h-18h Pornic, ven 10h-13h Machecoul",),
        slug="caarud-sudloire",
        site_share=1.0,
    ),
    "asso_alcool": Template(
        nom="{named}",
        categorie="Association addictions",
        variants=(
            v(
                "Association d'anciens buveurs : réunions ouvertes aux personnes en difficulté "
                "avec l'alcool et à leurs proches, accompagnement avant et après un sevrage. "
                "Gratuit, sans inscription.",
                "anciens buveurs; groupe de parole",
            ),
            v(
                "Groupe d'entraide pour sortir de la dépendance à l'alcool : on s'y retrouve "
                "entre personnes concernées et familles, en toute confidentialité. Entourage "
                "bienvenu.",
                "groupe de parole; famille",
            ),
        ),
        mots_cles=words("alcool; alcoolisme; boire; entraide; abstinence; addiction; addicto"),
        public=("tout public", "familles"),
        themes=("addictions",),
        horaires=("réunion le 1er et 3e vendredi du mois à 20h30", "réunion chaque lundi à 20h"),
        slug="{s}",
        site_share=0.3,
    ),
    # --- Perinatality, sexual health, parenting -------------------------------------------------
    "pmi": Template(
        nom="PMI – Centre médico-social {de_commune}",
        categorie="PMI",
        variants=(
            v(
                "Protection maternelle et infantile : consultations gratuites des enfants de 0 à "
                "6 ans (vaccins, pesée, développement), suivi de grossesse par une sage-femme, "
                "visites à domicile de la puéricultrice.",
                "puéricultrice; vaccins; pesée",
            ),
            v(
                "Consultations de PMI pour les futurs parents et les tout-petits : sage-femme, "
                "médecin, puéricultrice. Gratuit, sur rendez-vous ; accueil sans rendez-vous le "
                "mardi matin pour une pesée.",
                "puéricultrice; pesée",
            ),
        ),
        mots_cles=words(
            "PMI; protection maternelle et infantile; bébé; nourrisson; grossesse; enceinte; "
            "vaccination; consultation enfant; centre médico-social"
        ),
        public=("parents", "enfants", "femmes enceintes", "familles"),
        themes=("perinatalite",),
        horaires=(H_OFFICE, "lun-ven 9h-12h / 13h30-17h"),
        slug="cms-{c}",
        email_users=("pmi",),
        site_share=0.0,
    ),
    "pmi_permanence": Template(
        nom="PMI – permanence {de_commune}",
        categorie="PMI",
        variants=(
            v(
                "Permanence de puériculture et consultations de nourrissons de la PMI, gratuites, "
                "dans les locaux de la mairie annexe.",
                "puéricultrice",
            ),
        ),
        mots_cles=words("PMI; bébé; nourrisson; pesée; consultation enfant; parents"),
        public=("parents", "enfants"),
        themes=("perinatalite",),
        horaires=("2e et 4e jeudi du mois 9h-12h",),
        slug="cms-{c}",
        email_users=("pmi",),
        site_share=0.0,
    ),
    "sante_sexuelle": Template(
        nom="Centre de santé sexuelle {de_commune}",
        categorie="Centre de santé sexuelle",
        variants=(
            v(
                "Ex-centre de planification (planning familial) : contraception, contraception "
                "d'urgence, tests de grossesse, IVG, dépistage des IST, questions de vie "
                "affective. Gratuit et confidentiel pour les mineurs et les personnes sans "
                "couverture sociale.",
                "IVG; pilule du lendemain; mineurs",
            ),
            v(
                "Consultations de santé sexuelle avec une sage-femme ou un médecin : "
                "contraception, IVG médicamenteuse, dépistage, écoute sur les violences. Gratuit "
                "pour les moins de 26 ans, anonyme si besoin.",
                "IVG; violences",
            ),
        ),
        mots_cles=words(
            "centre de santé sexuelle; planning familial; CPEF; centre de planification; "
            "contraception; pilule; IST; dépistage; grossesse"
        ),
        public=("jeunes", "tout public"),
        themes=("prevention", "perinatalite", "jeunes"),
        horaires=("lun 13h30-17h, mer 9h-12h / 13h30-18h30, ven 9h-12h", "mer 14h-18h"),
        slug="sante-sexuelle-{c}",
        site_share=0.0,
    ),
    "laep": Template(
        nom="LAEP « {proper} » {de_commune}",
        proper_names=LAEP_NAMES,
        categorie="Lieu d'accueil enfants-parents (LAEP)",
        variants=(
            v(
                "Lieu d'accueil enfants-parents : un espace de jeu et de parole pour les enfants "
                "de moins de 6 ans accompagnés d'un parent ou d'un grand-parent. Gratuit, "
                "anonyme, sans inscription.",
                "sans inscription",
            ),
            v(
                "On y vient avec son tout-petit (0-6 ans) pour jouer, rencontrer d'autres parents "
                "et échanger avec deux accueillantes. Futurs parents bienvenus. Gratuit.",
                "futurs parents",
            ),
        ),
        mots_cles=words(
            "LAEP; lieu d'accueil enfants-parents; parentalité; jeux; bébé; tout-petits; parents"
        ),
        public=("parents", "enfants", "familles"),
        themes=("perinatalite",),
        horaires=("mar 9h-11h30, sam 9h30-12h", "lun et jeu 9h-11h30"),
        slug="laep-{c}",
        site_share=0.0,
        email_share=0.7,
    ),
    "perinatal": Template(
        nom="Centre périnatal de proximité {de_commune}",
        categorie="Centre périnatal",
        variants=(
            v(
                "Suivi de grossesse, échographies, préparation à la naissance et consultations "
                "après l'accouchement, en lien avec les maternités de Nantes et Saint-Nazaire. "
                "Consultations d'allaitement et de tabacologie pour les futures mères.",
                "échographie; allaitement",
            ),
        ),
        mots_cles=words(
            "périnatalité; grossesse; enceinte; sage-femme; préparation à la naissance; "
            "post-partum; suivi de grossesse"
        ),
        public=("femmes enceintes", "parents"),
        themes=("perinatalite",),
        horaires=("lun-ven 9h-17h sur rendez-vous",),
        slug="ch-cotedejade-perinatal",
        site_share=0.0,
        streets=("rue de l'Hôpital",),
    ),
    # --- Young people -----------------------------------------------------------------------
    "mission_locale": Template(
        nom="Mission locale du Pays de Retz – {commune}",
        categorie="Mission locale",
        variants=(
            v(
                "Accompagnement des 16-25 ans sortis de l'école : emploi, formation, logement, "
                "santé, mobilité. Bilan de santé gratuit et aide pour la complémentaire santé.",
                "bilan de santé; contrat d'engagement jeune; CEJ",
            ),
        ),
        mots_cles=words("mission locale; jeunes; 16-25 ans; emploi; formation; insertion"),
        public=("jeunes",),
        themes=("jeunes", "precarite"),
        horaires=(H_OFFICE,),
        slug="missionlocale-retz",
        email_users=("accueil",),
        site_share=1.0,
    ),
    "ml_antenne": Template(
        nom="Mission locale – antenne {de_commune}",
        categorie="Mission locale",
        variants=(
            v(
                "Permanences de conseillers pour les 16-25 ans : projet professionnel, santé, "
                "logement, droits. Sur rendez-vous.",
            ),
        ),
        mots_cles=words("mission locale; jeunes; 16-25 ans; emploi; insertion"),
        public=("jeunes",),
        themes=("jeunes", "precarite"),
        horaires=("mar et jeu 9h-12h30 / 13h30-17h",),
        slug="missionlocale-retz",
        email_users=("accueil",),
        site_share=1.0,
    ),
    "pij": Template(
        nom="Point information jeunesse {de_commune}",
        categorie="Point information jeunesse",
        variants=(
            v(
                "Information des jeunes sur les études, les jobs, le logement, la santé et la "
                "prévention (documentation, préservatifs gratuits, orientation vers le PAEJ).",
                "préservatifs",
            ),
        ),
        mots_cles=words("PIJ; information jeunesse; jeunes; ado; prévention; orientation"),
        public=("jeunes", "adolescents"),
        themes=("jeunes", "prevention"),
        horaires=("mar-ven 14h-18h, mer 10h-12h",),
        slug="pij-{c}",
        site_share=0.0,
    ),
    # --- Older people, carers -------------------------------------------------------------------
    "clic": Template(
        nom="Espace autonomie seniors (CLIC) {de_commune}",
        categorie="CLIC / espace autonomie seniors",
        variants=(
            v(
                "Information et accompagnement des personnes âgées et de leurs proches : maintien "
                "à domicile, aides financières (APA), recherche d'EHPAD, dossiers. Visites à "
                "domicile possibles. Gratuit.",
                "APA; maintien à domicile",
            ),
            v(
                "Guichet unique pour les plus de 60 ans et leurs aidants : aides à domicile, "
                "adaptation du logement, entrée en établissement, soutien des aidants. Sur "
                "rendez-vous ou par téléphone.",
                "maintien à domicile; adaptation du logement",
            ),
        ),
        mots_cles=words(
            "CLIC; espace autonomie; seniors; personnes âgées; autonomie; aidants; APA; "
            "vieillissement"
        ),
        public=("personnes âgées", "aidants", "professionnels"),
        themes=("personnes-agees",),
        horaires=(H_OFFICE, "lun-ven 9h-12h30, après-midi sur rendez-vous"),
        slug="clic-{c}",
        site_share=0.5,
    ),
    "repit_plateforme": Template(
        nom="Plateforme d'accompagnement et de répit des aidants du Pays de Retz",
        categorie="Aide aux aidants",
        variants=(
            v(
                "Soutien des proches aidants d'une personne âgée ou malade : écoute, formation "
                "des aidants, relayage à domicile, séjours de répit, sorties partagées. Gratuit "
                "pour la plupart des activités.",
                "relayage; formation des aidants",
            ),
        ),
        mots_cles=words(
            "aidants; aide aux aidants; répit; plateforme de répit; proche aidant; Alzheimer; "
            "soutien"
        ),
        public=("aidants", "personnes âgées"),
        themes=("personnes-agees",),
        horaires=(H_OFFICE,),
        slug="repit-aidants-retz",
        site_share=1.0,
    ),
    "halte_repit": Template(
        nom="Halte-répit et café des aidants {de_commune}",
        categorie="Aide aux aidants",
        variants=(
            v(
                "Antenne de la plateforme de répit : une après-midi par semaine, la personne "
                "aidée est accueillie pendant que l'aidant souffle ; café des aidants une fois "
                "par mois pour échanger entre proches aidants.",
                "café des aidants; halte-répit",
            ),
        ),
        mots_cles=words("aidants; aide aux aidants; répit; café des aidants; soutien"),
        public=("aidants", "personnes âgées"),
        themes=("personnes-agees",),
        horaires=("jeu 14h-17h ; café des aidants le 1er samedi du mois 10h-12h",),
        slug="repit-aidants-retz",
        site_share=1.0,
    ),
    "cafe_aidants": Template(
        nom="Café des aidants {de_commune}",
        categorie="Aide aux aidants",
        variants=(
            v(
                "Rencontres mensuelles entre proches aidants autour d'un thème (fatigue, "
                "culpabilité, aides possibles), animées par une psychologue et une travailleuse "
                "sociale. Gratuit, sans inscription.",
                "psychologue",
            ),
        ),
        mots_cles=words("café des aidants; aidants; aide aux aidants; soutien; rencontre"),
        public=("aidants",),
        themes=("personnes-agees",),
        horaires=("un samedi par mois 10h-12h",),
        slug="repit-aidants-retz",
        site_share=1.0,
        email_share=0.0,
    ),
    "alzheimer": Template(
        nom="Alzheimer Entraide Retz",
        categorie="Association Alzheimer",
        variants=(
            v(
                "Association de familles touchées par la maladie d'Alzheimer ou une maladie "
                "apparentée : groupes de parole, formation des aidants, haltes-relais, sorties. "
                "Permanences sur rendez-vous.",
                "groupe de parole",
            ),
        ),
        mots_cles=words(
            "Alzheimer; maladie d'Alzheimer; maladies apparentées; mémoire; démence; aidants; "
            "famille"
        ),
        public=("aidants", "familles", "personnes âgées"),
        themes=("personnes-agees",),
        horaires=("mar 14h-17h et sur rendez-vous",),
        slug="alzheimer-entraide-retz",
        site_share=1.0,
    ),
    "alzheimer_permanence": Template(
        nom="Alzheimer Entraide Retz – permanence {de_commune}",
        categorie="Association Alzheimer",
        variants=(
            v(
                "Permanence mensuelle de l'association pour les familles et proches d'une "
                "personne atteinte de la maladie d'Alzheimer : écoute et conseils.",
            ),
        ),
        mots_cles=words("Alzheimer; mémoire; aidants; famille; soutien"),
        public=("aidants", "familles"),
        themes=("personnes-agees",),
        horaires=("3e mercredi du mois 14h-17h",),
        slug="alzheimer-entraide-retz",
        site_share=1.0,
    ),
    "accueil_jour": Template(
        nom="Accueil de jour « {proper} » {de_commune}",
        proper_names=ADJ_NAMES,
        categorie="Accueil de jour",
        variants=(
            v(
                "Accueil à la journée de personnes vivant avec une maladie d'Alzheimer ou "
                "apparentée, encore à domicile : activités de stimulation, repas, transport "
                "possible. Permet aux aidants de souffler.",
                "Alzheimer; transport",
            ),
            v(
                "Une à plusieurs journées par semaine pour les personnes âgées atteintes de "
                "troubles de la mémoire : ateliers, jardin, sorties, repas partagé. Répit pour "
                "les proches.",
                "troubles de la mémoire; répit",
            ),
        ),
        mots_cles=words("accueil de jour; Alzheimer; mémoire; répit; personnes âgées; aidants"),
        public=("personnes âgées", "aidants"),
        themes=("personnes-agees",),
        horaires=("lun-ven 9h30-17h",),
        slug="accueil-jour-{c}",
        site_share=0.0,
    ),
    "ssiad": Template(
        nom="SSIAD {de_commune}",
        categorie="SSIAD",
        variants=(
            v(
                "Service de soins infirmiers à domicile : toilette, soins d'hygiène et soins "
                "infirmiers sur prescription médicale, pour les plus de 60 ans et les personnes "
                "en situation de handicap. Intervient 7 jours sur 7.",
                "soins à domicile; toilette",
            ),
        ),
        mots_cles=words(
            "SSIAD; soins infirmiers à domicile; aide-soignante; maintien à domicile; personnes "
            "âgées"
        ),
        public=("personnes âgées", "personnes en situation de handicap"),
        themes=("personnes-agees", "handicap"),
        horaires=("secrétariat lun-ven 8h30-12h30 / 13h30-16h30",),
        slug="ssiad-{c}",
        site_share=0.0,
    ),
    "saad": Template(
        nom="{named}",
        categorie="Aide à domicile (SAAD)",
        variants=(
            v(
                "Service d'aide et d'accompagnement à domicile : aide au lever et au coucher, "
                "courses, repas, ménage, accompagnement aux rendez-vous. Devis gratuit, aides APA "
                "et caisses de retraite acceptées.",
                "APA; ménage; repas",
            ),
            v(
                "Aides à domicile pour les personnes âgées, les personnes en situation de "
                "handicap et les familles (sortie d'hospitalisation, naissance). Intervention "
                "7j/7.",
                "sortie d'hospitalisation",
            ),
        ),
        mots_cles=words(
            "SAAD; aide à domicile; auxiliaire de vie; maintien à domicile; aide ménagère"
        ),
        public=("personnes âgées", "personnes en situation de handicap", "familles"),
        themes=("personnes-agees", "handicap"),
        horaires=(H_OFFICE, "lun-ven 8h30-12h30 / 14h-17h30"),
        slug="{s}",
        site_share=0.6,
    ),
    "ehpad": Template(
        nom="EHPAD « {proper} » {de_commune}",
        proper_names=EHPAD_NAMES,
        categorie="EHPAD",
        variants=(
            v(
                "Établissement d'hébergement pour personnes âgées dépendantes : hébergement "
                "permanent et temporaire, soins 24h/24, unité protégée pour les personnes "
                "désorientées. Visites libres l'après-midi.",
                "hébergement temporaire; unité protégée",
            ),
            v(
                "Maison de retraite médicalisée avec jardin, animations quotidiennes et "
                "hébergement temporaire pour le répit des aidants. Dossier d'admission via "
                "ViaTrajectoire.",
                "maison de retraite; hébergement temporaire",
            ),
            v(
                "EHPAD public rattaché au centre hospitalier : chambres individuelles, PASA (pôle "
                "d'activités et de soins adaptés), médecin coordonnateur.",
                "PASA",
            ),
        ),
        mots_cles=words("EHPAD; maison de retraite; personnes âgées; dépendance; hébergement"),
        public=("personnes âgées", "aidants"),
        themes=("personnes-agees",),
        horaires=("accueil lun-ven 9h-17h ; visites 11h-19h", "visites tous les jours 11h-19h"),
        slug="{s}",
        email_users=("accueil", "direction"),
        site_share=0.4,
    ),
    "residence_autonomie": Template(
        nom="Résidence autonomie « {proper} » {de_commune}",
        proper_names=EHPAD_NAMES,
        categorie="Résidence autonomie",
        variants=(
            v(
                "Petits appartements pour des personnes âgées autonomes qui ne veulent plus vivre "
                "seules : restauration, animations, présence de nuit. Ateliers de prévention des "
                "chutes ouverts aux seniors de la commune.",
                "prévention des chutes; logement seniors",
            ),
        ),
        mots_cles=words("résidence autonomie; foyer-logement; seniors; personnes âgées; logement"),
        public=("personnes âgées",),
        themes=("personnes-agees",),
        horaires=(H_OFFICE,),
        slug="{s}",
        site_share=0.0,
    ),
    "dac": Template(
        nom="DAC – Dispositif d'appui à la coordination, antenne Retz",
        categorie="Dispositif d'appui à la coordination (DAC)",
        variants=(
            v(
                "Appui aux professionnels (médecins, infirmiers, travailleurs sociaux) pour les "
                "situations complexes à domicile, quel que soit l'âge ou la pathologie : "
                "évaluation, coordination du parcours, gestion de cas.",
                "gestion de cas; parcours complexe",
            ),
        ),
        mots_cles=words("DAC; coordination; situation complexe; parcours; professionnels; MAIA"),
        public=("professionnels",),
        themes=("acces-aux-soins", "personnes-agees"),
        horaires=(H_OFFICE,),
        slug="dac44-retz",
        site_share=1.0,
    ),
    # --- Disability -----------------------------------------------------------------------------
    "mdph": Template(
        nom="MDPH – permanence {de_commune}",
        categorie="MDPH",
        variants=(
            v(
                "Permanence de la Maison départementale des personnes handicapées : aide pour "
                "remplir un dossier (AAH, RQTH, carte mobilité inclusion, AEEH, PCH), suivi des "
                "demandes en cours.",
                "AAH; RQTH; AEEH; PCH; carte mobilité inclusion",
            ),
        ),
        mots_cles=words("MDPH; handicap; dossier MDPH; reconnaissance handicap; droits"),
        public=("personnes en situation de handicap", "familles", "aidants"),
        themes=("handicap",),
        horaires=(
            "1er et 3e jeudi du mois 9h-12h sur rendez-vous",
            "mardi 14h-17h sur rendez-vous",
        ),
        slug="mdph44",
        email_users=("accueil",),
        site_share=1.0,
    ),
    "sessad": Template(
        nom="SESSAD « {proper} » {de_commune}",
        proper_names=SESSAD_NAMES,
        categorie="SESSAD",
        variants=(
            v(
                "Service d'éducation spéciale et de soins à domicile : accompagnement d'enfants "
                "et d'adolescents de 0 à 20 ans en situation de handicap, à l'école et à la "
                "maison (éducateurs, orthophoniste, psychomotricien). Sur notification MDPH.",
                "notification MDPH; école inclusive",
            ),
        ),
        mots_cles=words("SESSAD; handicap; enfant handicapé; scolarité; éducateur; autisme; TND"),
        public=("enfants", "adolescents", "personnes en situation de handicap", "parents"),
        themes=("handicap", "jeunes"),
        horaires=(H_OFFICE,),
        slug="sessad-{c}",
        site_share=0.0,
    ),
    "camsp": Template(
        nom="CAMSP {de_commune}",
        categorie="CAMSP",
        variants=(
            v(
                "Centre d'action médico-sociale précoce : dépistage et accompagnement des enfants "
                "de 0 à 6 ans présentant un retard de développement ou un handicap. Pas besoin de "
                "dossier MDPH, gratuit.",
                "retard de développement; dépistage précoce",
            ),
        ),
        mots_cles=words("CAMSP; handicap; bébé; développement; enfant; autisme; TND"),
        public=("enfants", "parents", "personnes en situation de handicap"),
        themes=("handicap", "perinatalite"),
        horaires=(H_OFFICE,),
        slug="camsp-{c}",
        site_share=0.0,
    ),
    "esat": Template(
        nom="ESAT {proper} {de_commune}",
        proper_names=ESAT_NAMES,
        categorie="ESAT",
        variants=(
            v(
                "Établissement et service d'accompagnement par le travail : activités "
                "professionnelles adaptées (espaces verts, blanchisserie, conditionnement) et "
                "soutien médico-social pour des adultes en situation de handicap.",
                "travail adapté; espaces verts",
            ),
        ),
        mots_cles=words("ESAT; handicap; travail protégé; emploi; adultes handicapés"),
        public=("personnes en situation de handicap",),
        themes=("handicap",),
        horaires=("lun-ven 8h30-16h30",),
        slug="esat-{c}",
        site_share=1.0,
    ),
    "ime": Template(
        nom="IME « {proper} » {de_commune}",
        proper_names=SESSAD_NAMES,
        categorie="IME",
        variants=(
            v(
                "Institut médico-éducatif pour enfants et jeunes de 6 à 20 ans avec une "
                "déficience intellectuelle ou des troubles du spectre de l'autisme : scolarité "
                "adaptée, soins, ateliers préprofessionnels. Sur orientation MDPH.",
                "déficience intellectuelle; TSA",
            ),
        ),
        mots_cles=words("IME; handicap; autisme; enfant handicapé; institut médico-éducatif"),
        public=("enfants", "adolescents", "personnes en situation de handicap"),
        themes=("handicap", "jeunes"),
        horaires=(H_OFFICE,),
        slug="ime-{c}",
        site_share=0.0,
    ),
    "samsah": Template(
        nom="SAVS-SAMSAH Sud Estuaire",
        categorie="SAVS / SAMSAH",
        variants=(
            v(
                "Accompagnement à domicile d'adultes en situation de handicap (psychique, moteur "
                "ou mental) : vie quotidienne, logement, soins, vie sociale. Sur notification "
                "MDPH.",
                "handicap psychique",
            ),
        ),
        mots_cles=words("SAVS; SAMSAH; handicap; accompagnement; vie à domicile"),
        public=("personnes en situation de handicap",),
        themes=("handicap",),
        horaires=(H_OFFICE,),
        slug="savs-samsah-sudestuaire",
        site_share=0.0,
    ),
    "foyer_vie": Template(
        nom="Foyer de vie « {proper} » {de_commune}",
        proper_names=EHPAD_NAMES,
        categorie="Foyer de vie",
        variants=(
            v(
                "Hébergement et activités de jour pour des adultes en situation de handicap qui "
                "ne travaillent pas. Accueil temporaire possible.",
                "accueil temporaire",
            ),
        ),
        mots_cles=words("foyer de vie; handicap; hébergement; adultes handicapés"),
        public=("personnes en situation de handicap",),
        themes=("handicap",),
        horaires=("accueil lun-ven 9h-17h",),
        slug="{s}",
        site_share=0.0,
    ),
    # --- Social support, rights, precarity --------------------------------------------------------
    "ccas": Template(
        nom="CCAS {de_commune}",
        categorie="CCAS",
        variants=(
            v(
                "Centre communal d'action sociale : aide aux démarches (complémentaire santé "
                "solidaire, logement, énergie), aides d'urgence, portage de repas à domicile, "
                "téléassistance pour les seniors.",
                "portage de repas; téléassistance; complémentaire santé solidaire",
            ),
            v(
                "Accueil social de la mairie : aides financières ponctuelles, domiciliation, "
                "dossiers d'aide sociale, orientation vers l'épicerie solidaire. Sur rendez-vous.",
                "domiciliation; aide financière",
            ),
            v(
                "Le CCAS accompagne les habitants en difficulté et les personnes âgées : aides "
                "facultatives, colis alimentaires, dossiers APA et aide sociale, lutte contre "
                "l'isolement.",
                "colis alimentaire; isolement",
            ),
        ),
        mots_cles=words(
            "CCAS; action sociale; mairie; aide sociale; assistante sociale; social; aides"
        ),
        public=("tout public", "personnes en précarité", "personnes âgées"),
        themes=("precarite",),
        horaires=(H_OFFICE, "lun-ven 9h-12h", "mar et jeu 9h-12h, sur rendez-vous"),
        slug="mairie-{c}",
        email_users=("ccas",),
        site_share=0.7,
        streets=("place de la Mairie", "rue de la Mairie", "place de l'Hôtel de Ville"),
    ),
    "france_services": Template(
        nom="France services {de_commune}",
        categorie="France services",
        variants=(
            v(
                "Un guichet pour les démarches administratives en ligne : Assurance Maladie, CAF, "
                "retraite, impôts, France Travail, carte grise. Accompagnement gratuit, "
                "ordinateurs en libre accès.",
                "démarches en ligne; ameli; numérique",
            ),
            v(
                "Des agents vous aident dans vos démarches (CAF, CPAM, MSA, retraite, ANTS) et "
                "accueillent des permanences de partenaires. Avec ou sans rendez-vous.",
                "MSA; numérique",
            ),
        ),
        mots_cles=words("France services; MFS; démarches; CAF; CPAM; accès aux droits; papiers"),
        public=("tout public", "personnes en précarité"),
        themes=("precarite", "acces-aux-soins"),
        horaires=(H_OFFICE, "lun-ven 9h-12h30, mar et jeu 13h30-17h30, sam 9h-12h"),
        slug="franceservices-{c}",
        site_share=0.0,
    ),
    "cpam": Template(
        nom="Assurance Maladie (CPAM) – permanence {de_commune}",
        categorie="Permanence CPAM",
        variants=(
            v(
                "Accueil sur rendez-vous de l'Assurance Maladie : carte Vitale, complémentaire "
                "santé solidaire, indemnités journalières, choix du médecin traitant. Prendre "
                "rendez-vous depuis son compte ameli ou par téléphone.",
                "carte Vitale; ameli; C2S; médecin traitant",
            ),
        ),
        mots_cles=words("CPAM; Assurance Maladie; sécu; sécurité sociale; remboursement; droits"),
        public=("tout public",),
        themes=("acces-aux-soins", "precarite"),
        horaires=("mar 9h-12h / 13h30-16h30 sur rendez-vous", "jeu 9h-12h sur rendez-vous"),
        slug="cpam44-permanences",
        site_share=0.0,
    ),
    "caf": Template(
        nom="CAF – permanence {de_commune}",
        categorie="Permanence CAF",
        variants=(
            v(
                "Permanence de la Caisse d'allocations familiales : prestations familiales, aides "
                "au logement, RSA, prime d'activité. Sur rendez-vous uniquement.",
                "RSA; APL; prime d'activité",
            ),
        ),
        mots_cles=words("CAF; allocations familiales; aides; droits; logement"),
        public=("familles", "tout public"),
        themes=("precarite",),
        horaires=("lun 9h-12h sur rendez-vous", "ven 13h30-16h30 sur rendez-vous"),
        slug="caf44-permanences",
        site_share=0.0,
    ),
    "epicerie": Template(
        nom="Épicerie solidaire {proper} {de_commune}",
        proper_names=EPICERIE_NAMES,
        categorie="Épicerie solidaire",
        variants=(
            v(
                "Produits alimentaires et d'hygiène à 10-30 % du prix, sur orientation d'un "
                "travailleur social (CCAS, centre médico-social). Ateliers cuisine et budget.",
                "ateliers cuisine; budget",
            ),
            v(
                "Épicerie à petits prix pour les foyers aux revenus modestes, accès après "
                "rendez-vous avec le CCAS. Fruits et légumes frais, espace café convivial.",
                "fruits et légumes",
            ),
        ),
        mots_cles=words(
            "épicerie solidaire; épicerie sociale; aide alimentaire; alimentation; courses"
        ),
        public=("personnes en précarité", "familles"),
        themes=("precarite", "nutrition-activite-physique"),
        horaires=("mar et ven 14h-18h", "mer 9h-12h, jeu 14h-18h"),
        slug="epicerie-{c}",
        site_share=0.0,
        email_share=0.6,
    ),
    "aide_alimentaire": Template(
        nom="{named}",
        categorie="Aide alimentaire",
        variants=(
            v(
                "Distribution gratuite de repas et de colis alimentaires, vestiaire, écoute. "
                "Inscription sur place avec un justificatif de ressources.",
                "colis alimentaire; repas gratuits; vestiaire",
            ),
            v(
                "Association de bénévoles : colis alimentaires chaque semaine, accueil café, aide "
                "aux démarches. Sans condition pour un premier dépannage.",
                "colis alimentaire; dépannage",
            ),
        ),
        mots_cles=words("aide alimentaire; colis; repas; banque alimentaire; manger; nourriture"),
        public=("personnes en précarité", "familles"),
        themes=("precarite",),
        horaires=("mar et ven 9h-12h", "jeu 14h-17h"),
        slug="{s}",
        site_share=0.0,
        email_share=0.5,
    ),
    "chrs": Template(
        nom="CHRS et accueil de nuit « Le Goéland »",
        categorie="Hébergement (CHRS)",
        variants=(
            v(
                "Centre d'hébergement et de réinsertion sociale : hébergement d'urgence et "
                "d'insertion, accompagnement vers le logement, l'emploi et les soins. Admission "
                "via le 115.",
                "115; hébergement d'urgence; SDF",
            ),
        ),
        mots_cles=words("CHRS; hébergement; sans abri; SDF; 115; logement; urgence sociale"),
        public=("personnes en précarité",),
        themes=("precarite",),
        horaires=("accueil 24h/24 ; bureau lun-ven 9h-17h",),
        slug="chrs-legoeland",
        site_share=0.0,
    ),
    "accueil_jour_solidarite": Template(
        nom="Accueil de jour solidarité « L'Escale »",
        categorie="Accueil de jour solidarité",
        variants=(
            v(
                "Accueil inconditionnel des personnes sans domicile ou isolées : café, douche, "
                "laverie, domiciliation, permanence infirmière le jeudi. Sans rendez-vous.",
                "douche; domiciliation; sans domicile",
            ),
        ),
        mots_cles=words("accueil de jour; sans abri; SDF; douche; précarité; solidarité"),
        public=("personnes en précarité",),
        themes=("precarite", "acces-aux-soins"),
        horaires=("lun-ven 9h-13h",),
        slug="escale-solidarite",
        site_share=0.0,
    ),
    "violences": Template(
        nom="Accueil et écoute des victimes de violences conjugales – permanence Pays de Retz",
        categorie="Violences intrafamiliales",
        variants=(
            v(
                "Écoute, information juridique et accompagnement des victimes de violences dans "
                "le couple ou la famille, mise à l'abri en lien avec le 115. Confidentiel et "
                "gratuit. En danger immédiat : 17 ou SMS au 114.",
                "3919; mise à l'abri",
            ),
        ),
        mots_cles=words("violences conjugales; violences; femmes victimes; victimes; écoute"),
        public=("tout public", "familles"),
        themes=("precarite", "prevention"),
        horaires=("mar 9h-12h30 / 13h30-17h, sur rendez-vous",),
        slug="ecoute-victimes-retz",
        site_share=0.0,
    ),
    # --- Environment, nutrition, physical activity, prevention --------------------------------
    "habitat_sante": Template(
        nom="Point conseil habitat-santé du Pays de Retz",
        categorie="Santé-environnement",
        variants=(
            v(
                "Conseils gratuits sur la qualité de l'air intérieur, le radon, l'humidité et les "
                "moisissures, le monoxyde de carbone : visite à domicile et prêt de détecteur de "
                "radon. Aide au repérage du logement indigne.",
                "moisissures; monoxyde de carbone; logement indigne; humidité",
            ),
        ),
        mots_cles=words(
            "radon; qualité de l'air; air intérieur; habitat; santé environnement; logement; "
            "insalubrité"
        ),
        public=("tout public",),
        themes=("sante-environnement",),
        horaires=("mer 9h-12h30 et sur rendez-vous",),
        slug="habitat-sante-retz",
        site_share=1.0,
    ),
    "renovation": Template(
        nom="Espace conseil rénovation et habitat sain – Sud Retz",
        categorie="Santé-environnement",
        variants=(
            v(
                "Conseillers neutres et gratuits pour rénover son logement : isolation, "
                "chauffage, ventilation, aides financières, adaptation au vieillissement. "
                "Permanence sur rendez-vous.",
                "isolation; ventilation; adaptation du logement",
            ),
        ),
        mots_cles=words("rénovation; habitat; logement; énergie; précarité énergétique"),
        public=("tout public", "personnes âgées"),
        themes=("sante-environnement", "precarite"),
        horaires=("2e et 4e mardi du mois 9h-12h",),
        slug="renovation-sudretz",
        site_share=1.0,
    ),
    "air_estuaire": Template(
        nom="Observatoire citoyen de la qualité de l'air de l'estuaire",
        categorie="Santé-environnement",
        variants=(
            v(
                "Information sur la qualité de l'air autour de l'estuaire (capteurs, épisodes de "
                "pollution, odeurs industrielles) et conseils pour les personnes asthmatiques. "
                "Réunions publiques deux fois par an.",
                "asthme; pollution; odeurs",
            ),
        ),
        mots_cles=words("qualité de l'air; pollution de l'air; santé environnement; estuaire"),
        public=("tout public",),
        themes=("sante-environnement",),
        horaires=("",),
        slug="air-estuaire",
        site_share=1.0,
    ),
    "env_grandlieu": Template(
        nom="Point info santé-environnement Grand Lieu",
        categorie="Santé-environnement",
        variants=(
            v(
                "Réponses aux questions des habitants sur le moustique tigre, l'eau des puits "
                "privés, les pollens et le radon ; animation d'ateliers dans les écoles.",
                "moustique tigre; puits; pollens",
            ),
        ),
        mots_cles=words("santé environnement; moustique tigre; eau; radon; allergies"),
        public=("tout public",),
        themes=("sante-environnement", "prevention"),
        horaires=("lun et jeu 9h-12h",),
        slug="sante-env-grandlieu",
        site_share=0.0,
    ),
    "sport_sante": Template(
        nom="Maison sport-santé {de_commune}",
        categorie="Sport-santé",
        variants=(
            v(
                "Activité physique adaptée pour les personnes atteintes de maladies chroniques, "
                "en surpoids ou qui veulent reprendre une activité : bilan de condition physique, "
                "séances encadrées par un enseignant APA. Sport sur ordonnance accepté.",
                "sport sur ordonnance; APA; activité physique adaptée",
            ),
            v(
                "Accompagnement vers une activité physique régulière : bilan gratuit, marche "
                "nordique, gym douce, renforcement, orientation vers les clubs labellisés.",
                "marche nordique; gym douce",
            ),
        ),
        mots_cles=words("maison sport-santé; sport santé; activité physique; sport; sédentarité"),
        public=("tout public", "personnes âgées"),
        themes=("nutrition-activite-physique", "education-therapeutique"),
        horaires=("lun-ven 9h-12h30 / 14h-18h", "mar, jeu 9h-12h / 14h-19h"),
        slug="sport-sante-{c}",
        site_share=1.0,
    ),
    "apa_sudestuaire": Template(
        nom="Sport santé Sud Estuaire – activité physique adaptée",
        categorie="Sport-santé",
        variants=(
            v(
                "Séances d'activité physique adaptée en petits groupes pour les seniors et les "
                "personnes en affection de longue durée : équilibre, gym douce, marche. 2 séances "
                "d'essai gratuites.",
                "équilibre; prévention des chutes; gym douce",
            ),
        ),
        mots_cles=words("sport santé; activité physique adaptée; APA; seniors; sport"),
        public=("personnes âgées", "tout public"),
        themes=("nutrition-activite-physique", "personnes-agees"),
        horaires=("lun et jeu 10h-11h30",),
        slug="sport-sante-sudestuaire",
        site_share=0.0,
    ),
    "etp_cardio": Template(
        nom="ETP insuffisance cardiaque et BPCO – MSP de Machecoul",
        categorie="Éducation thérapeutique (ETP)",
        variants=(
            v(
                "Programme d'éducation thérapeutique de proximité pour les patients insuffisants "
                "cardiaques ou atteints de BPCO et leur entourage : ateliers sur les traitements, "
                "l'alimentation peu salée, l'essoufflement.",
                "BPCO; cœur",
            ),
        ),
        mots_cles=words("ETP; éducation thérapeutique; insuffisance cardiaque; maladie chronique"),
        public=("tout public", "aidants"),
        themes=("education-therapeutique",),
        horaires=(H_RDV,),
        slug="msp-machecoul-saint-meme",
        email_users=("etp",),
        site_share=0.0,
    ),
    "vaccination": Template(
        nom="Centre de vaccination {de_commune}",
        categorie="Centre de vaccination",
        variants=(
            v(
                "Vaccinations gratuites à partir de 6 ans (rattrapage, HPV, ROR, tétanos, "
                "méningocoque) et conseils aux voyageurs. Sur rendez-vous, carnet de vaccination "
                "à apporter.",
                "HPV; ROR; rappel",
            ),
        ),
        mots_cles=words("vaccination; vaccin; centre de vaccination; prévention; gratuit"),
        public=("tout public",),
        themes=("prevention",),
        horaires=("mer 14h-17h sur rendez-vous", "1er et 3e lundi 14h-17h"),
        slug="vaccination-{c}",
        site_share=0.0,
    ),
    "cegidd": Template(
        nom="CeGIDD – dépistage gratuit VIH, hépatites et IST {de_commune}",
        categorie="CeGIDD (dépistage)",
        variants=(
            v(
                "Centre gratuit d'information, de dépistage et de diagnostic : tests VIH, "
                "hépatites et infections sexuellement transmissibles, PrEP, traitement "
                "post-exposition. Gratuit et anonyme, avec ou sans rendez-vous.",
                "PrEP; TPE; anonyme",
            ),
        ),
        mots_cles=words("CeGIDD; dépistage; VIH; sida; IST; MST; hépatite; test; gratuit"),
        public=("tout public", "jeunes"),
        themes=("prevention",),
        horaires=("lun 14h-18h, jeu 9h-12h", "mer 13h30-17h"),
        slug="cegidd-retz",
        site_share=0.0,
    ),
    "depistage_cancers": Template(
        nom="Dépistage des cancers – permanence d'information {de_commune}",
        categorie="Dépistage des cancers",
        variants=(
            v(
                "Information sur les dépistages organisés du cancer du sein, du côlon et du col "
                "de l'utérus ; remise de kits de dépistage colorectal. Gratuit.",
                "mammographie; côlon; frottis",
            ),
        ),
        mots_cles=words("dépistage; cancer; cancer du sein; test colorectal; prévention"),
        public=("tout public",),
        themes=("prevention",),
        horaires=("dernier vendredi du mois 9h-12h",),
        slug="depistage-cancers-pdl",
        site_share=1.0,
    ),
    "teleconsultation": Template(
        nom="Point de téléconsultation {de_commune}",
        categorie="Téléconsultation",
        variants=(
            v(
                "Cabine de téléconsultation accompagnée à la mairie : consultation vidéo avec un "
                "médecin, appareils connectés (tension, température, otoscope). Remboursée par "
                "l'Assurance Maladie, aide d'un agent sur place.",
                "mairie; vidéo",
            ),
            v(
                "Téléconsultation médicale dans les locaux de la pharmacie, avec l'aide du "
                "pharmacien pour les mesures. Sans rendez-vous, pour les patients sans médecin "
                "traitant disponible.",
                "pharmacie; sans rendez-vous; sans médecin traitant",
            ),
        ),
        mots_cles=words(
            "téléconsultation; téléconsult; consultation à distance; médecin; télémédecine"
        ),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 9h-12h / 14h-17h", "lun-sam 9h-12h"),
        slug="teleconsultation-{c}",
        site_share=0.0,
        email_share=0.5,
    ),
    # --- Primary care organisations -------------------------------------------------------------
    "msp": Template(
        nom="Maison de santé pluriprofessionnelle {de_commune}",
        categorie="Maison de santé pluriprofessionnelle (MSP)",
        variants=(
            v(
                "Médecins généralistes, infirmiers, kinésithérapeutes, sage-femme et "
                "diététicienne regroupés. Nouveaux patients acceptés selon les disponibilités ; "
                "créneaux de consultations non programmées chaque matin.",
                "nouveaux patients; sage-femme",
            ),
            v(
                "Équipe de soins de premier recours : généralistes, infirmiers, podologue, "
                "orthophoniste et psychologue. Secrétariat commun, prise de rendez-vous en ligne.",
                "podologue; orthophoniste; psychologue",
            ),
            v(
                "Maison de santé accueillant médecins généralistes, cabinet infirmier et "
                "kinésithérapeutes, avec des ateliers de prévention (diabète, mémoire, sommeil).",
                "prévention; ateliers",
            ),
        ),
        mots_cles=words(
            "MSP; maison de santé; médecin généraliste; généraliste; médecin; infirmier; kiné; "
            "médecin traitant"
        ),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 8h-20h, sam 8h-12h", "lun-ven 8h30-19h30, sam 9h-12h"),
        slug="msp-{c}",
        email_users=("secretariat",),
        site_share=0.6,
    ),
    "centre_sante": Template(
        nom="{named}",
        categorie="Centre de santé",
        variants=(
            v(
                "Centre de santé avec médecins salariés : consultations de médecine générale en "
                "tiers payant, sans dépassement d'honoraires. Accepte de nouveaux patients "
                "résidant dans la commune.",
                "tiers payant; nouveaux patients; médecin traitant",
            ),
        ),
        mots_cles=words("centre de santé; médecin; généraliste; médecin généraliste; tiers payant"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 8h30-19h, sam 9h-12h",),
        slug="{s}",
        email_users=("accueil",),
        site_share=1.0,
    ),
    "centre_sante_dentaire": Template(
        nom="Centre de santé dentaire {de_commune}",
        categorie="Centre de santé",
        variants=(
            v(
                "Soins dentaires, prothèses et orthodontie en tiers payant, dentistes salariés. "
                "Créneaux d'urgence dentaire chaque jour en semaine.",
                "urgence dentaire; orthodontie; tiers payant",
            ),
        ),
        mots_cles=words("centre dentaire; dentiste; chirurgien-dentiste; soins dentaires; dents"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 8h30-19h",),
        slug="centre-dentaire-{c}",
        site_share=1.0,
    ),
    "centre_sante_infirmier": Template(
        nom="Centre de soins infirmiers {de_commune}",
        categorie="Centre de santé",
        variants=(
            v(
                "Infirmiers salariés : soins au centre sans rendez-vous le matin et à domicile "
                "7j/7 (pansements, injections, prises de sang, suivi du diabète).",
                "prise de sang; pansement; sans rendez-vous",
            ),
        ),
        mots_cles=words("centre de soins infirmiers; infirmier; infirmière; soins à domicile; IDE"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("permanence au centre lun-sam 7h30-9h ; domicile 7j/7",),
        slug="csi-{c}",
        site_share=0.0,
    ),
    "cpts": Template(
        nom="{named}",
        categorie="CPTS",
        variants=(
            v(
                "Communauté professionnelle territoriale de santé : réseau des professionnels de "
                "santé du secteur pour l'accès à un médecin traitant, les soins non programmés et "
                "la prévention. S'adresse aux professionnels ; les patients sans médecin traitant "
                "peuvent se signaler.",
                "sans médecin traitant; exercice coordonné",
            ),
        ),
        mots_cles=words("CPTS; professionnels de santé; coordination; médecin traitant; réseau"),
        public=("professionnels",),
        themes=("acces-aux-soins", "metiers-de-sante"),
        horaires=(H_OFFICE,),
        slug="{s}",
        email_users=("coordination",),
        site_share=1.0,
    ),
    "cls_coordination": Template(
        nom="Coordination du Contrat local de santé (CLS) du Pays de Retz",
        categorie="Coordination CLS",
        variants=(
            v(
                "La coordinatrice du CLS anime les groupes de travail, le comité de pilotage et "
                "l'agenda santé du territoire. Contact pour proposer une action, rejoindre un "
                "groupe de travail ou diffuser une information aux partenaires.",
                "groupe de travail; COPIL",
            ),
        ),
        mots_cles=words("CLS; contrat local de santé; coordination; COPIL; partenaires; agenda"),
        public=("professionnels",),
        themes=("vie-du-cls",),
        horaires=(H_OFFICE,),
        slug="cls-paysderetz",
        email_users=("coordination",),
        site_share=1.0,
    ),
    "installation_pros": Template(
        nom="Guichet installation des professionnels de santé Sud Retz",
        categorie="Installation des professionnels de santé",
        variants=(
            v(
                "Accompagnement des médecins, kinés, infirmiers et internes qui souhaitent "
                "s'installer ou faire un remplacement : locaux disponibles, aides à "
                "l'installation, lien avec les MSP et la CPTS.",
                "remplacement; aides à l'installation; internes",
            ),
        ),
        mots_cles=words(
            "installation; recrutement; professionnels de santé; médecin; attractivité"
        ),
        public=("professionnels",),
        themes=("metiers-de-sante",),
        horaires=(H_OFFICE,),
        slug="installation-sante-sudretz",
        site_share=1.0,
    ),
    "logement_internes": Template(
        nom="Logement des internes et étudiants en santé",
        categorie="Installation des professionnels de santé",
        variants=(
            v(
                "Studios meublés à loyer modéré pour les internes en médecine, étudiants kinés, "
                "infirmiers et sages-femmes en stage sur le territoire. Réservation par le maître "
                "de stage ou l'étudiant.",
                "stage; étudiants en santé",
            ),
        ),
        mots_cles=words("internes; logement internes; étudiants en santé; stage; attractivité"),
        public=("professionnels",),
        themes=("metiers-de-sante",),
        horaires=(H_RDV,),
        slug="internes-retz",
        site_share=0.0,
    ),
    # --- Independent practitioners (placed by OFFER below) ---------------------------------------
    "generaliste": Template(
        nom="Cabinet médical {lieu}",
        categorie="Médecin généraliste",
        variants=(
            v(
                "Cabinet de médecine générale, adultes et enfants. Sur rendez-vous ; pas de "
                "nouveaux patients en ce moment sauf nourrissons.",
                "pas de nouveaux patients",
            ),
            v(
                "Médecins généralistes : consultations sur rendez-vous (en ligne ou par "
                "téléphone), suivi des enfants, petite chirurgie, visites à domicile pour les "
                "patients du cabinet.",
                "visites à domicile; petite chirurgie",
            ),
            v(
                "Deux médecins généralistes et un interne. Créneaux sans rendez-vous du lundi au "
                "vendredi de 8h à 9h30 pour les soins urgents.",
                "sans rendez-vous",
            ),
            v(
                "Cabinet de médecine générale accueillant de nouveaux patients cherchant un "
                "médecin traitant, dans la limite des places. Tiers payant.",
                "nouveaux patients; tiers payant",
            ),
        ),
        mots_cles=words("médecin; généraliste; médecin généraliste; médecin traitant; docteur; MG"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=H_LIBERAL,
        slug="cabinet-medical-{l}-{c}",
        email_users=("secretariat", "contact"),
        site_share=0.25,
        hours_share=0.9,
        email_share=0.7,
    ),
    "infirmier": Template(
        nom="Cabinet infirmier {lieu}",
        categorie="Infirmier",
        variants=(
            v(
                "Soins infirmiers au cabinet et à domicile 7j/7 : prises de sang, pansements, "
                "injections, suivi post-opératoire. Permanence au cabinet sans rendez-vous.",
                "prise de sang; pansement; à domicile",
            ),
            v(
                "Infirmières libérales : soins à domicile sur tout le secteur, éducation "
                "thérapeutique du diabète, vaccination. Joignables par téléphone de 7h à 20h.",
                "diabète; vaccination",
            ),
        ),
        mots_cles=words("infirmier; infirmière; IDE; soins infirmiers; prise de sang; piqûre"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=(
            "permanence au cabinet lun-sam 7h30-8h30 ; domicile 7j/7",
            "sur rendez-vous ; soins à domicile 7j/7",
        ),
        slug="infirmiers-{l}-{c}",
        site_share=0.0,
        hours_share=0.85,
        email_share=0.5,
    ),
    "kine": Template(
        nom="Cabinet de kinésithérapie {lieu}",
        categorie="Kinésithérapeute",
        variants=(
            v(
                "Masseurs-kinésithérapeutes : rééducation orthopédique et neurologique, kiné "
                "respiratoire du nourrisson, soins à domicile pour les personnes âgées.",
                "kiné respiratoire; bronchiolite",
            ),
            v(
                "Rééducation après chirurgie ou blessure sportive, périnée, lombalgies. "
                "Balnéothérapie non disponible ; sur rendez-vous.",
                "périnée; sport; mal de dos",
            ),
        ),
        mots_cles=words(
            "kiné; kinésithérapeute; kinésithérapie; rééducation; masseur-kinésithérapeute"
        ),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=H_LIBERAL,
        slug="kine-{l}-{c}",
        site_share=0.2,
        hours_share=0.85,
        email_share=0.6,
    ),
    "dentiste": Template(
        nom="Cabinet dentaire {lieu}",
        categorie="Dentiste",
        variants=(
            v(
                "Chirurgiens-dentistes : soins, prothèses, parodontologie. Urgences des patients "
                "du cabinet reçues en fin de matinée.",
                "urgence dentaire; prothèse",
            ),
            v(
                "Soins dentaires adultes et enfants, détartrage, blanchiment. Accueil des enfants "
                "dans le cadre de M'T dents.",
                "M'T dents; enfants; détartrage",
            ),
            v(
                "Cabinet dentaire : soins conservateurs, implants, orthodontie adulte. Délai de "
                "rendez-vous d'environ un mois.",
                "orthodontie; implants",
            ),
        ),
        mots_cles=words("dentiste; chirurgien-dentiste; dents; soins dentaires; cabinet dentaire"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 8h30-12h / 14h-19h", "lun-jeu 9h-19h, ven 9h-13h", "sur rendez-vous"),
        slug="dentaire-{l}-{c}",
        site_share=0.3,
        email_share=0.7,
    ),
    "pharmacie": Template(
        nom="Pharmacie {lieu}",
        categorie="Pharmacie",
        variants=(
            v(
                "Pharmacie d'officine : conseils, matériel médical, vaccination antigrippale et "
                "COVID, tests angine (TROD). Pour la pharmacie de garde, composez le 3237.",
                "vaccination; TROD; matériel médical",
            ),
            v(
                "Officine avec espace confidentialité : entretiens pharmaceutiques, aide à "
                "l'arrêt du tabac (substituts nicotiniques), orthopédie, location de matériel "
                "médical.",
                "substituts nicotiniques; arrêt du tabac; orthopédie",
            ),
            v(
                "Pharmacie : préparation des piluliers pour les EHPAD et le domicile, livraison "
                "aux personnes âgées, dépistage du diabète.",
                "livraison; pilulier",
            ),
        ),
        mots_cles=words("pharmacie; pharmacien; médicaments; ordonnance; officine"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=H_PHARMA,
        slug="pharmacie-{l}-{c}",
        site_share=0.4,
        email_share=0.8,
    ),
    "psychologue": Template(
        nom="{proper} {lieu}",
        proper_names=PSY_NAMES,
        categorie="Psychologue",
        variants=(
            v(
                "Psychologues cliniciennes : consultations pour adultes, couples et adolescents "
                "(anxiété, deuil, burn-out). Conventionnées « Mon soutien psy » : 12 séances "
                "remboursées par l'Assurance Maladie.",
                "Mon soutien psy; remboursé; deuil; burn-out",
            ),
            v(
                "Psychologue pour enfants et adolescents : difficultés scolaires, émotions, "
                "harcèlement, bilans. Partenaire du PAEJ : premières séances gratuites pour les "
                "12-25 ans orientés par le Point Accueil Écoute Jeunes.",
                "gratuit; ado; enfant; PAEJ",
            ),
            v(
                "Psychologue clinicien, thérapies cognitives et comportementales (TCC) : phobies, "
                "troubles anxieux, addictions comportementales. Sur rendez-vous, séances non "
                "remboursées par l'Assurance Maladie.",
                "TCC; phobie",
            ),
            v(
                "Psychologue adhérente au dispositif « Santé psy étudiant » : séances gratuites "
                "pour les étudiants ; consultations adultes et jeunes adultes. Conventionnée « "
                "Mon soutien psy ».",
                "Santé psy étudiant; étudiant; gratuit; Mon soutien psy",
            ),
            v(
                "Psychologue du développement et neuropsychologue : bilans (TDAH, troubles des "
                "apprentissages), accompagnement des parents, consultations d'adultes âgés "
                "(troubles de la mémoire).",
                "TDAH; bilan neuropsychologique; mémoire",
            ),
        ),
        mots_cles=words(
            "psychologue; psy; psychothérapie; thérapie; santé mentale; soutien psychologique"
        ),
        public=("tout public",),
        themes=("sante-mentale",),
        horaires=("sur rendez-vous", "lun-sam sur rendez-vous", "mar-sam 9h-20h sur rendez-vous"),
        slug="psy-{l}-{c}",
        site_share=0.5,
        hours_share=0.8,
        email_share=0.8,
    ),
    "orthophoniste": Template(
        nom="Cabinet d'orthophonie {lieu}",
        categorie="Orthophoniste",
        variants=(
            v(
                "Orthophonistes : bilans et rééducation du langage oral et écrit, dyslexie, "
                "bégaiement, troubles de la déglutition. Liste d'attente de plusieurs mois.",
                "dyslexie; bégaiement; liste d'attente",
            ),
            v(
                "Rééducation du langage chez l'enfant et de la communication chez l'adulte (après "
                "un AVC, maladies neurodégénératives). Sur rendez-vous.",
                "AVC; langage",
            ),
        ),
        mots_cles=words("orthophoniste; orthophonie; langage; ortho; parole"),
        public=("enfants", "tout public"),
        themes=("acces-aux-soins",),
        horaires=("sur rendez-vous",),
        slug="orthophonie-{l}-{c}",
        site_share=0.0,
        hours_share=0.75,
        email_share=0.6,
    ),
    "sage_femme": Template(
        nom="Cabinet de sage-femme {lieu}",
        categorie="Sage-femme",
        variants=(
            v(
                "Sage-femme libérale : suivi de grossesse, préparation à la naissance, "
                "rééducation du périnée, suivi gynécologique de prévention et contraception.",
                "préparation à la naissance; contraception; gynécologie",
            ),
            v(
                "Sages-femmes : consultations prénatales, monitoring à domicile, accompagnement "
                "de l'allaitement et visites après la sortie de maternité (PRADO).",
                "allaitement; PRADO; post-partum",
            ),
        ),
        mots_cles=words("sage-femme; sages-femmes; grossesse; enceinte; suivi de grossesse; bébé"),
        public=("femmes enceintes", "parents"),
        themes=("perinatalite",),
        horaires=("sur rendez-vous", "lun-ven 9h-19h sur rendez-vous"),
        slug="sagefemme-{l}-{c}",
        site_share=0.3,
        email_share=0.8,
    ),
    "dieteticien": Template(
        nom="Cabinet de diététique {lieu}",
        categorie="Diététicien",
        variants=(
            v(
                "Diététicienne-nutritionniste : rééquilibrage alimentaire, diabète, surpoids de "
                "l'enfant, troubles du comportement alimentaire. Remboursement possible par les "
                "mutuelles.",
                "surpoids; TCA; diabète",
            ),
        ),
        mots_cles=words(
            "diététicien; diététicienne; nutrition; nutritionniste; alimentation; régime"
        ),
        public=("tout public",),
        themes=("nutrition-activite-physique",),
        horaires=("sur rendez-vous",),
        slug="dietetique-{l}-{c}",
        site_share=0.5,
        hours_share=0.8,
    ),
    "podologue": Template(
        nom="Cabinet de pédicurie-podologie {lieu}",
        categorie="Podologue",
        variants=(
            v(
                "Pédicure-podologue : soins des pieds, semelles orthopédiques, bilan podologique "
                "du patient diabétique (pris en charge sur prescription).",
                "semelles; pied diabétique",
            ),
        ),
        mots_cles=words("podologue; pédicure; pieds; semelles orthopédiques"),
        public=("tout public", "personnes âgées"),
        themes=("acces-aux-soins",),
        horaires=("sur rendez-vous",),
        slug="podologie-{l}-{c}",
        site_share=0.0,
        hours_share=0.7,
        email_share=0.5,
    ),
    "ophtalmo": Template(
        nom="Cabinet d'ophtalmologie {lieu}",
        categorie="Ophtalmologiste",
        variants=(
            v(
                "Ophtalmologistes et orthoptistes : examens de la vue, lunettes et lentilles, "
                "suivi du glaucome et de la rétinopathie diabétique. Délais plus courts pour les "
                "enfants et les urgences.",
                "orthoptiste; lunettes; glaucome",
            ),
        ),
        mots_cles=words("ophtalmo; ophtalmologiste; ophtalmologue; yeux; vue; oculiste"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 8h30-18h30 sur rendez-vous",),
        slug="ophtalmo-{l}-{c}",
        site_share=1.0,
    ),
    "pediatre": Template(
        nom="Cabinet de pédiatrie {lieu}",
        categorie="Pédiatre",
        variants=(
            v(
                "Pédiatre : suivi des nourrissons et des enfants, vaccinations, consultations du "
                "jour pour les enfants malades le matin.",
                "vaccinations; enfant malade",
            ),
        ),
        mots_cles=words("pédiatre; pédiatrie; enfant; bébé; nourrisson; médecin"),
        public=("enfants", "parents"),
        themes=("acces-aux-soins", "perinatalite"),
        horaires=("lun-ven 8h30-18h30, sam 9h-12h",),
        slug="pediatrie-{l}-{c}",
        site_share=0.0,
    ),
    "laboratoire": Template(
        nom="Laboratoire d'analyses médicales {lieu}",
        categorie="Laboratoire d'analyses",
        variants=(
            v(
                "Prises de sang et analyses sans rendez-vous, résultats en ligne. Prélèvements à "
                "domicile sur demande.",
                "prise de sang; analyses; sans rendez-vous",
            ),
        ),
        mots_cles=words("laboratoire; analyses; prise de sang; labo; biologie médicale"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 7h30-12h30 / 14h-18h, sam 8h-12h",),
        slug="labo-{l}-{c}",
        site_share=1.0,
    ),
    "radiologie": Template(
        nom="Cabinet de radiologie {lieu}",
        categorie="Radiologie",
        variants=(
            v(
                "Radiographie, échographie, mammographie de dépistage et panoramique dentaire. "
                "Radiographies sans rendez-vous le matin.",
                "radio; échographie; mammographie",
            ),
        ),
        mots_cles=words("radiologie; radio; radiographie; échographie; imagerie médicale"),
        public=("tout public",),
        themes=("acces-aux-soins",),
        horaires=("lun-ven 8h-19h, sam 8h-12h",),
        slug="radiologie-{l}-{c}",
        site_share=1.0,
    ),
}

# Names for entries whose template leaves the name open ({nom_asso}, {nom_centre}, …): per
# template and commune, the name and the host-name slug ({s}).
NAMED: dict[tuple[str, str], tuple[str, str]] = {
    ("asso_alcool", "Pornic"): ("Cap Sobriété Retz", "cap-sobriete-retz"),
    ("asso_alcool", "Machecoul-Saint-Même"): (
        "Chemins de sobriété – Machecoul",
        "chemins-sobriete",
    ),
    ("asso_alcool", "Saint-Philbert-de-Grand-Lieu"): (
        "Entraide Alcool Grand Lieu",
        "entraide-alcool-gl",
    ),
    ("asso_alcool", "Saint-Brevin-les-Pins"): ("Les Amis de la Sobriété Estuaire", "amis-sobriete"),
    ("saad", "Sainte-Pazanne"): ("Aide à domicile Retz Services", "retz-services-domicile"),
    ("saad", "Machecoul-Saint-Même"): ("Domicile Solidaire Sud Retz", "domicile-solidaire-sudretz"),
    ("saad", "Paimbœuf"): ("Domicile Services Sud Estuaire", "domicile-sudestuaire"),
    ("saad", "La Chevrolière"): ("Aide à domicile Grand Lieu", "aad-grandlieu"),
    ("saad", "Pornic"): ("Côte de Jade Aide à domicile", "cdj-aide-domicile"),
    ("aide_alimentaire", "Pornic"): ("Le Panier Partagé", "panier-partage"),
    ("aide_alimentaire", "Machecoul-Saint-Même"): ("Solidarité Repas Sud Retz", "solidarite-repas"),
    ("aide_alimentaire", "Saint-Brevin-les-Pins"): (
        "Les Assiettes Solidaires de l'Estuaire",
        "assiettes-solidaires",
    ),
    ("centre_sante", "Saint-Brevin-les-Pins"): (
        "Centre de santé municipal de Saint-Brevin-les-Pins",
        "centre-sante-saint-brevin",
    ),
    ("centre_sante", "Legé"): ("Centre de santé du Val de Logne", "centre-sante-val-de-logne"),
    ("cpts", "Pornic"): ("CPTS Pays de Retz Atlantique", "cpts-retz-atlantique"),
    ("cpts", "Saint-Philbert-de-Grand-Lieu"): ("CPTS Sud Loire Grand Lieu", "cpts-grandlieu"),
    ("cpts", "Saint-Brevin-les-Pins"): ("CPTS Estuaire Sud Loire", "cpts-estuaire"),
}

# Territorial structures, in id order. Commune "" = the whole territory (no address).
NETWORK: tuple[tuple[str, str], ...] = (
    # Hospital, emergencies, unscheduled care
    ("hopital_pornic", "Pornic"),
    ("urgences_pornic", "Pornic"),
    ("pass_pornic", "Pornic"),
    ("tabacologie_pornic", "Pornic"),
    ("etp_diabete", "Pornic"),
    ("hopital_site", "Machecoul-Saint-Même"),
    ("pass_permanence", "Machecoul-Saint-Même"),
    ("hopital_site", "Paimbœuf"),
    ("mmg", "Pornic"),
    ("mmg", "Machecoul-Saint-Même"),
    ("mmg", "Saint-Brevin-les-Pins"),
    ("soins_non_programmes", "Saint-Philbert-de-Grand-Lieu"),
    ("pharmacie_garde", ""),
    ("garde_dentaire", ""),
    # Mental health
    ("cmp_adultes", "Pornic"),
    ("cmp_adultes", "Machecoul-Saint-Même"),
    ("cmp_adultes", "Saint-Brevin-les-Pins"),
    ("cmp_adultes", "Saint-Philbert-de-Grand-Lieu"),
    ("cmpea", "Pornic"),
    ("cmpea", "Machecoul-Saint-Même"),
    ("cmpea", "Saint-Brevin-les-Pins"),
    ("cmpea", "Saint-Philbert-de-Grand-Lieu"),
    ("cattp_adultes", "Pornic"),
    ("cattp_enfants", "Machecoul-Saint-Même"),
    ("gem", "Pornic"),
    ("gem", "Machecoul-Saint-Même"),
    ("gem", "Saint-Brevin-les-Pins"),
    ("familles_psy", "Pornic"),
    ("paej", "Pornic"),
    ("paej_permanence", "Saint-Brevin-les-Pins"),
    ("paej_permanence", "Machecoul-Saint-Même"),
    ("mda_antenne", "Pornic"),
    ("mda_permanence", "Machecoul-Saint-Même"),
    ("mda_permanence", "Saint-Philbert-de-Grand-Lieu"),
    # Addictions
    ("csapa", "Pornic"),
    ("csapa_antenne", "Machecoul-Saint-Même"),
    ("csapa_antenne", "Saint-Brevin-les-Pins"),
    ("cjc", "Pornic"),
    ("cjc", "Saint-Brevin-les-Pins"),
    ("cjc", "Saint-Philbert-de-Grand-Lieu"),
    ("caarud", "Saint-Brevin-les-Pins"),
    ("asso_alcool", "Pornic"),
    ("asso_alcool", "Machecoul-Saint-Même"),
    ("asso_alcool", "Saint-Philbert-de-Grand-Lieu"),
    ("asso_alcool", "Saint-Brevin-les-Pins"),
    # Perinatality, sexual health, parenting
    ("pmi", "Pornic"),
    ("pmi", "Machecoul-Saint-Même"),
    ("pmi", "Saint-Brevin-les-Pins"),
    ("pmi", "Saint-Philbert-de-Grand-Lieu"),
    ("pmi_permanence", "Sainte-Pazanne"),
    ("pmi_permanence", "Legé"),
    ("sante_sexuelle", "Pornic"),
    ("sante_sexuelle", "Saint-Brevin-les-Pins"),
    ("sante_sexuelle", "Machecoul-Saint-Même"),
    ("laep", "Pornic"),
    ("laep", "Machecoul-Saint-Même"),
    ("laep", "Saint-Philbert-de-Grand-Lieu"),
    ("laep", "Saint-Brevin-les-Pins"),
    ("perinatal", "Machecoul-Saint-Même"),
    # Young people
    ("mission_locale", "Pornic"),
    ("ml_antenne", "Machecoul-Saint-Même"),
    ("ml_antenne", "Saint-Brevin-les-Pins"),
    ("ml_antenne", "Saint-Philbert-de-Grand-Lieu"),
    ("pij", "Saint-Brevin-les-Pins"),
    # Older people, carers
    ("clic", "Pornic"),
    ("clic", "Machecoul-Saint-Même"),
    ("clic", "Saint-Brevin-les-Pins"),
    ("clic", "Saint-Philbert-de-Grand-Lieu"),
    ("repit_plateforme", "Pornic"),
    ("halte_repit", "Machecoul-Saint-Même"),
    ("cafe_aidants", "Saint-Brevin-les-Pins"),
    ("cafe_aidants", "Legé"),
    ("alzheimer", "Pornic"),
    ("alzheimer_permanence", "Saint-Philbert-de-Grand-Lieu"),
    ("accueil_jour", "Pornic"),
    ("accueil_jour", "Machecoul-Saint-Même"),
    ("accueil_jour", "Saint-Philbert-de-Grand-Lieu"),
    ("ssiad", "Pornic"),
    ("ssiad", "Machecoul-Saint-Même"),
    ("ssiad", "Saint-Brevin-les-Pins"),
    ("ssiad", "Saint-Philbert-de-Grand-Lieu"),
    ("saad", "Pornic"),
    ("saad", "Sainte-Pazanne"),
    ("saad", "Machecoul-Saint-Même"),
    ("saad", "Paimbœuf"),
    ("saad", "La Chevrolière"),
    ("ehpad", "Pornic"),
    ("ehpad", "Pornic"),
    ("ehpad", "Saint-Brevin-les-Pins"),
    ("ehpad", "Saint-Brevin-les-Pins"),
    ("ehpad", "Machecoul-Saint-Même"),
    ("ehpad", "Legé"),
    ("ehpad", "Corcoué-sur-Logne"),
    ("ehpad", "Paimbœuf"),
    ("ehpad", "Saint-Philbert-de-Grand-Lieu"),
    ("ehpad", "La Chevrolière"),
    ("ehpad", "Pont-Saint-Martin"),
    ("ehpad", "Sainte-Pazanne"),
    ("ehpad", "Chaumes-en-Retz"),
    ("ehpad", "Saint-Michel-Chef-Chef"),
    ("residence_autonomie", "Saint-Brevin-les-Pins"),
    ("residence_autonomie", "Saint-Mars-de-Coutais"),
    ("dac", "Pornic"),
    # Disability
    ("mdph", "Pornic"),
    ("mdph", "Machecoul-Saint-Même"),
    ("sessad", "Pornic"),
    ("sessad", "Saint-Brevin-les-Pins"),
    ("camsp", "Pornic"),
    ("esat", "Machecoul-Saint-Même"),
    ("esat", "Saint-Père-en-Retz"),
    ("ime", "La Chevrolière"),
    ("samsah", "Saint-Brevin-les-Pins"),
    ("foyer_vie", "Geneston"),
    # Social support, rights, precarity
    ("ccas", "Pornic"),
    ("ccas", "Saint-Brevin-les-Pins"),
    ("ccas", "Machecoul-Saint-Même"),
    ("ccas", "Saint-Philbert-de-Grand-Lieu"),
    ("ccas", "Sainte-Pazanne"),
    ("ccas", "Pont-Saint-Martin"),
    ("ccas", "La Chevrolière"),
    ("ccas", "Saint-Michel-Chef-Chef"),
    ("ccas", "Legé"),
    ("ccas", "Paimbœuf"),
    ("france_services", "Machecoul-Saint-Même"),
    ("france_services", "Paimbœuf"),
    ("france_services", "Saint-Philbert-de-Grand-Lieu"),
    ("france_services", "Legé"),
    ("france_services", "Sainte-Pazanne"),
    ("cpam", "Pornic"),
    ("cpam", "Saint-Brevin-les-Pins"),
    ("cpam", "Machecoul-Saint-Même"),
    ("caf", "Pornic"),
    ("caf", "Saint-Brevin-les-Pins"),
    ("epicerie", "Pornic"),
    ("epicerie", "Machecoul-Saint-Même"),
    ("epicerie", "Saint-Brevin-les-Pins"),
    ("epicerie", "Saint-Philbert-de-Grand-Lieu"),
    ("epicerie", "Paimbœuf"),
    ("aide_alimentaire", "Pornic"),
    ("aide_alimentaire", "Machecoul-Saint-Même"),
    ("aide_alimentaire", "Saint-Brevin-les-Pins"),
    ("chrs", "Saint-Brevin-les-Pins"),
    ("accueil_jour_solidarite", "Pornic"),
    ("violences", "Pornic"),
    # Environment, nutrition, physical activity, prevention
    ("habitat_sante", "Pornic"),
    ("renovation", "Machecoul-Saint-Même"),
    ("air_estuaire", "Paimbœuf"),
    ("env_grandlieu", "La Chevrolière"),
    ("sport_sante", "Pornic"),
    ("sport_sante", "Saint-Philbert-de-Grand-Lieu"),
    ("apa_sudestuaire", "Saint-Brevin-les-Pins"),
    ("etp_cardio", "Machecoul-Saint-Même"),
    ("vaccination", "Pornic"),
    ("vaccination", "Saint-Brevin-les-Pins"),
    ("cegidd", "Pornic"),
    ("cegidd", "Saint-Brevin-les-Pins"),
    ("depistage_cancers", "Machecoul-Saint-Même"),
    ("teleconsultation", "Cheix-en-Retz"),
    ("teleconsultation", "Touvois"),
    ("teleconsultation", "Saint-Étienne-de-Mer-Morte"),
    ("teleconsultation", "Corsept"),
    ("teleconsultation", "Saint-Colomban"),
    # Primary care organisations
    ("msp", "Machecoul-Saint-Même"),
    ("msp", "Legé"),
    ("msp", "Corcoué-sur-Logne"),
    ("msp", "Saint-Philbert-de-Grand-Lieu"),
    ("msp", "Sainte-Pazanne"),
    ("msp", "Chaumes-en-Retz"),
    ("msp", "Villeneuve-en-Retz"),
    ("msp", "Saint-Père-en-Retz"),
    ("msp", "Paimbœuf"),
    ("msp", "La Chevrolière"),
    ("msp", "Pont-Saint-Martin"),
    ("msp", "Saint-Michel-Chef-Chef"),
    ("centre_sante", "Saint-Brevin-les-Pins"),
    ("centre_sante", "Legé"),
    ("centre_sante_dentaire", "Pornic"),
    ("centre_sante_infirmier", "Machecoul-Saint-Même"),
    ("cpts", "Pornic"),
    ("cpts", "Saint-Philbert-de-Grand-Lieu"),
    ("cpts", "Saint-Brevin-les-Pins"),
    ("cls_coordination", "Pornic"),
    ("installation_pros", "Machecoul-Saint-Même"),
    ("logement_internes", "Pornic"),
    # Specialists and medical technical services
    ("ophtalmo", "Pornic"),
    ("ophtalmo", "Saint-Brevin-les-Pins"),
    ("pediatre", "Pornic"),
    ("laboratoire", "Pornic"),
    ("laboratoire", "Saint-Brevin-les-Pins"),
    ("radiologie", "Pornic"),
    ("radiologie", "Saint-Brevin-les-Pins"),
)

# Independent practitioners per commune, in id order after NETWORK.
OFFER_KINDS = (
    "generaliste",
    "infirmier",
    "kine",
    "dentiste",
    "pharmacie",
    "psychologue",
    "orthophoniste",
    "sage_femme",
    "dieteticien",
    "podologue",
)
# commune: counts in the order of OFFER_KINDS
OFFER: dict[str, tuple[int, ...]] = {
    "Pornic": (4, 2, 2, 2, 3, 3, 2, 2, 1, 1),
    "Saint-Brevin-les-Pins": (2, 2, 2, 2, 2, 2, 1, 1, 1, 1),
    "Saint-Philbert-de-Grand-Lieu": (2, 2, 1, 2, 2, 2, 1, 1, 1, 1),
    "Machecoul-Saint-Même": (1, 1, 1, 2, 2, 2, 1, 1, 0, 0),
    "Chaumes-en-Retz": (0, 1, 1, 0, 1, 0, 1, 0, 0, 0),
    "Sainte-Pazanne": (0, 1, 1, 1, 1, 1, 1, 1, 0, 0),
    "Pont-Saint-Martin": (1, 1, 1, 1, 1, 1, 0, 0, 1, 0),
    "La Chevrolière": (0, 1, 0, 1, 1, 0, 0, 0, 0, 0),
    "Saint-Michel-Chef-Chef": (1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
    "Villeneuve-en-Retz": (0, 1, 0, 0, 1, 0, 0, 0, 0, 0),
    "Legé": (0, 0, 1, 1, 1, 0, 0, 0, 0, 0),
    "La Plaine-sur-Mer": (1, 1, 0, 0, 1, 0, 0, 0, 0, 0),
    "La Bernerie-en-Retz": (1, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "Rouans": (1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    "Port-Saint-Père": (1, 1, 0, 0, 1, 0, 0, 0, 0, 0),
    "Chauvé": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "Saint-Hilaire-de-Chaléons": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "Les Moutiers-en-Retz": (0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    "Préfailles": (0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "Vue": (0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    "Saint-Père-en-Retz": (0, 1, 0, 0, 1, 0, 0, 0, 0, 0),
    "Paimbœuf": (0, 1, 1, 1, 1, 0, 0, 0, 0, 0),
    "Frossay": (1, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "Saint-Viaud": (0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    "Corsept": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "Corcoué-sur-Logne": (0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "Saint-Mars-de-Coutais": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "Paulx": (0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    "La Marne": (0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    "Le Bignon": (1, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "Geneston": (1, 1, 0, 0, 1, 0, 0, 0, 0, 0),
    "Montbert": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "Saint-Colomban": (0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "La Limouzinière": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "Saint-Lumine-de-Coutais": (0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
}


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


@dataclass
class Generator:
    communes: dict[str, Commune]
    used_phones: set[str] = field(default_factory=set)
    used_names: set[tuple[str, str]] = field(default_factory=set)
    used_lieux: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    used_proper: set[str] = field(default_factory=set)
    kind_count: dict[str, int] = field(default_factory=dict)

    def phone(self, rng: random.Random) -> str:
        while True:
            if rng.random() < FICTION_PHONE_SHARE_01:
                number = f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}"
            else:
                number = f"02 61 91 {rng.randrange(100):02d} {rng.randrange(100):02d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def lieu(self, rng: random.Random, kind: str, commune: str) -> str:
        used = self.used_lieux.setdefault((kind, commune), set())
        choices = [lieu for lieu in lieux_for(commune) if lieu not in used]
        choice = rng.choice(choices)
        used.add(choice)
        return choice

    def proper(self, rng: random.Random, pool: tuple[str, ...]) -> str:
        """A name from the pool, one not used yet while there are some left."""
        unused = [name for name in pool if name not in self.used_proper]
        choice = rng.choice(unused or list(pool))
        self.used_proper.add(choice)
        return choice

    def coordinates(self, rng: random.Random, commune: Commune | None) -> tuple[str, str]:
        if commune is None or commune.latitude is None or commune.longitude is None:
            return "", ""
        distance_km = rng.uniform(0.05, MAX_OFFSET_KM)
        bearing = rng.uniform(0, 2 * math.pi)
        dlat = distance_km * math.cos(bearing) / 111.32
        dlon = distance_km * math.sin(bearing) / (111.32 * math.cos(math.radians(commune.latitude)))
        return f"{commune.latitude + dlat:.5f}", f"{commune.longitude + dlon:.5f}"

    def entry(self, number: int, key: str, commune_name: str) -> dict[str, str]:
        template = TEMPLATES[key]
        rng = random.Random(f"{SEED}:{key}:{commune_name}:{number}")
        commune = self.communes[commune_name] if commune_name else None  # KeyError: unknown commune
        if template.territory_wide == bool(commune_name):
            raise ValueError(f"{key}: territory-wide services, and only they, have no commune")

        lieu = self.lieu(rng, key, commune_name) if "{lieu}" in template.nom else ""
        proper = self.proper(rng, template.proper_names) if template.proper_names else ""
        named, named_slug = NAMED.get((key, commune_name), ("", ""))
        if "{named}" in template.nom and not named:
            raise ValueError(f"no name in NAMED for {key} in {commune_name}")
        nom = template.nom.format(
            commune=commune_name,
            de_commune=de_commune(commune_name) if commune_name else "",
            lieu=lieu,
            proper=proper,
            named=named,
        )
        if (nom, commune_name) in self.used_names:
            raise ValueError(f"duplicate name {nom!r} in {commune_name}")
        self.used_names.add((nom, commune_name))

        # Variants in turn, so that the cabinets of one town are not all described alike.
        seen = self.kind_count.get(key, 0)
        self.kind_count[key] = seen + 1
        variant = template.variants[seen % len(template.variants)]
        mots_cles = list(dict.fromkeys(template.mots_cles + variant.mots_cles))
        if commune_name:
            mots_cles.append(commune_name)

        email = site = ""
        if template.slug:
            host_slug = template.slug.format(
                c=slugify(commune_name), l=lieu_slug(lieu), s=named_slug or slugify(nom)
            )
            host = f"{host_slug}.example.org"
            if rng.random() < template.email_share:
                email = f"{rng.choice(template.email_users)}@{host}"
            if rng.random() < template.site_share:
                site = f"https://{host}"

        adresse = code_postal = ""
        if commune is not None:
            street = rng.choice(template.streets or streets_for(commune_name))
            adresse = f"{rng.randint(1, 48)} {street}"
            code_postal = rng.choice(commune.codes_postaux)
        latitude, longitude = self.coordinates(rng, commune)
        telephone = self.phone(rng) if template.has_phone else ""
        horaires = rng.choice(template.horaires) if rng.random() < template.hours_share else ""

        return {
            "id": f"ann-{number:04d}",
            "nom": nom,
            "categorie": template.categorie,
            "description": variant.text,
            "mots_cles": ";".join(mots_cles),
            "public": ";".join(template.public),
            "themes": ";".join(template.themes),
            "adresse": adresse,
            "code_postal": code_postal,
            "commune": commune_name,
            "telephone": telephone,
            "email": email,
            "site": site,
            "horaires": horaires,
            "latitude": latitude,
            "longitude": longitude,
            "verifie_le": "",
        }


def placements() -> Iterator[tuple[str, str]]:
    yield from NETWORK
    for commune, counts in OFFER.items():
        for kind, count in zip(OFFER_KINDS, counts, strict=True):
            for _ in range(count):
                yield kind, commune


def assign_dates(rows: list[dict[str, str]]) -> None:
    rng = random.Random(f"{SEED}:verifie_le")
    stale = set(rng.sample(range(len(rows)), round(len(rows) * STALE_SHARE)))
    for index, row in enumerate(rows):
        if index in stale:
            low, high = OLDEST, STALE_BEFORE - timedelta(days=1)
        else:
            low, high = STALE_BEFORE, NEWEST
        row["verifie_le"] = (low + timedelta(days=rng.randint(0, (high - low).days))).isoformat()


def validate(rows: list[dict[str, str]]) -> None:
    """The rules of config/README.md; tests/test_directory_eval_data.py checks them again."""
    phone = re.compile(r"^(02 61 91|01 99 00) \d\d \d\d$")
    for row in rows:
        problems = []
        if not row["nom"]:
            problems.append("no name")
        if not set(row["themes"].split(";")) <= THEMES:
            problems.append("unknown theme")
        if not set(row["public"].split(";")) <= PUBLICS:
            problems.append("unknown public")
        if row["telephone"] and not phone.match(row["telephone"]):
            problems.append("telephone outside the fiction ranges")
        if row["email"] and not row["email"].endswith(".example.org"):
            problems.append("e-mail outside example.org")
        if row["site"] and not re.fullmatch(r"https://[a-z0-9.-]+\.example\.org", row["site"]):
            problems.append("website outside example.org")
        if problems:
            raise ValueError(f"{row['id']}: {', '.join(problems)}")


def generate(communes: dict[str, Commune]) -> list[dict[str, str]]:
    generator = Generator(communes)
    rows = [
        generator.entry(number, key, commune)
        for number, (key, commune) in enumerate(placements(), start=1)
    ]
    assign_dates(rows)
    validate(rows)
    return rows


def write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> int:
    communes = load_communes(COMMUNES_CSV)
    rows = generate(communes)
    write(rows, ANNUAIRE_CSV)
    covered = len({row["commune"] for row in rows if row["commune"]})
    print(f"{len(rows)} entries in {covered} communes written to {ANNUAIRE_CSV}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
