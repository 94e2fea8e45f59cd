"""Discovery without Scrapy: feeds, sitemaps and robots.txt on a loopback news site."""

from __future__ import annotations

import gzip
import json
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

import newsclean
from _http_server import FAST_OPTIONS_KW, LocalServer, server
from _news_site import BROKEN, STORIES, NewsSite, build_site
from newsclean import DiscoveryError, FetchOptions, TooLarge
from newsclean._cli.main import main
from newsclean._fetch.discover import (
    Discovered,
    normalize_url,
    parse_feed,
    parse_sitemap,
    sniff_document,
)

__all__ = ["server"]


@pytest.fixture
def site(server: LocalServer) -> NewsSite:
    return build_site(server)


def fetcher() -> newsclean.Fetcher:
    return newsclean.Fetcher(options=FetchOptions(**FAST_OPTIONS_KW))  # type: ignore[arg-type]


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def expected_article(site: NewsSite, path: str, entry: Discovered) -> dict[str, object]:
    """What ``fetch`` must write for a story: ``clean_html`` of the page, filled by its entry."""
    url = site.url(path)
    return entry.fill(newsclean.clean_html(site.html_of(path).encode(), url=url)).to_dict()


# -- the command ------------------------------------------------------------------------------


def test_fetch_sitemap_and_feeds_one_row_per_url(
    site: NewsSite, server: LocalServer, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out.jsonl"
    args = ["fetch", "--sitemap", site.robots, "--feed", site.feeds[0], "--feed", site.feeds[1]]
    code = main([*args, "-o", str(out), "--allow-private", "--delay", "0", "--attempts", "2"])
    assert code == 1  # the broken pages are errors
    by_path = {str(row["source"]).removeprefix(server.base): row for row in rows(out)}
    assert set(by_path) == set(STORIES) | set(BROKEN)  # one row per URL, each URL once
    assert server.hits["/robots.txt"] == 1  # read once, for its rules and its Sitemap line
    with fetcher() as f:
        found = newsclean.discover([site.robots, *site.feeds], fetcher=f)
    entries = {entry.url: entry for entry in found.entries}
    for path in STORIES:
        assert by_path[path]["error"] is None
        assert by_path[path]["article"] == expected_article(site, path, entries[site.url(path)])
    kinds = {path: by_path[path]["error"]["kind"] for path in BROKEN}  # type: ignore[index]
    assert kinds == {
        "/news/missing": "StatusError",
        "/news/error": "StatusError",
        "/news/report.pdf": "NotHTML",
        "/news/loop-a": "TooManyRedirects",
        "/private/secret": "RobotsDisallowed",
    }
    assert server.hits["/news/error"] == 2  # retried as fetch retries
    assert server.hits["/private/secret"] == 0  # robots.txt obeyed
    err = capsys.readouterr().err  # the summary newsclean clean prints
    assert "discovered 13 URLs in feeds and sitemaps" in err
    assert "inputs 13, records 8, errors 5" in err


def test_feed_and_sitemap_values_fill_the_record_with_provenance(
    site: NewsSite, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    main(["fetch", "--feed", site.feeds[1], "--sitemap", site.sitemap, "-o", str(out),
          "--allow-private", "--delay", "0"])  # fmt: skip
    by_url = {row["source"]: row["article"] for row in rows(out)}
    library = by_url[site.url("/news/library-hours")]  # the page shows no date or author
    assert isinstance(library, dict)
    assert library["published"] == "2024-03-04T06:00:00Z"
    assert library["authors"] == ["Cy Editor"]
    assert library["provenance"]["published"] == "feed"
    assert library["provenance"]["authors"] == "feed"
    budget = by_url[site.url("/news/council-budget")]
    assert isinstance(budget, dict)
    assert budget["published"] == "2024-03-07T09:15:00+01:00"  # <news:publication_date>
    assert budget["provenance"]["published"] == "sitemap"
    assert budget["title"] == "Council agrees budget"  # the page's own title wins
    assert budget["provenance"]["title"] != "sitemap"
    bridge = by_url[site.url("/news/bridge-reopens")]  # the page has its own date
    assert isinstance(bridge, dict)
    assert bridge["provenance"]["published"] != "sitemap"


def test_discovery_obeys_the_address_guard(site: NewsSite, server: LocalServer, capsys) -> None:
    assert main(["fetch", "--sitemap", site.sitemap, "--feed", site.feeds[0]]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {row["error"]["kind"] for row in lines} == {"DisallowedAddress"}
    assert {row["error"]["stage"] for row in lines} == {"discover"}
    assert sum(server.hits.values()) == 0


def test_filters_on_the_command_line(site: NewsSite, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    args = ["fetch", "--sitemap", site.sitemap, "--since", "2024-03-07", "--path", "^/news/"]
    assert main([*args, "-o", str(out), "--allow-private", "--delay", "0"]) == 1
    sources = {str(row["source"]) for row in rows(out)}
    # dated on or after March 7, or undated (kept: nothing says they are old)
    kept = ["/news/bridge-reopens", "/news/council-budget", "/news/missing", "/news/error"]
    assert sources == {site.url(p) for p in [*kept, "/news/report.pdf", "/news/loop-a"]}


def test_bad_path_pattern_is_a_usage_error(site: NewsSite, capsys) -> None:
    assert main(["fetch", "--sitemap", site.sitemap, "--path", "(", "--allow-private"]) == 2
    assert "bad path pattern" in capsys.readouterr().err


def test_feed_and_pages_share_the_host_pacing(site: NewsSite, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    assert main(["fetch", "--feed", site.feeds[0], "-o", str(out), "--allow-private",
                 "--delay", "0.3"]) == 0  # fmt: skip
    assert time.monotonic() - started >= 0.6  # feed, page, page: three turns of one host
    assert len(rows(out)) == 2


def test_progress_bar_counts_discovered_pages(site: NewsSite, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.jsonl"
    args = ["fetch", "--feed", site.feeds[0], "-o", str(out), "--allow-private", "--delay", "0"]
    assert main([*args, "--progress", "always"]) == 0
    assert "2/2" in capsys.readouterr().err


# -- the function ----------------------------------------------------------------------------


def test_discover_reads_robots_index_gzip_and_news_sitemaps(site: NewsSite) -> None:
    with fetcher() as f:
        found = newsclean.discover(site.robots, fetcher=f)
    assert found.errors == ()
    paths = [entry.url.removeprefix(site.server.base) for entry in found.entries]
    assert paths == [
        "/news/bridge-reopens",
        "/news/council-budget",
        "/news/school-roof",  # ?utm_source=sitemap dropped
        "/news/missing",
        "/news/tram-line",
        "/news/harbour-wall",
        "/news/error",
        "/news/report.pdf",
        "/news/loop-a",
    ]
    budget = found.entries[1]
    assert budget.source == "sitemap"
    assert budget.found_in == site.url("/sitemaps/news.xml")
    assert budget.title == "Council agrees budget (sitemap)"
    assert budget.language == "en"
    assert budget.published == datetime(2024, 3, 7, 8, 15, tzinfo=timezone.utc)
    assert found.entries[2].published == date(2024, 3, 6)
    assert found.entries[4].modified == date(2024, 2, 1)


def test_discover_merges_a_url_listed_twice(site: NewsSite) -> None:
    with fetcher() as f:
        found = newsclean.discover([site.feeds[0], site.sitemap], fetcher=f)
    bridge = [e for e in found.entries if e.url == site.url("/news/bridge-reopens")]
    assert len(bridge) == 1  # "#comments" in the feed's link is dropped
    assert bridge[0].source == "feed"
    assert bridge[0].authors == ("Ann Reporter",)


def test_discover_filters(site: NewsSite) -> None:
    with fetcher() as f:
        recent = newsclean.discover(site.feeds, fetcher=f, since=date(2024, 3, 4))
        assert [e.url for e in recent.entries] == [
            site.url("/news/bridge-reopens"),
            site.url("/news/market-hall"),
            site.url("/news/library-hours"),
            site.url("/private/secret"),  # undated: kept
        ]
        german = newsclean.discover(site.feeds, fetcher=f, language="de")
        assert german.entries == ()
        two = newsclean.discover(site.sitemap, fetcher=f, max_urls=2, path="/news/")
        assert len(two.entries) == 2


def test_index_children_older_than_since_are_not_read(site: NewsSite, server: LocalServer) -> None:
    with fetcher() as f:
        newsclean.discover(site.sitemap, fetcher=f, since=date(2024, 3, 10))
    assert server.hits["/sitemaps/news.xml"] == 0  # <lastmod>2024-03-09
    assert server.hits["/sitemaps/archive.xml.gz"] == 1  # no <lastmod>: read


def test_discover_homepage_finds_linked_feeds(server: LocalServer) -> None:
    site = build_site(server)
    server.page(
        "/",
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feeds/rss.xml">'
        "</head><body>Home</body></html>",
    )
    with fetcher() as f:
        found = newsclean.discover(server.url("/"), fetcher=f)
    assert [e.url for e in found.entries] == [
        site.url("/news/bridge-reopens"),
        site.url("/news/market-hall"),
    ]


def test_failed_documents_are_reported_and_the_rest_read(server: LocalServer) -> None:
    site = build_site(server)
    server.page("/broken.xml", "<html><body>not a sitemap</body></html>")
    with fetcher() as f:
        found = newsclean.discover(
            [server.url("/nope.xml"), server.url("/broken.xml"), site.feeds[0]],
            kind="sitemap",
            fetcher=f,
        )
    assert [type(e).__name__ for e in found.errors] == ["StatusError", "DiscoveryError"]
    assert [e.url for e in found.errors] == [server.url("/nope.xml"), server.url("/broken.xml")]
    assert len(found.entries) == 2  # the RSS feed, read as a sitemap (sitemaps.org allows it)


def test_documents_obey_robots_txt(server: LocalServer) -> None:
    server.page("/robots.txt", "User-agent: *\nDisallow: /hidden/\n", content_type="text/plain")
    server.page("/hidden/sitemap.xml", "<urlset></urlset>", content_type="application/xml")
    options = FetchOptions(**{**FAST_OPTIONS_KW, "respect_robots": True})  # type: ignore[arg-type]
    with newsclean.Fetcher(options=options) as f:
        found = newsclean.discover(server.url("/hidden/sitemap.xml"), fetcher=f)
    assert [type(e).__name__ for e in found.errors] == ["RobotsDisallowed"]
    assert server.hits["/hidden/sitemap.xml"] == 0


def test_gzip_sitemap_bomb_is_refused(server: LocalServer) -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (8 * 1024 * 1024) + b"</urlset>")
    server.page("/bomb.xml.gz", bomb, content_type="application/gzip")
    with fetcher() as f:
        found = newsclean.discover(server.url("/bomb.xml.gz"), fetcher=f, max_bytes=1_000_000)
        with pytest.raises(TooLarge):
            f.fetch_document(server.url("/bomb.xml.gz"), max_bytes=1_000_000)
    assert [type(e).__name__ for e in found.errors] == ["TooLarge"]


# -- the parsers ------------------------------------------------------------------------------


def test_sitemap_without_namespace_and_text_sitemap() -> None:
    doc = parse_sitemap(
        b"<urlset><url><loc> https://e.com/a </loc><lastmod>2024-01-02T03:04:05+02:00</lastmod>"
        b"</url><url><loc>ftp://e.com/x</loc></url></urlset>",
        url="https://e.com/s.xml",
    )
    assert [e.url for e in doc.entries] == ["https://e.com/a"]
    assert doc.entries[0].modified is not None
    text = parse_sitemap(b"https://e.com/a\n\nhttps://e.com/b\n", url="https://e.com/s.txt")
    assert [e.url for e in text.entries] == ["https://e.com/a", "https://e.com/b"]


def test_sitemap_entities_are_not_expanded() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>https://e.com/&c;&ext;</loc></url></urlset>"
    )
    doc = parse_sitemap(laughs, url="https://e.com/s.xml")
    assert all("aaaa" not in e.url and "root" not in e.url for e in doc.entries)


def test_not_a_sitemap_or_feed_raises_discovery_error() -> None:
    with pytest.raises(DiscoveryError) as info:
        parse_sitemap(b"<html><body>hi</body></html>", url="https://e.com/s.xml")
    assert info.value.url == "https://e.com/s.xml"
    with pytest.raises(DiscoveryError):
        parse_feed(b"just words", url="https://e.com/feed")
    with pytest.raises(DiscoveryError):
        parse_feed(b'{"no": "items"}', url="https://e.com/feed.json")


def test_json_feed() -> None:
    data = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "language": "fr",
            "items": [
                {
                    "id": "1",
                    "url": "/a",
                    "title": "A",
                    "date_published": "2024-01-02T03:04:05Z",
                    "authors": [{"name": "Jo"}],
                },
                {"id": "2", "external_url": "https://x.org/b"},
                {"id": "3"},
            ],
        }
    ).encode()
    entries = parse_feed(data, url="https://e.com/feed.json")
    assert [(e.url, e.title, e.authors, e.language) for e in entries] == [
        ("https://e.com/a", "A", ("Jo",), "fr"),
        ("https://x.org/b", None, (), "fr"),
    ]
    assert entries[0].published == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_sniff_and_normalize() -> None:
    assert sniff_document(b'<?xml version="1.0"?>\n<sitemapindex>', url="https://e.com/s") == (
        "sitemap"
    )
    assert sniff_document(b"<feed xmlns='http://www.w3.org/2005/Atom'>", url="https://e/a") == (
        "feed"
    )
    assert sniff_document(b"<!doctype html><html>", url="https://e.com/") == "html"
    assert normalize_url("https://E.com/a?fbclid=1&b=2&a=1") == "https://e.com/a?a=1&b=2"
    assert normalize_url("javascript:alert(1)") is None


def test_fill_keeps_the_page_values() -> None:
    entry = Discovered(
        url="https://e.com/a",
        source="sitemap",
        found_in="https://e.com/s.xml",
        title="Sitemap title",
        published=date(2024, 1, 1),
    )
    page = newsclean.Article(title="Page title", published=date(2023, 5, 5))
    assert entry.fill(page) is page
    filled = entry.fill(newsclean.Article())
    assert (filled.title, filled.published) == ("Sitemap title", date(2024, 1, 1))
    assert filled.provenance == newsclean.Provenance(title="sitemap", published="sitemap")
