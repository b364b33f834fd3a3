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
# père"): none of them says what is looked for. Words a directory might list ("aide", "soins",
# "urgence", "sans", "personne") are not here.
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
    téléphone contact contacter joindre liste moyen quelqu'un endroit structure
    fils fille mari épouse père mère frère sœur grand-père grand-mère papa maman copain copine
    voisin voisine
    pas trop vraiment peu souvent jamais rien déjà
    passe passer passé sort sortir sens sent sentir sentez ouvert ouverte ouverts ouvertes
    problème problèmes souci soucis question questions demande demander demandes
    """
)

# Words that announce a place: "à Pornic", "près de Machecoul", "vers St Brevin", "sur Legé".
LOCATION_MARKERS = _token_set(
    "à a au aux près pres vers sur dans autour côté proche proximité secteur alentours environs "
    "commune ville"
)

# Abbreviations of place names, expanded before matching communes: "st brevin", "ste pazanne".
PLACE_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints"}

# Leading articles of commune names, optional when typed: "Chevrolière" for "La Chevrolière".
PLACE_ARTICLES = _token_set("la le les")

# "15 ans", "16-25 ans": an age in years, mapped to publics by the age ranges of synonyms.yaml.
AGE_WORDS = _token_set("an ans")
