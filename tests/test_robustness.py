"""Bad input returns a record with a warning or raises a newsclean error; nothing else leaks."""

from __future__ import annotations

import gzip
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsclean

PARAGRAPH = "<p>A sentence long enough to be a paragraph of an article, with words and commas.</p>"


def test_empty_string_gives_empty_record_with_warning():
    article = newsclean.clean_html("")
    assert article.text == ""
    assert article.blocks == ()
    assert "empty input" in article.warnings


def test_whitespace_bytes_give_empty_record():
    assert newsclean.clean_html(b"   \n\t ").warnings == ("empty input",)


def test_binary_junk_is_reported_not_parsed():
    junk = bytes(range(256)) * 400 + os.urandom(4096)
    article = newsclean.clean_html(junk)
    assert article.text == ""
    assert any("binary" in w for w in article.warnings)


def test_raise_on_empty_raises_no_content_error():
    options = newsclean.Options(raise_on_empty=True)
    with pytest.raises(newsclean.NoContentError):
        newsclean.clean_html(
            "<html><body><nav><a href='/'>Home</a></nav></body></html>", options=options
        )


def test_malformed_html_keeps_its_text():
    html = "<html><body><article><p>Unclosed <b>bold <i>italic <div></p></span> text & more"
    html += " words to make this a sentence that trafilatura keeps as body</table></article>"
    article = newsclean.clean_html(html)
    assert "text & more words" in article.text


def test_gzip_bytes_are_inflated():
    html = f"<html><body><article>{PARAGRAPH * 5}</article></body></html>"
    article = newsclean.clean_html(gzip.compress(html.encode()))
    assert article.text.startswith("A sentence long enough")


def test_truncated_gzip_raises_decode_error():
    data = gzip.compress(("<html><body>" + PARAGRAPH * 200).encode())
    with pytest.raises(newsclean.DecodeError):
        newsclean.clean_html(data[: len(data) // 2])


def test_declared_charset_decodes_bytes():
    html = '<html><head><meta charset="windows-1252"></head><body><article>'
    html += "<p>Caf\xe9 cr\xe8me at the caf\xe9 on the corner, a sentence of some length here.</p>"
    html += "</article></body></html>"
    article = newsclean.clean_html(html.encode("cp1252"))
    assert "Café crème" in article.text


def test_content_type_header_wins_over_meta():
    html = '<html><head><meta charset="utf-8"></head><body><article><p>'
    html += "Stra\xdfe und Gr\xfc\xdfe, ein Satz mit genug W\xf6rtern f\xfcr einen Absatz hier.</p>"
    data = (html + "</article></body></html>").encode("latin-1")
    article = newsclean.clean_html(data, content_type="text/html; charset=ISO-8859-1")
    assert "Straße und Grüße" in article.text


def test_ten_thousand_nested_divs():
    html = "<html><body>" + "<div>" * 10_000 + PARAGRAPH * 3 + "</div>" * 10_000
    article = newsclean.clean_html(html + "</body></html>")
    assert "A sentence long enough" in article.text
    assert any("nesting" in w for w in article.warnings)


def test_unclosed_nesting_is_flattened():
    html = "<html><body>" + "<div class='x'><span>" * 20_000 + PARAGRAPH * 3
    article = newsclean.clean_html(html)
    assert "A sentence long enough" in article.text


def test_twenty_megabyte_page():
    unique = "".join(
        f"<p>Paragraph {i} says something new about item {i}, with several more words.</p>\n"
        for i in range(2000)
    )
    html = "<html><body><article>" + unique * 130 + "</article></body></html>"
    assert len(html) > 20_000_000
    article = newsclean.clean_html(html)
    assert article.text.startswith("Paragraph 0 says something new")
    # the page repeats its 2,000 paragraphs: repeats are dropped
    assert article.text.count("Paragraph 17 says") == 1
    # the native extractor walks the tree in linear time; trafilatura gets a cut page
    assert article.extractor == "native"
    options = newsclean.Options(extractor="trafilatura")
    article = newsclean.clean_html(html, options=options)
    assert article.text.count("Paragraph 17 says") == 1
    assert any("cut" in w for w in article.warnings)


def test_max_html_chars_cuts_with_warning():
    html = "<html><body><article>" + PARAGRAPH * 100 + "</article></body></html>"
    article = newsclean.clean_html(html, options=newsclean.Options(max_html_chars=2000))
    assert any("cut" in w for w in article.warnings)


def test_invalid_options_raise_options_error():
    with pytest.raises(newsclean.OptionsError):
        newsclean.Options(extractor="nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be positive"):
        newsclean.Options(max_html_chars=0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000)))
def test_arbitrary_input_never_leaks_foreign_errors(data):
    try:
        article = newsclean.clean_html(data)
    except newsclean.NewscleanError:
        return
    assert isinstance(article, newsclean.Article)


TAGS = st.sampled_from(
    [
        "div",
        "p",
        "span",
        "article",
        "table",
        "tr",
        "td",
        "ul",
        "li",
        "a",
        "script",
        "style",
        "h1",
        "h2",
        "blockquote",
        "pre",
        "nav",
        "footer",
    ]
)


@st.composite
def html_soup(draw):
    parts = []
    for _ in range(draw(st.integers(0, 60))):
        tag = draw(TAGS)
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(f"<{tag}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(st.text(min_size=0, max_size=80)))
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup())
def test_tag_soup_never_crashes(html):
    try:
        article = newsclean.clean_html(html)
    except newsclean.NewscleanError:
        return
    assert article.text == "\n\n".join(b.text for b in article.blocks)


def test_user_vocabulary_extends_the_builtin_one(tmp_path):
    html = "<html><body><article>" + PARAGRAPH * 3
    html += "<p>Brought to you by the Acme Widget Company</p></article></body></html>"
    assert "Acme Widget" in newsclean.clean_html(html).text
    vocab = tmp_path / "mine.json"
    vocab.write_text('{"lines": ["brought to you by the acme widget company"]}')
    options = newsclean.Options(vocabulary_files=(str(vocab),))
    assert "Acme Widget" not in newsclean.clean_html(html, options=options).text
    phrase = newsclean.Options(boilerplate_phrases=("Brought to you by the Acme Widget Company",))
    assert "Acme Widget" not in newsclean.clean_html(html, options=phrase).text


def test_a_failing_extractor_becomes_a_warning(monkeypatch):
    import trafilatura

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    page = "<html><body><article>" + PARAGRAPH + "</article></body>"
    only = newsclean.clean_html(page, options=newsclean.Options(extractor="trafilatura"))
    assert only.text == ""
    assert any("ValueError: boom" in w for w in only.warnings)
    # auto: the short native result asks trafilatura, which fails; the native body stays
    auto = newsclean.clean_html(page)
    assert auto.text == PARAGRAPH.replace("<p>", "").replace("</p>", "").strip()
    assert auto.extractor == "native"
    assert any("ValueError: boom" in w for w in auto.warnings)


def test_a_failing_native_extractor_falls_back_with_a_warning(monkeypatch):
    from newsclean import _pipeline

    def broken(*args, **kwargs):
        raise ValueError("native boom")

    monkeypatch.setattr(_pipeline, "extract_native", broken)
    page = "<html><body><article>" + PARAGRAPH * 6 + "</article></body>"
    article = newsclean.clean_html(page)
    assert article.extractor == "trafilatura"
    assert "A sentence long enough" in article.text
    assert any("native extractor failed: ValueError: native boom" in w for w in article.warnings)


@pytest.mark.parametrize(
    "content", [None, "{not json", '{"patterns": ["(unclosed"]}', '{"months": {"jan": "x"}}']
)
def test_bad_vocabulary_files_raise_options_error(tmp_path, content):
    path = tmp_path / "vocab.json"
    if content is not None:
        path.write_text(content)
    options = newsclean.Options(vocabulary_files=(str(path),))
    with pytest.raises(newsclean.OptionsError):
        newsclean.clean_html("<p>text</p>", options=options)


@pytest.mark.parametrize("element", ["html", "head", "body"])
@pytest.mark.parametrize(
    "attribute",
    ["role=navigation", "aria-modal=true", "hidden", "style='display:none'", "role=banner"],
)
def test_the_documents_own_elements_are_never_removed(element, attribute):
    # lexbor refuses to detach the root: a role or style on <html> once raised its error
    story = "<p>" + "The council approved the budget after a long debate. " * 8 + "</p>"
    html = f"<html><head><title>t</title></head><body>{story}</body></html>"
    html = html.replace(f"<{element}>", f"<{element} {attribute}>", 1)
    article = newsclean.clean_html(html)
    assert "approved the budget" in article.text
