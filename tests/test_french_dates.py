"""Dates and times as a French coordinator types them: one parser for /reunion, /diffuser and
scheduled sends, relative to today in RELAY_TIMEZONE, across midnight and daylight-saving days."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from relay.french_dates import (
    DateError,
    find_date,
    local_moment,
    parse_day_time,
    parse_moment,
    read_when,
)

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2027, 1, 4)  # a Monday
NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # Monday 10:00 in Paris


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("14/01", date(2027, 1, 14), None),
        ("14/01/2027", date(2027, 1, 14), None),
        ("14/01/27", date(2027, 1, 14), None),
        ("2027-01-14 14:00", date(2027, 1, 14), time(14, 0)),
        ("14 janvier", date(2027, 1, 14), None),
        ("14 Janvier 2028", date(2028, 1, 14), None),
        ("1er février", date(2027, 2, 1), None),
        ("3 févr. 9h", date(2027, 2, 3), time(9, 0)),
        ("le 3 février 2027 à 9h", date(2027, 2, 3), time(9, 0)),
        ("14/01 à 14h30", date(2027, 1, 14), time(14, 30)),
        ("jeudi prochain 14h", date(2027, 1, 7), time(14, 0)),
        ("jeudi 14h", date(2027, 1, 7), time(14, 0)),
        ("ce jeudi à 14 h 30", date(2027, 1, 7), time(14, 30)),
        ("jeudi 14 janvier 10h", date(2027, 1, 14), time(10, 0)),
        ("lundi 9h", date(2027, 1, 11), time(9, 0)),  # today is a Monday: the next one
        ("demain 9h30", date(2027, 1, 5), time(9, 30)),
        ("après-demain", date(2027, 1, 6), None),
        ("après demain midi", date(2027, 1, 6), time(12, 0)),
        ("aujourd'hui 18:15", date(2027, 1, 4), time(18, 15)),
        ("14h", None, time(14, 0)),
        ("14:30", None, time(14, 30)),
        ("9h30", None, time(9, 30)),
        ("midi", None, time(12, 0)),
        ("14 heures", None, time(14, 0)),
        ("à 9h demain", date(2027, 1, 5), time(9, 0)),
    ],
)
def test_what_coordinators_type_is_read(text: str, day: date | None, at: time | None) -> None:
    assert parse_day_time(text, MONDAY) == (day, at)


def test_a_day_without_a_year_is_its_next_occurrence() -> None:
    december = date(2026, 12, 20)
    assert parse_day_time("14/01", december) == (date(2027, 1, 14), None)
    assert parse_day_time("14 janvier", december) == (date(2027, 1, 14), None)
    assert parse_day_time("20/12", december) == (date(2026, 12, 20), None), "today is not past"
    assert parse_day_time("19/12", december) == (date(2027, 12, 19), None)
    assert parse_day_time("29/02", date(2027, 3, 1)) == (date(2028, 2, 29), None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2027", "« 31/02/2027 » n'est pas une date"),
        ("31 avril", "« 31 avril » n'est pas une date"),
        ("25h", "« 25h » n'est pas une heure"),
        ("lundi 14 janvier 2027", "Le 14 janvier 2027 est un jeudi, pas un lundi"),
        ("demain à la mairie", "« à la mairie »"),
    ],
)
def test_impossible_dates_are_explained_in_french(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_day_time(text, MONDAY)
    assert message in str(error.value)


def test_the_meeting_form_reads_the_leading_day_and_time_and_leaves_the_place() -> None:
    words = ["le", "14", "janvier", "à", "14h30", "Salle", "du", "conseil,", "Pornic"]
    when = read_when(words, MONDAY)
    assert (when.day, when.at) == (date(2027, 1, 14), time(14, 30))
    assert words[when.used :] == ["Salle", "du", "conseil,", "Pornic"]
    place_first = read_when(["à", "la", "mairie"], MONDAY)
    assert (place_first.day, place_first.at, place_first.used) == (None, None, 0)


def test_a_free_text_gives_its_first_explicit_date() -> None:
    assert find_date("Forum des jeunes le 12/12 à Pornic", MONDAY) == date(2027, 12, 12)
    assert find_date("Forum le 14 janvier à Pornic, 14h", MONDAY) == date(2027, 1, 14)
    assert find_date("Dépôt avant le 3 mars 2027.", MONDAY) == date(2027, 3, 3)
    assert find_date("Colloque (1er février) à Nantes", MONDAY) == date(2027, 2, 1)
    assert find_date("Rendez-vous le 31/02 ou le 02/03", MONDAY) == date(2027, 3, 2)
    assert find_date("https://exemple.fr/2027/01/12/forum", MONDAY) is None
    assert find_date("Tous les mardis, permanence demain", MONDAY) is None


def test_a_scheduled_time_is_an_aware_moment_in_the_future() -> None:
    assert parse_moment("lundi 9h", NOW, PARIS) == datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    assert parse_moment("2027-01-14 14:00", NOW, PARIS) == datetime(2027, 1, 14, 13, tzinfo=UTC)
    assert parse_moment("14h", NOW, PARIS) == datetime(2027, 1, 4, 13, 0, tzinfo=UTC)
    # 9 h is past today at 10 h: a time alone is its next occurrence, tomorrow.
    assert parse_moment("9h", NOW, PARIS) == datetime(2027, 1, 5, 8, 0, tzinfo=UTC)
    with pytest.raises(DateError, match="déjà passé"):
        parse_moment("aujourd'hui 9h", NOW, PARIS)
    with pytest.raises(DateError, match="Précisez l'heure"):
        parse_moment("demain", NOW, PARIS)
    with pytest.raises(DateError, match="par exemple « lundi 9h »"):
        parse_moment("bientôt", NOW, PARIS)


def test_23_30_utc_is_already_tomorrow_in_paris() -> None:
    late = datetime(2027, 1, 13, 23, 30, tzinfo=UTC)  # Thursday 14 January, 00:30 in Paris
    assert parse_moment("demain 9h", late, PARIS) == datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    assert parse_moment("14/01 9h", late, PARIS) == datetime(2027, 1, 14, 8, 0, tzinfo=UTC)
    assert parse_moment("jeudi 9h", late, PARIS) == datetime(2027, 1, 21, 8, 0, tzinfo=UTC)
    assert parse_moment("9h", late, PARIS) == datetime(2027, 1, 14, 8, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_spring_change_is_refused_clearly() -> None:
    with pytest.raises(DateError) as error:
        local_moment(date(2027, 3, 28), time(2, 30), PARIS)
    assert "2 h 30 n'existe pas le dimanche 28 mars 2027" in str(error.value)
    assert "heure d'été" in str(error.value)
    before = datetime(2027, 3, 27, 12, tzinfo=UTC)
    with pytest.raises(DateError, match="n'existe pas"):
        parse_moment("28/03 2h30", before, PARIS)
    assert local_moment(date(2027, 3, 28), time(3, 0), PARIS) == datetime(
        2027, 3, 28, 1, 0, tzinfo=UTC
    )


def test_a_time_repeated_by_the_autumn_change_is_its_first_occurrence() -> None:
    # 2:30 happens twice on 31 October 2027 in Paris: first in summer time (UTC+2).
    moment = local_moment(date(2027, 10, 31), time(2, 30), PARIS)
    assert moment == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert moment.tzinfo is UTC
    assert local_moment(date(2027, 10, 31), time(3, 30), PARIS) == datetime(
        2027, 10, 31, 2, 30, tzinfo=UTC
    )
