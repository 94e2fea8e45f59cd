"""The Scrapy integration: real crawls (``CrawlerProcess`` in a subprocess) of a loopback site."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

import newsclean
from _http_server import FAST_OPTIONS_KW, serve
from _news_site import BROKEN, STORIES, NewsSite, build_site
from newsclean import NotHTML
from newsclean._fetch.discover import Discovered
from newsclean.scrapy import ArticlePipeline, NewsSpider, article_from_response

TESTS = Path(__file__).parent
ROOT = TESTS.parent
HTML = "text/html; charset=utf-8"

#: Settings that keep a crawl of one loopback host to a second or two.
FAST = {
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": False,
    "AUTOTHROTTLE_START_DELAY": 0.01,
    "AUTOTHROTTLE_MAX_DELAY": 0.05,
    "RETRY_TIMES": 1,
}


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with serve() as running:
        yield build_site(running)


def crawl(tmp_path: Path, site: NewsSite, name: str, **settings: object) -> tuple[list, dict]:
    out = tmp_path / f"{name}.jsonl"
    config = {
        "settings": {**FAST, "FEEDS": {str(out): {"format": "jsonlines"}}, **settings},
        "spider_args": {"feeds": ",".join(site.feeds), "sitemaps": site.robots},
        "stats": str(tmp_path / f"{name}.stats.json"),
    }
    config_path = tmp_path / f"{name}.json"
    config_path.write_text(json.dumps(config), "utf-8")
    done = subprocess.run(
        [sys.executable, str(TESTS / "_scrapy_crawl.py"), str(config_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    return items, json.loads(Path(config["stats"]).read_text("utf-8"))


def entries_by_url(site: NewsSite) -> dict[str, list[Discovered]]:
    """Every feed and sitemap entry of each URL (the crawl uses the first one it reads)."""
    found: dict[str, list[Discovered]] = {}
    options = newsclean.FetchOptions(**FAST_OPTIONS_KW)  # type: ignore[arg-type]
    with newsclean.Fetcher(options=options) as fetcher:
        for start in [*site.feeds, site.robots]:
            for entry in newsclean.discover(start, fetcher=fetcher).entries:
                found.setdefault(entry.url, []).append(entry)
    return found


def expected_items(site: NewsSite) -> dict[str, list[dict[str, object]]]:
    entries = entries_by_url(site)
    expected = {}
    for path in STORIES:
        url = site.url(path)
        article = newsclean.clean_html(site.html_of(path).encode(), url=url, content_type=HTML)
        expected[url] = [entry.fill(article).to_dict() for entry in entries[url]]
    return expected


def test_crawl_writes_the_articles_clean_html_gives_and_counts_each_failure(
    site: NewsSite, tmp_path: Path
) -> None:
    items, stats = crawl(tmp_path, site, "first", HTTPCACHE_ENABLED=True,
                         HTTPCACHE_DIR=str(tmp_path / "cache"))  # fmt: skip
    expected = expected_items(site)
    by_url = {item["url"]: item for item in items}
    assert len(items) == len(by_url) == len(STORIES)  # each article once
    assert set(by_url) == set(expected)
    for url, item in by_url.items():
        assert item in expected[url]  # clean_html of the page, filled by its entry
    library = by_url[site.url("/news/library-hours")]  # no date on the page: the feed's
    assert (library["published"], library["provenance"]["published"]) == (
        "2024-03-04T06:00:00Z",
        "feed",
    )
    assert stats["_settings"] == {
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "HTTPCACHE_ENABLED": True,
    }
    assert {k: v for k, v in stats.items() if k.startswith("newsclean/")} == {
        "newsclean/documents/robots": 1,
        "newsclean/documents/sitemap": 3,  # the index, news.xml, archive.xml.gz
        "newsclean/documents/feed": 2,
        "newsclean/discovered": len(STORIES) + len(BROKEN),
        "newsclean/articles": len(STORIES),
        "newsclean/errors": 1,
        "newsclean/errors/NotHTML": 1,  # the PDF
        "newsclean/fetch_errors": 4,
        "newsclean/fetch_errors/http_404": 1,
        "newsclean/fetch_errors/http_500": 1,  # after Scrapy's retry
        "newsclean/fetch_errors/redirect_loop": 1,
        "newsclean/fetch_errors/robots": 1,
    }
    assert stats["item_scraped_count"] == len(STORIES)
    assert stats["item_dropped_count"] == 1
    assert stats["robotstxt/forbidden"] == 1
    assert site.server.hits["/private/secret"] == 0

    # the same crawl again is served from Scrapy's HTTP cache: same items, no page fetched
    hits = {path: site.server.hits[path] for path in STORIES}
    again, stats = crawl(tmp_path, site, "cached", HTTPCACHE_ENABLED=True,
                         HTTPCACHE_DIR=str(tmp_path / "cache"))  # fmt: skip
    assert sorted(again, key=lambda item: item["url"]) == sorted(items, key=lambda i: i["url"])
    assert {path: site.server.hits[path] for path in STORIES} == hits
    assert stats["httpcache/hit"] >= len(STORIES)
    assert stats["newsclean/articles"] == len(STORIES)


def test_the_spider_in_the_docs_crawls_the_site(site: NewsSite, tmp_path: Path) -> None:
    text = (ROOT / "docs" / "scrapy.md").read_text("utf-8")
    code = re.search(r"```python\n(# news_spider\.py.*?)```", text, re.S)
    assert code is not None, "docs/scrapy.md lost its news_spider.py example"
    assert len(code.group(1).strip().splitlines()) <= 20
    spider = tmp_path / "news_spider.py"
    spider.write_text(code.group(1), "utf-8")
    command = re.search(r"^\$ (scrapy runspider news_spider\.py .*)$", text, re.M)
    assert command is not None, "docs/scrapy.md lost its scrapy runspider command"
    args = command.group(1).replace("https://example.com", site.server.base).split()[1:]
    fast = [part for key, value in FAST.items() for part in ("-s", f"{key}={value}")]
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", *args, *fast],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    items = [
        json.loads(line) for line in (tmp_path / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    assert sorted(item["url"] for item in items) == sorted(site.story_urls())
    assert all(item["text"] and item["title"] for item in items)


# -- in process, without a crawl ---------------------------------------------------------------


def response(url: str, body: bytes, content_type: bytes = b"text/html; charset=utf-8") -> Response:
    return HtmlResponse(url=url, body=body, headers={b"Content-Type": content_type})


STORY = (
    b"<html><head><title>Dam opens</title></head><body><article><h1>Dam opens</h1><p>The new "
    b"dam on the river opened on Monday after six years of building work and many delays.</p>"
    b"</article></body></html>"
)


def test_article_from_response_takes_scrapy_headers() -> None:
    resp = response("https://e.com/dam", STORY.replace(b"new", "neue".encode("cp1252")),
                    b"text/html; charset=windows-1252")  # fmt: skip
    article = article_from_response(resp)
    assert article == newsclean.clean_html(
        resp.body, url="https://e.com/dam", content_type="text/html; charset=windows-1252"
    )
    assert article.url == "https://e.com/dam"
    with pytest.raises(NotHTML):
        article_from_response(Response("https://e.com/a.pdf", body=b"%PDF-1.4 ..."))
    with pytest.raises(NotHTML):
        article_from_response(response("https://e.com/x", b"{}", b"application/json"))


def pipeline(**settings: object) -> ArticlePipeline:
    crawler = get_crawler(settings_dict={"NEWSCLEAN_THREADED": False, **settings})
    return ArticlePipeline.from_crawler(crawler)


def run(pipe: ArticlePipeline, item: object) -> object:
    return asyncio.run(pipe.process_item(item))


def test_pipeline_cleans_body_items_and_keeps_their_other_fields() -> None:
    pipe = pipeline()
    out = run(pipe, {"url": "https://e.com/dam", "body": STORY, "section_hint": "local"})
    expected = newsclean.clean_html(STORY, url="https://e.com/dam").to_dict()
    assert out == {"section_hint": "local", **expected}
    out = run(pipe, {"response": response("https://e.com/dam", STORY)})
    assert out == newsclean.clean_html(STORY, url="https://e.com/dam", content_type=HTML).to_dict()
    assert run(pipe, {"title": "no page here"}) == {"title": "no page here"}
    assert pipe.stats.get_value("newsclean/articles") == 2
    assert pipe.stats.get_value("newsclean/skipped") == 1


def test_pipeline_counts_logs_and_drops_failures(caplog: pytest.LogCaptureFixture) -> None:
    pipe = pipeline()
    with caplog.at_level(logging.WARNING, logger="newsclean.scrapy"), pytest.raises(DropItem):
        run(pipe, {"response": Response("https://e.com/a.pdf", body=b"%PDF-1.4")})
    assert "NotHTML" in caplog.text
    with pytest.raises(DropItem, match="no article body"):
        run(pipe, {"url": "https://e.com/empty", "body": b"<html><body></body></html>"})
    assert pipe.stats.get_value("newsclean/errors/NotHTML") == 1
    assert pipe.stats.get_value("newsclean/empty") == 1


def test_pipeline_error_items_and_kept_empty_records() -> None:
    pipe = pipeline(NEWSCLEAN_ERROR_ITEMS=True, NEWSCLEAN_DROP_EMPTY=False)
    out = run(pipe, {"response": Response("https://e.com/a.pdf", body=b"%PDF-1.4")})
    assert out == {
        "url": "https://e.com/a.pdf",
        "error": {"stage": "clean", "kind": "NotHTML", "message": "not HTML: the body is "
                  "application/pdf"},
    }  # fmt: skip
    empty = run(pipe, {"url": "https://e.com/empty", "body": b"<html><body></body></html>"})
    assert isinstance(empty, dict)
    assert empty["text"] == ""
    assert empty["warnings"]


def test_pipeline_settings() -> None:
    pipe = pipeline(NEWSCLEAN_OPTIONS={"include_tables": False}, NEWSCLEAN_BODY_FIELD="html")
    assert pipe.options == newsclean.Options(include_tables=False)
    out = run(pipe, {"url": "https://e.com/dam", "html": STORY.decode()})
    assert isinstance(out, dict)
    assert "dam on the river" in str(out["text"])
    with pytest.raises(NotConfigured):
        pipeline(NEWSCLEAN_ENABLED=False)
    with pytest.raises(NotConfigured, match="NEWSCLEAN_OPTIONS"):
        pipeline(NEWSCLEAN_OPTIONS={"no_such_option": 1})


def test_spider_arguments() -> None:
    spider = NewsSpider(feeds="https://e.com/a.xml, https://e.com/b.xml", since="2024-01-02",
                        max_urls="5", path="/news/")  # fmt: skip
    assert spider.feed_urls == ["https://e.com/a.xml", "https://e.com/b.xml"]
    assert spider.filters.max_urls == 5
    with pytest.raises(ValueError, match="ISO 8601"):
        NewsSpider(since="last week")


def test_clean_html_takes_a_content_type_as_bytes() -> None:
    page = "<html><body><article><p>Caf\xe9 prices rose again in the city this week.</p>"
    data = (page + "</article></body></html>").encode("cp1252")
    assert newsclean.clean_html(data, content_type=b"text/html; charset=windows-1252") == (
        newsclean.clean_html(data, content_type="text/html; charset=windows-1252")
    )
