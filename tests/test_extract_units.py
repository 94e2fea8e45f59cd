"""Unit tests of the extraction helpers: bylines, datelines, dates, vocabulary, decoding."""

from __future__ import annotations

import copy
import pickle
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsclean._decode import decode_html, maybe_gunzip
from newsclean._errors import DecodeError
from newsclean._extract.authors import split_authors
from newsclean._extract.body import RawBlock
from newsclean._extract.dates import parse_date
from newsclean._extract.wire import find_dateline, is_agency_slug
from newsclean._text.normalize import normalize_blocks, normalize_text
from newsclean._vocab import load_vocabulary

VOCAB = load_vocabulary()


@pytest.mark.parametrize(
    ("raw", "names", "agency"),
    [
        ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"], None),
        ("Jane Doe, John Smith", ["Jane Doe", "John Smith"], None),
        ("by AFP Staff Writers", [], "AFP"),
        ("Staff Writers", [], None),
        ("By Jane Doe jane@example.com https://x.example/jane", ["Jane Doe"], None),
        ("Von Petra Schulz und Max Müller", ["Petra Schulz", "Max Müller"], None),
        ("Reuters", [], "Reuters"),
        ("The Associated Press", [], "AP"),
        ("Maria &amp; Katerina", ["Maria", "Katerina"], None),
        ("Dylan Bailey, MS, RD, FAND", ["Dylan Bailey, MS, RD, FAND"], None),
        ("Podium Staff", ["Podium Staff"], None),
        ("Summer Swann - June 3, 2025", ["Summer Swann"], None),
        ("By", [], None),
    ],
)
def test_split_authors(raw, names, agency):
    assert split_authors(raw, VOCAB) == (names, agency)


@pytest.mark.parametrize(
    ("text", "place", "agency", "day", "remainder"),
    [
        ("Beijing (AFP) Nov 15, 2025", "Beijing", "AFP", date(2025, 11, 15), ""),
        (
            "WASHINGTON (AP) — The Senate voted on Tuesday.",
            "Washington",
            "AP",
            None,
            "The Senate voted on Tuesday.",
        ),
        (
            "BEIJING, Nov 15 (Reuters) - China said.",
            "Beijing",
            "Reuters",
            date(2025, 11, 15),
            "China said.",
        ),
        (
            "New Delhi, Nov 3 (IANS) The government said.",
            "New Delhi",
            "IANS",
            date(2025, 11, 3),
            "The government said.",
        ),
        (
            "Berlin (dpa) - Die Regierung hat beschlossen.",
            "Berlin",
            "dpa",
            None,
            "Die Regierung hat beschlossen.",
        ),
    ],
)
def test_find_dateline(text, place, agency, day, remainder):
    found = find_dateline(text, VOCAB, default_year=2025)
    assert found is not None
    assert (found.place, found.agency, found.date, found.remainder) == (
        place,
        agency,
        day,
        remainder,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The (AP) style guide says so.",
        "Tuesday (AFP) said",
        "An ordinary first sentence here.",
        "Paris (Fictional Agency) - text",
    ],
)
def test_no_dateline(text):
    assert find_dateline(text, VOCAB) is None


def test_agency_slugs():
    assert is_agency_slug("pfc/lb/mtp")
    assert is_agency_slug("sst/jm")
    assert not is_agency_slug("This is a sentence.")


def test_parse_date_keeps_precision_and_zone():
    assert parse_date("2025-11-15") == date(2025, 11, 15)
    aware = parse_date("2025-11-15T08:30:00+08:00")
    assert isinstance(aware, datetime)
    assert aware.utcoffset() == timedelta(hours=8)
    naive = parse_date("2025-11-15 08:30")
    assert isinstance(naive, datetime)
    assert naive.tzinfo is None
    assert parse_date("November 15, 2025") == date(2025, 11, 15)
    assert parse_date("not a date") is None
    assert parse_date("1850-01-01") is None


_MONTH_NAMES = ("Jan", "JANUARY", "feb", "May", "Sept", "sep", "September", "Mai", "Janu")


@pytest.mark.parametrize("name", _MONTH_NAMES)
def test_parse_date_reads_month_day_year_as_dateutil(name, monkeypatch):
    from newsclean._extract import dates

    texts = [
        f"{name} {day}, {year}"
        for day in ("0", "1", "01", "9", "29", "30", "31", "32")
        for year in (1989, 1990, 2024, 2099)
    ]
    fast = [parse_date(text) for text in texts]
    monkeypatch.setattr(dates, "_MONTH_DAY_YEAR", re.compile("(?!)"))  # dateutil reads all
    assert fast == [parse_date(text) for text in texts]


def test_parse_date_leaves_dateutil_the_other_shapes(monkeypatch):
    from newsclean._extract import dates

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("dateutil was asked")

    monkeypatch.setattr(dates.dateutil_parser, "parse", refuse)
    assert parse_date("Jan 17, 2025") == date(2025, 1, 17)
    assert parse_date("november 8, 2025") == date(2025, 11, 8)
    assert parse_date("Feb 30, 2024") is None
    assert parse_date("Jan 17, 1985") is None
    with pytest.raises(AssertionError):
        parse_date("Jan 17th, 2025")
    with pytest.raises(AssertionError):
        parse_date("Auguſt 11, 2019")  # a long s: dateutil's lower() keeps it


def test_normalize_text_fixes_characters():
    assert normalize_text("a\u00a0b\u200bc soft\u00adhyphen &eacute; e\u0301") == (
        "a bc softhyphen é é"
    )


def test_normalize_blocks_removes_furniture():
    raw = [
        RawBlock("heading", "The Title", 1),
        RawBlock("paragraph", "by AFP Staff Writers"),
        RawBlock("paragraph", "Beijing (AFP) Nov 15, 2025"),
        RawBlock("paragraph", "First real paragraph of the story, long enough to count."),
        RawBlock("paragraph", "Advertisement"),
        RawBlock("paragraph", "Second real paragraph of the story, also long enough."),
        RawBlock("paragraph", "First real paragraph of the story, long enough to count."),
        RawBlock("paragraph", "pfc/lb/mtp"),
        RawBlock("paragraph", "Teaser paragraph that belongs to another story entirely."),
    ]
    body = normalize_blocks(raw, vocab=VOCAB, title="The Title")
    assert [b.text for b in body.blocks] == [
        "First real paragraph of the story, long enough to count.",
        "Second real paragraph of the story, also long enough.",
    ]
    assert (body.agency, body.dateline, body.dateline_date) == (
        "AFP",
        "Beijing",
        date(2025, 11, 15),
    )


def test_normalize_blocks_reads_a_date_line_above_the_story():
    raw = [
        RawBlock("paragraph", "Published: 3 May 2025 by Jane Doe"),
        RawBlock("paragraph", "First real paragraph of the story, long enough to count."),
        RawBlock("paragraph", "On 4 May 2025 the council met again, and this line stays."),
    ]
    body = normalize_blocks(raw, vocab=VOCAB, title=None)
    assert body.shown_date == date(2025, 5, 3)
    assert [b.text for b in body.blocks] == [raw[1].text, raw[2].text]


def test_normalize_blocks_drops_an_author_bio_at_the_end():
    story = [
        RawBlock("paragraph", f"Story paragraph number {i}, where Jane Doe is quoted at length.")
        for i in range(4)
    ]
    bio = RawBlock("paragraph", "Jane Doe is a reporter covering transport for the Gazette.")
    body = normalize_blocks([*story, bio], vocab=VOCAB, title=None, authors=["Jane Doe"])
    assert [b.text for b in body.blocks] == [b.text for b in story]
    # without the name from the metadata, or mid-story, the paragraph stays
    assert len(normalize_blocks([*story, bio], vocab=VOCAB, title=None).blocks) == 5
    middle = normalize_blocks([bio, *story], vocab=VOCAB, title=None, authors=["Jane Doe"])
    assert middle.blocks[0].text == bio.text


def test_normalize_blocks_cuts_at_related_block_but_not_mid_story():
    story = [
        RawBlock("paragraph", f"Story paragraph number {i} with enough words in it.")
        for i in range(6)
    ]
    related = [
        RawBlock("heading", "Related Links", 3),
        RawBlock("paragraph", "Another story headline"),
    ]
    body = normalize_blocks(story + related, vocab=VOCAB, title=None)
    assert len(body.blocks) == 6
    # a "Related" heading followed by most of the article is not an end marker
    early = [story[0], story[1], story[2], RawBlock("heading", "Related", 2), *story[3:]]
    assert len(normalize_blocks(early, vocab=VOCAB, title=None).blocks) == 6


def test_vocabulary_lines_and_classes():
    assert VOCAB.is_boilerplate_line("Subscribe Free To Our Daily Newsletters")
    assert VOCAB.is_boilerplate_line("Share this article")
    assert VOCAB.is_boilerplate_line("© 2025 The Coastal Courier Ltd. All rights reserved.")
    assert not VOCAB.is_boilerplate_line("Share prices rose sharply on Tuesday after the report.")
    assert VOCAB.boilerplate_category("post-share-bar") == "share"
    assert VOCAB.boilerplate_category("shareholder-news") is None
    assert VOCAB.boilerplate_category("related_posts widget") == "related"


def test_decode_order_of_trust():
    assert decode_html("<p>x</p>").source == "str"
    assert decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>").source == "bom"
    header = decode_html(b"<p>caf\xe9</p>", content_type="text/html; charset=latin-1")
    assert (header.source, header.text) == ("header", "<p>café</p>")
    meta = decode_html(b'<meta charset="shift_jis"><p>\x93\xfa\x96\x7b</p>')
    assert meta.source == "meta"
    assert "日本" in meta.text
    assert decode_html(b"<p>plain</p>").source == "default"


def test_gunzip_bounds():
    import gzip

    data = gzip.compress(b"x" * 100_000)
    assert maybe_gunzip(data) == b"x" * 100_000
    with pytest.raises(DecodeError):
        maybe_gunzip(data, max_bytes=1000)
    assert maybe_gunzip(b"<html>") == b"<html>"


def test_undeclared_western_text_prefers_windows_1252():
    html = "<html><body><p>Le café est très bon, à côté de la gare. Où êtes-vous? Il était une "
    html += "fois un garçon élevé à Noël.</p></body></html>"
    decoded = decode_html(html.encode("cp1252"))
    assert decoded.source == "detected"
    assert "très bon, à côté" in decoded.text


def test_undeclared_czech_text_keeps_its_codec():
    text = "<p>Příliš žluťoučký kůň úpěl ďábelské ódy, zaťal.</p>"
    assert "žluťoučký" in decode_html(text.encode("cp1250")).text


def test_metadata_scan_matches_one_query_per_selector():
    """The union query sorts its nodes back into exactly what each selector finds alone."""
    from newsclean._dom import parse_html
    from newsclean._extract import metadata

    tree = parse_html(
        "<html lang=en><head><title>T</title>"
        '<meta name="Author" content=" Jane "><meta class="byline" name="x">'
        '<meta property="og:title" content="">'
        '<script type="Application/LD+JSON">{"@type": "NewsArticle"}</script>'
        '<script class="byline">var x;</script>'
        '<link rel="Canonical" href="/a"><link rel="canonical">'
        '</head><body><svg><title>icon</title></svg><h1 class="byline">Head</h1>'
        '<p itemprop="dateline">Paris</p><p itemprop="DATELINE">no</p>'
        '<p class="xDatelinex">Rome</p><p class="DATELINE">no</p>'
        '<html data-x="1"><meta content="late" itemprop="author">'
        "</body></html>"
    )
    scan = metadata._scan(tree)
    assert scan.scripts == tree.css('script[type="application/ld+json"]')
    assert scan.h1s == tree.css("h1")
    assert scan.title == tree.css_first("title")
    assert scan.html == tree.css_first("html")
    assert scan.canonical == tree.css_first("link[rel=canonical][href]")
    assert scan.datelines == tree.css(metadata._DATELINE_SELECTOR)
    assert scan.meta == {"author": ["Jane", "late"]}
    # a node matching several selectors of a list comes once per selector
    tree = parse_html('<div class="dateline byline" itemprop="dateline">x</div><p class=byline>y')
    assert len(tree.css(metadata._DATELINE_SELECTOR)) == 4
    assert metadata._scan(tree).datelines == tree.css(metadata._DATELINE_SELECTOR)


def _normalize_text_reference(text: str) -> str:
    """normalize_text as first written: translate, NFC, then every space run per line."""
    import html
    import re
    import unicodedata

    invisible = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
    spaces = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", text.translate(invisible))
    lines = (spaces.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "  lead and trail  ",
        "two  spaces",
        "tab\there",
        "nbsp\u00a0here and \u00a0 mixed \u2000\u2001 runs",
        "a \u200b b",
        "soft\u00adhyphen and zero\u200bwidth\ufeff",
        "line one\n\n  line two \n\t\n three",
        "e\u0301 composed",
        "&amp;nbsp; &nbsp;x&#8203;y &lt;b&gt;",
        "\u3000ideographic\u3000space\u205f\u202f",
        "\r\ncarriage\r\nreturns\x0b",
        "",
        "\u200b",
        " \n \u00a0 \n",
    ],
)
def test_normalize_text_matches_reference(text):
    assert normalize_text(text) == _normalize_text_reference(text)


def test_date_is_visible_matches_a_full_scan():
    """Looking only around the year's occurrences finds what scanning every form finds."""
    import random

    from newsclean._extract.dates import date_is_visible, visible_forms

    rng = random.Random(7)
    words = ["news", "2024", "2023", "on", "august", "aug.", "25,", "25", "8/25/", "-08-25", "x"]
    day = date(2024, 8, 25)
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        text = text.replace("/ ", "/").replace(" -", "-")
        expected = any(form in text for form in visible_forms(day))
        assert date_is_visible(day, text) == expected, text
    many = " ".join(["2024"] * 100) + " august 25, 2024"
    assert date_is_visible(day, many)
    assert date_is_visible(
        datetime(2024, 8, 25, 9, 0, tzinfo=timezone.utc), "posted 2024-08-25 09:00"
    )


def assert_built_as_validated(fast: Any, slow: Any) -> None:
    """``fast`` (built by make_block or the pipeline) is ``slow`` (validated) in every way a
    caller can see: instance state, equality, hash, repr, JSON, pickling and copying."""
    for name in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__"):
        assert getattr(fast, name) == getattr(slow, name)
    assert fast.__pydantic_private__ == slow.__pydantic_private__
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert repr(fast) == repr(slow)
    assert fast.model_dump_json() == slow.model_dump_json()
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert copy.deepcopy(fast) == slow


@pytest.mark.parametrize(
    ("kind", "text", "level"),
    [("paragraph", "One.", None), ("heading", "Two", 2), ("table", "a | b\nc | d", None)],
)
def test_make_block_is_a_validated_block(kind, text, level):
    from newsclean._record import Block, make_block

    fast, slow = make_block(kind, text, level), Block(kind=kind, text=text, level=level)
    assert_built_as_validated(fast, slow)


def test_make_block_validates_what_is_not_exactly_right():
    from pydantic import ValidationError

    from newsclean._record import Block, make_block

    with pytest.raises(ValidationError):
        make_block("sidebar", "x")
    with pytest.raises(ValidationError):
        make_block("paragraph", "x", "two")  # type: ignore[arg-type]
    assert make_block("heading", "x", True) == Block(kind="heading", text="x", level=True)
    with pytest.raises(ValidationError):
        make_block("paragraph", "x").text = "y"  # type: ignore[misc]


_BYLINE_PAGE = (
    "<html><body>"
    '<div class="byline author" id="byline-1" itemprop="author">Written by Ann</div>'
    '<a href="/authors/bob/" class="by">Bob</a><a href="/author/x/authors/y/">X</a>'
    '<a href="/authorship">no</a><a href="/AUTHOR/z/">no</a><a href>empty</a>'
    '<a href="/writers/c/">C</a><a href="/contributor/d/contributors/">D</a>'
    '<svg><a href="/byline/e/">E</a></svg><span data-testid="byline">F</span>'
    "<p>Posted by Gus, written by Hal and by Ivy</p><p>POSTED BY <b>no</b></p>"
    "<address>written by Jo </address><address>posted byJo</address>"
    "<div>nearby<p>by inner</p> tail BY x</div><em>baby </em><li>wr\u0130tten by</li>"
    "<strong>\uff22y K</strong><small>\u212a by x</small>"
    "</body></html>"
)


def test_byline_queries_list_what_the_full_selectors_list():
    """The cheaper byline queries give the nodes of the documented selectors, in order, each
    once per selector it matches (which the 40-candidate cap counts)."""
    from newsclean._dom import parse_html
    from newsclean._extract import metadata

    tree = parse_html(_BYLINE_PAGE)
    expected = tree.css(metadata._BYLINE_SELECTOR)
    assert len(expected) > len({n.mem_id for n in expected})  # repeats are exercised
    assert list(metadata._byline_nodes(tree)) == expected
    expected = tree.css(metadata._BYLINE_TEXT_SELECTOR)
    assert len(expected) > len({n.mem_id for n in expected})
    assert list(metadata._byline_text_nodes(tree)) == expected


def test_byline_text_fallback_still_runs():
    """Without byline markup, the "By ..." text search finds the author."""
    from newsclean._dom import parse_html
    from newsclean._extract import metadata

    tree = parse_html("<html><body><div><p>By Jane Doe</p><p>Story text.</p></div></body></html>")
    page = metadata._read_page(tree)
    names, _ = metadata._byline_authors(page.bylines, page.byline_texts, load_vocabulary())
    assert names == ["Jane Doe"]


def test_date_is_visible_lower_cases_what_it_reads():
    from newsclean._extract.dates import date_is_visible

    day = date(2024, 8, 25)
    assert date_is_visible(day, "By Ann \u2014 AUGUST 25, 2024 \u2014 Yoga")
    assert date_is_visible(day, "\u0130\u0130\u0130\u0130 Aug. 25, 2024")
    assert not date_is_visible(day, "AUGUST 24, 2024")
    many = " ".join(["2024"] * 100) + " August 25, 2024"
    assert date_is_visible(day, many)


def test_scan_datelines_through_the_superset_selector():
    """Classes holding "ateline" in other spellings enter the scan but are no candidates."""
    from newsclean._dom import parse_html
    from newsclean._extract import metadata

    tree = parse_html(
        '<h1 class="xATELINE">T</h1><p class="pateline">a</p><p class="DATELINE">b</p>'
        '<p class="Dateline dateline">c</p><meta class="ateline" content="x" name="k">'
        '<script class="dateline">1</script><p itemprop="dateline" class="byline">d</p>'
        # wrappers the superset lets in: css_matches would see their candidate children
        '<div class="BylinesWrapper" itemprop="author"><span class="byline">e</span></div>'
        '<div class="xDATELINEateline"><span class="Dateline">f</span></div>'
        '<ul class="inline" itemprop="x"><li itemprop="dateline">g</li></ul>'
    )
    scan = metadata._scan(tree)
    assert scan.datelines == tree.css(metadata._DATELINE_SELECTOR)
    assert len(scan.datelines) == 8
    assert scan.h1s == tree.css("h1")
    assert scan.scripts == []
    assert scan.meta == {"k": ["x"]}


# the characters at which urljoin's parsing of an absolute URL changes it or fails
_URL_ALPHABET = "ab.:/;?#[]@%~-_+=& \t\n\x00\x7f\u00e9\u3000\\"


@given(
    st.sampled_from(["http://", "https://", "HTTP://", "http:/", "", "//"]),
    st.text(alphabet=_URL_ALPHABET, max_size=16),
    st.sampled_from(["https://ex.com/a/b?q#f", "http://ex.com/a;p", "HTTPS://ex.com", "ftp://x"]),
)
def test_join_is_urljoin(scheme, rest, base):
    from urllib.parse import urljoin

    from newsclean._extract.metadata import _join

    def outcome(join: Callable[[str, str], str]) -> str:
        try:
            return join(base, scheme + rest)
        except ValueError as error:  # a bad IPv6 host: the same error either way
            return repr(error)

    assert outcome(_join) == outcome(urljoin)


def test_join_keeps_plain_absolute_urls_without_parsing():
    from newsclean._extract.metadata import _join

    href = "https://cdn.example.com/i/a.jpg?w=1200&h=630#top"
    assert _join("https://example.com/story", href) is href
    # a host-less or emptied URL is rebuilt: the base's host, the empty query dropped
    assert _join("https://example.com/story", "https:///x") == "https://example.com/x"
    assert _join("https://example.com/story", "https://a.com/x?") == "https://a.com/x"
    assert _join("http://example.com/story", "https://a.com/x?") == "https://a.com/x?"


@pytest.mark.parametrize(
    "name", ["blog-german-dpa", "news-jsonld-graph", "wire-afp-alibaba", "wire-reuters-dateline"]
)
def test_pipeline_records_are_validated_articles(name):
    """The record stage builds what validating its own fields builds (pydantic's public
    API, no slots written by hand): same instance state, fields set, blocks, JSON."""
    from pathlib import Path

    import newsclean
    from newsclean._record import Article, Block

    page = Path(__file__).parent / "fixtures" / "pages" / f"{name}.html"
    article = newsclean.clean_html(page.read_bytes(), url=f"https://example.com/{name}")
    assert article.blocks
    assert article.word_count > 0
    fields = {field: getattr(article, field) for field in article.model_fields_set}
    assert_built_as_validated(article, Article(**fields))
    for block in article.blocks:
        again = Block(kind=block.kind, text=block.text, level=block.level)
        assert_built_as_validated(block, again)


def test_normalize_line_shortcut_rests_on_every_code_point():
    """normalize_line skips splitting a printable line without two spaces in a row: every
    whitespace character but the space is unprintable, and case folding makes no
    whitespace and no empty string."""
    import sys

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isspace():
            assert char == " " or not char.isprintable(), hex(code)
        else:
            folded = char.casefold()
            assert folded, hex(code)
            assert not any(c.isspace() for c in folded), hex(code)


@pytest.mark.parametrize(
    "line",
    ["Read more", "  Read   MORE » ", " lead", "trail ", "a\u00a0b", "a\u2028b", "x\r\ny", "", " "],
)
def test_normalize_line_matches_splitting_every_line(line):
    from newsclean._vocab import _TRAILING, normalize_line

    expected = " ".join(line.casefold().split()).strip(_TRAILING)
    assert normalize_line(line) == expected
    if "  " not in line:
        assert normalize_line(line, single_spaced=True) == expected


def test_normalize_text_leaves_no_two_spaces_in_a_row():
    """What normalize_blocks' single-spaced line keys rely on."""
    for text in [
        "a  b",
        "a \t b",
        "a\u00a0 \u2003b",
        " x \n  y  \n",
        "&nbsp; &nbsp;z",
        "e\u0301  f",
    ]:
        assert "  " not in normalize_text(text)


def test_normalize_text_only_searches_unprintable_texts():
    """Every character the unusual-character search looks for is unprintable."""
    import sys

    from newsclean._text.normalize import _UNUSUAL

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if _UNUSUAL.match(char):
            assert not char.isprintable(), hex(code)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<p>plain</p>",
        "\x00\x01\x02" * 50 + "x",
        "caf\u00e9 \ud800 \x07",
        "\ufffd" * 8,
        "a\tb\n",
    ],
)
def test_looks_binary_counts_controls_as_the_regex_did(text):
    import re

    from newsclean._pipeline import MAX_BINARY_SHARE, _looks_binary

    sample = text[:4096]
    controls = len(re.findall("[\x00-\x08\x0b\x0e-\x1f]", sample))
    expected = bool(sample) and (
        controls / len(sample) > MAX_BINARY_SHARE or "\ufffd" * 8 in sample
    )
    assert _looks_binary(text) == expected
