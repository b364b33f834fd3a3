"""Counted words agree with their number, the French way."""

from relay.wording import agree, count


def test_zero_and_one_are_singular_and_plurals_can_be_irregular() -> None:
    assert [count(n, "fiche") for n in (0, 1, 2)] == ["0 fiche", "1 fiche", "2 fiches"]
    assert count(1, "nouveau", "nouveaux") == "1 nouveau"
    assert count(3, "nouveau", "nouveaux") == "3 nouveaux"
    assert count(2, "mise à jour", "mises à jour") == "2 mises à jour"


def test_the_word_alone_agrees_too() -> None:
    assert [agree(n, "le type", "les types") for n in (1, 2)] == ["le type", "les types"]
    assert agree(0, "chat atteint", "chats atteints") == "chat atteint"
