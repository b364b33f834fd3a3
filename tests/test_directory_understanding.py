"""Reading French questions against a directory's own words (the invented territory of
tests/data/other_territory, so nothing here leans on the sample directory)."""

import pytest

from relay.directory.analysis import tokens
from relay.directory.geography import Commune, EntryPlace, Territory
from relay.directory.places import PlaceFinder
from relay.directory.synonyms import Synonyms
from relay.directory.understanding import Query, Understanding
from relay.directory.vocabulary import EntrySource, Vocabulary
from tests.directory_fixtures import understanding


def read(question: str) -> Query:
    return understanding().read(question)


def words(query: Query) -> list[str]:
    return [c.text for c in query.concepts]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("où trouver un psychologue à Valbrume ?", ["psychologue"]),
        ("je cherche une épicerie sociale", ["epicerie sociale"]),
        ("y a-t-il un CCAS près de Montfroid ?", ["cca"]),
        ("Est-ce qu'il y a un dentiste ?", ["dentiste"]),
        ("mon fils boit trop, qui peut nous aider ?", ["boit", "aider"]),
        # where one lives is phrasing, not clothes ("habits"): the place says it
        ("j'habite à Valbrume et je cherche un dentiste", ["dentiste"]),
    ],
)
def test_phrasing_is_dropped(question: str, expected: list[str]) -> None:
    assert words(read(question)) == expected


@pytest.mark.parametrize(
    ("question", "commune"),
    [
        ("psychologue à Valbrume", "Valbrume"),
        ("psychologue a valbrume", "Valbrume"),
        ("CCAS le pontet sur lys", "Le Pontet-sur-Lys"),
        ("CLIC au Pontet", "Le Pontet-sur-Lys"),
        ("pharmacie st aubin", "Saint-Aubin-des-Combes"),
        ("ehpad SAINTE-COLOMBE-DU-BOIS", "Sainte-Colombe-du-Bois"),
        ("médecin vers montfroi", "Montfroid"),  # one typo forgiven
        ("médecin 99142", "99142"),  # a postal code shared by two communes
        ("médecin 99141", "Saint-Aubin-des-Combes"),
        ("généraliste à Repos", "Repos"),
    ],
)
def test_communes_are_found(question: str, commune: str) -> None:
    query = read(question)
    assert query.where == commune
    assert "repo" not in words(query) and "valbrume" not in words(query)


def test_after_du_a_commune_s_name_begins_with_le() -> None:
    # "du" is "de le": Jardin (Isère) has no article, "au bout du jardin" names no place
    query = read("un serpent a mordu mon oncle au bout du jardin")
    assert query.place is None and query.unknown_place is None
    assert read("PMI du Mans").unknown_place == "Mans"


def test_a_commune_named_like_a_common_word_needs_a_preposition() -> None:
    """'Repos' is a commune, and 'maison de repos' a rest home: the directory writes 'repos' in
    lower case as a word, so only "à Repos", "près de Repos"… name the commune."""
    assert read("maison de repos").place is None
    assert words(read("maison de repos")) == ["maison repo"]  # an expression of synonyms.yaml
    assert read("médecin près de Repos").where == "Repos"


def test_an_intercommunality_is_a_place() -> None:
    query = read("aide à domicile dans les hautes combes")
    assert query.place is not None and query.place.kind == "epci"
    assert len(query.area) == 7


def test_a_disease_named_after_someone_is_no_place() -> None:
    # Lime is a commune of the Aisne; "maladie de lime" is Lyme disease mistyped
    query = read("piqûre de tique maladie de lime")
    assert query.unknown_place is None and not query.outside
    assert read("maladie de Parkinson Lyon").unknown_place == "Lyon"


def test_of_several_places_where_one_lives_is_where_to_look() -> None:
    query = read("pas de voiture pour aller à l'hôpital de Valbrume, on habite à Montfroid")
    assert query.where == "Montfroid"
    assert not any("valbrume" in c.text for c in query.concepts)  # a place, if not where to look
    assert read("j'habite Montfroid et je travaille à Valbrume").where == "Montfroid"
    # two places asked alike: both
    assert read("psychologue à Valbrume ou à Montfroid").where == "Valbrume ou Montfroid"


def test_an_unknown_place_is_said_so() -> None:
    query = read("psychologue à Grenoble")
    assert query.place is None
    assert query.unknown_place == "Grenoble"
    assert words(query) == ["psychologue"]
    # without « à », at the end of the question
    query = read("mission locale Grenoble")
    assert query.outside and query.unknown_place == "Grenoble"
    assert words(query) == ["mission locale"]


def test_a_commune_one_letter_away_from_the_territorys_is_not_taken_for_it() -> None:
    sample = understanding("sample").read
    query = sample("CMP à Brossay")  # a commune of Ille-et-Vilaine, not Frossay
    assert query.place is None and query.outside
    query = sample("CMP à Frosay")  # a typo of Frossay
    assert query.place is not None and query.place.label == "Frossay"


def test_publics_from_words_and_ages() -> None:
    assert read("psychologue pour ado").publics == {"adolescents"}
    assert read("mon fils de 15 ans").publics == {"adolescents"}
    assert "jeunes" in read("bilan de santé 16-25 ans").publics
    # … an age range is the public it mostly covers: 16-25 are young adults, not adolescents
    assert read("pour les 16-25 ans").publics == {"jeunes"}
    assert read("accueil pour seniors").publics == {"personnes âgées"}
    # an age in words; a time ago, a duration or a bare number is no age, and no need
    assert read("mon fils de quinze ans").publics == {"adolescents"}
    assert read("psychologue, il y a deux ans mon fils est mort").publics == set()
    assert words(read("la paie tombe dans dix jours")) == words(read("la paie tombe"))
    assert words(read("on travaille sous 40 degrés")) == words(read("on travaille sous degrés"))


def test_synonyms_and_abbreviations() -> None:
    psy = read("psy").concepts[0]
    alternatives = {" ".join(a.words) for a in psy.alternatives}
    assert {"psy", "psychologue", "psychiatre", "cmp"} <= alternatives
    planning = read("planning familial").concepts[0]
    assert ("centre", "sante", "sexuelle") in [a.words for a in planning.alternatives]


def test_a_typo_of_a_service_synonyms_yaml_names_is_corrected_to_it() -> None:
    # The directory says "orthophoniste" only; "orthophonnie" is three letters from it but one
    # from "orthophonie", which synonyms.yaml names and which finds "orthophoniste".
    entry = EntrySource(
        1, "cabinet orthophoniste", "", "bilan langage", "", EntryPlace("", "", None, None)
    )
    synonyms = Synonyms({("dys",): (("orthophonie",),)})
    vocabulary = Vocabulary.build([entry], synonyms)
    (concept,) = Understanding(vocabulary).read("orthophonnie pour mon fils").concepts
    assert concept.corrected == "orthophonie" and concept.known


def test_typos_are_corrected_against_the_directory() -> None:
    concept = read("mision locale").concepts[0]
    assert concept.corrected == "mission locale" and concept.known
    # an expression of synonyms.yaml is read whole, its typo corrected
    (concept,) = read("maison de retraitte").concepts
    assert concept.text == "maison retraite" and concept.corrected == "maison retraite"
    # … and with the hyphen left out
    (concept,) = read("centre medico psycologique").concepts
    assert concept.text == "centre medico-psychologique"
    assert read("orthophonsite").concepts[0].corrected == "orthophoniste"
    # spelled as it sounds: "è" for "ai", "f" for "ph"
    assert [c.text for c in read("maison de retrète").concepts] == ["maison retraite"]
    assert read("oftalmologue").concepts[0].corrected == "ophtalmologue"
    # a short word mistyped inside an expression, or inside a compound of the directory
    assert [c.text for c in read("pharmacie de gade").concepts] == ["pharmacie garde"]
    assert [c.text for c in read("sage femm").concepts] == ["sage-femme"]
    # … but a word of the directory is no typo: "la gare" stays the station
    assert "garde" not in " ".join(c.text for c in read("pharmacie de la gare").concepts)
    # A word the directory does not use stays unknown instead of being "corrected".
    vet = read("vétérinaire").concepts[0]
    assert not vet.known and vet.corrected is None
    # … nor does a word made of one of the directory's and a suffix: another word, no typo
    assert understanding().vocabulary.correct("toilete") == "toilette"
    grooming = read("toilettage").concepts[0]
    assert not grooming.known and grooming.corrected is None


def test_accents_ligatures_and_case_are_folded() -> None:
    assert words(read("ŒDÈME")) == ["oedeme"]
    assert words(read("Épicerie SOCIALE")) == ["epicerie sociale"]


def test_a_final_s_that_is_no_plural_stays() -> None:
    assert [c.text for c in read("fins de mois difficiles").concepts] == ["fin mois"]
    assert [c.text for c in read("portage des repas").concepts] == ["portage", "repas"]


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "où trouver ?",
        "je cherche",
        "😀🙏🏽",
        '" * NEAR ( ) - : ^',
        "'; DROP TABLE directory_entries; --",
        "psychologue " * 2500,
    ],
)
def test_any_text_is_read_without_error(question: str) -> None:
    query = read(question)
    assert len(query.concepts) <= 30
    assert query.normalised() == read(query.normalised()).normalised()


@pytest.mark.parametrize(
    "question",
    [
        "où trouver un psycologue gratuit pour ado près de St Aubin ?",
        "maison de retraite vers Vernoux-le-Lac",
        "médecin à Grenoble",
        "mon fils de 15 ans va mal",
        "aide à domicile dans les Hautes Combes",
        "médecin 99142",
    ],
)
def test_the_normalised_question_reads_the_same(question: str) -> None:
    """The log keeps the normalised question; "more results" reads it again."""
    query = read(question)
    again = read(query.normalised())
    assert words(again) == words(query)
    assert again.area == query.area
    assert again.publics == query.publics
    assert again.unknown_place == query.unknown_place


def test_a_grammar_word_is_not_the_beginning_of_a_commune_s_name() -> None:
    """Communes are found by their first words ("Livarot" for Livarot-Pays-d'Auge), but
    « Notre bébé tousse » does not name Notre-Dame-de-Courson, even where the directory has
    entries."""
    commune = Commune("Notre-Dame-de-Courson", postal_codes=("14140",), epci="CA Lisieux")
    territory = Territory.build([commune], [EntryPlace("Notre-Dame-de-Courson", "14140")])
    finder = PlaceFinder(territory, frozenset())
    assert finder.find(["notre", "bebe", "tousse"], frozenset()) == []
    (place,) = finder.find(["medecin", "a", "notre", "dame", "de", "courson"], frozenset())
    assert place.label == "Notre-Dame-de-Courson"


def test_an_article_before_a_commune_is_its_name_s() -> None:
    """« du noir sur les murs » names no commune of Murs; « au Mans », « près des Mureaux »
    name theirs."""
    communes = [
        Commune("Murs", postal_codes=("84220",), epci="CC A"),
        Commune("Le Mans", postal_codes=("72000",), epci="CC B"),
        Commune("Les Mureaux", postal_codes=("78130",), epci="CC C"),
    ]
    places = [EntryPlace(c.name, c.postal_codes[0]) for c in communes]
    finder = PlaceFinder(Territory.build(communes, places), frozenset())

    def found(question: str) -> list[str]:
        return [p.label for p in finder.find(tokens(question), frozenset())]

    assert found("du noir sur les murs") == []
    assert found("psychologue à Murs") == ["Murs"]
    assert found("CMP au Mans") == ["Le Mans"]
    assert found("CMP près des Mureaux") == ["Les Mureaux"]


@pytest.mark.parametrize(
    "question", ["elle s'est perdue en rentrant", "il se perd dans le quartier", "je me suis perdu"]
)
def test_getting_lost_is_read_as_being_disoriented(question: str) -> None:
    assert "desoriente" in words(read(question))


def test_losing_someone_is_not_getting_lost() -> None:
    assert "desoriente" not in words(read("j'ai perdu mon mari"))


def alternatives(query: Query) -> set[str]:
    return {" ".join(a.words) for c in query.concepts for a in c.alternatives}


def test_a_word_like_another_forms_of_a_key_is_read_as_itself() -> None:
    # "il boit" is about drinking; "il boite" (limps) and "une boîte" are not
    assert "alcool" in alternatives(read("il boit"))
    assert "alcool" not in alternatives(read("il boite depuis sa chute"))
    # "papi" is a grandfather, no paperwork; "se coucher" is sleep, no nappies
    assert "aide domicile" in alternatives(read("mon papi"))
    assert "demarche" not in alternatives(read("mon papi"))
    assert "sommeil" in alternatives(read("il refuse de se coucher"))
    assert "puericulture" not in alternatives(read("il refuse de se coucher"))


def test_pain_in_a_part_of_the_body_is_care_not_distress() -> None:
    # "je vais mal" reads "mal": distress; "mal au genou" is a knee that hurts
    assert "ecoute" in alternatives(read("je vais mal"))
    knee = alternatives(read("j'ai mal aux genoux depuis une semaine"))
    assert "kinesitherapeute" in knee and "ecoute" not in knee
    assert "ecoute" not in alternatives(read("je veux finir mes études"))


def test_bois_is_drinking_or_wood() -> None:
    assert "alcool" in alternatives(read("je bois trop le soir"))
    assert "alcool" not in alternatives(read("le poêle à bois fume"))
    assert words(read("des champignons des bois")) == words(read("des champignons"))


def test_an_age_no_public_is_for_is_no_need() -> None:
    assert words(read("il a fait trente ans à l'usine")) == ["usine"]


def test_what_an_acronym_stands_for_is_read_as_one_need() -> None:
    (concept,) = read("service de soins infirmiers à domicile").concepts
    assert ("ssiad",) in [a.words for a in concept.alternatives]
    (concept,) = read("maison départementale des personnes handicapées").concepts
    assert ("mdph",) in [a.words for a in concept.alternatives]


def test_this_weekend_says_when_beside_what_is_asked() -> None:
    concepts = read("on a eu un rapport sans préservatif ce week-end").concepts
    assert [c.circumstance for c in concepts] == [False, True]
    # … and "ouverte le dimanche", "ouvertes la nuit": when it is open, not what it is
    for question in ("pharmacie ouverte le dimanche", "urgences pédiatriques ouvertes la nuit"):
        assert [c.circumstance for c in read(question).concepts] == [False, True], question
    assert read("parents de jeunes enfants").publics == {"parents", "enfants"}


def test_keeping_a_pregnancy_is_not_child_care() -> None:
    assert words(read("je suis enceinte et je ne veux pas le garder")) == ["enceinte", "ivg"]
    assert "garder" in words(read("qui peut garder ma fille de 8 mois"))


def test_ending_one_s_life_is_said_in_so_many_words() -> None:
    # "en finir", "je veux plus vivre" are suicidal; "finir le mois", "vivre en appartement"
    # are not
    assert "finir" in words(read("j'ai envie d'en finir"))
    assert "vivre" in words(read("je veux plus vivre"))
    assert "vivre" in words(read("j'ai plus envie de vivre"))
    for question in ("je n'arrive pas à finir le mois", "je voudrais finir mes soins chez moi"):
        assert "finir" not in words(read(question)), question
    assert "vivre" not in words(read("mon fils handicapé veut vivre en appartement"))


def test_a_word_read_by_the_word_before_it() -> None:
    # pay that "tombe" arrives; a grandmother who "tombe" falls
    assert words(read("la paie tombe dans dix jours")) == []
    assert "chute" in alternatives(read("ma mère tombe souvent"))
    # "ni" after "sans" says "sans" again
    assert "sans securite sociale" in words(read("sans mutuelle ni sécurité sociale"))


def test_not_having_something_is_read_as_without_it() -> None:
    assert "sans papier" in words(read("pas de papiers, j'ai mal au ventre"))
    assert "sans voiture hopital" in words(read("j'ai pas de voiture pour aller à l'hôpital"))
    # … only where synonyms.yaml names that need: "pas de chance" stays "chance"
    assert "sans" not in " ".join(words(read("pas de chance avec mon dentiste")))


def test_help_and_people_frame_whom_it_is_for() -> None:
    # "aide", "personnes" beside a need or a public are no need of their own
    assert words(read("aide pour les personnes sans domicile")) == ["sans domicile"]
    assert words(read("aide pour les personnes âgées")) == ["personne agee"]
    # … but a help or a person alone is what is asked
    assert words(read("j'ai besoin d'aide")) == ["aide"]


def test_lacking_someone_for_something_is_what_is_asked() -> None:
    query = read("je reprends le travail en janvier et je n'ai personne pour garder mon bébé")
    assert words(query) == ["travail", "garder bebe"]
    assert query.asked == query.concepts[1].clause
    assert read("je reprends le travail en janvier, mon bébé a 3 mois").asked is None


def test_fear_of_doing_something_is_no_need() -> None:
    assert "peur" not in words(read("j'ai peur d'avoir attrapé quelque chose"))
    assert "peur" not in words(read("j'ai peur de perdre mon logement"))
    # fear of someone is
    assert "peur" in words(read("j'ai peur de mon mari"))


def test_staying_at_home_is_read_as_home() -> None:
    assert "rester domicile" in words(read("ma mère veut rester chez elle"))
    assert "domicile" not in " ".join(words(read("mon fils fume chez moi")))


def test_what_something_costs_is_no_need() -> None:
    # "coûte" is no typo of "chute"
    assert words(read("le fioul me coûte une fortune")) == ["fioul"]


def test_inside_something_is_no_unknown_place() -> None:
    # after "dans", "sur", an unknown word is a place only if it is a commune of France
    query = read("j'ai de la fièvre et mal partout dans les muscles")
    assert query.unknown_place is None
    assert read("un dentiste à Zzyzx").unknown_place == "Zzyzx"


def test_since_then_is_not_a_clause_of_why() -> None:
    concepts = read("j'ai nettoyé le jardin et depuis j'ai de la fièvre").concepts
    assert [c.text for c in concepts if not c.circumstance][-1] == "fievre"
    assert all(c.circumstance for c in read("depuis mon divorce").concepts)
    since = read("je bois trop depuis qu'elle a perdu son travail").concepts
    assert [c.circumstance for c in since] == [False, True]


def test_the_weather_says_when() -> None:
    # "pluie" is no need (nor a typo of "plaie")
    assert words(read("depuis les grosses pluies j'ai de la fièvre")) == ["grosse", "fievre"]


def test_lacking_something_for_something_is_what_is_asked() -> None:
    query = read("j'ai perdu mon travail et je n'ai plus rien pour manger ce mois-ci")
    assert "mois-ci" not in words(query)
    assert query.asked == 1
