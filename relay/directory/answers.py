"""The answers users read: French text for every case, in one place."""

from relay.directory.results import Answer, Result
from relay.directory.understanding import Query
from relay.messages import Button, Reply
from relay.textnorm import fold

FOUND_TEXT = "Voici ce que j'ai trouvé pour « {what} »{where} :"
FOUND_NEARBY_TEXT = "Rien{where} même pour « {what} » ; voici le plus proche :"
FOUND_ANYWHERE_TEXT = (
    "Je ne connais pas « {place} » parmi les communes de l'annuaire ; "
    "voici ce que j'ai trouvé pour « {what} » sur tout le territoire :"
)
MORE_HEADER_TEXT = "Suite des résultats pour « {what} »{where} :"
CORRECTED_TEXT = "(j'ai lu « {fixed} » pour « {typed} »)"
NOTHING_TEXT = "Je n'ai rien trouvé pour « {what} »{where} dans l'annuaire du CLS."
OUTSIDE_TEXT = (
    "« {place} » est en dehors du territoire du CLS : son annuaire n'y recense "
    "rien pour « {what} »."
)
TRY_BROADER_TEXT = "Essayez une recherche plus large, par exemple « {words} »."
TRY_OTHER_WORDS_TEXT = "Essayez d'autres mots. L'annuaire recense par exemple : {examples}."
EMPTY_TEXT = "Que cherchez-vous ? Posez votre question en quelques mots, par exemple : {examples}."
PLACE_ONLY_TEXT = "Que cherchez-vous{where} ? Par exemple : {examples}."
NO_MORE = "Il n'y a pas d'autre résultat pour cette question."
MORE_BUTTON_TEXT = "Plus de résultats ({count})"
AT_COMMUNE_TEXT = " à {label}"
AT_EPCI_TEXT = " sur le territoire « {label} »"
AT_POSTAL_CODE_TEXT = " dans le {label}"
ADDRESS_TEXT = "📍 {address}"
PHONE_TEXT = "📞 {phone}"
HOURS_TEXT = "🕒 {hours}"
LINK_TEXT = "🔗 {link}"
EMAIL_TEXT = "✉️ {email}"
TERRITORY_WIDE = "tout le territoire"

MORE_ACTION = "more:"


def where(query: Query) -> str:
    place = query.place
    if place is None:
        return ""
    label = query.where or place.label
    if place.kind == "epci":
        return AT_EPCI_TEXT.format(label=label)
    if place.kind == "postal_code":
        return AT_POSTAL_CODE_TEXT.format(label=label)
    return AT_COMMUNE_TEXT.format(label=label)


def what(query: Query) -> str:
    return query.shown or query.question


def answer_text(answer: Answer) -> str:
    """The answer as plain text: a header, then one block per result."""
    query = answer.query
    if not query.concepts:
        examples = _quoted(answer.examples)
        if query.place is not None:
            return PLACE_ONLY_TEXT.format(where=where(query), examples=examples)
        return EMPTY_TEXT.format(examples=examples)
    if not answer.results:
        if answer.offset:
            return NO_MORE
        return _nothing(answer)
    blocks = [_header(answer)]
    for number, result in enumerate(answer.results, start=answer.offset + 1):
        blocks.append(_block(number, result))
    if answer.notice:
        blocks.insert(0, answer.notice)
    return "\n\n".join(blocks)


def _header(answer: Answer) -> str:
    query = answer.query
    if answer.offset:
        header = MORE_HEADER_TEXT.format(what=what(query), where=where(query))
    elif query.unknown_place:
        header = FOUND_ANYWHERE_TEXT.format(place=query.unknown_place, what=what(query))
    elif query.place is not None and not answer.in_place:
        header = FOUND_NEARBY_TEXT.format(what=what(query), where=where(query))
    else:
        header = FOUND_TEXT.format(what=what(query), where=where(query))
    corrections = [
        CORRECTED_TEXT.format(fixed=c.corrected, typed=c.label or c.text)
        for c in query.concepts
        if c.corrected and not _same_word(c.corrected, c.label or c.text)
    ]
    return " ".join([header, *corrections])


def _same_word(fixed: str, typed: str) -> bool:
    """A correction that only changes an ending ("aider" read as "aide") tells the user nothing:
    it is not mentioned."""
    short, long = sorted((fold(fixed), fold(typed)), key=len)
    return long.startswith(short) and len(long) - len(short) <= 2


def _nothing(answer: Answer) -> str:
    query = answer.query
    if query.outside and query.unknown_place:
        lines = [OUTSIDE_TEXT.format(place=query.unknown_place, what=what(query))]
    else:
        lines = [NOTHING_TEXT.format(what=what(query), where=where(query))]
    if answer.broader:
        lines.append(TRY_BROADER_TEXT.format(words=answer.broader))
    elif answer.examples:
        lines.append(TRY_OTHER_WORDS_TEXT.format(examples=", ".join(answer.examples)))
    if answer.notice:
        lines.insert(0, answer.notice)
    return "\n".join(lines)


def _block(number: int, result: Result) -> str:
    entry = result.entry
    title = f"{number}. {entry.name}"
    if entry.category and entry.category.lower() not in entry.name.lower():
        title += f" — {entry.category}"
    lines = [title]
    place = " ".join(p for p in (entry.postal_code, entry.commune) if p)
    address = ", ".join(p for p in (entry.address, place) if p) or TERRITORY_WIDE
    lines.append(ADDRESS_TEXT.format(address=address))
    if entry.phone:
        lines.append(PHONE_TEXT.format(phone=entry.phone))
    if entry.hours:
        lines.append(HOURS_TEXT.format(hours=entry.hours))
    if entry.website:
        lines.append(LINK_TEXT.format(link=entry.website))
    elif entry.email:
        lines.append(EMAIL_TEXT.format(email=entry.email))
    return "\n   ".join(lines)


def _quoted(examples: tuple[str, ...]) -> str:
    return ", ".join(f"« {e} »" for e in examples)


def reply(answer: Answer) -> Reply:
    """The chat reply, with a "more results" button when there are more."""
    buttons: tuple[tuple[Button, ...], ...] = ()
    if answer.remaining and answer.query_id is not None:
        offset = answer.offset + len(answer.results)
        action = f"{MORE_ACTION}{answer.query_id}:{offset}"
        buttons = ((Button(MORE_BUTTON_TEXT.format(count=answer.remaining), action),),)
    return Reply(answer_text(answer), buttons=buttons)
