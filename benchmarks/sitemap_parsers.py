"""Sitemap parsing: newsclean's lxml reader against ultimate-sitemap-parser (USP).

How newsclean reads sitemaps was picked by this measurement. Both parse the same generated
news sitemap (``<lastmod>``, ``<news:publication_date>``, ``<news:title>``,
``<news:language>``) of ``--urls`` entries (50,000 is the protocol's limit for one file) from
bytes already in memory, so only parsing is measured: USP's own fetching is not used
(newsclean must fetch through its guarded fetcher). Time is the median of ``--repeat``
runs; memory is tracemalloc's peak for one run. Both must find every URL and date.

    python benchmarks/sitemap_parsers.py [--urls 50000] [--repeat 5] [--no-write]

Writes benchmarks/results/sitemap_parsers.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from newsclean._fetch.discover import parse_sitemap

RESULTS = Path(__file__).resolve().parent / "results" / "sitemap_parsers.json"


def make_sitemap(count: int) -> bytes:
    rows = [
        f"<url><loc>https://news.example.com/{2020 + i % 5}/{i % 12 + 1:02d}/story-{i}.html</loc>"
        f"<lastmod>2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}T10:{i % 60:02d}:00+00:00</lastmod>"
        "<news:news><news:publication><news:name>Example</news:name>"
        "<news:language>en</news:language></news:publication>"
        f"<news:publication_date>2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}T09:00:00Z"
        f"</news:publication_date><news:title>Story number {i} &amp; more</news:title>"
        "</news:news></url>"
        for i in range(count)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(rows) + "</urlset>"
    ).encode()


def newsclean_parse(data: bytes) -> list[tuple[str, Any]]:
    doc = parse_sitemap(data, url="https://news.example.com/sitemap.xml")
    return [(entry.url, entry.published) for entry in doc.entries]


def usp_parse(data: bytes) -> list[tuple[str, Any]]:
    from usp.tree import sitemap_from_str

    tree = sitemap_from_str(data.decode("utf-8"))
    return [
        (page.url, page.news_story.publish_date if page.news_story else None)
        for page in tree.all_pages()
    ]


def measure(parse: Callable[[bytes], list[tuple[str, Any]]], data: bytes, repeat: int) -> dict:
    times = []
    found: list[tuple[str, Any]] = []
    for _ in range(repeat):
        started = time.perf_counter()
        found = parse(data)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    parse(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "urls": len(found),
        "dated": sum(1 for _, when in found if when is not None),
        "median_s": statistics.median(times),
        "urls_per_s": len(found) / statistics.median(times) if times else 0.0,
        "peak_mib": peak / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    data = make_sitemap(args.urls)
    rows = {"newsclean (lxml iterparse)": measure(newsclean_parse, data, args.repeat)}
    try:
        import usp  # noqa: F401
    except ImportError:
        print("ultimate-sitemap-parser is not installed: not measured")
    else:
        import logging

        logging.getLogger("usp").setLevel(logging.ERROR)
        rows["ultimate-sitemap-parser"] = measure(usp_parse, data, args.repeat)
    print(f"{args.urls} URLs, {len(data) / 2**20:.1f} MiB sitemap; median of {args.repeat} runs.")
    print()
    print("| parser | URLs found | with date | median s | URLs/s | peak MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, row in rows.items():
        print(
            f"| {name} | {row['urls']} | {row['dated']} | {row['median_s']:.3f} | "
            f"{row['urls_per_s']:,.0f} | {row['peak_mib']:.1f} |"
        )
    if len(rows) == 2:
        ours, theirs = rows.values()
        print()
        print(
            f"newsclean / USP: {theirs['median_s'] / ours['median_s']:.1f}x faster, "
            f"{theirs['peak_mib'] / max(ours['peak_mib'], 0.01):.1f}x less peak memory"
        )
    if not args.no_write:
        RESULTS.parent.mkdir(exist_ok=True)
        payload = {"urls": args.urls, "bytes": len(data), "repeat": args.repeat, "rows": rows}
        RESULTS.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    bad = [name for name, row in rows.items() if row["urls"] != args.urls]
    if bad:
        print(f"parsers that missed URLs: {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
