"""Test corpora for the batch tests, generated into a temporary directory.

Pages are small, varied news pages (a few templates, different words, some gzip-compressed,
spread over nested folders) so that thousands of them clean in seconds.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "batch"

TOPICS = (
    ("harbour", "The harbour reopened to fishing boats after repairs to the sea wall."),
    ("library", "The central library will open until nine in the evening from next month."),
    ("rail", "Commuter trains will run every ten minutes once the new signals are installed."),
    ("budget", "The council approved a budget that raises spending on schools and roads."),
    ("festival", "The summer festival drew a record crowd to the riverside park this weekend."),
    ("hospital", "The new hospital wing will add two hundred beds and a larger emergency unit."),
)

TEMPLATES = (
    """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Daily Example</title>
<link rel="canonical" href="https://news.example/{slug}">
<meta property="article:published_time" content="2024-{month:02d}-{day:02d}T08:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/local">Local</a></nav>
<article><h1>{title}</h1><p class="byline">By {author}</p>{paragraphs}</article>
<aside><h2>Most read</h2><ul><li><a href="/x">Other story</a></li></ul></aside>
<footer>Copyright Daily Example</footer></body></html>""",
    """<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>{title}</title></head><body><div id="main"><h1>{title}</h1>
<div class="story">{paragraphs}</div><p>Reporting by {author}</p></div>
<div class="share">Share on social media</div></body></html>""",
    """<!doctype html><html><head><title>{title}</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
"author": {{"@type": "Person", "name": "{author}"}}}}</script></head>
<body><main><article><header><h1>{title}</h1></header>{paragraphs}</article></main></body></html>""",
)

AUTHORS = ("Ana Lopes", "Tom Baker", "Mira Patel", "Jonas Weber", "Lea Martin")


def page_html(index: int) -> str:
    """A small news page; different indexes give different pages."""
    slug, lead = TOPICS[index % len(TOPICS)]
    title = f"Story {index}: {slug} news update"
    paragraphs = "".join(
        f"<p>{lead} Paragraph {n} of story {index} adds detail number {index * 7 + n} "
        f"so that every page in the corpus has a distinct body text.</p>"
        for n in range(2 + index % 4)
    )
    return TEMPLATES[index % len(TEMPLATES)].format(
        title=title,
        slug=f"{slug}-{index}",
        author=AUTHORS[index % len(AUTHORS)],
        paragraphs=paragraphs,
        month=1 + index % 12,
        day=1 + index % 28,
    )


def write_corpus(root: Path, count: int, *, gzip_every: int = 5, marker: str = "") -> list[Path]:
    """Write ``count`` pages under ``root`` in ten folders; every ``gzip_every``-th is .html.gz.

    ``marker`` goes at the end of every page (a test hook such as ``newsclean-test:slow``).
    """
    paths = []
    for index in range(count):
        folder = root / f"section-{index % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        html = (page_html(index) + (f"<!-- {marker} -->" if marker else "")).encode("utf-8")
        if gzip_every and index % gzip_every == 0:
            path = folder / f"page-{index:05d}.html.gz"
            path.write_bytes(gzip.compress(html, mtime=0))
        else:
            path = folder / f"page-{index:05d}.html"
            path.write_bytes(html)
        paths.append(path)
    return sorted(paths)


def write_warc(path: Path, pages: list[tuple[str, str]], *, gzip_records: bool = True) -> None:
    """Write a WARC with a request and an HTML response per page, plus records that are not pages.

    The extra records are: a warcinfo record, a PNG response, a 404 HTML response, a
    redirect, and a metadata record; none of them should become an output row.
    """
    # Lengths are given so that warcio does not buffer payloads in temporary files that it
    # never closes (a ResourceWarning, an error under our warning filter).
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))

        def response(url: str, status: str, content_type: str, body: bytes) -> None:
            headers = StatusAndHeaders(
                status, [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
            )
            writer.write_record(record)

        for url, html in pages:
            request_headers = StatusAndHeaders(
                f"GET {url} HTTP/1.1", [("Host", "news.example")], is_http_request=True
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "request",
                    payload=io.BytesIO(b""),
                    length=0,
                    http_headers=request_headers,
                )
            )
            response(url, "200 OK", "text/html; charset=utf-8", html.encode("utf-8"))
        response("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n")
        response("https://news.example/missing", "404 Not Found", "text/html", b"<p>gone</p>")
        response("https://news.example/old", "301 Moved Permanently", "text/html", b"")
        writer.write_record(
            writer.create_warc_record(
                "https://news.example/meta",
                "metadata",
                payload=io.BytesIO(b"fetchTimeMs: 12\n"),
                length=len(b"fetchTimeMs: 12\n"),
                warc_content_type="application/warc-fields",
            )
        )


def read_rows(path: Path) -> list[dict]:
    """The JSON rows of a JSON Lines file."""
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def rows_by_source(rows: list[dict]) -> dict[str, dict]:
    """Rows keyed by source; fails on a duplicate source."""
    keyed: dict[str, dict] = {}
    for row in rows:
        assert row["source"] not in keyed, f"duplicate row for {row['source']}"
        keyed[row["source"]] = row
    return keyed
