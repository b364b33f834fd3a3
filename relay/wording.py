"""French words that agree with a number: « 0 fiche », « 1 fiche », « 325 fiches »."""


def count(number: int, singular: str, plural: str | None = None) -> str:
    """The number and its word; 0 and 1 take the singular, as in French. `plural` defaults
    to the singular with an s ("fiche lue" needs "fiches lues")."""
    word = singular if abs(number) < 2 else plural or singular + "s"
    return f"{number} {word}"
