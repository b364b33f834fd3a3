"""Needs described in everyday words ("je n'arrive plus à payer mon loyer") reach the services
that answer them, through config/synonyms.yaml; questions outside the directory still find
nothing."""

import pytest

from relay.app import Relay
from relay.directory.readings import is_narrative, needs_only, readings
from relay.directory.scoring import names_service
from relay.directory.synonyms import Synonyms, phrase
from tests.directory_fixtures import understanding


def test_a_need_is_read_in_any_form_of_its_words() -> None:
    synonyms = Synonyms.parse({"synonyms": {"frapper": ["violences"], "perd la tête": ["mémoire"]}})
    for typed in ("frappe", "frappée", "frappées", "frapper", "frappait", "frappaient", "frappera"):
        assert synonyms.key(phrase(typed)) == phrase("frapper"), typed
    for typed in ("perdre la tête", "perdait la tête", "perdu la tête"):
        assert synonyms.key(phrase(typed)) == phrase("perd la tête"), typed
    assert synonyms.key(phrase("frappeur")) is None
    assert synonyms.key(phrase("frites")) is None


def test_the_words_around_a_need_are_dropped() -> None:
    concepts = understanding().read("je n'arrive plus à payer mon loyer").concepts
    assert [c.text for c in concepts] == ["payer loyer"]
    assert all(c.known for c in concepts)
    (concept,) = understanding().read("pas de voiture pour aller à l'hôpital").concepts
    assert concept.text == "sans voiture hopital"  # getting to care, an expression of synonyms.yaml
    assert ("transport", "solidaire") in [a.words for a in concept.alternatives]


def concepts(question: str) -> list[str]:
    return [c.text for c in understanding().read(question).concepts]


def test_chat_spellings_and_relatives_are_phrasing() -> None:
    assert concepts("jai plus de fric pour bouffer") == ["fric", "bouffer"]
    assert concepts("chui a la rue") == ["rue"]
    assert concepts("ma femme boit bcp trop") == ["boit"]
    assert concepts("mon compagnon picole") == ["picole"]


def test_how_often_and_for_how_long_are_dropped() -> None:
    assert concepts("il boit tous les soirs") == ["boit"]
    assert concepts("je déprime depuis 3 semaines") == ["deprime"]
    assert concepts("elle fume du shit chaque week-end") == ["fume shit"]
    assert concepts("médecin de garde ce soir") == ["medecin garde", "soir"]  # when, as asked
    assert concepts("il m'a frappée hier soir") == ["frappee"]  # how long ago: the past


def test_an_age_in_months_is_a_child_and_a_duration_is_dropped() -> None:
    (age, walks) = understanding().read("ma fille de 18 mois ne marche pas encore").concepts
    assert age.publics == {"enfants"} and walks.text == "marche"
    query = understanding().read("j'ai 3 mois de loyer en retard")
    assert [c.text for c in query.concepts] == ["loyer retard"] and not query.publics


def test_a_need_said_in_grammar_words_only_is_read() -> None:
    (concept,) = understanding().read("j'ai plus envie de rien").concepts
    assert concept.known
    assert ("depression",) in [a.words for a in concept.alternatives]
    assert understanding().read("je voudrais plus de rien").concepts == ()
    # … and beside other words
    query = understanding().read("j'en peux plus, j'ai envie de ne plus me réveiller")
    exhausted = next(c for c in query.concepts if c.clause == 0)
    assert ("epuisement",) in [a.words for a in exhausted.alternatives]


def test_a_situation_is_answered_by_its_needs_when_nothing_answers_it_whole() -> None:
    read = understanding("sample").read
    narrower = needs_only(read("joints et groupe de musique"))
    # "groupe", a word of the directory, is left out; "musique", which it does not know, counts
    assert narrower is not None and [c.text for c in narrower.concepts] == ["joint", "musique"]
    # in a story, the words the directory does not know are its telling
    narrower = needs_only(read("ma fille fume des joints avec son groupe de musique"))
    assert narrower is not None and [c.text for c in narrower.concepts] == ["fume joint"]
    assert needs_only(read("vendre mon appartement")) is None  # no need named
    assert needs_only(read("réparer ma voiture")) is None  # "réparer": nothing to leave out


def test_a_story_is_read_by_its_needs_first_then_need_by_need() -> None:
    read = understanding("sample").read

    def texts(question: str) -> list[list[list[str]]]:
        return [[[c.text for c in q.concepts] for q in stage] for stage in readings(read(question))]

    # a story: someone's situation, told at length
    story = "ma mère oublie tout, elle s'est perdue en rentrant des courses"
    assert is_narrative(read(story))
    first, whole, each = texts(story)
    assert first == [
        ["oublie", "desoriente", "course"]
    ]  # "rentrant" is the telling; "s'est perdue": lost her way
    assert "rentrant" in whole[0]
    assert each == [["oublie"], ["desoriente"], ["course"]]
    # two needs and nothing else: the first weighs more, then both alike, then each on its own
    two_needs = "j'ai pas de secu et j'ai mal aux dents depuis des jours"
    assert texts(two_needs) == [
        [["sans secu", "mal dent"]],
        [["sans secu", "mal dent"]],
        [["sans secu"], ["mal dent"]],
    ]
    assert [c.told for c in readings(read(two_needs))[0][0].concepts] == [False, True]
    # a service named at length, and a short question, are read whole first
    service = "groupe de parole pour les familles de malades psychiques"
    assert not is_narrative(read(service))
    assert texts(service)[0] == [["groupe", "parole", "famille malade psychique"]]
    assert texts("psychologue à Pornic") == [[["psychologue"]]]


def test_a_story_weighs_its_first_need_over_the_clauses_that_tell_it() -> None:
    read = understanding("sample").read
    first = readings(read("ma mère oublie tout, elle s'est perdue en rentrant des courses"))[0]
    assert [(c.text, c.told) for c in first[0].concepts] == [
        ("oublie", False),
        ("desoriente", True),
        ("course", True),
    ]
    # needs said in one clause weigh alike
    first = readings(read("des filles de sa classe insultent ma fille sur snap tous les soirs"))[0]
    assert [(c.text, c.told) for c in first[0].concepts] == [("insultent", False), ("snap", False)]


def test_what_has_just_happened_is_the_circumstance() -> None:
    query = understanding().read("je viens de perdre mon travail et je peux plus payer mon loyer")
    assert [(c.text, c.circumstance) for c in query.concepts] == [
        ("perdre travail", True),
        ("payer loyer", False),
    ]
    assert not any(
        c.circumstance for c in understanding().read("il vient me voir le soir").concepts
    )


def test_a_job_ending_in_retirement_is_no_public_of_elderly_people() -> None:
    read = understanding("sample").read
    assert not read("mon médecin part à la retraite").publics
    assert not read("ma mère part à la retraite").publics
    assert read("des activités pour les retraités").publics == {"personnes âgées"}


def test_a_word_of_synonyms_is_no_typo_of_a_commune() -> None:
    query = understanding().read("il a lâché le lycée")
    assert query.place is None and [c.text for c in query.concepts] == ["lache lycee"]


def test_the_time_after_a_day_is_when_not_what() -> None:
    assert concepts("rapport non protégé samedi soir") == ["rapport protege", "samedi"]


def test_a_form_the_file_does_not_write_finds_its_synonyms() -> None:
    (concept,) = understanding().read("ma mère a été frappée").concepts
    assert ("violence", "conjugale") in [a.words for a in concept.alternatives]


def test_a_body_part_after_au_is_no_place() -> None:
    query = understanding().read("j'ai mal au dos")
    assert query.unknown_place is None and query.place is None
    assert [c.text for c in query.concepts] == ["mal dos"]


def test_the_verbs_a_question_is_phrased_with_are_dropped() -> None:
    assert concepts("il faudrait que je voie un dentiste") == ["dentiste"]
    assert concepts("une épicerie solidaire, ça existe ?") == ["epicerie solidaire"]
    assert concepts("pas sûr qu'elle aille chez le kiné") == ["kine"]


def test_what_a_clause_of_when_or_why_names_is_the_circumstance() -> None:
    query = understanding().read("mon frère boit trop depuis son licenciement, il faut l'aider")
    assert [(c.text, c.circumstance) for c in query.concepts] == [
        ("boit", False),
        ("licenciement", True),
        ("aider", False),
    ]
    query = understanding().read("elle me crie dessus quand elle a bu et elle me frappe")
    assert [c.circumstance for c in query.concepts] == [False, True, False]
    # "depuis" and a time is how long, not a clause of why
    query = understanding().read("je suis dehors depuis hier soir je sais pas où dormir")
    assert [(c.text, c.circumstance) for c in query.concepts] == [
        ("dehor", False),
        ("dormir", False),
    ]
    # all of it in such a clause: nothing to frame, it is what is asked
    (concept,) = understanding().read("que faire quand on est harcelé").concepts
    assert concept.circumstance


def test_after_what_happened_is_the_circumstance() -> None:
    query = understanding().read("après mon opération je n'arrive plus à faire mes courses")
    first = query.concepts[0]
    assert (first.text, first.circumstance) == ("operation", True)
    # "après trois jours" is how long, like "depuis trois semaines"
    query = understanding().read("mes pieds saignent après trois jours de marche")
    assert not any(c.circumstance for c in query.concepts)


def test_the_needs_of_a_situation_leave_its_circumstance_out() -> None:
    read = understanding("sample").read
    narrower = needs_only(read("ma sœur ne mange plus depuis qu'elle a perdu son travail"))
    assert narrower is not None and [c.text for c in narrower.concepts] == ["mange"]


def test_a_broad_word_is_no_need_on_its_own() -> None:
    # Keys whose other words are grammar ("plus goût à rien", "voir mes enfants") would read
    # "goût" or "enfant" alone: a taste or any child would find depression or mediation.
    for question, service in (("un goût amer", "depression"), ("mon enfant", "mediation")):
        for concept in understanding().read(question).concepts:
            assert all(service not in a.words for a in concept.alternatives), question


async def first_categories(relay: Relay, question: str) -> list[str]:
    _, found = await relay.directory.search(question)
    return [r.entry.category for r in found]


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("je n'arrive plus à payer mon loyer", "CCAS"),
        ("mon mari joue tout notre argent", "CSAPA"),
        ("ma mère oublie tout, elle perd la tête", "Association Alzheimer"),
        ("mon petit de 3 ans ne parle pas encore", "Orthophoniste"),
        ("mon bébé ne prend pas de poids", "PMI"),
        ("mon copain est violent", "Violences intrafamiliales"),
        ("je ne dors plus", "Psychologue"),
        ("j'ai mal au dos", "Kinésithérapeute"),
        ("je veux perdre du poids", "Diététicien"),
        ("je n'arrive pas à faire mes démarches sur internet", "France services"),
        ("comment faire reconnaître mon handicap", "MDPH"),
        ("ma femme boit tous les soirs", ("CSAPA", "Association addictions")),
        ("jai plus rien a bouffer", "Aide alimentaire"),
        ("mon fils passe ses nuits sur les jeux vidéo", "Consultation jeunes consommateurs (CJC)"),
        ("on a des punaises de lit dans l'appart", "Santé-environnement"),
        ("j'ai plus envie de rien", "Psychologue"),
        ("mon compagnon me frappait", "Violences intrafamiliales"),
        ("mon mari m'a frappée hier soir", "Violences intrafamiliales"),
        ("mon ado passe ses nuits sur snap", "Consultation jeunes consommateurs (CJC)"),
        (
            "ma fille fume des joints avec son groupe de musique",
            ("CSAPA", "Consultation jeunes consommateurs (CJC)"),
        ),
        ("ma compagne me bat lorsque elle a trop bu", "Violences intrafamiliales"),
        ("ma femme boit beaucoup depuis la mort de son père", ("CSAPA", "Association addictions")),
        (
            "ma femme boit en cachette le soir et ment à toute la famille",
            ("CSAPA", "Association addictions"),
        ),
        (
            "il y a des moisissures partout sur les murs de la chambre du petit",
            "Santé-environnement",
        ),
        (
            "on vient d'arriver dans la région et on trouve pas de médecin traitant",
            "Médecin généraliste",
        ),
        (
            "on vient d'emménager dans le coin et on trouve pas de médecin traitant",
            "Médecin généraliste",
        ),
        (
            "mon médecin part à la retraite et personne veut me prendre",
            ("CPTS", "Centre de santé", "Médecin généraliste"),
        ),
        ("j'ai 19 ans j'ai arrêté le lycée et je trouve pas de boulot", "Mission locale"),
        (
            "je n'ai plus envie de rien, je me dis que ce serait mieux si je n'étais plus là",
            ("Centre médico-psychologique (CMP)", "Point Accueil Écoute Jeunes (PAEJ)"),
        ),
        # a story's last word is no commune without "à" (Appelle is in the Tarn)
        (
            "mon fils de 4 ans ne parle pas et ne se retourne pas quand on l'appelle",
            "Orthophoniste",
        ),
        (
            "mon fils de 19 ans a lâché le lycée, il passe ses journées à la maison",
            "Mission locale",
        ),
        # what is given up is the need, not the verb that gives it up
        ("aide pour arrêter l'alcool", ("CSAPA", "Association addictions")),
        ("réduire le cannabis", ("CSAPA", "Consultation jeunes consommateurs (CJC)")),
    ],
)
async def test_a_need_finds_the_service_that_answers_it(
    relay: Relay, question: str, category: str | tuple[str, ...]
) -> None:
    """The first answer is the service a professional would name (one of them, when several
    would do)."""
    await relay.directory.ensure_loaded()
    accepted = (category,) if isinstance(category, str) else category
    assert (await first_categories(relay, question))[0] in accepted


@pytest.mark.parametrize(
    "question",
    [
        "réparer ma voiture",
        "réparer ma machine à laver",  # "réparer" is no typo of "repérer", nor "laver" a toilet
        "vendre mon appartement",
        "cours de guitare",
        "je voudrais un vétérinaire pour mon chat tous les jours",
        # a trade the directory does not list, beside words it does: the trade is what is asked
        "vétérinaire de garde à Pornic",
        "vétérinaire de garde ce week-end",  # however rare the words around it
        "cabinet d'ostéopathe à Pornic",
        "cours de natation pour adultes",
        "faire garder mon chien pendant les vacances",  # minding a dog is no child care
        # a story opening on a trade: the trade is what is asked, not the words that tell it
        "un garagiste pas cher pour réparer ma voiture",
        "dégustation de vin à Pornic",  # leisure, however known its other words
        "cours de danse pour les ados",  # a public does not make a dance class a youth service
        # a story opening on a trade: its other needs are not asked on their own
        "un coiffeur qui se déplace à domicile pour couper les cheveux de ma mère",
        # "de" a commune of France outside the territory
        "PMI de Lyon",
    ],
)
async def test_what_the_directory_does_not_list_finds_nothing(relay: Relay, question: str) -> None:
    await relay.directory.ensure_loaded()
    assert await first_categories(relay, question) == []


async def test_what_is_for_a_public_alone_comes_first(relay: Relay) -> None:
    """« services pour les 16-25 ans » asks for the young: « services » is no need, and the
    services for the young alone come before those for them and others."""
    assert [c.text for c in understanding().read("services pour les 16-25 ans").concepts] == [
        "16-25 ans"
    ]
    await relay.directory.ensure_loaded()
    _, found = await relay.directory.search("services pour les 16-25 ans")
    assert [r.entry.publics for r in found] == [("jeunes",)] * 3


def test_a_sport_or_a_feast_is_a_trade_of_its_own() -> None:
    """« club de foot » asks for what no directory of care lists: not a « club de prévention »
    of the quarter's educators, whose words are « club » and « quartier »."""
    query = understanding().read("club de foot pour mon fils dans le quartier")
    foot = next(c for c in query.concepts if c.text == "foot")
    assert names_service(foot)
    query = understanding().read("location de la salle des fêtes")
    assert names_service(next(c for c in query.concepts if c.text == "fete"))


def test_the_clause_that_asks_names_the_need() -> None:
    read = understanding("sample").read
    story = "je reprends le boulot en mars, qui peut garder ma fille de 8 mois ?"
    first = readings(read(story))[0][0]
    assert {c.text: c.told for c in first.concepts if len(c.alternatives) > 1} == {
        "boulot": True,
        "garder": False,
    }
    # "qui" inside a clause tells, it does not ask: the first need stays first
    told = readings(read("ma mère qui oublie tout, elle s'est perdue en rentrant"))[0][0]
    assert [c.told for c in told.concepts][:2] == [False, True]
