"""French grammar words a question is phrased with.

These are the language, not a territory's vocabulary: what a directory lists comes from the loaded
directory and config/synonyms.yaml. Words are written as typed and compared as tokens (folded,
singular), like everything else.
"""

from relay.directory.analysis import tokens


def _token_set(text: str) -> frozenset[str]:
    return frozenset(t for word in text.split() for t in tokens(word))


# Articles, pronouns, prepositions, auxiliaries, the verbs and words of asking ("où trouver", "je
# cherche", "y a-t-il", "qui peut m'aider", "le numéro de"), and the asker's relatives ("pour mon
# père"), the forms of the verbs a question is phrased with ("il faudrait qu'elle aille", "que je
# voie", "ça existe ?", "quand je reprends", "pas sûre de"): none of them says what is looked for.
# Words a directory might list ("aide", "soins", "urgence", "sans", "personne") are not here. Nor
# are the words around a need described ("je n'arrive plus à payer", "pour aller à l'hôpital",
# "il pleure tout le temps", "je crois que"): they say how, not what.
STOP_WORDS = _token_set(
    """
    a ai aie aient aies ait as au auprès aussi autre aux avais avait avec avez aviez avoir avons
    bah beaucoup bien bon bonjour bonsoir c ça car ce ceci cela celle celui cet cette ceux chaque
    cher cherche chercher cherchons chez ci combien comme comment connais connaissez connait
    connaître d dans de depuis or des désire dit dois doit donc dont du elle elles en encore ensuite
    entre es est et étais était été êtes être eu eux fais fait faire faut hello ici il ils j je
    l la laquelle le lequel les leur leurs lui m ma mais me même merci mes moi mon n ne ni non nos
    notre nous on ont ou où parfois peut peux plaît plus plutôt pour pourquoi pourrais pourrait
    pouvez pouvoir puis puisse qu quand que quel quelle quelles quels quelque qui quoi s sa salut
    se ses si sil soit son sont souhaite suis sur svp t ta te tel tes toi ton toujours tous tout
    toute toutes très trouve trouver tu un une v va vais veux voir vont vos votre voudrais
    voudrait voulais voulez vous vouloir y
    aimerais besoin donner indiquer numéro adresse adresses coordonnées horaire horaires
    téléphone contact contacter joindre liste moyen quelqu'un endroit structure organisme
    association associations
    fils fille mari épouse père mère frère sœur grand-père grand-mère papa maman copain copine
    voisin voisine
    pas trop vraiment peu souvent jamais rien déjà
    passe passer passé passée passés passées sort sortir sens sent sentir sentez sentons sentent
    sentais sentait sentaient senti sentie ouvert ouverte ouverts ouvertes
    problème problèmes souci soucis question questions demande demander demandes
    arrive arrives arriver arrivons arrivez arrivent aller allez allons rendre envie plein temps
    crois croit pense sais sait dis disent dire serait serais seraient sera serai
    veut veulent voulons voulait voudrait peuvent pouvait pourra pourrait
    pendant durant fois plusieurs quelques tellement partout aucun aucune
    hier demain aujourd'hui maintenant reçu reçue venu venue vient viennent retrouver retrouve
    dessus dessous vers alors bref genre style quoi ben euh oui ok okay stp bjr slt
    jai jsuis chui chuis jsui suis ya yen ny cest sest ct cetait jarrive narrive
    jpeux jpeu jpe peu jveux jvoudrais jsais chais jcomprend jcomprends jcrois jpense
    pr pq pcq pck parce bcp bcq tjrs tjs tt ts svp stp qqn qqun qq qlq qlqn kelk ke koi ki
    pb pbs prob vrmt vraimen mtn dc ds tkt
    daron daronne darons mec meuf gars nana pote potes
    femme conjoint conjointe compagnon compagne concubin concubine ami amie oncle tante tonton
    tata cousin cousine neveu nièce gendre belle-fille beau-fils petit-fils petite-fille
    beau-père belle-mère beau-frère belle-sœur frangin frangine parrain marraine collègue
    chambre cuisine salon salle bain grenier cave escalier hiver automne printemps journée
    journées dernier dernière prochain prochaine mauvais mauvaise super grave hyper carrément
    complètement totalement peut-être ptet longtemps récemment dernièrement ensemble seulement
    juste surtout presque assez tant autant moins mieux pire vite chose choses truc trucs
    façon manière cas mis mets met sors traîne devient devenu devenue jcherche jvais jme jsp g
    par pu travaille prend prends prendre prenez prennent pris commence commencé continue
    parti partie après avant cassé cassée cassés cassées bloqué bloquée viens rentre rentré
    rentrer sous
    aidez soutenir accompagner orienter renseigner renseignement renseignements expliquer
    difficile compliqué compliquée inquiet inquiète inquiets inquiétude honte loin primaire salaire
    paie paye payé urgent urgente rapidement putain ptn merde bordel chier pk pkoi mm stv
    faudrait faudra fallait aille ailles aillent voie voies existe existent exister utiliser
    utilise reprend reprends reprendre reprenne sûr sûre sûrs sûres mettre
    habite habites habitons habitez habitent habiter habitais habitait habitaient habité
    suivait suivais suivaient retrouvé retrouvée retrouvés retrouvées
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    coûte coûtent coûter coûté coûtait coûtaient fortune minuscule ridicule dérisoire
    devra devrai devras devrait devrais devraient devront devons devez doivent
    pluie pluies orage orages averse averses
    mois-ci jours-ci temps-ci
    """
)

# Who a story is about: a question that says them speaks of a situation ("ma mère oublie tout,
# elle s'est perdue"), not of a service.
PERSONS = _token_set(
    "je j me m moi mon ma mes tu te t ton ta tes il elle ils elles on nous notre nos lui leur "
    "son sa ses jai chui jsuis"
)

# Words saying how often, for how long, how long ago or which day ("tous les soirs", "depuis des
# mois", "chaque semaine", "depuis 3 semaines", "hier soir", "samedi soir"): the time word after
# them says when, not what is looked for, and is dropped ("il boit tous les soirs" is about
# drinking, not evening care; "il m'a frappée hier soir" is about violence).
WEEK_DAYS = _token_set("lundi mardi mercredi jeudi vendredi samedi dimanche")
FREQUENCY_MARKERS = (
    _token_set(
        "tous toutes chaque depuis dans plusieurs quelques pendant durant hier avant-hier "
        "ses mes tes nos vos leurs "  # "il passe ses nuits sur les paris sportifs"
    )
    | WEEK_DAYS
)
# "ouvert la nuit", "ouverte le dimanche": the time after them says when, not what
OPEN_WORDS = _token_set("ouvert ouverte ouverts ouvertes")
# "ce week-end", "cette nuit": when, said beside what is asked (a circumstance of it)
DEMONSTRATIVES = _token_set("ce cet cette")
TIME_WORDS = _token_set(
    "jour jours journée journées soir soirs soirée soirées matin matins nuit nuits semaine "
    "semaines week-end week-ends mois an ans année années fois heure heures minute minutes"
)

# Numbers said in words ("mon fils de quinze ans", "la paie tombe dans dix jours"), read as
# figures: an age, a duration, or nothing the directory looks for.
_NUMBERS = (
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
    "seize dix-sept dix-huit dix-neuf vingt"
)
NUMBER_WORDS = {
    token: str(value)
    for value, word in enumerate(_NUMBERS.split())
    if value > 1  # "un", "une" are articles far more often
    for token in tokens(word)
} | {"trente": "30", "quarante": "40", "cinquante": "50", "soixante": "60", "cent": "100"}

# Words opening a clause that says when or why ("quand il a bu", "depuis mon divorce", "parce que
# j'ai perdu mon travail"): what the clause names is the circumstance of the need, not the need,
# up to a comma or a word that opens another clause ("et", "mais"…).
CIRCUMSTANCE_MARKERS = _token_set("quand lorsque depuis parce puisque après")
# "… et depuis j'ai de la fièvre": "depuis" before a subject or an auxiliary is "since then",
# and what follows is the need, not a clause of why
SUBJECTS_AND_AUXILIARIES = _token_set(
    "je j tu il elle on nous vous ils elles ai as a avons avez ont suis es est sommes êtes sont"
)
# "venir de" and a verb says what has just happened ("on vient d'emménager et on trouve pas de
# médecin", "je viens de perdre mon travail et je peux plus payer mon loyer"): a circumstance too.
RECENT_PAST = _token_set("viens vient venons venez viennent venais venait venaient")
CLAUSE_BREAKS = _token_set("et mais donc alors puis or")
# A clause opening on one of these asks the question ("je reprends le travail en mars, qui peut
# garder ma fille ?"): the need it names is what is asked, whatever the clauses before it tell.
QUESTION_WORDS = _token_set("qui où comment quel quelle quels quelles quoi combien est-ce")
QUESTION_LEADS = _token_set("à a vers chez auprès de")  # "à qui", "vers qui", "auprès de qui"
# "… et je n'ai personne pour garder mon bébé", "il me faut quelqu'un pour…", "je n'ai plus rien
# pour manger": before "pour", someone or something lacked or sought, so the clause says what is
# asked
LACKED_OR_SOUGHT = _token_set("personne quelqu'un qqn qqun rien")

# Words that announce a place: "à Pornic", "près de Machecoul", "vers St Brevin", "sur Legé".
LOCATION_MARKERS = _token_set(
    "à a au aux près pres vers sur dans autour côté proche proximité secteur alentours environs "
    "commune ville"
)

# … of which these also say where within something ("mal dans les muscles", "sur les murs",
# "autour des yeux"): after them, an unknown word is a place only if it is a commune of France.
INSIDE_MARKERS = _token_set("sur dans au aux autour côté")

# Words saying where one lives ("j'habite à Marsac", "on vit à Bondy"): of several places in a
# question, that one is where services are looked for ("l'hôpital de Guéret" is where one goes).
HOME_VERBS = _token_set(
    "habite habites habitons habitez habitent habitais habitait vis vit vivons vivez vivent "
    "réside résides résidons résidez résident"
)

# Abbreviations of place names, expanded before matching communes: "st brevin", "ste pazanne".
PLACE_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints"}

# The definite articles ("ouverte le dimanche")
ARTICLES = _token_set("la le les")
# Leading articles of commune names, optional when typed: "Chevrolière" for "La Chevrolière".
PLACE_ARTICLES = ARTICLES
# The article a contraction holds: "au Mans" is "à Le Mans", "près des Mureaux" "de Les Mureaux"
CONTRACTED_ARTICLES = {"du": "le", "au": "le", "aux": "les", "des": "les"}

# "15 ans", "16-25 ans": an age in years, mapped to publics by the age ranges of synonyms.yaml.
AGE_WORDS = _token_set("an ans")
# "ma fille de 18 mois", "mon bébé a 6 mois": an age in months, after "de" or "a"; otherwise
# ("3 mois de loyer en retard") a duration, dropped.
MONTH_WORDS = _token_set("mois")
MONTH_AGE_LINKS = _token_set("de a")

# Everyday words of needs a local directory may not list ("vétérinaire", "notaire",
# "ludothèque"): the anonymous query log keeps them in questions left without an answer, so the
# monthly report shows unmet needs, while any other word the directory and synonyms.yaml do not
# know is left out of the log, since it may be someone's name. Words that are also common French
# surnames or first names are not here.
EVERYDAY_WORDS = _token_set(
    """
    vétérinaire notaire avocat avocate huissier juriste médiateur médiation conciliateur
    banque assurance mutuelle impôts retraite pension allocation aide aides droit droits
    ludothèque bibliothèque médiathèque piscine crèche garderie nounou assistante maternelle
    halte-garderie école collège lycée université cantine périscolaire centre loisirs colonie
    stage apprentissage formation emploi travail chômage permis conduite auto-école
    transport bus taxi covoiturage ambulance navette mobilité vélo voiture garage
    logement loyer hébergement foyer déménagement chauffage électricité eau énergie facture
    dette dettes surendettement budget épicerie alimentaire colis repas courses vêtements
    meubles laverie douche toilettes
    médecin généraliste spécialiste docteur infirmière infirmier kiné kinésithérapeute
    ostéopathe ostéo chiropracteur podologue pédicure orthoptiste ophtalmologue ophtalmo
    opticien lunettes audioprothésiste appareil auditif orthodontiste dentiste stomatologue
    dermatologue dermato cardiologue cardio gynécologue gynéco sage-femme pédiatre
    psychiatre psychologue psychomotricien ergothérapeute orthophoniste neurologue
    rhumatologue pneumologue endocrinologue diabétologue gastro-entérologue urologue
    néphrologue cancérologue oncologue radiologue radiologie échographie scanner irm
    allergologue nutritionniste diététicien diététicienne sophrologue hypnothérapeute
    naturopathe acupuncteur acupuncture homéopathe réflexologue masseur
    pharmacie pharmacien laboratoire analyses prise sang vaccin vaccination dépistage
    hôpital clinique urgence urgences maternité consultation téléconsultation soins
    rééducation cure thermale convalescence ehpad maison résidence autonomie
    portage téléassistance aide-ménagère ménage jardinage bricolage
    handicap fauteuil prothèse orthèse matériel médical pansement
    diabète cancer asthme allergie allergies obésité surpoids anorexie boulimie autisme
    hyperactivité dyslexie dyspraxie épilepsie sclérose arthrose mémoire démence
    dépression anxiété insomnie sommeil douleur douleurs fatigue handicapé aveugle sourd
    grossesse enceinte accouchement allaitement contraception avortement stérilité
    fertilité ménopause règles bébé naissance adoption
    violence violences harcèlement agression viol inceste maltraitance conjugale
    deuil décès funérailles obsèques pompes funèbres
    alcool drogue tabac cigarette jeux écrans addiction sevrage
    sport gym yoga marche natation activité physique danse musique théâtre peinture
    association bénévolat bénévole entraide solitude isolement visite écoute parole
    chien chat animal animaux refuge fourrière
    mairie préfecture sécurité sociale carte vitale papiers passeport identité titre séjour
    traduction interprète langue français alphabétisation illettrisme numérique internet
    ordinateur téléphone portable courrier
    garagiste mécanicien carrossier dépanneur dépannage plombier électricien serrurier
    chauffagiste couvreur maçon menuisier vitrier ramoneur paysagiste élagueur réparateur
    coiffeur coiffeuse coiffure esthéticienne manucure tatoueur toiletteur toilettage fleuriste
    cordonnier pressing couturière retouche traiteur restaurant hôtel gîte camping immobilier
    comptable expert-comptable assureur architecte géomètre photographe informaticien
    déménageur loueur location louer réparer réparation acheter achat vendre vente
    cours leçon piano guitare moniteur foot football rugby basket handball tennis judo
    karaté boxe équitation
    dégustation musée randonnée balade excursion festival concert cinéma spectacle plage
    tourisme touristique fête fêtes mariage anniversaire
    déchetterie déchèterie déchets encombrants poubelle poubelles ordures recyclage
    """
)

# Words of the form of help beside what it is for ("services pour les 16-25 ans", "aide pour
# les personnes sans domicile"), or of whom it is for: not a need of their own, yet part of names
# ("France services", "service social", "aide à domicile", "personnes âgées"), so no stop words.
# "personne" is also nobody ("je n'ai personne pour garder mon bébé").
FORM_WORDS = _token_set(
    "service services dispositif dispositifs aide aides personne personnes gens"
)

# Verbs of giving something up ("aide pour arrêter l'alcool", "réduire le cannabis"): before
# what is given up, they say the help sought, not a need of their own; directories name the
# substance or the habit. (Renting, buying, repairing are not among them: they ask for a trade.)
QUITTING_VERBS = _token_set(
    """
    arrêter arrête arrêtes arrêtent arrêtez arrêté arrêtée stopper stoppe stoppé cesser cesse
    diminuer diminue diminué réduire réduis réduit baisser
    """
)

# "peur d'avoir attrapé quelque chose", "peur de perdre mon logement": before what one fears
# doing or undergoing, fear is not the need ("j'ai peur de mon mari" is)
FEAR_WORDS = _token_set("peur crainte")
INFINITIVE_ENDINGS = ("er", "ir", "re", "oir")

# "pas de médecin" asks for a doctor; "pas de papiers", "pas de sécu" say what one lacks, read as
# "sans papiers", "sans sécu" where synonyms.yaml has such a need. Not for these: they are sought.
SOUGHT_AFTER_NEGATION = _token_set("médecin docteur")

# Words read by the word before them. "bois" is wood after an article or a preposition ("poêle à
# bois", "myrtilles des bois"): not looked for; and drinking otherwise ("je bois"), read as
# "boire" (a word entries use in that sense, where "Bois et Services" is a joinery). Pay that
# "tombe" arrives; it does not fall. "" is a word left out; None, the word as typed.
HOMOGRAPHS: dict[str, tuple[frozenset[str], str, str | None]] = {
    "boi": (
        _token_set("le la les du des de d à a au aux en un une son sa ses mon ma mes"),
        "",
        "boire",
    ),
    "tombe": (
        _token_set("paie paye salaire pension retraite allocation rsa chômage virement"),
        "",
        None,
    ),
    # "en finir", "ne plus vivre", "envie de vivre" speak of one's life; "finir le mois", "vivre
    # en appartement" of something else
    "finir": (_token_set("en"), "finir", ""),
    "vivre": (_token_set("plus pas jamais de d"), "vivre", ""),
    # "qui s'occupe de ça ?" asks who handles it; "je m'occupe de ma mère" is caring for her
    "occupe": (_token_set("qui"), "", None),
    # "rester chez elle", "vieillir chez soi": at home
    "chez": (_token_set("rester reste restent restons restez vieillir vivre"), "domicile", None),
}

# Words read by what a question said before them: "garder" after a pregnancy is keeping it or
# not ("je suis enceinte et je ne veux pas le garder"), not child care.
SAID_AFTER: dict[str, tuple[frozenset[str], str]] = {
    "garder": (_token_set("enceinte grossesse"), "ivg"),
}

# A verb whose reflexive form says something else: "elle s'est perdue" (she lost her way: is
# disoriented), "il se perd" — not "elle a perdu son mari". Read as the word that says it.
REFLEXIVE_PRONOUNS = _token_set("se s me m te t")
REFLEXIVE_AUXILIARIES = _token_set("est suis es sont était étais étaient")
REFLEXIVE_MEANINGS = {
    form: "desoriente"
    for form in _token_set("perd perds perdent perdre perdu perdue perdus perdues perdait perdais")
}
