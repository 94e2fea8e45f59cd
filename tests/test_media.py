"""The body's images and links in the record, and in every output format."""

from __future__ import annotations

import json

import pytest

import newsclean
from newsclean import Image, Link
from newsclean._cli.main import main

PARAGRAPH = (
    "The storm reached the northern coast on Monday night and flooded the streets of the "
    "old town, where the water stood knee-deep until the tide turned on Tuesday morning."
)


def page(body: str, head: str = "") -> str:
    return (
        f"<html><head><title>Storm floods the coast</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/weather'>Weather</a><img src='/logo.png'></nav>"
        f"<article><h1>Storm floods the coast</h1><p>{PARAGRAPH}</p>{body}"
        f"<p>{PARAGRAPH.replace('Monday', 'Sunday')}</p></article>"
        "<aside class='related'><a href='/other'><img src='/thumb-1.jpg'>Other story</a></aside>"
        "<footer><a href='/privacy'>Privacy</a></footer></body></html>"
    )


def clean(html: str, **options: object) -> newsclean.Article:
    return newsclean.clean_html(
        html, url="https://news.example/2025/storm.html", options=newsclean.Options(**options)
    )


def test_figure_image_with_alt_and_caption_made_absolute():
    article = clean(
        page(
            "<figure><img src='img/pier.jpg' alt='Waves at the pier'>"
            "<figcaption>Waves broke over the pier. <span>Photo: J. Doe</span></figcaption>"
            "</figure>"
        )
    )
    assert article.images == (
        Image(
            src="https://news.example/2025/img/pier.jpg",
            alt="Waves at the pier",
            caption="Waves broke over the pier. Photo: J. Doe",
        ),
    )


def test_lazy_images_pixels_data_uris_and_teasers():
    body = (
        "<img src='data:image/gif;base64,R0lGOD' data-src='/img/lazy.jpg' alt='Lazy'>"
        "<img src='/img/blank.gif' srcset='/img/s.jpg 480w, /img/l.jpg 1200w, /img/m.jpg 800w'>"
        "<img src='/track.gif' width='1' height='1'>"
        "<img src='data:image/png;base64,iVBOR'>"
        "<a href='/2025/other-story'><img src='/img/teaser.jpg'></a>"
        "<a href='/img/full.jpg'><img src='/img/small.jpg' alt='Zoom'></a>"
        "<img src='/img/lazy.jpg'>"  # listed once
    )
    article = clean(page(body))
    assert [(i.src, i.alt) for i in article.images] == [
        ("https://news.example/img/lazy.jpg", "Lazy"),
        ("https://news.example/img/l.jpg", None),
        ("https://news.example/img/small.jpg", "Zoom"),
    ]


def test_links_of_the_body_only():
    body = (
        f"<p>{PARAGRAPH[:60]} <a href='/reports/tides'>the tide tables</a> and "
        "<a href='https://met.example/warnings?id=3&amp;lang=en'>the weather office</a> said so, "
        "as <a href='#note-1'>a note</a> and <a href='javascript:void(0)'>a widget</a> did.</p>"
        "<div class='share-tools'><a href='https://social.example/share'>Share</a></div>"
    )
    article = clean(page(body))
    assert article.links == (
        Link(href="https://news.example/reports/tides", text="the tide tables"),
        Link(href="https://met.example/warnings?id=3&lang=en", text="the weather office"),
    )
    assert "Share" not in article.text
    assert all("privacy" not in link.href and "other" not in link.href for link in article.links)


def test_base_href_is_the_base():
    article = clean(
        page("<p>See <a href='maps/flood.html'>the flood map</a> for the streets.</p>"),
        extractor="native",
    ).model_copy()
    assert article.links[0].href == "https://news.example/2025/maps/flood.html"
    with_base = clean(
        page(
            "<p>See <a href='maps/flood.html'>the flood map</a> for the streets.</p>",
            head="<base href='https://cdn.example/site/'>",
        )
    )
    assert with_base.links[0].href == "https://cdn.example/site/maps/flood.html"


def test_trafilatura_bodies_get_images_and_links_too():
    body = (
        "<p>Officials said <a href='/reports/tides'>the tide tables</a> would change.</p>"
        "<figure><img src='/img/pier.jpg' alt='Pier'><figcaption>The pier.</figcaption></figure>"
    )
    article = clean(page(body), extractor="trafilatura")
    assert article.extractor == "trafilatura"
    assert [link.text for link in article.links] == ["the tide tables"]
    assert [image.src for image in article.images] == ["https://news.example/img/pier.jpg"]


def test_no_body_no_media():
    article = clean("<html><body><nav><a href='/a'>A</a><img src='/a.png'></nav></body></html>")
    assert article.images == ()
    assert article.links == ()


FIGURE = (
    "<figure><img src='/img/pier.jpg' alt='Waves [big]'><figcaption>The pier at dawn."
    "</figcaption></figure><p>Read <a href='/reports/tides'>the tide tables</a> now.</p>"
)


def test_markdown_keeps_images_and_drops_a_repeated_lede():
    html = page(FIGURE, head=f"<meta name='description' content='{PARAGRAPH}'>")
    article = clean(html)
    assert article.description == PARAGRAPH
    markdown = article.to_markdown()
    assert markdown.count("knee-deep") == 2  # the two paragraphs, not the description again
    assert "**" not in markdown
    assert (
        "![Waves \\[big\\]](https://news.example/img/pier.jpg)\n\n*The pier at dawn.*" in markdown
    )


def test_markdown_keeps_a_description_that_is_not_the_lede():
    html = page(FIGURE, head="<meta name='description' content='High water in the old town.'>")
    assert "**High water in the old town.**" in clean(html).to_markdown()


def test_text_json_and_parquet_carry_them(tmp_path):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    source = tmp_path / "storm.html"
    source.write_text(page(FIGURE), encoding="utf-8")
    url_map = tmp_path / "urls.tsv"
    url_map.write_text("storm.html https://news.example/2025/storm.html\n", encoding="utf-8")
    common = [str(source), "--url-map", str(url_map), "-q"]
    text_out = tmp_path / "storm.txt"
    assert main(["clean", *common, "-o", str(text_out)]) == 0
    text = text_out.read_text("utf-8")
    assert "Images:\n  https://news.example/img/pier.jpg  The pier at dawn. - Waves [big]" in text
    assert "Links:\n  the tide tables: https://news.example/reports/tides" in text

    jsonl = tmp_path / "storm.jsonl"
    assert main(["clean", *common, "-o", str(jsonl)]) == 0
    record = json.loads(jsonl.read_text("utf-8"))["article"]
    assert record["images"] == [
        {"src": "https://news.example/img/pier.jpg", "alt": "Waves [big]",
         "caption": "The pier at dawn."}
    ]  # fmt: skip
    assert record["links"] == [{"href": "https://news.example/reports/tides",
                                "text": "the tide tables"}]  # fmt: skip

    parquet = tmp_path / "storm.parquet"
    assert main(["clean", *common, "-o", str(parquet)]) == 0
    row = pq.read_table(parquet).to_pylist()[0]
    assert row["images"] == record["images"]
    assert row["links"] == record["links"]


def test_schema_describes_images_and_links():
    schema = newsclean.article_json_schema()
    assert schema["properties"]["images"]["items"] == {"$ref": "#/$defs/Image"}
    assert set(schema["$defs"]["Image"]["properties"]) == {"src", "alt", "caption"}
    assert set(schema["$defs"]["Link"]["properties"]) == {"href", "text"}
