"""Links relayed without their tracking parameters, and otherwise exactly as written."""

import pytest

from relay.links import clean_link, clean_links


@pytest.mark.parametrize(
    ("written", "relayed"),
    [
        ("https://ex.org/a?utm_source=rss&id=3&utm_medium=flux#top", "https://ex.org/a?id=3#top"),
        ("https://ex.org/a?fbclid=IwAR0abc", "https://ex.org/a"),
        ("https://ex.org/a?utm_campaign=x#programme", "https://ex.org/a#programme"),
        ("https://ex.org/a?b=2&a=1&gclid=z&c=%C3%A9+x", "https://ex.org/a?b=2&a=1&c=%C3%A9+x"),
        ("https://ex.org/a?UTM_Source=x&ref=accueil", "https://ex.org/a?ref=accueil"),
        ("https://ex.org/a?utm%5Fsource=x&p=1", "https://ex.org/a?p=1"),
        ("https://ex.org/a?flag&utm_content=x", "https://ex.org/a?flag"),
        (
            "https://ex.org/a?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4&igshid=5&yclid=6&twclid=7"
            "&ref_src=8&dclid=9&msclkid=10&gbraid=11&wbraid=12&q=ok",
            "https://ex.org/a?q=ok",
        ),
        ("https://ex.org/a?id=1&&utm_term=x&x=2", "https://ex.org/a?id=1&x=2"),
    ],
)
def test_tracking_parameters_are_removed_and_the_rest_kept(written: str, relayed: str) -> None:
    assert clean_link(written) == relayed


@pytest.mark.parametrize(
    "untouched",
    [
        "https://ex.org/a",
        "https://ex.org/a?",
        "https://ex.org/a?id=1&Z=2&a=%20",
        "https://ex.org/a?autm_source=1&utm=2",
        "https://ex.org/a#?utm_source=x",
        "https://ex.org/a;utm_source=x",
        "https://ex.org/a?id=1#utm_source=x&fbclid=y",
    ],
)
def test_links_without_tracking_are_unchanged(untouched: str) -> None:
    assert clean_link(untouched) == untouched


def test_links_in_a_text_are_cleaned_where_they_stand() -> None:
    text = "Voir https://ex.org/a?utm_source=x. Et (https://b.org/?fbclid=1&x=2) ici."
    assert clean_links(text) == "Voir https://ex.org/a. Et (https://b.org/?x=2) ici."
