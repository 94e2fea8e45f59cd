"""The facts table's two readers, and the rules that decide over it, checked both ways.

The compiled reader (``newsclean._extract._speedups``, see ``speedups.py``) and the Python
one (``facts.read_python``) must fill the same table: the tests compare the tables, the
native extractor's results and the records on tricky markup, on every fixture and on
generated markup, each time on a fresh parse. The rules live once, in Python, over the
table: a rule changed in Python changes both readers' results the same way.
"""

from __future__ import annotations

import gzip
import importlib.util
import inspect
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import selectolax
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsclean
from newsclean._dom import parse_html
from newsclean._extract import facts, native, speedups
from newsclean._extract.boilerplate import VocabularyPruner, strip_boilerplate
from newsclean._vocab import load_vocabulary

VOCAB = load_vocabulary()
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ACTIVE = native.speedups_active()
COMPILED = facts.reader()
needs_compiled = pytest.mark.skipif(not ACTIVE, reason=f"compiled reader: {native.SPEEDUPS.reason}")

STORY = (
    "The council voted on Tuesday to approve a budget that expands funding for transit, "
    "parks, and libraries across the region, after a debate of more than four hours."
)


def _fixture_pages() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.name.endswith((".html", ".html.gz")))


def _read(path: Path) -> str:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return data.decode("latin-1")
    return data.decode("utf-8", "replace")


def _extract(html: str) -> tuple[object, ...]:
    """extract_native as the pipeline runs it, and what it left of the tree."""
    tree = parse_html(html)
    report = strip_boilerplate(tree, VOCAB, vocabulary=False)
    root = tree.body or tree.root
    assert root is not None
    pruner = VocabularyPruner(tree, VOCAB, include_comments=False, page_chars=report.page_chars)
    result = native.extract_native(root, pruner=pruner)
    container = result.container
    return (
        result.blocks,
        result.confidence,
        result.reasons,
        result.page_chars,
        None if container is None else (container.tag, container.html),
        sorted(pruner.kept.values()),
        root.html,
    )


def _python_reader(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(facts, "_READER", None)
    patch.setattr(facts, "_LOGGED", True)


def _both(html: str, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[object, ...], ...]:
    fast = _extract(html)
    with monkeypatch.context() as patch:
        _python_reader(patch)
        reference = _extract(html)
    return fast, reference


def _records(html: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = newsclean.clean_html(html).to_dict()
    with monkeypatch.context() as patch:
        _python_reader(patch)
        reference = newsclean.clean_html(html).to_dict()
    return fast, reference


def _tables(html: str) -> tuple[object, object]:
    """Both readers' tables of the page's root and body (one parse: the same mem_ids)."""
    assert COMPILED is not None
    tree = parse_html(html)
    compiled, python = [], []
    for root in (tree.root, tree.body):
        if root is not None:
            compiled.append(facts.Facts(COMPILED.read(root.mem_id)).columns())
            python.append(facts.read_python(root).columns())
    return compiled, python


def _page(body: str) -> str:
    return f"<html><head><title>T</title></head><body>{inspect.cleandoc(body)}</body></html>"


TRICKY = {
    "nbsp and unicode spaces": f"<div><p>\u00a0\u2003{STORY}\u3000\u00a0</p>"
    f"<p>\u2002 \u205f x \u00a0</p><p>\x1c\x1d\x1e\x1f{STORY}\x1f</p></div>",
    "br lines": f"<article><p>{STORY}<br>second line<br><br>  third\u00a0<br>\n</p>"
    f"<div>{STORY}<br/>after a break <b>bold<br>inside</b> end</div></article>",
    "pre with indentation": f"<article><p>{STORY}</p><pre>\n\n  def f():\n      return 1\n"
    "<div>block</div>  <span>inline</span><br>tail\n\n</pre><pre>   </pre>"
    f"<pre><!-- c --><b>x</b></pre><p>{STORY}</p></article>",
    "nested tables": f"<div><p>{STORY}</p><table><tr><td>a</td><td>b <i>c</i></td></tr>"
    "<tr><th>h</th><td><table><tr><td>inner</td></tr></table></td></tr></table>"
    "<table><thead><tr><th>Year</th><th>Sales</th></tr></thead><tbody><tr><td>2024</td>"
    f"<td>1,000</td></tr><tr><td></td><td> </td></tr></tbody></table><p>{STORY}</p></div>",
    "layout table": f"<table><tr><td><div><div>{STORY}</div></div></td><td><p>{STORY}</p>"
    f"</td></tr></table><table><tr><td>{STORY * 4}</td></tr></table>",
    "comments": f"<article><!-- top --><p>{STORY}<!-- inside --> more</p><!----><p>{STORY}"
    "</p></article>",
    "custom elements": f"<my-story class='story-body'><my-p>{STORY}</my-p><x-y>{STORY}</x-y>"
    f"<my-p>{STORY}</my-p><my-p>{STORY}</my-p></my-story><foo-bar>{STORY}</foo-bar>",
    "non-ascii text": "<article><h1>Ünïcödé — “quotes”</h1><p>Ελληνικά κείμενο, με κόμματα, "
    "και περισσότερο κείμενο για να φτάσει το όριο. 日本語のテキスト、句読点。🙂🙂, "
    f"emoji.</p><p lang=ar>{'نص عربي، ' * 20}</p><p>{STORY}</p></article>",
    "empty text nodes": f"<div><p></p><p> </p><span></span><p>{STORY}</p><p>\n\n</p>"
    f"<p>{STORY}</p></div>",
    "removal by vocabulary": f"<main><div class='share-bar'>Share on Facebook Twitter</div>"
    f"<p>{STORY}</p><div class='Newsletter-Signup' id='NL'>Sign up for our newsletter</div>"
    f"<div class='related-stories'><a href=/a>Other story one</a><a href=/b>Two</a></div>"
    f"<p>{STORY}</p><div class='comments' itemprop=text>{STORY}</div>"
    f"<div class='share'><p>{STORY * 3}</p></div><p>{STORY}</p></main>",
    "class and id case": f"<div CLASS='ArticleBody Main' ID='Story'><p>{STORY}</p>"
    f"<div class='İSTANBUL ÇAĞ sidebar'>x</div><p>{STORY}</p></div>",
    "listing": "<ul class=cards>"
    + "".join(f"<li><a href=/{i}>Story number {i} headline here</a> teaser</li>" for i in range(12))
    + "</ul>",
    "link farm": f"<article><p>{STORY}</p><ul><li><a href=/1>one link</a></li><li><a href=/2>"
    f"two link</a></li></ul><p><a href=/x>all link text paragraph</a></p><p>{STORY}</p>"
    "</article>",
    "figures and forms": f"<article><figure><img src=x><figcaption>Caption text here"
    f"</figcaption></figure><p>{STORY}</p><form><label>Email</label></form><hr><p>{STORY}"
    "</p><aside>aside text</aside><blockquote><p>Quoted words, quoted.</p></blockquote>"
    "<ul><li><p>item para</p><p>second</p></li><li>plain</li></ul><dl><dt>T</dt><dd>D</dd>"
    "</dl></article>",
    "headings": f"<article><h1>Title</h1><h2>Deck line</h2><p>{STORY}</p><h3>Section</h3>"
    f"<p>{STORY}</p><h6>tiny</h6><h4><a href=/>linked heading</a></h4></article>",
    "div and br text": f"<div>{STORY}<br>{STORY}<br><span>{STORY}</span></div>",
    "comment thread": f"<div><article><p>{STORY}</p><p>{STORY}</p></article>"
    f"<div class='comments'>{f'<p>{STORY} I disagree, strongly.</p>' * 12}</div></div>"
    f"<section><div class=comments><p>{STORY * 5}</p></div><p>{STORY * 5}</p></section>",
    "forms": f"<form id=aspnetForm><div><p>{STORY}</p><form><label>Search</label><p>"
    f"Find a story here</p></form><p>{STORY}</p><p>{STORY}</p></div></form>"
    f"<article><p>{STORY}</p><form><p>Vote in our poll, today</p></form><p>{STORY}</p></article>",
    "class words": f"<div class='post-content entry'><p>{STORY}</p><div class='share-bar-x'>"
    "Share this</div><div class='share_bar'>Share bar</div><div class='x\x1crelated'>Rel</div>"
    "<div class='recommended-for-you'>Picks</div><div class='recommend:x'>Odd</div>"
    "<div class='über related'>Unicode</div><div class='skip-link'>Skip</div><div "
    f"class='sidebar-content article'><p>{STORY}</p></div><p>{STORY}</p></div>",
    "math and svg": f"<article><p>{STORY} <math><mi>x</mi><mo>=</mo><mn>1</mn></math></p>"
    f"<p>{STORY}</p></article>",
}


META_CASES = {
    "head": (
        "<html lang=en-GB><head><title> A  <b>title</b> </title>"
        '<meta name="Author" content=" Jane "><meta class="byline" name="x">'
        '<meta property="og:title" content=""><meta content="v" NAME=" Mixed.Case ">'
        '<meta http-equiv="Content-Language" content="fr" itemprop="inLanguage">'
        '<script type="Application/LD+JSON">{"@type": "NewsArticle"}</script>'
        '<script type="application/ld+json ">{"not": "listed"}</script>'
        '<script class="byline">var x;</script><link rel="Canonical" href=" /a ">'
        '<link rel="canonical" href="/b"></head><body></body></html>'
    ),
    "datelines": (
        '<h1 class="xATELINE">T</h1><p class="pateline">a</p><p class="DATELINE">b</p>'
        '<p class="Dateline dateline">c</p><meta class="ateline" content="x" name="k">'
        '<script class="dateline">1</script><p itemprop="dateline" class="byline">d</p>'
        '<div class="BylinesWrapper" itemprop="author"><span class="byline">e</span></div>'
        '<div class="dateline"><span class="byline">twice</span></div>'
        '<ul class="inline" itemprop="x"><li itemprop="dateline">g</li></ul>'
        '<h1 itemprop="headline">Head <span class="byline">By Ann</span></h1><h1> </h1>'
        "<h1>three</h1><h1>four</h1><h1>five</h1><h1>six</h1>"
    ),
    "bylines": (
        "<!DOCTYPE html><html><body>"
        '<div class="byline author" id="byline-1" itemprop="author">Written by Ann</div>'
        '<a href="/authors/bob/" class="by">Bob</a><a href="/author/x/authors/y/">X</a>'
        '<a href="/authorship">no</a><a href="/AUTHOR/z/">no</a><a href>empty</a>'
        '<a href="/writers/c/">C</a><a href="/contributor/d/contributors/">D</a>'
        '<svg><a href="/byline/e/">E</a></svg><span data-testid="byline">F</span>'
        '<span rel="AUTHOR">G</span><span class="BY Writer">H</span><p class="x by\ty">I</p>'
        "<p>Posted by Gus, written by Hal and by Ivy</p><p>POSTED BY <b>no</b></p>"
        "<address>written by Jo </address><address>posted byJo</address>"
        "<div>nearby<p>by inner</p> tail BY x</div><em>baby </em><li>wr\u0130tten by</li>"
        "<strong>\uff22y K</strong><small>\u212a by x</small><p>by</p><p>written\nby x</p>"
        '<section class="Comments"><div><p class="byline">By Zed</p></div></section>'
        '<footer><span class="author">By Foot</span></footer>'
        '<div id="\u0130comment"><span class="author">By Dot</span></div>'
        "</body></html>"
    ),
    "quirks": '<span class="BY">A</span><span class="Writer by">B</span><p class=by>C</p>',
    "times": (
        '<time datetime="2024-08-25">x</time><time datetime class="published">Aug 1</time>'
        '<span itemprop="datePublished" content="2024-01-02">y</span>'
        '<time datetime="" itemprop="datePublished" pubdate>  Jan   3, 2024 </time>'
        '<time datetime="2024-02-02" pubdate="">z</time><time>none</time>'
        '<span itemprop="DatePublished">no</span>'
    ),
    "meta keys": (
        '<meta name="\u0130TEM Key\u00a0" content="\u2003a\u3000"><meta name="\u1e9e" content=b>'
        '<meta name="k" property="K" itemprop=" k " http-equiv="k" content="twice">'
        '<meta name content="valueless"><meta name=" " property="\u00df" content="c">'
        '<meta name="k" name="dup" content="d"><meta name="k" content>'
        '<meta name="k" content="e" content="last">'
    ),
    "empty": "<html></html>",
}


@needs_compiled
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_html_same_table(name):
    compiled, python = _tables(_page(TRICKY[name]))
    assert compiled == python


@needs_compiled
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_html_same_both_ways(name, monkeypatch):
    fast, reference = _both(_page(TRICKY[name]), monkeypatch)
    assert fast == reference


@needs_compiled
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_html_same_records(name, monkeypatch):
    fast, reference = _records(_page(TRICKY[name]), monkeypatch)
    assert fast == reference


@needs_compiled
@pytest.mark.parametrize("path", _fixture_pages(), ids=lambda p: p.name)
def test_fixture_pages_same_both_ways(path, monkeypatch):
    html = _read(path)
    compiled, python = _tables(html)
    assert compiled == python
    fast, reference = _records(html, monkeypatch)
    assert fast == reference
    if "<body" in html:
        fast_walk, reference_walk = _both(html, monkeypatch)
        assert fast_walk == reference_walk


@pytest.mark.parametrize("python_reader", [False, True])
def test_vocabulary_removal_goes_back_to_the_tree(python_reader, monkeypatch):
    if python_reader:
        _python_reader(monkeypatch)
    tree_html = _extract(_page(TRICKY["removal by vocabulary"]))[-1]
    assert isinstance(tree_html, str)
    assert "share-bar" not in tree_html
    assert "Newsletter-Signup" not in tree_html
    assert "itemprop" in tree_html  # itemprop=text is never removed


@needs_compiled
@pytest.mark.parametrize("depth", [10, 151, 600])
def test_deep_nesting_same_both_ways(depth, monkeypatch):
    html = _page("<div>" * depth + STORY + "</div>" * depth + f"<p>{STORY}</p>")
    fast, reference = _records(html, monkeypatch)
    assert fast == reference


@needs_compiled
def test_the_readers_take_any_depth():
    # both walks are loops, not recursion: a tree far deeper than the recursion limit
    depth = 5 * sys.getrecursionlimit()
    compiled, python = _tables("<div>" * depth + "x" + "</div>" * depth)
    assert compiled == python
    assert max(compiled[-1][3]) >= depth  # type: ignore[index]


@needs_compiled
@pytest.mark.parametrize("where", ["kept", "removed"])
def test_deep_nesting_beside_boilerplate_same_both_ways(where, monkeypatch):
    cls = "related-posts" if where == "removed" else "story"
    depth = 170
    deep = "<div>" * depth + "deep text" + "</div>" * depth
    html = _page(f"<p>{STORY}</p><div class='{cls}'>{deep}</div><p>{STORY}</p><p>{STORY}</p>")
    fast, reference = _both(html, monkeypatch)
    assert fast == reference
    fast_record, reference_record = _records(html, monkeypatch)
    assert fast_record == reference_record


def test_facts_of_a_small_page():
    html = "<div class='A b' id=X><p>One, two </p><a href=/>link <b>bold</b></a> tail</div>"
    table = facts.read_python(parse_html(html).body)
    assert table.tags == ["body", "div", "p", "-text", "a", "-text", "b", "-text", "-text"]
    assert table.parent == [-1, 0, 1, 2, 1, 4, 4, 6, 1]
    assert table.end == [9, 9, 4, 4, 8, 6, 8, 8, 9]
    assert table.depth == [0, 1, 2, 3, 2, 3, 3, 4, 2]
    assert table.chars[1] == len("One, two") + len("link") + len("bold") + len("tail")
    assert table.links[1] == len("linkbold")
    assert table.links[4] == 0  # a link's own text is link text for its ancestors only
    assert table.commas[0] == 1
    assert table.marker(1) == "a b x"
    assert table.separated_length(1) == len("One, two link bold tail")
    assert table.text(4) == "link bold"


@needs_compiled
def test_self_test_page_reads_the_same():
    compiled, python = _tables(speedups.SELF_TEST_HTML)
    assert compiled == python
    tags = set(compiled[0][0])  # type: ignore[index]
    assert {"my-widget", "td", "pre", "svg", "math", "-text"} <= tags


def test_speedups_load_where_they_can():
    built = importlib.util.find_spec("newsclean._extract._speedups") is not None
    checked = selectolax.__version__ in speedups.SELECTOLAX_VERSIONS
    if built and checked and not os.environ.get(speedups.DISABLE_ENV):
        assert ACTIVE, native.SPEEDUPS.reason
    else:
        assert not ACTIVE


@pytest.fixture
def restore_reader():
    yield
    facts.install(COMPILED, native.SPEEDUPS.reason)


def test_unchecked_selectolax_version_falls_back(monkeypatch, restore_reader):
    monkeypatch.delenv(speedups.DISABLE_ENV, raising=False)  # checked before the version
    monkeypatch.setattr(selectolax, "__version__", "0.0.1")
    loaded = speedups.load()
    assert loaded.module is None
    assert "not a version the reader was checked on" in loaded.reason
    assert facts.reader() is None
    assert "0.0.1" in facts.reader_status()


def test_environment_variable_disables(monkeypatch, restore_reader):
    monkeypatch.setenv(speedups.DISABLE_ENV, "1")
    loaded = speedups.load()
    assert loaded.module is None
    assert speedups.DISABLE_ENV in loaded.reason


@needs_compiled
def test_a_reader_that_disagrees_fails_the_self_test(monkeypatch, restore_reader, caplog):
    real = facts.read_python

    def off_by_one(root):
        table = real(root)
        table.chars[0] += 1
        return table

    monkeypatch.setattr(facts, "read_python", off_by_one)
    with caplog.at_level(logging.WARNING, logger="newsclean"):
        loaded = speedups.load()
    assert loaded.module is None
    assert "self-test failed" in loaded.reason
    assert facts.reader() is None
    assert any("self-test" in r.getMessage() for r in caplog.records)


def test_the_python_reader_says_so_once(monkeypatch, restore_reader, caplog):
    facts.install(None, "disabled for the test")
    with caplog.at_level(logging.INFO, logger="newsclean"):
        newsclean.clean_html(_page(f"<p>{STORY}</p>"))
        newsclean.clean_html(_page(f"<p>{STORY}</p>"))
    lines = [r.getMessage() for r in caplog.records if "facts reader" in r.getMessage()]
    assert lines == ["newsclean: Python facts reader (disabled for the test)"]


def test_environment_variable_forces_the_python_reader_at_import():
    code = (
        "from newsclean._extract import native; import newsclean; "
        "print(native.speedups_active(), len(newsclean.clean_html("
        f"'<p>{STORY}</p><p>{STORY}</p>').text) > 0)"
    )
    env = {**os.environ, speedups.DISABLE_ENV: "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True"]


def test_version_says_which_reader_runs():
    out = subprocess.run(
        [sys.executable, "-m", "newsclean", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert "facts reader" in out.stdout
    env = {**os.environ, speedups.DISABLE_ENV: "1"}
    out = subprocess.run(
        [sys.executable, "-m", "newsclean", "--version"], capture_output=True, text=True, env=env
    )
    assert f"Python facts reader (disabled by {speedups.DISABLE_ENV})" in out.stdout


# A page whose second and third paragraphs are 30 characters: paragraphs at 25, not at 40.
RULE_PAGE = _page(
    f"<div class=a><p>{STORY}</p><p>{'x' * 30}</p></div><div class=b><p>{'y' * 30}</p>"
    f"<p>{'z' * 30}</p><p>{'w' * 30}</p></div>"
)


@pytest.mark.parametrize("rule", ["_MIN_PARAGRAPH", "_CLASS_WEIGHT", "_PRUNE_MAX_SHARE"])
def test_a_rule_change_reaches_both_readers(rule, monkeypatch):
    # the rules are written once, over the table: changing one in native.py changes what
    # both readers' pages come to, and the same way
    changed = {"_MIN_PARAGRAPH": 40, "_CLASS_WEIGHT": 0.0, "_PRUNE_MAX_SHARE": 0.0}[rule]
    html = _page(TRICKY["removal by vocabulary"] + TRICKY["figures and forms"]) + RULE_PAGE

    def scores() -> list[tuple[object, ...]]:
        runs = []
        for python_reader in (False, True):
            with monkeypatch.context() as patch:
                if python_reader:
                    _python_reader(patch)
                tree = parse_html(html)
                stats = native._Stats(VocabularyPruner(tree, VOCAB, include_comments=False))
                assert tree.body is not None
                stats.measure_root(tree.body)
                ranked = native._ranked(stats)
                blocks = native.extract_native(parse_html(html).body).blocks
                runs.append(([(round(s, 6), st.tag) for s, st in ranked], blocks))
        return runs

    before = scores()
    monkeypatch.setattr(native, rule, changed)
    native._marker_weight.cache_clear()  # class weights are remembered per class string
    try:
        after = scores()
    finally:
        native._marker_weight.cache_clear()
    assert before[0] == before[1]
    assert after[0] == after[1]
    assert after[0] != before[0]


@pytest.mark.parametrize("name", sorted(META_CASES))
def test_metadata_cases_read(name):
    from newsclean._extract import metadata

    page = metadata._read_page(parse_html(META_CASES[name]))
    assert page is not None


def test_meta_walk_finds_what_the_cases_hold():
    # the cases exercise what they claim: repeats, the descendant quirk, quirks mode, times
    from newsclean._extract import metadata

    html = '<div class="dateline"><span class="byline">twice</span></div>'
    # the wrapper twice (its class, its child's: css_matches sees descendants), then the child
    assert metadata._read_page(parse_html(html)).datelines == ["twice"] * 3
    page = metadata._read_page(parse_html(META_CASES["datelines"]))
    assert page.h1_texts == ["T", "Head By Ann", "three", "four", "five"]
    page = metadata._read_page(parse_html(META_CASES["quirks"]))
    assert [text for text, _ in page.bylines] == ["A", "B", "B", "C"]
    page = metadata._read_page(parse_html(META_CASES["bylines"]))
    assert ("By Zed", True) in [(text, inside()) for text, inside in page.bylines]
    page = metadata._read_page(parse_html(META_CASES["times"]))
    assert len(list(page.times)) == 5
    # meta tags filed under each stripped, casefolded key, as often as their keys repeat
    page = metadata._read_page(parse_html(META_CASES["meta keys"]))
    assert page.meta["k"] == ["twice"] * 4 + ["d", "e"]
    assert page.meta["i\u0307tem key"] == ["a"]
    assert page.meta["ss"] == ["b", "c"]


_TAGS = (
    "div", "p", "span", "a", "b", "br", "li", "ul", "table", "tr", "td", "th", "pre",
    "blockquote", "h2", "h3", "article", "section", "figure", "img", "hr", "my-el", "dd",
    "em", "font", "center", "header", "form", "math",
)  # fmt: skip
_CLASSES = ("", "share", "related-posts", "Article-Body", "post", "nav menu", "x", "Ünï")
_ATTRS = (" id=Main", " itemprop=articleBody", " itemprop=text", " id", " ID=Up")
_TEXTS = (STORY, "word, ", " \u00a0", "\n", "ÄÖ—", "\u2003x\u3000", "", "a,b,c " * 9, "\x1c")


@needs_compiled
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_markup_same_both_ways(data):
    def fragment(depth: int) -> str:
        parts = []
        for _ in range(data.draw(st.integers(0, 4))):
            if depth > 6 or data.draw(st.booleans()):
                parts.append(data.draw(st.sampled_from(_TEXTS)))
                continue
            tag = data.draw(st.sampled_from(_TAGS))
            cls = data.draw(st.sampled_from(_CLASSES))
            attrs = f' class="{cls}"' if cls else ""
            if data.draw(st.booleans()):
                attrs += data.draw(st.sampled_from(_ATTRS))
            parts.append(f"<{tag}{attrs}>{fragment(depth + 1)}</{tag}>")
        return "".join(parts)

    html = _page(fragment(0))
    compiled, python = _tables(html)
    assert compiled == python, html
    monkeypatch = pytest.MonkeyPatch()
    try:
        fast, reference = _both(html, monkeypatch)
    finally:
        monkeypatch.undo()
    assert fast == reference, html


@needs_compiled
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.text(alphabet=" \t\n\u00a0\u2003\u3000\x1c,ab\u00e9", max_size=40))
def test_any_text_same_both_ways(text, spaces):
    # lengths after strip() and comma counts, whatever the text
    html = _page(f"<div><p>{spaces}{text}{spaces}</p><p>{STORY}{spaces}</p><p>{text}</p></div>")
    compiled, python = _tables(html)
    assert compiled == python
    monkeypatch = pytest.MonkeyPatch()
    try:
        fast, reference = _both(html, monkeypatch)
    finally:
        monkeypatch.undo()
    assert fast == reference


@needs_compiled
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=20), st.text(max_size=20))
def test_any_attribute_values_same_table(cls, other):
    from html import escape

    html = _page(
        f"<div class='{escape(cls)}' id='{escape(other)}' itemprop=\"{escape(other)}\">"
        f"<p class='{escape(other)}' id>x</p></div>"
    )
    compiled, python = _tables(html)
    assert compiled == python


def test_word_count_is_split_length_for_every_code_point():
    from newsclean._pipeline import _word_count

    text = "".join(f"a{chr(c)}b " for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert _word_count(text) == len(text.split())
    assert _word_count("") == 0
    assert _word_count(" \u3000 x\x1cy\u00a0") == 2
