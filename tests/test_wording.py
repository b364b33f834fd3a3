"""Counted words agree with their number, the French way."""

from relay.wording import count


def test_zero_and_one_are_singular_and_plurals_can_be_irregular() -> None:
    assert [count(n, "fiche") for n in (0, 1, 2)] == ["0 fiche", "1 fiche", "2 fiches"]
    assert count(1, "nouveau", "nouveaux") == "1 nouveau"
    assert count(3, "nouveau", "nouveaux") == "3 nouveaux"
    assert count(2, "mise à jour", "mises à jour") == "2 mises à jour"
