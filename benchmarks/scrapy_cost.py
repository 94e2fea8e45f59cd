"""What newsclean costs a Scrapy crawl: articles per second with and without the pipeline.

A small asyncio HTTP/1.1 server in a subprocess serves ``--pages`` article pages on
127.0.0.1 (real pages cycled from ``--data``, a WCXB-shaped folder, or generated news pages
without it). Each crawl runs in a fresh subprocess (Scrapy's reactor runs once per process)
with the same settings (``--concurrency`` requests at once, no delay, no robots.txt, no
AutoThrottle), and writes its items as JSON Lines:

- ``raw``: a plain Scrapy spider that stores each page's URL and raw HTML;
- ``newsclean``: the same spider yielding ``{"response": response}`` to
  ``newsclean.scrapy.ArticlePipeline`` (cleaning in the reactor's thread pool);
- ``newsclean-inline``: the same with ``NEWSCLEAN_THREADED = False``;
- ``trafilatura``: the same spider calling ``trafilatura.extract`` in its callback.

Items per second come from Scrapy's own ``elapsed_time_seconds`` (the crawl, not the
imports); the median over ``--rounds`` alternating rounds is reported, with the crawl's CPU
time. Then ``clean_html`` and ``trafilatura.extract`` are timed in process on the same
pages (median and p99 per page), to tell the cleaning from the crawl.

    python benchmarks/scrapy_cost.py --data ../shared/wcxb-dev     # 2,000 pages, 2 rounds
    python benchmarks/scrapy_cost.py --pages 200 --rounds 1 --no-write

Writes benchmarks/results/scrapy_cost.json.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

RESULTS = Path(__file__).parent / "results" / "scrapy_cost.json"
MODES = ("raw", "newsclean", "newsclean-inline", "trafilatura")

_WORDS = (
    "council river bridge city officials residents said on Tuesday the plan would cost more "
    "than expected after engineers found damage under the old structure and traffic will "
    "move to a temporary crossing while repairs continue through the winter months"
).split()


def generated_pages(count: int) -> list[bytes]:
    rng = random.Random(17)
    pages = []
    for i in range(count):
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(25, 60))) + ".</p>"
            for _ in range(rng.randint(4, 12))
        )
        pages.append(
            (
                f"<!doctype html><html><head><meta charset='utf-8'><title>Story {i}</title>"
                f"</head><body><header><nav><a href='/'>Home</a><a href='/news'>News</a></nav>"
                f"</header><article><h1>Story {i}</h1><p class='byline'>By Ann Writer</p>"
                f"{paragraphs}</article><aside><h2>Most read</h2><ul>"
                + "".join(f"<li><a href='/s/{j}'>Other story {j}</a></li>" for j in range(8))
                + "</ul></aside><footer>© Daily. All rights reserved.</footer></body></html>"
            ).encode()
        )
    return pages


def load_pages(data: Path | None, count: int) -> list[bytes]:
    """The distinct pages; page ``i`` of the crawl is ``pages[i % len(pages)]``."""
    if data is None:
        return generated_pages(count)
    files = sorted((data / "html").glob("*.html.gz"))[:count]
    if not files:
        raise SystemExit(f"no html/*.html.gz under {data}")
    return [gzip.decompress(path.read_bytes()) for path in files]


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: ru_maxrss would include the parent's before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the server -------------------------------------------------------------------------------


def serve(folder: str) -> None:
    bodies = [path.read_bytes() for path in sorted(Path(folder).glob("*.html"))]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("ascii")
                if path.startswith("/page/"):
                    body, status = bodies[int(path.rsplit("/", 1)[1]) % len(bodies)], b"200 OK"
                else:
                    body, status = b"not found", b"404 Not Found"
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        print(server.sockets[0].getsockname()[1], flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# -- the crawls -------------------------------------------------------------------------------


def crawl(mode: str, port: int, pages: int, concurrency: int, out: str) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Pages(scrapy.Spider):
        name = "pages"
        start_urls: ClassVar[list[str]] = [
            f"http://127.0.0.1:{port}/page/{i}" for i in range(pages)
        ]

        def parse(self, response: Any, **kwargs: Any) -> Any:
            if mode == "raw":
                yield {"url": response.url, "html": response.text}
            elif mode == "trafilatura":
                import trafilatura

                yield {"url": response.url, "text": trafilatura.extract(response.text) or ""}
            else:
                yield {"response": response}

    settings: dict[str, Any] = {
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "FEEDS": {out: {"format": "jsonlines"}},
    }
    if mode.startswith("newsclean"):
        settings["ITEM_PIPELINES"] = {"newsclean.scrapy.ArticlePipeline": 300}
        settings["NEWSCLEAN_THREADED"] = mode == "newsclean"
        settings["NEWSCLEAN_DROP_EMPTY"] = False  # the same number of items in every mode
        import newsclean.scrapy  # noqa: F401  (imports before the clock starts)
    if mode == "trafilatura":
        import trafilatura  # noqa: F401
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Pages)
    process.crawl(crawler)
    cpu = time.process_time()
    process.start()
    cpu = time.process_time() - cpu
    stats = crawler.stats.get_stats()
    print(
        json.dumps(
            {
                "items": stats.get("item_scraped_count", 0),
                "seconds": stats["elapsed_time_seconds"],
                "cpu_s": cpu,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


def measure(mode: str, port: int, pages: int, concurrency: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "items.jsonl")
        done = subprocess.run(
            [sys.executable, __file__, "--crawl", mode, "--port", str(port), "--pages",
             str(pages), "--concurrency", str(concurrency), "--out", out],
            capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"{mode} crawl failed:\n{done.stderr[-3000:]}")
        result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        written = Path(out).read_bytes().count(b"\n")
    if result["items"] != pages or written != pages:
        raise SystemExit(f"{mode}: {result['items']} items, {written} written, of {pages} pages")
    return result


# -- in process -------------------------------------------------------------------------------


def time_per_page(pages: list[bytes], limit: int) -> dict[str, dict[str, float]]:
    import trafilatura

    import newsclean

    sample = pages[:limit]
    rows = {}
    for name, run in (
        ("clean_html", lambda page: newsclean.clean_html(page, url="http://127.0.0.1/page")),
        (
            "trafilatura.extract",
            lambda page: trafilatura.extract(page.decode("utf-8", "replace")),
        ),
    ):
        times = []
        for page in sample:
            started = time.perf_counter()
            run(page)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        rows[name] = {
            "pages": len(times),
            "median_ms": statistics.median(times),
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        }
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--data", type=Path, help="a WCXB-shaped folder of real pages")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--modes", nargs="*", choices=MODES, default=list(MODES))
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--crawl", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    if args.crawl:
        crawl(args.crawl, args.port, args.pages, args.concurrency, args.out)
        return 0

    pages = load_pages(args.data, args.pages)
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in args.modes}
    with tempfile.TemporaryDirectory() as tmp:
        for index, page in enumerate(pages):
            (Path(tmp) / f"{index:05d}.html").write_bytes(page)
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", tmp],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            for _ in range(args.rounds):
                for mode in args.modes:
                    runs[mode].append(measure(mode, port, args.pages, args.concurrency))
        finally:
            server.terminate()
            server.wait()
    per_page = time_per_page(pages, 500)

    def median(mode: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[mode])

    source = f"{len(pages)} real pages from {args.data}, cycled" if args.data else "generated pages"
    print(
        f"{args.pages} loopback pages ({source}), concurrency {args.concurrency}, "
        f"median of {args.rounds} rounds; load average {load_before:.1f} before."
    )
    print()
    print("| crawl | items/s | seconds | CPU s | peak RSS MB | items/s vs raw | ms added/page |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    table = {}
    raw_seconds = median("raw", "seconds") if "raw" in runs else None
    for mode in args.modes:
        seconds = median(mode, "seconds")
        rate = args.pages / seconds
        ratio = raw_seconds / seconds if raw_seconds else float("nan")
        added = (seconds - raw_seconds) * 1000 / args.pages if raw_seconds else float("nan")
        table[mode] = {
            "items_per_s": rate,
            "seconds": seconds,
            "cpu_s": median(mode, "cpu_s"),
            "peak_rss_mb": median(mode, "peak_rss_mb"),
            "vs_raw": ratio,
            "ms_added_per_page": added,
            "runs": runs[mode],
        }
        print(
            f"| {mode} | {rate:,.0f} | {seconds:.2f} | {table[mode]['cpu_s']:.1f} | "
            f"{table[mode]['peak_rss_mb']:.0f} | {ratio:.2f} | {added:.2f} |"
        )
    print()
    print("In process, on the same pages (ms per page):")
    print()
    print("| function | pages | median | p99 |")
    print("| --- | ---: | ---: | ---: |")
    for name, row in per_page.items():
        print(f"| {name} | {row['pages']} | {row['median_ms']:.2f} | {row['p99_ms']:.2f} |")
    if not args.no_write:
        RESULTS.parent.mkdir(exist_ok=True)
        payload = {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "pages": args.pages,
            "source": source,
            "concurrency": args.concurrency,
            "rounds": args.rounds,
            "load_before": load_before,
            "crawls": table,
            "in_process": per_page,
        }
        RESULTS.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
