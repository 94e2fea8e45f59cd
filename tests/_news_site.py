"""A small news site on the loopback server: robots.txt, sitemaps, feeds and article pages.

Used by the discovery, Scrapy and docs tests (and ``benchmarks/scrapy_cost.py``), so they
all crawl the same site::

    /robots.txt                 Disallow: /private/, Sitemap: /sitemap_index.xml
    /sitemap_index.xml          -> /sitemaps/news.xml, /sitemaps/archive.xml.gz
    /sitemaps/news.xml          news sitemap: 3 stories (dates, titles, language), /news/missing
    /sitemaps/archive.xml.gz    gzip file: 2 stories, /news/error, /news/report.pdf, /news/loop-a
    /feeds/rss.xml              RSS: a story also in the news sitemap, 1 story (dc:creator)
    /feeds/atom.xml             Atom: 2 stories, /private/secret (disallowed by robots.txt)

The broken ones: /news/missing (404), /news/error (500), /news/report.pdf (a PDF),
/news/loop-a -> /news/loop-b -> /news/loop-a (a redirect loop), /private/secret (robots).
"""

from __future__ import annotations

import gzip
import random
from dataclasses import dataclass
from xml.sax.saxutils import escape

from _http_server import LocalServer

__all__ = ["BROKEN", "STORIES", "NewsSite", "build_site", "story_html"]

_WORDS = (
    "council river bridge city officials residents said on Tuesday the plan would cost "
    "more than expected after engineers found damage under the old structure and traffic "
    "will move to a temporary crossing while repairs continue through the winter months "
    "according to a statement from the transport department which also promised weekly "
    "updates for commuters shops and schools near the site"
).split()


def _paragraph(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(28, 48))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def story_html(slug: str, *, title: str, dated: bool, seed: int | None = None) -> str:
    """An article page: site chrome around an ``<article>`` of five paragraphs."""
    rng = random.Random(seed if seed is not None else slug)
    paragraphs = "".join(f"<p>{_paragraph(rng)}</p>" for _ in range(5))
    day = 1 + len(slug) % 8
    meta = (
        f'<meta property="article:published_time" content="2024-03-0{day}T08:00:00+00:00">'
        if dated
        else ""
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title} | Daily"
        f"</title>{meta}</head><body><header><nav><a href='/'>Home</a> <a href='/news/'>News"
        f"</a> <a href='/sport/'>Sport</a></nav></header><main><article><h1>{title}</h1>"
        f"{paragraphs}</article></main><aside><h2>Most read</h2><ul><li><a href='/x'>Other "
        "story</a></li></ul></aside><footer><p>© Daily News. All rights reserved.</p>"
        "</footer></body></html>"
    )


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    dated: bool  # False: the page shows no date, so the feed's or sitemap's fills it


#: The good articles, by path.
STORIES: dict[str, Story] = {
    f"/news/{s.slug}": s
    for s in (
        Story("bridge-reopens", "Bridge reopens after repairs", True),
        Story("council-budget", "Council agrees budget", False),
        Story("school-roof", "School roof fixed", True),
        Story("tram-line", "Tram line extended", True),
        Story("harbour-wall", "Harbour wall to be rebuilt", False),
        Story("market-hall", "Market hall reopens", True),
        Story("library-hours", "Library extends hours", False),
        Story("park-trees", "Park trees replanted", True),
    )
}

#: The broken URLs and why each fails.
BROKEN = {
    "/news/missing": "404",
    "/news/error": "500",
    "/news/report.pdf": "pdf",
    "/news/loop-a": "redirect loop",
    "/private/secret": "robots",
}


@dataclass
class NewsSite:
    server: LocalServer

    def url(self, path: str) -> str:
        return self.server.url(path)

    @property
    def robots(self) -> str:
        return self.url("/robots.txt")

    @property
    def feeds(self) -> list[str]:
        return [self.url("/feeds/rss.xml"), self.url("/feeds/atom.xml")]

    @property
    def sitemap(self) -> str:
        return self.url("/sitemap_index.xml")

    def story_urls(self) -> list[str]:
        return [self.url(path) for path in STORIES]

    def html_of(self, path: str) -> str:
        story = STORIES[path]
        return story_html(story.slug, title=story.title, dated=story.dated)


def _urlset(base: str, rows: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(rows) + "</urlset>"
    )


def _news_row(base: str, path: str, *, date: str, title: str) -> str:
    return (
        f"<url><loc>{base}{path}</loc><news:news><news:publication><news:name>Daily"
        "</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{date}</news:publication_date>"
        f"<news:title>{escape(title)}</news:title></news:news></url>"
    )


def build_site(server: LocalServer) -> NewsSite:
    """Serve the news site on ``server``; return a handle with its URLs."""
    base = server.base
    server.page(
        "/robots.txt",
        f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap_index.xml\n",
        content_type="text/plain",
    )
    server.page(
        "/sitemap_index.xml",
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemaps/news.xml</loc><lastmod>2024-03-09</lastmod></sitemap>"
        f"<sitemap><loc>{base}/sitemaps/archive.xml.gz</loc></sitemap>"
        "</sitemapindex>",
        content_type="application/xml",
    )
    server.page(
        "/sitemaps/news.xml",
        _urlset(
            base,
            [
                _news_row(
                    base,
                    "/news/bridge-reopens",
                    date="2024-03-08T07:30:00+00:00",
                    title="Bridge reopens after repairs",
                ),
                _news_row(
                    base,
                    "/news/council-budget",
                    date="2024-03-07T09:15:00+01:00",
                    title="Council agrees budget (sitemap)",
                ),
                _news_row(
                    base,
                    "/news/school-roof?utm_source=sitemap",
                    date="2024-03-06",
                    title="School roof fixed",
                ),
                f"<url><loc>{base}/news/missing</loc></url>",
            ],
        ),
        content_type="application/xml",
    )
    archive = _urlset(
        base,
        [
            f"<url><loc>{base}/news/tram-line</loc><lastmod>2024-02-01</lastmod></url>",
            f"<url><loc>{base}/news/harbour-wall</loc><lastmod>2024-02-02T10:00:00Z</lastmod></url>",
            f"<url><loc>{base}/news/error</loc></url>",
            f"<url><loc>{base}/news/report.pdf</loc></url>",
            f"<url><loc>{base}/news/loop-a</loc></url>",
        ],
    )
    server.page(
        "/sitemaps/archive.xml.gz",
        gzip.compress(archive.encode("utf-8"), mtime=0),
        content_type="application/x-gzip",
    )
    server.page(
        "/feeds/rss.xml",
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Daily</title>'
        f"<link>{base}/</link><language>en-gb</language>"
        "<item><title>Bridge reopens after repairs</title>"
        f"<link>{base}/news/bridge-reopens#comments</link>"
        "<pubDate>Fri, 08 Mar 2024 07:30:00 +0000</pubDate><dc:creator>Ann Reporter</dc:creator>"
        "</item><item><title>Market hall reopens</title><link>/news/market-hall</link>"
        "<pubDate>Tue, 05 Mar 2024 12:00:00 +0000</pubDate><dc:creator>Bo Writer</dc:creator>"
        "</item></channel></rss>",
        content_type="application/rss+xml",
    )
    server.page(
        "/feeds/atom.xml",
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xml:lang="en"><title>Daily</title><id>urn:daily</id><updated>2024-03-09T00:00:00Z'
        "</updated><entry><title>Library extends hours</title><id>urn:1</id>"
        f'<link href="{base}/news/library-hours"/><published>2024-03-04T06:00:00Z</published>'
        "<updated>2024-03-04T07:00:00Z</updated><author><name>Cy Editor</name></author>"
        "</entry><entry><title>Park trees replanted</title><id>urn:2</id>"
        f'<link href="{base}/news/park-trees"/><published>2024-03-03T06:00:00Z</published>'
        "</entry><entry><title>Secret</title><id>urn:3</id>"
        f'<link href="{base}/private/secret"/></entry></feed>',
        content_type="application/atom+xml",
    )
    for path, story in STORIES.items():
        server.page(path, story_html(story.slug, title=story.title, dated=story.dated))
    server.page("/news/error", "<h1>Server error</h1>", status=500)
    server.page("/news/report.pdf", b"%PDF-1.7\n" + b"0" * 2000, content_type="application/pdf")
    server.redirect("/news/loop-a", f"{base}/news/loop-b")
    server.redirect("/news/loop-b", f"{base}/news/loop-a")
    server.page("/private/secret", story_html("secret", title="Secret", dated=True))
    return NewsSite(server)
