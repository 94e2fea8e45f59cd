"""Metadata rules (issue 14): dates with no invented day, no dates from comments or banners,
the reader's wall time, label words that are no authors, wire bylines, the publisher as
author, site-name and kicker headlines, a UTF-8 page declaring a legacy charset, and where
each value came from (``Article.provenance``). Pages in tests/fixtures/metadata/."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import newsclean
from newsclean._extract import dates
from newsclean._extract.authors import split_authors
from newsclean._extract.dates import (
    date_is_visible,
    date_near_headline,
    find_shown_date,
    local_wall_time,
    parse_date,
)
from newsclean._vocab import load_vocabulary

PAGES = Path(__file__).parent / "fixtures" / "metadata"
VOCAB = load_vocabulary()


def clean(name: str) -> newsclean.Article:
    return newsclean.clean_html((PAGES / name).read_bytes())


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["February 2018", "Jan 2020", "März 2021", "2019"])
def test_a_month_or_a_year_is_no_day(text: str) -> None:
    assert parse_date(text) is None


def test_a_named_day_one_stays() -> None:
    assert parse_date("1 February 2018") == date(2018, 2, 1)
    assert parse_date("Thu, 01 Jan 2015 10:00:00 GMT") == datetime(
        2015, 1, 1, 10, tzinfo=timezone.utc
    )


def test_a_zone_abbreviation_keeps_its_offset() -> None:
    value = parse_date("Sun Nov 23 16:00:00 EDT 2014")
    assert value == datetime(2014, 11, 23, 16, tzinfo=timezone(timedelta(hours=-4)))
    assert isinstance(value, datetime)
    assert value.utcoffset() == timedelta(hours=-4)


def test_partial_dates_and_banners_lose_to_the_structured_date() -> None:
    article = clean("partial-date-jsonld.html")
    assert article.published == date(2003, 2, 28)
    assert article.provenance.published == "jsonld"


def test_no_date_from_comments_generator_banners_or_copyright_years() -> None:
    article = clean("undated-generator.html")
    assert article.published is None
    assert article.provenance.published is None


def test_htmldate_first_of_month_needs_a_named_day() -> None:
    month_only = "<html><body><p>Archive: February 2018</p><p>Some text here.</p></body></html>"
    assert find_shown_date(month_only, None) is None
    named = "<html><body><p>Posted 1 February 2018</p><p>Some text here.</p></body></html>"
    assert find_shown_date(named, None) == date(2018, 2, 1)


def test_a_date_in_a_comment_is_no_page_date() -> None:
    page = "<html><body><!-- cached 2021-03-04 10:00 --><p>No date here at all.</p></body></html>"
    assert find_shown_date(page, None) is None


def test_the_reader_keeps_the_local_wall_time_and_its_offset() -> None:
    article = clean("local-wall-time.html")
    assert article.published == datetime(
        2023, 11, 8, 23, 30, 59, tzinfo=timezone(timedelta(hours=-6))
    )
    assert isinstance(article.published, datetime)
    assert article.published.date() == date(2023, 11, 8)  # the day its readers see
    assert article.provenance.published == "jsonld"


def test_local_wall_time_rules() -> None:
    utc = datetime(2025, 12, 19, 3, 5, tzinfo=timezone.utc)
    pacific = datetime(2025, 12, 18, 19, 5, tzinfo=timezone(timedelta(hours=-8)))
    assert local_wall_time(utc, [pacific]) == pacific
    assert local_wall_time(utc, [datetime(2025, 12, 18, 19, 5)]) == pacific  # noqa: DTZ001
    # another instant, another day, or a value that is no UTC time: nothing to tell
    assert local_wall_time(utc, [datetime(2025, 12, 15, 19, 5)]) is None  # noqa: DTZ001
    assert local_wall_time(utc, [pacific + timedelta(minutes=7)]) is None
    assert local_wall_time(pacific, [utc]) is None
    assert local_wall_time(date(2025, 12, 19), [pacific]) is None


def test_a_date_shown_by_the_headline_is_taken() -> None:
    article = clean("shown-date-de.html")
    assert article.published == date(2022, 12, 6)
    assert article.provenance.published == "shown"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Menü Neue Buslinie Lokales | 06.12.2022 Ab Montag", "de", date(2022, 12, 6)),
        ("Home Storm hits By Jane Doe | March 5, 2025 10:02 AM", "en", date(2025, 3, 5)),
        ("Inicio 3 de mayo de 2025 El puerto crece hoy", "es", date(2025, 5, 3)),
        ("Accueil Le port grandit publié le 12 juin 2024", "fr", date(2024, 6, 12)),
        ("Home Storm hits 4/5/2025 more", "en-US", date(2025, 4, 5)),
        ("Home Storm hits 4/5/2025 more", "en-GB", date(2025, 5, 4)),
        ("Home Storm hits 25/4/2025 more", "en", date(2025, 4, 25)),
        ("Start Sturm 4/5/2025 mehr", "de", date(2025, 5, 4)),
    ],
)
def test_date_near_headline(text: str, language: str, expected: date) -> None:
    headline = next(
        h for h in ("Neue Buslinie", "Storm hits", "El puerto", "Le port", "Sturm") if h in text
    )
    assert date_near_headline(text, headline, VOCAB, language=language) == expected


def test_date_near_headline_needs_the_headline_and_a_whole_date() -> None:
    assert date_near_headline("Storm hits in March 2025", "Storm hits", VOCAB) is None
    assert date_near_headline("March 5, 2025 somewhere", "Not there", VOCAB) is None
    assert date_near_headline("Storm hits 4/5/2025", "Storm hits", VOCAB, language="en") is None


def test_shown_dates_are_read_in_the_vocabulary_languages() -> None:
    assert date_is_visible(date(2021, 11, 5), "Stand: 5. November 2021", VOCAB)
    assert date_is_visible(date(2025, 5, 3), "publicado el 3 de mayo de 2025", VOCAB)
    assert date_is_visible(date(2021, 12, 5), "Stand: 5. Dezember 2021", VOCAB)
    assert not date_is_visible(date(2021, 12, 5), "Stand: 5. Dezember 2021")  # English only


def test_dateparser_reads_the_page_language_within_a_budget() -> None:
    assert dates._languages("de-DE") == ("de", "en")
    assert dates._languages("en_US") == ("en",)
    assert dates._languages(None) == dates._FALLBACK_LANGUAGES
    with dates._bounded_dateparser("de"):
        parsers = [dates._page_parser() for _ in range(dates.DATEPARSER_MAX_STRINGS + 2)]
    assert not isinstance(parsers[0], dates._NoParse)
    assert isinstance(parsers[-1], dates._NoParse)
    assert parsers[-1].get_date_data("6. Dezember 2022") == {"date_obj": None}
    with dates._bounded_dateparser("xx-unknown"):  # a language dateparser lacks
        assert not isinstance(dates._page_parser(), dates._NoParse)


# --- authors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "Sign In",
        "Sign Up",
        "Published by",
        "Veröffentlicht am",
        "About the Author",
        "Autor",
        "Auteurs",
        "Donnerstag",
        "Posted on",
        "Compartir",
        "mardi",
    ],
)
def test_labels_buttons_and_weekdays_are_no_names(label: str) -> None:
    assert split_authors(label, VOCAB) == ([], None)


def test_label_vocabulary_per_language() -> None:
    for word in ("sign in", "anmelden", "se connecter", "iniciar sesión", "donnerstag"):
        assert word in VOCAB.author_labels
    assert "staff" not in VOCAB.author_labels  # a collective byline is a byline
    german = load_vocabulary(("de",))
    assert "anmelden" in german.author_labels
    assert "sign in" not in german.author_labels


@pytest.mark.parametrize(
    ("byline", "names", "agency"),
    [
        ("By MARIA GARCIA Associated Press", ["Maria Garcia"], "AP"),
        (
            "By Sam Lee, Senior Correspondent | Updated March 5, 2025 10:02 AM EST",
            ["Sam Lee"],
            None,
        ),
        ("Veröffentlicht von HansG", ["HansG"], None),
        ("Sara Zinnecker Stand", ["Sara Zinnecker"], None),
        ("lupa am", ["lupa"], None),
        ("Interview Julia Lauter", ["Julia Lauter"], None),
        ("Publié par Jeanne Martin", ["Jeanne Martin"], None),
        ("Escrito por María López", ["María López"], None),
        ("Mark de la Cruz", ["Mark de la Cruz"], None),
        ("Jean Le Pen", ["Jean Le Pen"], None),
        ("Anna Ap", ["Anna Ap"], None),  # "AP" counts in capitals only
    ],
)
def test_bylines(byline: str, names: list[str], agency: str | None) -> None:
    assert split_authors(byline, VOCAB) == (names, agency)


def test_labels_around_a_byline_are_skipped_for_the_name() -> None:
    article = clean("label-authors.html")
    assert article.authors == ("Petra Lindqvist",)
    assert article.provenance.authors == "byline"


def test_wire_byline_in_a_page() -> None:
    article = clean("wire-byline.html")
    assert article.authors == ("Maria Garcia",)
    assert article.agency == "AP"


def test_a_person_the_byline_names_beats_the_publisher_and_other_cards() -> None:
    article = clean("publisher-author.html")
    assert article.authors == ("Lucía Ferreyra",)  # not the site, not the card's Martín Sosa
    assert article.provenance.authors == "byline"
    assert article.published == date(2024, 5, 3)


def test_the_publisher_stays_when_no_person_is_named() -> None:
    page = (PAGES / "publisher-author.html").read_text(encoding="utf-8")
    page = page.replace('<p class="byline">Por Lucía Ferreyra</p>', "")
    page = page.replace('<p class="byline">Por Martín Sosa</p>', "")
    article = newsclean.clean_html(page)
    assert article.authors == ("Diario del Litoral",)
    assert article.provenance.authors == "jsonld"


# --- titles ------------------------------------------------------------------------------


def test_a_site_name_h1_gives_way_to_the_headline() -> None:
    article = clean("title-logo-h1.html")
    assert article.title == "Tailler les rosiers en mars"
    assert article.provenance.title == "meta"


def test_a_kicker_in_the_h1_goes() -> None:
    article = clean("title-kicker-h1.html")
    assert article.title == "Daten von Stadtwerken gehackt"
    assert article.provenance.title == "h1"


def test_a_headline_with_a_colon_keeps_it() -> None:
    page = (
        "<html><head><meta property='og:title' content='The Best Oral Care Products'>"
        "</head><body><article><h1>The 2024 Awards: The Best Oral Care Products</h1>"
        + "<p>Text of the story that is long enough to be one, with words.</p>" * 4
        + "</article></body></html>"
    )
    assert newsclean.clean_html(page).title == "The 2024 Awards: The Best Oral Care Products"


def test_the_title_side_of_a_title_separator() -> None:
    page = (
        "<html><head><title>Le Petit Jardinier :: Tailler les rosiers en mars</title></head>"
        "<body><main>"
        + "<p>Texte de l'article assez long pour en être un, avec des mots.</p>" * 4
        + "</main></body></html>"
    )
    url = "https://www.lepetitjardinier.fr/taille"
    assert newsclean.clean_html(page, url=url).title == "Tailler les rosiers en mars"
    # without a site name or host to tell, the short tail goes
    assert newsclean.clean_html(page).title == "Le Petit Jardinier"


# --- charset -----------------------------------------------------------------------------


def test_utf8_bytes_beat_a_legacy_declaration_with_a_warning() -> None:
    page = (
        '<html><head><meta charset="gb2312"><title>新闻标题</title></head><body><article>'
        "<h1>北京 新闻 标题</h1><p>这是一段很长的中文新闻内容，用于测试字符集的检测是否正确。</p>"
        "</article></body></html>"
    ).encode()
    article = newsclean.clean_html(page)
    assert article.title == "北京 新闻 标题"
    assert any("UTF-8" in w and "gb" in w for w in article.warnings)


def test_a_legacy_page_stays_legacy() -> None:
    page = '<meta charset="gb2312"><p>北京新闻</p>'.encode("gb2312")
    decoded = newsclean._decode.decode_html(page)  # type: ignore[attr-defined]
    assert decoded.text.endswith("北京新闻</p>")
    assert decoded.overridden is None
    latin = '<meta charset="cp1252"><p>café</p>'.encode("cp1252")
    assert newsclean._decode.decode_html(latin).text.endswith("café</p>")  # type: ignore[attr-defined]


def test_utf8_header_declaration_is_checked_too() -> None:
    decoded = newsclean._decode.decode_html(  # type: ignore[attr-defined]
        "<p>Grüße</p>".encode(), content_type="text/html; charset=iso-8859-1"
    )
    assert decoded.text == "<p>Grüße</p>"
    assert decoded.overridden is not None


# --- provenance on the text path ---------------------------------------------------------


def test_text_path_provenance() -> None:
    text = (
        "Regional Courier\n\nStorm closes mountain passes\n\nBy Jane Doe\n\n"
        "Published: 5 March 2025\n\n"
        + "A late spring storm closed three mountain passes on Tuesday and left drivers "
        "waiting in towns along the highway for the roads to reopen again.\n\n" * 3
    )
    article = newsclean.clean_text(text)
    assert article.title == "Storm closes mountain passes"
    assert article.provenance.title == "text"
    assert article.authors == ("Jane Doe",)
    assert article.provenance.authors == "text"
    assert article.published == date(2025, 3, 5)
    assert article.provenance.published == "text"


def test_text_path_date_from_the_url() -> None:
    text = (
        "Storm closes passes\n\n"
        + "A storm closed three passes on Tuesday, said officials there.\n\n" * 3
    )
    article = newsclean.clean_text(text, url="https://example.com/2025/03/05/storm")
    assert article.published == date(2025, 3, 5)
    assert article.provenance.published == "url"
