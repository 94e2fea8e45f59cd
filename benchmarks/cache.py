"""The conditional-request cache on a re-crawl: newsclean's against hishel's (RFC 9111).

    pip install 'hishel[httpx]'          # for the comparison only; not a dependency
    python benchmarks/cache.py --pages 200

A loopback server serves N news pages with an ``ETag`` and ``Cache-Control: max-age=300``, as
many news sites do. Each cache crawls them once, then again after a quarter of the pages
changed (a correction, a live blog's new entry). The table counts, for the re-crawl, the
requests that reached the server, the body bytes it sent, the pages served in an old version
(stale) and the milliseconds per page. Results go to ``benchmarks/results/cache.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import httpx  # noqa: E402

from _http_server import Handler, LocalServer, serve  # noqa: E402
from newsclean import Fetcher, FetchOptions  # noqa: E402

RESULTS = HERE / "results" / "cache.md"


class Site:
    """N pages with an ETag each; ``change()`` gives a share of them a new version."""

    def __init__(self, server: LocalServer, pages: int) -> None:
        self.server = server
        self.versions = dict.fromkeys(range(pages), 1)
        for index in range(pages):
            server.route(f"/news/{index}")(self._route(index))

    def _route(self, index: int):  # type: ignore[no-untyped-def]
        def route(handler: Handler) -> None:
            version = self.versions[index]
            etag = f'"{index}-v{version}"'
            if handler.headers.get("If-None-Match") == etag:
                handler.send_response(304)
                handler.send_header("ETag", etag)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            body = (
                f"<html><head><title>Story {index}</title></head><body><article><h1>Story "
                f"{index}</h1><p>Version {version}. " + "The council met on Monday. " * 200
            ).encode() + b"</p></article></body></html>"
            headers = {"ETag": etag, "Cache-Control": "max-age=300", "Vary": "Accept-Encoding"}
            handler.send_body(200, body, headers=headers)

        return route

    def urls(self) -> list[str]:
        return [self.server.url(f"/news/{i}") for i in self.versions]

    def change(self, share: float) -> set[str]:
        changed = set()
        for index in list(self.versions)[:: round(1 / share)]:
            self.versions[index] += 1
            changed.add(self.server.url(f"/news/{index}"))
        return changed

    def sent(self) -> tuple[int, int]:
        hits = sum(n for path, n in self.server.hits.items() if path.startswith("/news/"))
        body = sum(n for path, n in self.server.body_bytes.items() if path.startswith("/news/"))
        return hits, body


def newsclean_crawl(urls: list[str], cache: Path) -> dict[str, bytes]:
    options = FetchOptions(
        allow_private_addresses=True, respect_robots=False, min_host_delay_s=0, cache_dir=cache
    )
    with Fetcher(options=options) as fetcher:
        return {url: fetcher.fetch(url).content for url in urls}


def hishel_crawl(urls: list[str], cache: Path) -> dict[str, bytes]:
    from hishel import CacheOptions, SqliteStorage
    from hishel.httpx import CacheTransport

    transport = CacheTransport(
        next_transport=httpx.HTTPTransport(),
        storage=SqliteStorage(database_path=cache / "hishel.db"),
        rfc=CacheOptions(shared=False),
    )
    with httpx.Client(transport=transport) as client:
        return {url: client.get(url).content for url in urls}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--changed", type=float, default=0.25)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    crawls = {"newsclean (DiskCache)": newsclean_crawl}
    try:
        import hishel  # noqa: F401
    except ImportError:
        print("hishel is not installed: pip install 'hishel[httpx]' to compare", file=sys.stderr)
    else:
        from importlib.metadata import version

        crawls[f"hishel {version('hishel')} (RFC 9111, private cache)"] = hishel_crawl
    rows = []
    for name, crawl in crawls.items():
        with serve() as server, tempfile.TemporaryDirectory() as cache:
            site = Site(server, args.pages)
            crawl(site.urls(), Path(cache))  # the first crawl fills the cache
            changed = site.change(args.changed)
            before = site.sent()
            started = time.perf_counter()
            pages = crawl(site.urls(), Path(cache))
            elapsed = time.perf_counter() - started
            hits, body = (a - b for a, b in zip(site.sent(), before, strict=True))
            stale = sum(1 for url in changed if b"Version 1." in pages[url])
            size = sum(p.stat().st_size for p in Path(cache).rglob("*") if p.is_file())
        rows.append(
            f"| {name} | {hits} | {body / 1e6:.2f} | {stale} of {len(changed)} | "
            f"{elapsed * 1000 / args.pages:.2f} | {size / 1e6:.1f} |"
        )
    lines = [
        "# Conditional-request cache: a re-crawl",
        "",
        f"`python benchmarks/cache.py --pages {args.pages}`: {args.pages} pages (ETag, "
        f"`Cache-Control: max-age=300`, `Vary: Accept-Encoding`), crawled, then "
        f"{args.changed:.0%} of them changed, then crawled again at once.",
        "",
        "| cache | requests on the re-crawl | body MB sent | changed pages served stale "
        "| ms per page | cache on disk MB |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
