"""The native body extractor (``newsclean._extract.native``) and the pipeline's extractor modes.

Small synthetic pages, built inline: a story wrapped in the chrome real news sites carry
(masthead, navigation, cookie banner, footer) and the boilerplate that sits *inside* the
``<article>`` (share bars, newsletter promos, related-story blocks, link farms).
"""

from __future__ import annotations

import json
import re

import pytest
import trafilatura
from hypothesis import given, settings
from hypothesis import strategies as st

import newsclean
import newsclean._dom
import newsclean._pipeline
from newsclean import Options
from newsclean._dom import parse_html
from newsclean._extract import dates
from newsclean._extract import native as native_module
from newsclean._extract.boilerplate import VocabularyPruner, strip_boilerplate
from newsclean._extract.native import NativeResult, extract_native
from newsclean._vocab import load_vocabulary

VOCAB = load_vocabulary()

# Distinct, sentence-like paragraphs (each over 80 characters, with commas, as stories have).
PARAGRAPHS = (
    "The city council voted on Tuesday to approve a new budget that expands funding for "
    "public transit, parks, and libraries across the region.",
    "Council members debated the measure for more than four hours, with several residents "
    "speaking both for and against the proposal during public comment.",
    "Opponents argued that the plan would raise property taxes, while supporters said the "
    "investments were long overdue and would benefit every neighborhood.",
    "The mayor is expected to sign the budget later this week, according to a spokesperson, "
    "who added that implementation would begin in the spring.",
    "Transit officials said the additional money would pay for new buses, longer service "
    "hours on weekends, and a pilot program of free fares for students.",
    "Library advocates, who had campaigned for two years, celebrated outside City Hall after "
    "the vote, holding signs and thanking the council members who backed the plan.",
    "Economists at the state university cautioned that the revenue forecasts behind the "
    "budget assume steady growth, which is far from guaranteed next year.",
    "The council will revisit the spending plan in September, when the first quarterly "
    "figures arrive and members can judge whether the projections hold.",
)

CHROME_MARKERS = (
    "Daily Gazette",
    "News you can trust",
    "Sports",
    "We use cookies",
    "All rights reserved",
)


def _paras(*indexes: int) -> str:
    return "".join(f"<p>{PARAGRAPHS[i]}</p>" for i in indexes)


def news_page(main: str, *, title: str = "Council approves budget") -> str:
    """``main`` wrapped in a page with masthead, navigation, cookie banner and footer."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Daily Gazette</title></head>
<body>
<header class="site-header"><a href="/" class="logo">Daily Gazette</a>
  <div class="tagline">News you can trust, every day of the week since 1887</div></header>
<nav class="main-nav"><ul><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li>
  <li><a href="/opinion">Opinion</a></li><li><a href="/weather">Weather</a></li></ul></nav>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience
  on our website. By continuing to browse you accept our cookie policy.</p></div>
<main id="content">{main}</main>
<footer class="site-footer"><p>Copyright 2025 Daily Gazette. All rights reserved. Contact the
  newsroom at news@example.com for corrections.</p>
  <ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy</a></li></ul></footer>
</body></html>"""


STANDARD_ARTICLE = f"""<article class="story">
<h1>Council approves budget</h1>
<p class="byline">By Jane Doe</p>
<p>{PARAGRAPHS[0]}</p>
<div class="share-bar"><a href="https://facebook.com/share">Facebook</a>
  <a href="https://twitter.com/share">Twitter</a><span>Share this story</span></div>
<p>{PARAGRAPHS[1]}</p>
<h2>What comes next</h2>
<p>{PARAGRAPHS[2]}</p>
<blockquote>This budget is a promise to the people of this city, and we intend to keep it.\
</blockquote>
<ul><li>Transit funding rises by twelve percent</li>
  <li>Library hours are extended on weekends</li></ul>
<div class="newsletter-signup"><h3>Get the morning briefing</h3>
  <p>Sign up for our newsletter to receive the top stories in your inbox every morning.</p>
  </div>
<pre>year  transit  parks
2025  12.0     4.1</pre>
<table><tr><th>Item</th><th>Amount</th></tr><tr><td>Transit</td><td>$12m</td></tr>
  <tr><td>Parks</td><td>$4m</td></tr></table>
<h3>Reaction</h3>
<p>{PARAGRAPHS[3]}</p>
<div class="related-stories"><h3>Related stories</h3><ul>
  <li><a href="/a">Mayor unveils plan for transit</a></li>
  <li><a href="/b">Library hours cut last year</a></li></ul></div>
</article>"""

STANDARD_PAGE = news_page(STANDARD_ARTICLE)


def clean(html: str, **options: object) -> newsclean.Article:
    return newsclean.clean_html(html, options=Options(**options))  # type: ignore[arg-type]


def native(html: str, **options: object) -> newsclean.Article:
    article = clean(html, extractor="native", **options)
    assert article.extractor == "native"
    return article


def run_native(html: str, *, pruned: bool = True, include_tables: bool = True) -> NativeResult:
    """``extract_native`` as the pipeline runs it: after the DOM stage, with the pruner."""
    tree = parse_html(html)
    report = strip_boilerplate(tree, VOCAB, vocabulary=False)
    pruner = (
        VocabularyPruner(tree, VOCAB, include_comments=False, page_chars=report.page_chars)
        if pruned
        else None
    )
    assert tree.body is not None
    return extract_native(tree.body, pruner=pruner, include_tables=include_tables)


def kinds(article: newsclean.Article, kind: str) -> list[str]:
    return [b.text for b in article.blocks if b.kind == kind]


@pytest.fixture
def trafilatura_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls of ``trafilatura.bare_extraction`` (which still runs)."""
    calls: list[int] = []
    real = trafilatura.bare_extraction

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(trafilatura, "bare_extraction", counting)
    return calls


@pytest.fixture
def no_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any call of ``trafilatura.bare_extraction`` fails the test (AssertionError propagates)."""

    def forbidden(*args: object, **kwargs: object) -> object:
        raise AssertionError("trafilatura was called")

    monkeypatch.setattr(trafilatura, "bare_extraction", forbidden)


# --- 1. a standard news page -------------------------------------------------------------


@pytest.fixture(scope="module")
def standard() -> newsclean.Article:
    return newsclean.clean_html(STANDARD_PAGE, options=Options(extractor="native"))


def test_standard_page_paragraphs_in_order(standard):
    assert standard.extractor == "native"
    paragraphs = kinds(standard, "paragraph")
    assert paragraphs == [PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[2], PARAGRAPHS[3]]


def test_standard_page_has_no_boilerplate(standard):
    text = standard.text
    for marker in (
        *CHROME_MARKERS,
        "Facebook",
        "Share this story",
        "morning briefing",
        "Sign up for our newsletter",
        "Related stories",
        "Mayor unveils plan",
        "Library hours cut",
    ):
        assert marker not in text, marker


def test_standard_page_headings_with_levels(standard):
    headings = [(b.text, b.level) for b in standard.blocks if b.kind == "heading"]
    assert headings == [("What comes next", 2), ("Reaction", 3)]


def test_standard_page_block_order(standard):
    order = [b.kind for b in standard.blocks]
    assert order == [
        "paragraph",
        "paragraph",
        "heading",
        "paragraph",
        "quote",
        "list_item",
        "list_item",
        "code",
        "table",
        "heading",
        "paragraph",
    ]


def test_blockquote_is_a_quote_block(standard):
    assert kinds(standard, "quote") == [
        "This budget is a promise to the people of this city, and we intend to keep it."
    ]


def test_list_items_are_list_item_blocks(standard):
    assert kinds(standard, "list_item") == [
        "Transit funding rises by twelve percent",
        "Library hours are extended on weekends",
    ]


def test_pre_is_a_code_block_with_its_newlines(standard):
    (code,) = kinds(standard, "code")
    assert code.split("\n")[0].startswith("year")
    assert code.count("\n") == 1
    assert "2025" in code.split("\n")[1]


def test_native_keeps_code_indentation():
    result = run_native(news_page(f"<article>{_paras(0, 1, 2)}<pre>def f():\n    return 1\n</pre>"))
    assert result.blocks[-1].kind == "code"
    assert result.blocks[-1].text == "def f():\n    return 1"


def test_code_lines_broken_by_br_or_line_elements_stay_lines():
    code = (
        "<pre>#!/usr/bin/env python3<br><br>import os<br>CONFIG = {<br>    'a': 1,<br>}</pre>"
        '<pre><code><span class="line">def f():</span><div>    return 1</div></code></pre>'
    )
    article = native(news_page(f"<article>{_paras(0, 1, 2)}{code}</article>"))
    assert kinds(article, "code") == [
        "#!/usr/bin/env python3\n\nimport os\nCONFIG = {\n    'a': 1,\n}",
        "def f():\n    return 1",
    ]


def test_record_keeps_code_indentation():
    article = native(news_page(f"<article>{_paras(0, 1, 2)}<pre>def f():\n    return 1\n</pre>"))
    assert kinds(article, "code") == ["def f():\n    return 1"]


def test_data_table_is_a_table_block(standard):
    assert kinds(standard, "table") == ["Item | Amount\nTransit | $12m\nParks | $4m"]


def test_include_tables_false_drops_the_table():
    article = native(STANDARD_PAGE, include_tables=False)
    assert kinds(article, "table") == []
    assert "$12m" not in article.text
    # the rest of the story is unaffected
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:4])
    result = run_native(STANDARD_PAGE, include_tables=False)
    assert all(b.kind != "table" for b in result.blocks)


def test_layout_table_is_not_a_table_block():
    # an old site: the whole page is a table; the story is a cell full of paragraphs
    nav = "".join(f"<a href='/s{i}'>Section {i}</a><br>" for i in range(8))
    html = (
        "<html><body><table width='100%' border='0'>"
        "<tr><td colspan='2'><img src='logo.gif'><b>The Valley Courier</b></td></tr>"
        f"<tr><td width='150' valign='top'>{nav}</td>"
        f"<td valign='top'><h1>Council approves budget</h1>{_paras(0, 1, 2, 3)}</td></tr>"
        "<tr><td colspan='2'><small>Copyright 2003 The Valley Courier</small></td></tr>"
        "</table></body></html>"
    )
    article = native(html)
    assert kinds(article, "table") == []
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:4])
    assert "Section 3" not in article.text
    assert "Copyright" not in article.text


def test_layout_table_with_font_and_br_keeps_text():
    cell = "<br><br>".join(PARAGRAPHS[:3])
    html = f"<html><body><table><tr><td><font face='arial'>{cell}</font></td></tr></table>"
    article = native(html)
    assert kinds(article, "table") == []
    assert article.text.split("\n") == list(PARAGRAPHS[:3])


def test_layout_table_navigation_cell_is_dropped():
    html = (
        "<html><body><table width='100%'><tr>"
        "<td width='120'><a href='/'>Home</a><br><a href='/news'>News</a><br>"
        "<a href='/sports'>Sports</a></td>"
        f"<td>{_paras(0, 1, 2, 3)}</td></tr></table></body></html>"
    )
    article = native(html)
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:4])


def test_related_block_kept_by_the_dom_stage_is_pruned_in_the_article():
    # the related block is too large for the page-level guard (>25% of the page text), so
    # the pruner keeps it and remembers it; the writer drops it as small for the article
    teasers = "".join(
        f"<div class='teaser'><h4><a href='/r{i}'>Headline of related story number {i}</a></h4>"
        "<p>A teaser sentence for the related story, long enough to count as text.</p></div>"
        for i in range(3)
    )
    html = (
        f"<html><body><article>{_paras(0, 1, 2, 3)}"
        f"<div class='related'><h3>More on this story</h3>{teasers}</div></article></body></html>"
    )
    tree = parse_html(html)
    report = strip_boilerplate(tree, VOCAB, vocabulary=False)
    pruner = VocabularyPruner(tree, VOCAB, include_comments=False, page_chars=report.page_chars)
    assert tree.body is not None
    result = extract_native(tree.body, pruner=pruner)
    assert "related" in pruner.kept.values()
    assert [b.text for b in result.blocks] == list(PARAGRAPHS[:4])
    assert "teaser sentence" not in native(html).text


# --- 2. bodies split across blocks ----------------------------------------------------------


def test_site_builder_text_blocks_between_images_all_come_out():
    parts = []
    for i in range(0, 8, 2):
        parts.append(f"<div class='text-block'>{_paras(i, i + 1)}</div>")
        parts.append(
            "<div class='image-block'><figure><img src='p.jpg' alt=''>"
            f"<figcaption>Photo {i}: residents at City Hall</figcaption></figure></div>"
        )
    article = native(news_page(f"<div class='page-content'>{''.join(parts)}</div>"))
    assert kinds(article, "paragraph") == list(PARAGRAPHS)
    assert "residents at City Hall" not in article.text


def test_sibling_sections_all_come_out():
    sections = "".join(
        f"<section class='chapter'><h2>Part {i + 1}</h2>{_paras(2 * i, 2 * i + 1)}</section>"
        for i in range(4)
    )
    for wrapper in ("article", "div"):
        article = native(news_page(f"<{wrapper}>{sections}</{wrapper}>"))
        assert kinds(article, "paragraph") == list(PARAGRAPHS), wrapper
        assert [(b.text, b.level) for b in article.blocks if b.kind == "heading"] == [
            (f"Part {i}", 2) for i in range(1, 5)
        ]


def test_paragraph_siblings_of_the_winner_join_it():
    # a lede and a coda as bare <p> siblings of the main text container
    html = news_page(
        f"<p>{PARAGRAPHS[0]}</p><div class='body'>{_paras(1, 2, 3, 4, 5)}</div>"
        f"<p>{PARAGRAPHS[6]}</p>"
    )
    assert kinds(native(html), "paragraph") == list(PARAGRAPHS[:7])


# --- 3. inline content -----------------------------------------------------------------------


def test_br_inside_paragraph_keeps_a_line_break():
    html = news_page(
        f"<article>{_paras(0, 1)}<p>The council meets at<br>100 Main Street, Springfield,"
        f"<br/>every second Tuesday of the month.</p>{_paras(2, 3)}</article>"
    )
    article = native(html)
    assert (
        "The council meets at\n100 Main Street, Springfield,\nevery second Tuesday of the month."
        in kinds(article, "paragraph")
    )


@pytest.mark.parametrize("tag", ["p", "blockquote", "li"])
def test_source_newlines_are_spaces(tag):
    wrapped = PARAGRAPHS[4].replace(" new buses,", "\n  new buses,").replace(" and a", "\nand a")
    assert "\n" in wrapped
    inner = f"<{tag}>{wrapped}</{tag}>"
    if tag == "li":
        inner = f"<ul>{inner}<li>A second item of the list.</li></ul>"
    result = run_native(news_page(f"<article>{_paras(0, 1)}{inner}{_paras(2, 3)}</article>"))
    assert PARAGRAPHS[4] in [b.text for b in result.blocks]


def test_inline_elements_keep_their_spacing():
    html = news_page(
        f"<article>{_paras(0)}<p>It was a <em>b</em>c moment: <a href='/x'>link</a>ed words, "
        f"<strong>bold</strong> claims and <a href='/y'>a link</a> at the end. "
        f"{PARAGRAPHS[1]}</p>{_paras(2, 3)}</article>"
    )
    article = native(html)
    assert kinds(article, "paragraph")[1] == (
        f"It was a bc moment: linked words, bold claims and a link at the end. {PARAGRAPHS[1]}"
    )


# --- 4. link farms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "farm",
    [
        "<ul>" + "".join(f"<li><a href='/t{i}'>Topic {i}</a></li>" for i in range(6)) + "</ul>",
        "<div>" + " | ".join(f"<a href='/t{i}'>Topic {i}</a>" for i in range(6)) + "</div>",
        "<ul>"
        + "".join(f"<li><a href='/s{i}'>Another headline, number {i}</a></li>" for i in range(6))
        + "</ul>",
    ],
    ids=["ul-short", "div-inline", "ul-headlines"],
)
def test_link_farm_in_article_is_dropped(farm):
    linked_html = (
        f"{PARAGRAPHS[1]} See <a href='/report'>the report</a> and "
        "<a href='/statement'>the statement</a> for details."
    )
    linked = f"{PARAGRAPHS[1]} See the report and the statement for details."
    html = news_page(f"<article>{_paras(0)}{farm}<p>{linked_html}</p>{_paras(2, 3)}</article>")
    # without the vocabulary pruner: the writer itself drops the farm
    result = run_native(html, pruned=False)
    assert [b.text for b in result.blocks] == [PARAGRAPHS[0], linked, PARAGRAPHS[2], PARAGRAPHS[3]]
    article = native(html)
    assert kinds(article, "paragraph") == [PARAGRAPHS[0], linked, PARAGRAPHS[2], PARAGRAPHS[3]]
    assert kinds(article, "list_item") == []


def test_list_of_real_items_with_a_link_is_kept():
    items = (
        "<ul><li>Buses every ten minutes on the <a href='/r1'>Route 1</a> corridor</li>"
        "<li>Free fares for students under eighteen during the school year</li>"
        "<li>Weekend library hours extended until eight in the evening</li></ul>"
    )
    article = native(news_page(f"<article>{_paras(0, 1)}{items}{_paras(2, 3)}</article>"))
    assert len(kinds(article, "list_item")) == 3


# --- 5. forum thread served inside <noscript> ------------------------------------------------


def test_discourse_thread_in_noscript(no_trafilatura):
    posts = "".join(
        "<div class='topic-body crawler-post'><div class='crawler-post-meta'>"
        f"<span class='creator'><a href='/u/user{i}'>user{i}</a></span></div>"
        f"<div class='post' itemprop='text'><p>{PARAGRAPHS[i]}</p></div></div>"
        for i in range(5)
    )
    html = f"""<html><head><title>Budget thread - Civic Forum</title></head>
<body class="crawler"><noscript data-path="/t/budget/1">
<header class="d-header"><a href="/">Civic Forum</a></header>
<div id="main-outlet" class="wrap" role="main">
<div id="topic-title"><h1><a href="/t/budget/1">Budget thread</a></h1></div>{posts}</div>
<footer class="container wrap"><nav class="crawler-nav"><ul><li><a href="/">Home</a></li>
<li><a href="/categories">Categories</a></li></ul></nav></footer></noscript>
<div id="discourse-app"></div><script>window.app = {{}};</script></body></html>"""
    article = native(html)
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:5])
    # auto mode is content with the native result (trafilatura would raise)
    assert clean(html).extractor == "native"


# --- 6. extractor modes -------------------------------------------------------------------


WEAK_PAGE = news_page(
    "<article><h1>Road reopens</h1><p>Officials confirmed the road will reopen Monday.</p>"
    "</article>",
    title="Road reopens",
)


def test_native_mode_never_calls_trafilatura(no_trafilatura):
    article = clean(STANDARD_PAGE, extractor="native")
    assert article.extractor == "native"
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:4])
    # not even on a weak page
    weak = clean(WEAK_PAGE, extractor="native")
    assert weak.extractor == "native"
    assert weak.text == "Officials confirmed the road will reopen Monday."


def test_auto_is_the_default_and_good_pages_stay_native(trafilatura_calls):
    assert Options().extractor == "auto"
    article = newsclean.clean_html(STANDARD_PAGE)
    assert article.extractor == "native"
    assert trafilatura_calls == []
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:4])


def test_auto_consults_trafilatura_on_a_weak_page(trafilatura_calls):
    article = clean(WEAK_PAGE, extractor="auto")
    assert trafilatura_calls, "trafilatura was not consulted"
    assert "Officials confirmed the road will reopen Monday." in article.text


def test_auto_keeps_native_when_trafilatura_finds_nothing(monkeypatch):
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    article = clean(WEAK_PAGE, extractor="auto")
    assert article.extractor == "native"
    assert article.text == "Officials confirmed the road will reopen Monday."


def test_trafilatura_mode(trafilatura_calls):
    article = clean(STANDARD_PAGE, extractor="trafilatura")
    assert article.extractor.startswith("trafilatura")
    assert trafilatura_calls
    assert PARAGRAPHS[0] in article.text


def test_unknown_extractor_is_an_options_error():
    with pytest.raises(newsclean.OptionsError, match="bogus"):
        Options(extractor="bogus")  # type: ignore[arg-type]


# --- 7. confidence ------------------------------------------------------------------------


def test_rich_article_is_confident():
    result = run_native(STANDARD_PAGE)
    assert result.confidence >= 0.5
    assert result.reasons == ()
    assert result.page_chars > 0
    # without the pruner too (the bare unit)
    tree = parse_html(news_page(f"<article>{_paras(*range(8))}</article>"))
    assert tree.body is not None
    bare = extract_native(tree.body)
    assert bare.confidence >= 0.5
    assert bare.reasons == ()
    assert [b.text for b in bare.blocks] == list(PARAGRAPHS)


def test_single_short_paragraph_is_not_confident():
    result = run_native(WEAK_PAGE)
    assert result.confidence < 0.5
    assert "short" in result.reasons
    assert result.blocks[-1].text == "Officials confirmed the road will reopen Monday."


def test_link_heavy_winner_lowers_confidence():
    html = (
        "<html><body><div>"
        + "".join(f"<p>{p} <a href='/x{i}'>{p}</a></p>" for i, p in enumerate(PARAGRAPHS[:4]))
        + "</div></body></html>"
    )
    tree = parse_html(html)
    assert tree.body is not None
    result = extract_native(tree.body)
    assert "link-heavy" in result.reasons
    assert result.confidence <= 0.5


@pytest.mark.parametrize(
    "html",
    ["<html><body></body></html>", "<html><body><div><span> </span></div></body></html>"],
    ids=["empty", "whitespace"],
)
def test_empty_body_has_zero_confidence(html):
    body = parse_html(html).body
    assert body is not None
    result = extract_native(body)
    assert result.blocks == []
    assert result.confidence == 0.0
    assert result.reasons


# --- 8. robustness ------------------------------------------------------------------------


def test_five_thousand_nested_divs_give_a_record():
    html = "<html><body>" + "<div>" * 5000 + _paras(0, 1, 2) + "</div>" * 5000 + "</body></html>"
    for mode in ("auto", "native"):
        article = clean(html, extractor=mode)
        assert isinstance(article, newsclean.Article)
        assert PARAGRAPHS[0] in article.text, mode


@pytest.mark.parametrize("depth", [400, 5000])
def test_deep_nesting_stays_native(depth, no_trafilatura):
    html = "<html><body>" + "<div>" * depth + _paras(0, 1, 2) + "</div>" * depth
    article = clean(html + "</body></html>", extractor="native")
    assert article.extractor == "native"
    assert not any("native extractor failed" in w for w in article.warnings)


def test_nesting_within_max_depth_stays_native(no_trafilatura):
    html = "<html><body>" + "<div>" * 190 + _paras(0, 1, 2) + "</div>" * 190 + "</body></html>"
    article = native(html)
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:3])
    assert article.warnings == ()


LINKS_ONLY = (
    "<html><body><ul>"
    + "".join(f"<li><a href='/p{i}'>Page number {i}</a></li>" for i in range(50))
    + "</ul></body></html>"
)


def test_page_of_only_links_native():
    result = run_native(LINKS_ONLY)
    assert result.blocks == []
    assert result.confidence == 0.0
    article = clean(LINKS_ONLY, extractor="native")
    assert article.blocks == ()
    assert "no article body found" in article.warnings
    with pytest.raises(newsclean.NoContentError):
        clean(LINKS_ONLY, extractor="native", raise_on_empty=True)


def test_page_of_only_links_auto(trafilatura_calls):
    # native finds nothing, so trafilatura is asked (it returns the link texts: its call)
    article = clean(LINKS_ONLY, extractor="auto")
    assert isinstance(article, newsclean.Article)
    assert trafilatura_calls


BARE_BODY = "<html><body>" + "<br><br>".join(PARAGRAPHS[:4]) + "</body></html>"


@pytest.mark.parametrize("mode", ["auto", "native", "trafilatura"])
def test_text_directly_in_body_does_not_raise(mode):
    article = clean(BARE_BODY, extractor=mode)
    assert isinstance(article, newsclean.Article)


def test_text_directly_in_body_comes_out():
    article = clean(BARE_BODY, extractor="native")
    assert article.text.split("\n") == list(PARAGRAPHS[:4])


# --- 9. one parse -----------------------------------------------------------------------------


def test_native_mode_parses_once(monkeypatch, no_trafilatura):
    pipeline_calls: list[int] = []
    parser_calls: list[int] = []
    real_parse = newsclean._pipeline.parse_html
    real_parser = newsclean._dom.LexborHTMLParser

    def counting_parse(html: str):  # type: ignore[no-untyped-def]
        pipeline_calls.append(1)
        return real_parse(html)

    def counting_parser(html: str):  # type: ignore[no-untyped-def]
        parser_calls.append(1)
        return real_parser(html)

    monkeypatch.setattr(newsclean._pipeline, "parse_html", counting_parse)
    # every lexbor parse anywhere in newsclean goes through this name
    monkeypatch.setattr(newsclean._dom, "LexborHTMLParser", counting_parser)
    article = clean(STANDARD_PAGE, extractor="native")
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:4])
    assert pipeline_calls == [1]
    assert parser_calls == [1]


# --- 10. repeated structures, edges, the auto choice, the date region ----------------------

PRODUCTS = [
    ("Steel Water Bottle - 32 fl. oz.", "$17.00", "Cap Type: Screw Cap"),
    ("Insulated Bottle with Chug Cap", "$50.00", "Features: Insulated"),
    ("Narrow-Mouth Trail Bottle", "$10.93", "Bottle Opening: Narrow"),
    ("Collapsible Hiking Flask", "$22.50", "Weight: 3.1 oz."),
    ("Kids Bottle with Straw Lid", "$14.95", "Capacity: 12 fl. oz."),
    ("Glass Bottle with Sleeve", "$29.00", "Material: Borosilicate Glass"),
]


def product_grid_page() -> str:
    cards = "".join(
        f'<li class="tile"><a href="/p/{i}"><h2>{name}</h2></a><span>{price}</span>'
        f"<div>{spec}</div></li>"
        for i, (name, price, spec) in enumerate(PRODUCTS)
    )
    return news_page(
        f'<h1>Water bottles</h1><p class="count">171 products</p><ul class="results">{cards}</ul>',
        title="Water bottles",
    )


def test_a_product_grid_is_kept_whole(no_trafilatura):
    article = native(product_grid_page())
    for name, price, spec in PRODUCTS:
        assert name in article.text
        assert price in article.text
        assert spec in article.text
    for marker in CHROME_MARKERS:
        assert marker not in article.text


def test_a_listing_is_reported_as_such():
    result = run_native(product_grid_page())
    assert result.reasons == ("listing",)
    assert result.confidence >= 0.5
    assert result.container is not None
    assert result.container.tag in ("ul", "main")


def test_an_article_with_a_short_list_is_not_a_listing():
    result = run_native(STANDARD_PAGE)
    assert "listing" not in result.reasons
    assert result.confidence >= 0.5


def test_furniture_around_the_story_is_trimmed(no_trafilatura):
    html = news_page(
        "<article>"
        '<div class="kicker"><span>Read the Blog</span></div>'
        f"{_paras(0, 1, 2, 3)}"
        "<h3>Take the next step</h3><p>Get started for free</p>"
        "<p><span>Talk to our team</span></p>"
        "</article>"
    )
    article = native(html)
    assert kinds(article, "paragraph") == list(PARAGRAPHS[:4])
    for gone in ("Read the Blog", "Take the next step", "Get started for free", "Talk to our"):
        assert gone not in article.text


def test_a_closing_list_of_sources_stays():
    sources = [
        "City of Springfield, Adopted Budget for the Fiscal Year 2026, Volume One",
        "State University Economic Forecast, Spring Edition, Department of Economics",
    ]
    items = "".join(f"<li>{s}</li>" for s in sources)
    article = native(news_page(f"<article>{_paras(0, 1, 2)}<ul>{items}</ul></article>"))
    assert kinds(article, "list_item") == sources


def test_shop_and_forum_labels_are_boilerplate_lines():
    html = news_page(
        f"<article>{_paras(0, 1)}<p>Add to cart</p><p>Joined</p><p>Reaction score</p>"
        f"{_paras(2, 3)}</article>"
    )
    text = native(html).text
    for gone in ("Add to cart", "Joined", "Reaction score"):
        assert gone not in text
    assert PARAGRAPHS[3] in text


def test_auto_takes_trafilatura_only_when_clearly_longer():
    weak = NativeResult([newsclean._extract.body.RawBlock("paragraph", "x" * 100)], 0.3)
    longer = newsclean._extract.body.BodyResult(
        [newsclean._extract.body.RawBlock("paragraph", "y" * 130)], "trafilatura"
    )
    similar = newsclean._extract.body.BodyResult(
        [newsclean._extract.body.RawBlock("paragraph", "y" * 110)], "trafilatura"
    )
    assert newsclean._pipeline._auto_choice(weak, longer).extractor == "trafilatura"
    assert newsclean._pipeline._auto_choice(weak, similar).extractor == "native"


def test_date_search_reads_the_head_and_the_article_surroundings():
    html = news_page(
        '<div class="related"><time>1 January 2019</time></div>'
        '<div class="l1"><div class="l2"><div class="l3"><div class="l4"><div class="story">'
        '<article><p class="date">Published 3 May 2025</p>'
        f"{_paras(0, 1, 2)}</article></div></div></div></div></div>"
    )
    tree = parse_html(html)
    result = run_native(html)
    container = tree.css_first("article")
    region = dates.htmldate_digest(tree, container)
    assert region.startswith("<html><head>")
    assert "<title>Council approves budget" in region
    assert '<p class="date">Published 3 May 2025</p>' in region
    assert PARAGRAPHS[2] in region
    assert "1 January 2019" not in region
    assert "cookie" not in region
    assert result.container is not None
    # the whole body when there is no container to go by
    assert "1 January 2019" in dates.htmldate_digest(tree, None)


def test_signup_box_goes_with_its_heading_and_blurb():
    box = (
        '<div class="col-lg-4"><div class="blue-box"><h2>Become a member</h2>'
        "<p>We will never sell your information. Unsubscribe at any time.</p></div>"
        '<div class="holder"><form action="/join"><label>Your e-mail</label>'
        '<input type="email" name="address"><button>Join</button></form></div></div>'
    )
    article = native(news_page(f"<article>{_paras(0, 1)}</article>{box}"))
    assert "Become a member" not in article.text
    assert "never sell your information" not in article.text
    assert PARAGRAPHS[1] in article.text


def test_forms_in_the_story_or_around_the_page_are_not_signup_boxes():
    # an ASP.NET page: one form around everything, with a newsletter field somewhere
    wrapped = (
        f'<form id="aspnetForm"><article>{_paras(0, 1, 2)}</article>'
        '<input type="email" name="newsletter_email"></form>'
    )
    assert PARAGRAPHS[2] in native(news_page(wrapped)).text
    # a sign-up box inside the story takes only its own small box, not the story around it
    inside = (
        f'<article>{_paras(0, 1)}<div class="x"><h3>Get our newsletter</h3><form>'
        f'<input type="email"></form></div>{_paras(2)}</article>'
    )
    text = native(news_page(inside)).text
    assert "Get our newsletter" not in text
    assert PARAGRAPHS[1] in text
    assert PARAGRAPHS[2] in text


def test_a_comment_thread_longer_than_the_story_is_still_not_the_story():
    reply = (
        "<li class='comment'><p>{} I have been following this budget debate all year and "
        "I think the council finally got it right this time, mostly.</p></li>"
    )
    thread = "".join(reply.format(f"Reader {i} says:") for i in range(40))
    html = news_page(
        f'<div class="post">{_paras(0, 1, 2, 3)}'
        f'<div id="comments" class="comments-area"><h2>40 Comments</h2><ol>{thread}</ol></div>'
        "</div>"
    )
    text = native(html).text
    assert PARAGRAPHS[3] in text
    assert "Reader 7 says" not in text
    assert "Reader 7 says" in native(html, include_comments=True).text


def test_collapsed_accordion_panels_are_content_other_hidden_boxes_are_not():
    panel = (
        '<h3><a role="button" aria-controls="step-2">2. Get quotes</a></h3>'
        f'<div id="step-2" style="display:none">{_paras(4)}</div>'
        '<h3><a role="button">3. Compare</a></h3>'
        f'<div role="region" aria-labelledby="h3" hidden>{_paras(5)}</div>'
    )
    hidden_promo = '<div style="display: none"><p>Win a free trip to Hawaii today!</p></div>'
    text = native(news_page(f"<article>{_paras(0, 1, 2, 3)}{panel}{hidden_promo}</article>")).text
    assert PARAGRAPHS[4] in text
    assert PARAGRAPHS[5] in text
    assert "Hawaii" not in text


def test_date_elements_list_what_the_date_selector_lists():
    """The cheaper query gives the nodes of DATE_ELEMENTS, in order, as often as it does."""
    tree = parse_html(
        '<body><div class="updated-date Date meta">a</div><p class="related">b</p>'
        '<span class="template" id="date-x">c</span><time class="time">d</time>'
        '<abbr class="DATE">e</abbr><i class="state posted byline" itemprop="dateModified">f</i>'
        '<b class="Updated">g</b><u class="dateUpdated publish">h</u></body>'
    )
    body = tree.body
    assert body is not None
    expected = body.css(dates.DATE_ELEMENTS)
    assert len(expected) > len({n.mem_id for n in expected})
    listed = [n for n, count in dates._date_elements(body) for _ in range(count)]
    assert listed == expected


def test_date_digest_keeps_at_most_the_first_date_elements():
    cells = "".join(f'<span class="date meta">{i} May 2025</span>' for i in range(20))
    region = dates.htmldate_digest(parse_html(f"<body>{cells}</body>"), None)
    # each span is listed twice (two selectors): the first 30 entries are 15 spans
    assert region.count('<span class="date meta">') == dates.DATE_ELEMENTS_MAX
    assert ">14 May 2025<" in region
    assert ">15 May 2025<" not in region


def test_a_story_cut_into_repeated_rows_is_whole():
    # each part of the story sits in its own row, beside a photo with a long caption: no
    # ancestor reads as mostly paragraphs, so the parts are found as cousins
    caption = (
        "Photograph by the staff photographer: council members, residents and city officials "
        "gathered in the chamber on Tuesday evening for the final vote on the budget, which "
        "ran late into the night after hours of public comment from both sides of the debate."
    )

    def row(*indexes: int) -> str:
        return (
            f'<div class="post-row"><div class="post-main">{_paras(*indexes)}</div>'
            f'<div class="post-photo"><figure><figcaption>{caption} {caption}</figcaption>'
            "</figure></div></div>"
        )

    rows = (
        row(0, 1, 2, 3, 4)
        + '<div class="post-row"><div class="ad-slot">Advertisement</div></div>'
        + row(5)
        + row(6, 7)
    )
    text = native(news_page(f'<div class="post-content">{rows}</div>')).text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "staff photographer" not in text


def test_teaser_cards_beside_the_story_do_not_join_it():
    teaser = (
        "A short summary of another story from this week, written to make readers click "
        "through to the full article on the site."
    )
    cards = "".join(
        f'<div class="card"><h3><a href="/story/{i}">Another headline about the city, '
        f"number {i}</a></h3><p>{teaser}</p></div>"
        for i in range(6)
    )
    html = news_page(
        f'<div class="wrap"><div class="story-body">{_paras(0, 1, 2, 3, 4, 5, 6, 7)}</div>'
        f'<div class="more"><h2>Read this next</h2><div class="cards">{cards}</div></div></div>'
    )
    text = native(html).text
    assert PARAGRAPHS[7] in text
    assert "Another headline about the city" not in text
    assert "another story from this week" not in text


def test_sentences_beside_a_list_of_links_stay():
    links = "".join(
        f'<li><a href="/pull/{i}">compiler: support one more kind of cast, patch {i}</a></li>'
        for i in range(12)
    )
    section = (
        '<div class="section"><h2>Patches status</h2>'
        "<p>There has been some nice progress on the compiler side these past months.</p>"
        f"<p>Many patches were sent for review:</p><ul>{links}</ul></div>"
    )
    story = f"<article>{_paras(0, 1, 2, 4, 5, 6, 7)}{section}{_paras(3)}</article>"
    text = native(news_page(story)).text
    assert "nice progress on the compiler side" in text
    assert PARAGRAPHS[3] in text


# ---- class/id words: the vocabulary's categories and the class weights, without regexes ----

# what a word may be made of in the generated class strings, and what separates them
_WORD_PIECES = (
    *sorted(set().union(*VOCAB.class_tokens.values())),
    "share", "bar", "read", "more", "ad", "x", "Ad", "é", "recommend", "recommended_", "article",
    "body", "rich", "text", "h", "entry", "comments", "commentsx", "", "sr", "only", "a11y",
)  # fmt: skip
_SEPARATORS = (" ", "-", "_", "--", "-_", "\t", "\n", "\u00a0", "\u3000", ".", ":", "")
_ODD_CLASSES = (
    "",
    " ",
    "share-bar",
    "share_bar",
    "share bar",
    "post-share-bar",
    "x--share-bar-",
    "read-more-links",
    "read-more",
    "read-next-x",
    "-ad",
    "ad-",
    "ad\n",
    "ad\u00a0x",
    "\u3000ad",
    "ads-ad-slot",
    "ad-slot2",
    "sr--only",
    "comment-formx comment-form",
    "social-media-links",
    "xad ad",
    "ad.x",
    "shareholder-news",
    "related_posts widget",
    "recommend",
    "recommendé-x",
    "recommend.x",
    "xrecommend",
    "article-body",
    "story_body",
    "h-entry",
    "rich-text",
)
_class_strings = st.lists(
    st.tuples(st.sampled_from(_WORD_PIECES), st.sampled_from(_SEPARATORS)), max_size=6
).map(lambda parts: "".join(word + sep for word, sep in parts))


def _regex_weight(marker: str) -> float:
    """The class weight as native.py first wrote it: two word-aware regexes."""
    positive = re.compile(
        r"(?:^|[\s_-])(?:article|articlebody|article-?body|body|content|entry|hentry|h-entry|"
        r"main|page|post|text|blog|story|storybody|story-?body|prose|rich-?text|single)"
        r"(?=$|[\s_-])"
    )
    negative = re.compile(
        r"(?:^|[\s_-])(?:ad|ads|banner|combx|comments?|com|contact|foot|footer|footnote|gdpr|"
        r"masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|"
        r"sponsor|shopping|tags|tool|widget|teaser|card|nav|menu|hidden|byline|author|caption|"
        r"newsletter|subscribe|recommend\w*|trending|popular)(?=$|[\s_-])"
    )
    marker = marker.strip()
    if not marker:
        return 0.0
    weight = 0.0
    if positive.search(marker):
        weight += 25.0
    if negative.search(marker):
        weight -= 25.0
    return weight


@pytest.mark.parametrize("marker", _ODD_CLASSES)
def test_class_words_find_the_category_the_regex_finds(marker):
    assert VOCAB.class_words.exact
    assert VOCAB._match_category(marker) == VOCAB._regex_category(marker)


@settings(max_examples=3000, deadline=None)
@given(_class_strings)
def test_class_words_agree_with_the_regex_on_generated_classes(marker):
    assert VOCAB._match_category(marker) == VOCAB._regex_category(marker)


def test_class_words_with_a_users_tokens(tmp_path):
    # tokens of several words (a space inside), and a token the words cannot place: the
    # leading '-' sends the whole vocabulary back to the regex
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"class_tokens": {"share": ["share bar extra", "top-share"]}}))
    vocab = load_vocabulary(extra_files=(str(path),))
    assert vocab.class_words.exact
    for marker in ("x share bar extra", "top-share-bar", "top share", "share bar", "top-sharex"):
        assert vocab._match_category(marker) == vocab._regex_category(marker)
    other = tmp_path / "odd.json"
    other.write_text(json.dumps({"class_tokens": {"ads": ["-sponsored"]}}))
    odd = load_vocabulary(extra_files=(str(other),))
    assert not odd.class_words.exact
    assert odd.boilerplate_category("box--sponsored") == "ads"


@pytest.mark.parametrize("marker", _ODD_CLASSES)
def test_class_weight_by_words_is_the_regexes_weight(marker):
    assert native_module._marker_weight(marker) == _regex_weight(marker)


@settings(max_examples=3000, deadline=None)
@given(_class_strings)
def test_class_weight_agrees_with_the_regexes_on_generated_classes(marker):
    assert native_module._marker_weight(marker) == _regex_weight(marker)


def test_pruners_share_their_vocabulary_answers_between_pages():
    # sites repeat their class strings from page to page: each is matched once per process
    first = VocabularyPruner(parse_html("<p>x</p>"), VOCAB, include_comments=False)
    second = VocabularyPruner(parse_html("<p>y</p>"), VOCAB, include_comments=False)
    with_comments = VocabularyPruner(parse_html("<p>z</p>"), VOCAB, include_comments=True)
    assert first.seen is second.seen
    assert with_comments.seen is not first.seen
    assert first.category_of("comments-area xyz") == "comments"
    assert second.seen["comments-area xyz"] == "comments"
    assert with_comments.category_of("comments-area xyz") is None
