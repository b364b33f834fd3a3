"""French words that agree with a number: « 0 fiche », « 1 fiche », « 325 fiches »."""


def agree(number: int, singular: str, plural: str | None = None) -> str:
    """The word alone, agreeing with the number: 0 and 1 take the singular, as in French.
    `plural` defaults to the singular with an s ("fiche lue" needs "fiches lues")."""
    return singular if abs(number) < 2 else plural or singular + "s"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """The number and its word (see `agree`)."""
    return f"{number} {agree(number, singular, plural)}"
