"""The optional C walks (``newsclean._extract._speedups``) against the Python reference.

Every comparison runs the same page twice, each on a fresh parse: once with the C walks and
once with ``native._SPEEDUPS`` set to None (the pure-Python path), and wants the same result
(blocks, confidence, reasons, page size, container, the tree after the vocabulary pass).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import importlib.util
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest
import selectolax
import selectolax.lexbor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsclean
from newsclean._dom import parse_html
from newsclean._extract import boilerplate, native, speedups
from newsclean._extract.body import RawBlock
from newsclean._extract.boilerplate import DomPass, VocabularyPruner, strip_boilerplate
from newsclean._vocab import load_vocabulary

VOCAB = load_vocabulary()
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ACTIVE = native.speedups_active()
needs_speedups = pytest.mark.skipif(not ACTIVE, reason=f"C speedups: {native.SPEEDUPS.reason}")

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


def _both(html: str, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[object, ...], ...]:
    fast = _extract(html)
    with monkeypatch.context() as patch:
        patch.setattr(native, "_SPEEDUPS", None)
        reference = _extract(html)
    return fast, reference


def _records(html: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = newsclean.clean_html(html).to_dict()
    with monkeypatch.context() as patch:
        patch.setattr(native, "_SPEEDUPS", None)
        reference = newsclean.clean_html(html).to_dict()
    return fast, reference


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
    "linked data table": f"<article><p>{STORY}</p><table>"
    + "".join(
        f"<tr><td><a href=/p{i}>Person {i}</a></td><td><a href=/r{i}>Report {i}</a></td>"
        f"<td>{i}</td></tr>"
        for i in range(6)
    )
    + f"</table><p>{STORY}</p></article>",
    "math and svg": f"<article><p>{STORY} <math><mi>x</mi><mo>=</mo><mn>1</mn></math></p>"
    f"<p>{STORY}</p></article>",
}


@needs_speedups
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_html_same_both_ways(name, monkeypatch):
    fast, reference = _both(_page(TRICKY[name]), monkeypatch)
    assert fast == reference


@needs_speedups
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_html_same_records(name, monkeypatch):
    fast, reference = _records(_page(TRICKY[name]), monkeypatch)
    assert fast == reference


@needs_speedups
@pytest.mark.parametrize("path", _fixture_pages(), ids=lambda p: p.name)
def test_fixture_pages_same_both_ways(path, monkeypatch):
    html = _read(path)
    fast, reference = _records(html, monkeypatch)
    assert fast == reference
    if "<body" in html:
        fast_walk, reference_walk = _both(html, monkeypatch)
        assert fast_walk == reference_walk


@needs_speedups
def test_vocabulary_removal_happens_in_c(monkeypatch):
    fast, reference = _both(_page(TRICKY["removal by vocabulary"]), monkeypatch)
    assert fast == reference
    tree_html = fast[-1]
    assert isinstance(tree_html, str)
    assert "share-bar" not in tree_html
    assert "Newsletter-Signup" not in tree_html
    assert "itemprop" in tree_html  # itemprop=text is never removed


@needs_speedups
@pytest.mark.parametrize("depth", [10, native.FAST_MAX_DEPTH, native.FAST_MAX_DEPTH + 1, 600])
def test_deep_nesting_same_both_ways(depth, monkeypatch):
    html = _page("<div>" * depth + STORY + "</div>" * depth + f"<p>{STORY}</p>")
    fast, reference = _records(html, monkeypatch)
    assert fast == reference


@needs_speedups
def test_c_walk_raises_recursion_error_on_a_very_deep_tree():
    # native.py stops the C walk at FAST_MAX_DEPTH; without that limit, the walk stops with
    # RecursionError instead of overflowing the C stack. Py_EnterRecursiveCall counts against
    # Python's recursion limit up to 3.11 and against a C limit of its own from 3.12 (10,000
    # on 3.13), so the tree is deeper than both
    depth = max(5 * sys.getrecursionlimit(), 20_000)
    tree = parse_html("<div>" * depth + "x" + "</div>" * depth)
    assert tree.body is not None
    module = native._SPEEDUPS
    assert module is not None
    with pytest.raises(RecursionError):
        module.measure(tree.body.mem_id, {}, [], None)


@needs_speedups
def test_c_walk_too_deep_leaves_the_tree_untouched():
    # past max_depth the walk answers None and has removed nothing, though it had judged
    # boilerplate before it got there: the Python walk then takes the page as it was
    nested = "<div>" * (native.FAST_MAX_DEPTH + 5) + STORY + "</div>" * (native.FAST_MAX_DEPTH + 5)
    html = _page(f"<div class='share-bar'>Share this</div><p>{STORY}</p>{nested}")
    tree = parse_html(html)
    assert tree.body is not None
    before = tree.body.html
    pruner = VocabularyPruner(tree, VOCAB, include_comments=False)
    module = native._SPEEDUPS
    assert module is not None
    by_id: dict[int, object] = {}
    found = module.measure(tree.body.mem_id, by_id, [], pruner, native.FAST_MAX_DEPTH)
    assert found is None
    assert by_id  # it had begun
    assert tree.body.html == before
    found = module.measure(tree.body.mem_id, {}, [], pruner, 2 * native.FAST_MAX_DEPTH)
    assert found is not None
    assert "share-bar" not in (tree.body.html or "")


@needs_speedups
@pytest.mark.parametrize("where", ["kept", "removed"])
def test_deep_nesting_beside_boilerplate_same_both_ways(where, monkeypatch):
    # a deep branch inside a container the vocabulary removes is never walked; one the
    # vocabulary keeps sends the page to the Python walks
    cls = "related-posts" if where == "removed" else "story"
    depth = native.FAST_MAX_DEPTH + 20
    deep = "<div>" * depth + "deep text" + "</div>" * depth
    html = _page(f"<p>{STORY}</p><div class='{cls}'>{deep}</div><p>{STORY}</p><p>{STORY}</p>")
    fast, reference = _both(html, monkeypatch)
    assert fast == reference
    fast_record, reference_record = _records(html, monkeypatch)
    assert fast_record == reference_record


@needs_speedups
def test_self_test_page_reads_the_same():
    tree = parse_html(speedups.SELF_TEST_HTML)
    assert tree.root is not None
    module = native._SPEEDUPS
    assert module is not None
    flags = speedups._flags(module, native._FLAG_SETS)
    expected = speedups._python_view(tree.root, lambda tag: flags.get(tag, 0))
    assert module.describe(tree.root.mem_id) == expected
    tags = [item[1] for item in expected if item[0] == "e"]
    assert {"my-widget", "td", "pre", "svg", "math"} <= set(tags)


def test_speedups_load_where_they_can():
    built = importlib.util.find_spec("newsclean._extract._speedups") is not None
    checked = selectolax.__version__ in speedups.SELECTOLAX_VERSIONS
    if built and checked and not os.environ.get(speedups.DISABLE_ENV):
        assert ACTIVE, native.SPEEDUPS.reason
    else:
        assert not ACTIVE


def test_unchecked_selectolax_version_falls_back(monkeypatch):
    monkeypatch.delenv(speedups.DISABLE_ENV, raising=False)  # checked before the version
    monkeypatch.setattr(selectolax, "__version__", "0.0.1")
    loaded = speedups.load(native._FLAG_SETS, RawBlock)
    assert loaded.module is None
    assert "not a checked version" in loaded.reason


def test_environment_variable_disables(monkeypatch):
    monkeypatch.setenv(speedups.DISABLE_ENV, "1")
    loaded = speedups.load(native._FLAG_SETS, RawBlock)
    assert loaded.module is None
    assert speedups.DISABLE_ENV in loaded.reason


def test_environment_variable_forces_the_python_path_at_import():
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


class _AskingPruner(VocabularyPruner):
    """Remembers the class/id strings it is asked to judge."""

    __slots__ = ("asked",)

    def category_of(self, marker: str) -> str | None:
        self.asked.append(marker)
        return super().category_of(marker)


@needs_speedups
def test_c_walk_judges_ascii_class_strings_without_asking():
    # a class string the memo lacks is judged by the vocabulary's words in C; only one
    # that is not ASCII goes to category_of
    tree = parse_html(_page(TRICKY["class words"] + TRICKY["removal by vocabulary"]))
    assert tree.body is not None
    pruner = _AskingPruner(tree, VOCAB, include_comments=False)
    pruner.seen = {}
    pruner.asked = []
    native.extract_native(tree.body, pruner=pruner)
    assert pruner.asked == ["über related "]


RANKED_CLASSES = [
    "article-body",
    "recommended",
    "recommendations x",
    "recommend:x",
    "Recommend_Me",
    "RECOMMENDED9",
    "recommend-ed",
    "post__content sidebar",
    "x\x1cstory",
    "über-article",
    "media-body content",
    "ad\tcontent",
    "page_2 ",
    "promo",
    "",
]


@needs_speedups
def test_c_rank_scores_as_final_score():
    blocks = "".join(f"<div class='{name}'><p>{STORY}</p></div>" for name in RANKED_CLASSES)
    tree = parse_html(_page(f"<section>{blocks}</section><p>{STORY}</p>"))
    assert tree.body is not None
    stats = native._Stats(fast=True)
    stats.measure_root(tree.body)
    ranked = native._ranked(stats)
    assert len(ranked) > len(RANKED_CLASSES)
    assert ranked == sorted(
        ((native._final_score(s), s) for s in stats.scored), key=native._first, reverse=True
    )
    assert stats.final == {s.mem_id: native._final_score(s) for s in stats.scored}


class _FailingPruner(VocabularyPruner):
    __slots__ = ()

    def removable_at(self, mem_id, itemprop, category, chars):
        raise ValueError("vocabulary broke")


@needs_speedups
@pytest.mark.parametrize("speedups_on", [True, False])
def test_an_error_in_a_callback_propagates(speedups_on, monkeypatch):
    # both paths raise the vocabulary's error (the pipeline reports it); C leaks nothing
    if not speedups_on:
        monkeypatch.setattr(native, "_SPEEDUPS", None)
    tree = parse_html(_page(TRICKY["removal by vocabulary"]))
    assert tree.body is not None
    pruner = _FailingPruner(tree, VOCAB, include_comments=False)
    with pytest.raises(ValueError, match="vocabulary broke"):
        native.extract_native(tree.body, pruner=pruner)


@needs_speedups
def test_without_a_pruner_same_both_ways(monkeypatch):
    html = _page(TRICKY["removal by vocabulary"] + TRICKY["nested tables"])
    fast = native.extract_native(parse_html(html).body)
    with monkeypatch.context() as patch:
        patch.setattr(native, "_SPEEDUPS", None)
        reference = native.extract_native(parse_html(html).body)
    assert fast.blocks == reference.blocks
    assert (fast.confidence, fast.reasons) == (reference.confidence, reference.reasons)


_TAGS = (
    "div", "p", "span", "a", "b", "br", "li", "ul", "table", "tr", "td", "th", "pre",
    "blockquote", "h2", "h3", "article", "section", "figure", "img", "hr", "my-el", "dd",
    "em", "font", "center", "header", "form", "math",
)  # fmt: skip
_CLASSES = ("", "share", "related-posts", "Article-Body", "post", "nav menu", "x", "Ünï")
_TEXTS = (STORY, "word, ", " \u00a0", "\n", "ÄÖ—", "\u2003x\u3000", "", "a,b,c " * 9, "\x1c")


@needs_speedups
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
            parts.append(f"<{tag}{attrs}>{fragment(depth + 1)}</{tag}>")
        return "".join(parts)

    html = _page(fragment(0))
    monkeypatch = pytest.MonkeyPatch()
    try:
        fast, reference = _both(html, monkeypatch)
    finally:
        monkeypatch.undo()
    assert fast == reference, html


@needs_speedups
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.text(alphabet=" \t\n\u00a0\u2003\u3000\x1c,ab\u00e9", max_size=40))
def test_any_text_same_both_ways(text, spaces):
    # lengths after strip() and comma counts, whatever the text (the C walk counts eight
    # ASCII bytes at a time and strips Unicode whitespace from both ends)
    html = _page(f"<div><p>{spaces}{text}{spaces}</p><p>{STORY}{spaces}</p><p>{text}</p></div>")
    monkeypatch = pytest.MonkeyPatch()
    try:
        fast, reference = _both(html, monkeypatch)
    finally:
        monkeypatch.undo()
    assert fast == reference


def test_raw_block_is_what_the_c_writer_fills():
    # the C writer builds RawBlocks by filling their slots, without the dataclass __init__
    # (it only sets them); a RawBlock that does more on creation is called instead, and
    # must be checked here
    assert [f.name for f in dataclasses.fields(RawBlock)] == ["kind", "text", "level"]
    assert not hasattr(RawBlock, "__post_init__")
    assert RawBlock.__slots__ == ("kind", "text", "level")


# The Python walks that _speedups.c mirrors, as last mirrored. A change to them must be made
# in the C code too (the parity tests here and benchmarks/parity.py check it); then update
# this digest.
MIRRORED = "b79e5dd275397e5928b9e5241e1375cca37230693796f41f43adb29642d6cb4b"


@pytest.mark.xfail(
    strict=True,
    reason="issue 13 changed native._Writer (a data table of 3+ rows keeps its linked cells); "
    "the C writer is not mirrored: the facts-only rewrite (issue 15) moves that rule to Python",
)
def test_c_mirror_is_told_about_changes_to_the_python_walks():
    walks = (
        native._Stats.measure,
        native._Stats._score_ancestors,
        native._Writer,
        native._pre_text,
        native._is_data_table,
        # what _speedups.rank and the walk's class-word judgement mirror
        native._final_score,
        native._marker_weight,
        native._class_words,
        VocabularyPruner.category_of,
        type(VOCAB.class_words),
    )
    source = "".join(inspect.getsource(walk) for walk in walks)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == MIRRORED, (
        "native.py's walks changed: mirror the change in src/newsclean/_extract/_speedups.c, "
        "run benchmarks/parity.py, then set MIRRORED to " + digest
    )


# ---- the DOM stage's passes (boilerplate.py: DomPass) --------------------------------------


def _positions(tree: object) -> dict[int, object]:
    """mem_id -> pre-order position in the tree (the document node: -1), to compare trees."""
    root = tree.root  # type: ignore[attr-defined]
    if root is None:
        return {}
    out: dict[int, object] = {}
    if root.parent is not None:
        out[root.parent.mem_id] = -1
    for position, node in enumerate(root.traverse(include_text=True)):
        out[node.mem_id] = position
    return out


def _dom_pass(html: str, module: object, *, vocabulary: bool) -> tuple[bool, tuple[object, ...]]:
    """DomPass as the pipeline runs it; whether C ran, and all it leaves behind."""
    tree = parse_html(html)
    dom = DomPass(tree, speedups=module)  # type: ignore[arg-type]
    page_text = tree.body.text(separator=" ") if tree.body is not None else ""
    report = dom.strip(VOCAB, vocabulary=vocabulary)
    where = _positions(tree)
    content = sorted(map(str, (where.get(mem_id, "detached") for mem_id in dom.content)))
    hints = [where.get(mem_id, "detached") for mem_id in dom.hints]
    return dom._fast is not None, (dom.never, page_text, report, tree.html, content, hints)


def _dom_both(html: str, *, c_runs: bool = True) -> None:
    for vocabulary in (False, True):
        ran_c, fast = _dom_pass(html, native._SPEEDUPS, vocabulary=vocabulary)
        ran_python, reference = _dom_pass(html, None, vocabulary=vocabulary)
        assert not ran_python
        assert ran_c == c_runs
        assert fast == reference, html


DOM_CASES = {
    "hidden styles": f"<article><p>{STORY}</p><div style='display:none'>gone one</div>"
    "<div style='color:red; display: none'>gone two</div><span style='visibility:hidden'>x"
    "</span><p style='visibility: hidden;'>y</p><div style='DISPLAY:NONE'>stays</div>"
    "<div style='display:  none'>stays too</div><div style=''>empty</div><div style>bare</div>"
    f"<p>{STORY}</p></article>",
    "aria-hidden and hidden": f"<main><p>{STORY}</p><div aria-hidden=true>icon</div>"
    "<div aria-hidden=false>shown</div><div aria-hidden=TRUE>odd case</div><p hidden>h</p>"
    f"<p hidden=''>h2</p><noscript><p>Enable scripts</p></noscript><p>{STORY}</p></main>"
    f"<div hidden id='S:0'><p>{STORY * 6}</p></div>",
    "accordion panels": "<button aria-controls='panel-1 panel-2'>Open</button>"
    "<div id=panel-1 hidden><p>Answer one</p></div><div id=panel-2 style='display:none'>"
    "Answer two</div><div id=panel-3 hidden>not named</div><div hidden role=region>"
    "a region</div><div hidden role=tabpanel>a tab</div><div hidden role=Region>odd</div>"
    "<div hidden aria-labelledby=t1>labelled</div><noscript id=panel-1>noscript goes</noscript>"
    f"<nav aria-controls=panel-3>menu</nav><p>{STORY}</p><p>{STORY}</p>",
    "roles in odd case": "<div role=Navigation>nav one</div><div role=navigation>nav two</div>"
    "<div role=MAIN><p>main?</p></div><div role=search>s</div><div role=banner>b</div>"
    "<div role=contentinfo>c</div><div role=complementary>aside</div><div role='menu '>m"
    f"</div><div aria-modal=true>modal</div><div aria-modal=True>kept</div><p>{STORY}</p>"
    f"<div role=main><p>{STORY}</p><div role=Complementary>x</div></div>",
    "sign-up forms": f"<article><p>{STORY}</p></article><div class=box><h3>Join us</h3>"
    "<p>Weekly news</p><form><input type=email><button>Go</button></form></div>"
    "<section><h3>More</h3><form><input type=EMAIL></form></section><div><form><label>Mail"
    "</label><input name=userEMail></form></div><div><form><input name=q type=text></form>"
    f"<p>search box</p></div><form><input type='email '><p>{STORY * 3}</p></form>"
    f"<ul><li><form><input type=email></form></li></ul><div>{STORY}<form><input type=email>"
    "</form></div>",
    "nested never-content": "<nav><div role=navigation><ul><li><a href=/>Home</a></li></ul>"
    "<nav>inner</nav></div><script>var x</script></nav><div role=dialog><form><input "
    f"type=email><select><option>a</option></select></form></div><p>{STORY}</p><footer>"
    "<nav>foot nav</nav><svg><style>s</style></svg></footer><iframe></iframe>"
    "<object><embed></object><template><p>t</p></template><menu><li>m</li></menu>",
    "chrome inside and outside article": "<header><h1>Site</h1></header><aside>Outside</aside>"
    f"<article><header><h1>Title</h1></header><p>{STORY}</p><aside>Pull quote inside</aside>"
    f"<footer>Article footer</footer></article><div itemprop=articleBody><p>{STORY}</p><aside>"
    "in body</aside></div><footer>Site footer</footer><div><header>deep header</header></div>"
    f"<aside><main><p>{STORY}</p></main></aside><footer><div itemprop=text>t</div></footer>",
    "repeated listings": "<script style='a' role=menu aria-hidden=true>x</script><div "
    "style='display:none' hidden aria-hidden=true role=complementary itemprop=text>h</div>"
    "<footer role=contentinfo style=x>f</footer><article itemprop=articleBody role=main "
    f"aria-controls=a><p>{STORY * 3}</p></article><div id=a hidden>panel</div>",
    "unicode and empty text": f"<div style='display:none'>\u00a0\u2003</div><p>{STORY}</p>"
    "<aside>\u3000é\u00e9</aside><footer></footer><div aria-hidden=true>ÄÖ—</div>",
}


@needs_speedups
@pytest.mark.parametrize("name", sorted(DOM_CASES))
def test_dom_pass_same_both_ways(name):
    _dom_both(_page(DOM_CASES[name]))


@needs_speedups
@pytest.mark.parametrize("name", sorted(DOM_CASES))
def test_dom_pass_same_records(name, monkeypatch):
    fast, reference = _records(_page(DOM_CASES[name]), monkeypatch)
    assert fast == reference


@needs_speedups
@pytest.mark.parametrize(
    "html",
    [
        "<html><head></head><body style='display:none'><p>x</p></body></html>",
        "<html><head></head><body hidden></body></html>",
        "<html role=navigation><body><p>x</p></body></html>",
        "<html><head role=banner></head><body><p>x</p></body></html>",
        "<html><body role=complementary><p>x</p></body></html>",
        "<frameset><frame src=a></frameset>",
    ],
)
def test_dom_pass_leaves_html_head_body_to_python(html, monkeypatch):
    # selectolax re-points its head and body when they go: those pages take the Python path,
    # which never removes the document's own elements, whatever their role or style
    _dom_both(html, c_runs="frameset" in html)
    fast, reference = _records(html, monkeypatch)
    assert fast == reference


_DOM_TAGS = (
    "div", "p", "span", "article", "main", "aside", "footer", "header", "nav", "form",
    "input", "noscript", "section", "li", "ul", "script", "button", "my-el",
)  # fmt: skip
_DOM_ATTRS = (
    "", "hidden", "style='display:none'", "style='display: none'", "style='Display:none'",
    "aria-hidden=true", "aria-modal=true", "role=main", "role=Main", "role=navigation",
    "role=complementary", "role=region", "aria-labelledby=x", "aria-controls='p1 p2'",
    "id=p1", "id=p2", "itemprop=articleBody", "itemprop=text", "itemprop=reviewBody",
    "type=email", "name=EMAIL", "class=share",
)  # fmt: skip


@needs_speedups
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_dom_markup_same_both_ways(data):
    def fragment(depth: int) -> str:
        parts = []
        for _ in range(data.draw(st.integers(0, 4))):
            if depth > 5 or data.draw(st.booleans()):
                parts.append(data.draw(st.sampled_from(_TEXTS)))
                continue
            tag = data.draw(st.sampled_from(_DOM_TAGS))
            attrs = " ".join(data.draw(st.lists(st.sampled_from(_DOM_ATTRS), max_size=3)))
            parts.append(f"<{tag} {attrs}>{fragment(depth + 1)}</{tag}>")
        return "".join(parts)

    _dom_both(_page(fragment(0)))


# The Python DOM passes that _speedups.c mirrors (dom_never, dom_strip), with the data they
# apply, as last mirrored. A change to them must be made in the C code too.
DOM_MIRRORED = "8822418c45cf18cfa0eb2de941e357b3996e580e6d1b478f2a3a14ef403fdf11"


def test_c_mirror_is_told_about_changes_to_the_dom_passes():
    passes = (
        boilerplate._text_length,
        boilerplate._holds_content,
        boilerplate.DomScan,
        boilerplate._expandable,
        boilerplate._parent_tag,
        boilerplate.remove_never_content,
        boilerplate.strip_boilerplate,
        boilerplate.DomPass,
        boilerplate._content_ids,
        boilerplate._remove_signup_boxes,
        boilerplate._inside_content,
    )
    data = (
        sorted(boilerplate.NEVER_TAGS),
        sorted(boilerplate.NEVER_ROLES),
        boilerplate.HIDDEN_STYLES,
        boilerplate.CONTENT_MARKERS,
        boilerplate._SCAN,
        boilerplate.SIGNUP_INPUTS,
        sorted(boilerplate._SIGNUP_STOP),
        sorted((name, sorted(tags)) for name, tags in boilerplate.SPEEDUP_TAG_SETS.items()),
    )
    source = "".join(inspect.getsource(item) for item in passes) + repr(data)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == DOM_MIRRORED, (
        "boilerplate.py's DOM passes changed: mirror the change in "
        "src/newsclean/_extract/_speedups.c (dom_never, dom_strip), run benchmarks/parity.py, "
        "then set DOM_MIRRORED to " + digest
    )


# ---- the metadata walk (metadata.py: _read_page) -------------------------------------------


def _page_view(html: str, module: object) -> tuple[object, ...]:
    """Everything metadata._read_page gives, with every byline candidate asked about."""
    from newsclean._extract import metadata

    page = metadata._read_page(parse_html(html), module)  # type: ignore[arg-type]
    return (
        page.meta,
        page.scripts,
        page.h1_texts,
        page.title,
        page.language,
        page.canonical,
        page.datelines,
        list(page.times),
        [(text, inside()) for text, inside in page.bylines],
        [(text, inside()) for text, inside in page.byline_texts],
    )


def _meta_both(html: str) -> None:
    module = native.speedups_module()
    assert module is not None
    assert _page_view(html, module) == _page_view(html, None), html


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


@needs_speedups
@pytest.mark.parametrize("name", sorted(META_CASES))
def test_meta_walk_same_both_ways(name):
    _meta_both(META_CASES[name])


@needs_speedups
def test_meta_walk_finds_what_the_cases_hold():
    # the cases exercise what they claim: repeats, the descendant quirk, quirks mode, times
    from newsclean._extract import metadata

    module = native.speedups_module()
    html = '<div class="dateline"><span class="byline">twice</span></div>'
    # the wrapper twice (its class, its child's: css_matches sees descendants), then the child
    assert metadata._read_page(parse_html(html), module).datelines == ["twice"] * 3
    page = metadata._read_page(parse_html(META_CASES["datelines"]), module)
    assert page.h1_texts == ["T", "Head By Ann", "three", "four", "five"]
    page = metadata._read_page(parse_html(META_CASES["quirks"]), module)
    assert [text for text, _ in page.bylines] == ["A", "B", "B", "C"]
    page = metadata._read_page(parse_html(META_CASES["bylines"]), module)
    assert ("By Zed", True) in [(text, inside()) for text, inside in page.bylines]
    page = metadata._read_page(parse_html(META_CASES["times"]), module)
    assert len(list(page.times)) == 5
    # meta tags filed under each stripped, casefolded key, as often as their keys repeat
    page = metadata._read_page(parse_html(META_CASES["meta keys"]), module)
    assert page.meta["k"] == ["twice"] * 4 + ["d", "e"]
    assert page.meta["i\u0307tem key"] == ["a"]
    assert page.meta["ss"] == ["b", "c"]


_META_TAGS = ("div", "p", "span", "a", "h1", "time", "address", "em", "section", "footer")
_META_ATTRS = (
    "", "class=byline", "class='x dateline'", "class=Dateline", "class=by", "class=writer",
    "class=comments", "class=inline", "id=author-box", "itemprop=dateline", "itemprop=author",
    "itemprop=datePublished", "rel=author", "href=/author/a/", "href=/writers/b",
    "data-testid=byline", "datetime=2024-05-06", "content=2024-05-07", "pubdate",
)  # fmt: skip
_META_TEXTS = ("By Ann", "written by Bo", "Posted By Cy", "by", "nearby text", "May 5, 2024")


@needs_speedups
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_meta_markup_same_both_ways(data):
    def fragment(depth: int) -> str:
        parts = []
        for _ in range(data.draw(st.integers(0, 4))):
            if depth > 5 or data.draw(st.booleans()):
                parts.append(data.draw(st.sampled_from(_META_TEXTS)))
                continue
            tag = data.draw(st.sampled_from(_META_TAGS))
            attrs = " ".join(data.draw(st.lists(st.sampled_from(_META_ATTRS), max_size=3)))
            parts.append(f"<{tag} {attrs}>{fragment(depth + 1)}</{tag}>")
        return "".join(parts)

    doctype = data.draw(st.sampled_from(("<!DOCTYPE html>", "")))
    _meta_both(f"{doctype}<html><head><title>T</title></head><body>{fragment(0)}</body></html>")


# The Python functions the metadata walk (_speedups.meta_scan, meta_text,
# meta_inside_comments) mirrors, with their selectors, as last mirrored.
META_MIRRORED = "75c5adfc39bafcb2f02d4fdd440edca3fbd2477c29fb8ca44ca4daf4cea87a63"


def test_c_mirror_is_told_about_changes_to_the_metadata_reads():
    from newsclean._extract import metadata

    functions = (
        metadata._read_page,
        metadata._scan,
        metadata._listed,
        metadata._add_meta,
        metadata._time_facts,
        metadata._byline_nodes,
        metadata._byline_text_nodes,
        metadata._inside_comments,
    )
    data = (
        metadata._SCAN_SELECTOR,
        metadata._DATELINE_PARTS,
        metadata._KEY_ATTRS,
        metadata._TIME_QUERY,
        metadata._BYLINE_SELECTOR,
        metadata._BYLINE_TEXT_SELECTOR,
    )
    source = "".join(inspect.getsource(item) for item in functions) + repr(data)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == META_MIRRORED, (
        "metadata.py's reads changed: mirror the change in src/newsclean/_extract/_speedups.c "
        "(meta_scan), run benchmarks/parity.py, then set META_MIRRORED to " + digest
    )


# ---- the date elements (dates._date_parts) ------------------------------------------------

DATE_PAGE = (
    "<div class='entry-meta post-Date'><span class='date_before'>Last updated on</span>"
    " <time class='entry-modified-time'>April 8, 2024</time>"
    " <abbr title='2024-04-08'>Apr 8</abbr><span id='pubdate' itemprop='datePublished'>"
    "  8 April 2024  </span><span class='updated date'>   </span>"
    "<p class='byline meta'>By Jane Doe</p><p class='timeline'>" + "long text " * 30 + "</p>"
    "<p class='Date'><b>9</b> <i>April</i> 2024</p><time></time>"
    "<p class='DATE'>not matched: case counts</p><p data-class='date'>nor here</p></div>"
)


@needs_speedups
@pytest.mark.parametrize(
    "html",
    [DATE_PAGE, DATE_PAGE * 12, "<p>no dates</p>", "<time class='date'>x</time>" * 40],
    ids=["page", "over-the-cap", "none", "repeats-at-the-cap"],
)
def test_date_elements_same_both_ways(html):
    from newsclean._extract.dates import _date_parts

    tree = parse_html(f"<html><body><main>{html}</main></body></html>")
    assert tree.body is not None
    module = native.speedups_module()
    for node in [tree.body, *tree.body.css("main, div")]:
        assert _date_parts(node, module) == _date_parts(node, None)


@needs_speedups
def test_date_elements_list_the_region_itself_once_per_selector():
    from newsclean._extract.dates import _date_parts

    tree = parse_html("<html><body><p class='date meta'>May 2, 2024</p></body></html>")
    paragraph = tree.css_first("p")
    assert paragraph is not None
    parts = _date_parts(paragraph, native.speedups_module())
    assert parts == ['<p class="date meta">May 2, 2024</p>'] * 2


# The Python loop date_elements mirrors, as last mirrored (see MIRRORED).
DATES_MIRRORED = "66f2e6090a227e32bf259ae3a308bf0435b53f256347a3e8a8cf204925fc3ca1"


def test_c_mirror_is_told_about_changes_to_the_date_elements():
    from newsclean._extract import dates

    source = "".join(
        inspect.getsource(f) for f in (dates._date_parts, dates._date_elements)
    ) + repr((dates.DATE_ELEMENTS, dates._DATE_ELEMENTS_QUERY))
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == DATES_MIRRORED, (
        "dates._date_parts changed: mirror the change in src/newsclean/_extract/"
        "_speedups.c (date_elements), run benchmarks/parity.py, then set DATES_MIRRORED to "
        + digest
    )


@needs_speedups
def test_word_count_is_split_length_for_every_code_point():
    module = native.speedups_module()
    assert module is not None
    for kind_char in ("", "\u00e9", "\u20ac", "\U0001f600"):  # each str storage width
        text = kind_char + " ".join(f"a{chr(c)}b" for c in range(0x110000) if c % 4096 < 64)
        assert module.word_count(text) == len(text.split())
        for c in range(0x3100):  # every whitespace character is below U+3100
            piece = f"{kind_char}x{chr(c)}y {chr(c)}"
            assert module.word_count(piece) == len(piece.split()), hex(c)
    assert module.word_count("") == 0
    assert module.word_count(" \n\x1c\u3000 ") == 0


def test_version_says_whether_the_c_speedups_run(monkeypatch):
    """``newsclean --version`` names the speedups' state, in a fresh interpreter each way."""

    def version(**extra: str) -> str:
        env = {k: v for k, v in os.environ.items() if k != speedups.DISABLE_ENV}
        run = subprocess.run(
            [sys.executable, "-m", "newsclean", "--version"],
            capture_output=True,
            text=True,
            env={**env, **extra},
            check=True,
        )
        return run.stdout

    assert "(C speedups: disabled by NEWSCLEAN_NO_SPEEDUPS)" in version(NEWSCLEAN_NO_SPEEDUPS="1")
    monkeypatch.delenv(speedups.DISABLE_ENV, raising=False)  # as the second run has it
    expected = speedups.load(native._FLAG_SETS, native.RawBlock).reason
    assert f"(C speedups: {expected})" in version()
