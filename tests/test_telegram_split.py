"""A text Telegram's apps split into several messages, put back together: every character
where it was, the line breaks and spaces the apps trimmed at each cut included."""

import pytest

from relay.channels.telegram_split import TEXT_LIMIT, may_be_cut, rejoin
from tests.fakes.telegram_api import desktop_app_parts, mobile_app_parts

SENTENCE = "Le porteur décrit l'action {n}, son public et son calendrier sur le territoire. "


def paragraphs_and_lists(length: int) -> str:
    """A call for projects: paragraphs between blank lines, some ending in a list."""
    blocks: list[str] = []
    n = 0
    while sum(len(b) + 2 for b in blocks) < length:
        n += 1
        sentences = "".join(SENTENCE.format(n=f"{n}.{i}") for i in range(7))
        paragraph = f"Critère {n} : {sentences.strip()}"
        if n % 3 == 0:
            paragraph += "\n" + "\n".join(f"- pièce {n}.{i} à fournir ;" for i in range(5))
        blocks.append(paragraph)
    return "\n\n".join(blocks)


def one_paragraph(length: int) -> str:
    text, n = "", 0
    while len(text) < length:
        n += 1
        text += SENTENCE.format(n=n)
    return text.strip()


def lines(length: int) -> str:
    text, n = "", 0
    while len(text) < length:
        n += 1
        text += f"{n}. Structure {n}, 12 rue des Acacias, 44210 Pornic : accueil et écoute\n"
    return text.strip()


@pytest.mark.parametrize("text", [paragraphs_and_lists(9000), one_paragraph(9000), lines(9000)])
def test_the_desktop_apps_parts_are_rejoined_exactly(text: str) -> None:
    parts = desktop_app_parts(text)
    assert len(parts) == 3 and all(len(p) <= TEXT_LIMIT for p in parts)
    assert "".join(parts) != text, "the app trims the breaks it cuts at"
    assert rejoin(parts) == text
    assert all(may_be_cut(p) for p in parts[:-1])


def test_a_mobile_apps_parts_cut_inside_words_are_rejoined_exactly() -> None:
    cuts = (TEXT_LIMIT - 1, TEXT_LIMIT, 2 * TEXT_LIMIT - 1, 2 * TEXT_LIMIT)
    text = next(
        text
        for shift in range(20)
        if not any((text := "Note " * shift + one_paragraph(9000))[i].isspace() for i in cuts)
    )
    parts = mobile_app_parts(text)
    assert len(parts) == 3
    assert rejoin(parts) == text


def test_a_short_message_is_no_part() -> None:
    assert not may_be_cut("/diffuser #psy Groupe de parole jeudi")
    assert not may_be_cut("x" * (TEXT_LIMIT // 2 - 1))


def test_a_mobile_apps_cut_after_a_sentence_keeps_its_space() -> None:
    text = one_paragraph(6000)
    cut = text.rindex(". ", 0, TEXT_LIMIT) + 1
    text = text[: TEXT_LIMIT - cut] + text  # now a sentence ends right at the limit
    assert text[TEXT_LIMIT - 1] == "." and text[TEXT_LIMIT] == " "
    parts = mobile_app_parts(text)
    assert len(parts) == 2 and parts[1][0].isupper()
    assert rejoin(parts) == text
