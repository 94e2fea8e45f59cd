"""``newsclean fetch``: fetch pages and clean them into JSON Lines, one row per URL.

Each row is a :class:`newsclean.Result`: the article, or an error naming the URL and the
stage that failed (``fetch`` or ``clean``). Rows come in completion order.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from newsclean._api import clean_html
from newsclean._errors import FetchError, NewscleanError
from newsclean._fetch.options import DEFAULT_USER_AGENT, FetchLimits, FetchOptions, RetryPolicy
from newsclean._fetch.page import FetchResult
from newsclean._fetch.sync import Fetcher
from newsclean._record import ErrorInfo, Result


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "fetch", help="fetch URLs and clean them into records", description=__doc__
    )
    parser.add_argument("urls", nargs="*", metavar="URL")
    parser.add_argument("-i", "--input", type=Path, help="a file of URLs, one per line")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    parser.add_argument("--concurrency", type=int, default=10, help="requests at once")
    parser.add_argument("--per-host", type=int, default=2, help="requests at once per host")
    parser.add_argument(
        "--delay", type=float, default=1.0, help="least seconds between requests to one host"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="total seconds per attempt")
    parser.add_argument("--max-bytes", type=int, default=10_000_000, help="largest body")
    parser.add_argument("--attempts", type=int, default=3, help="attempts per URL")
    parser.add_argument("--user-agent", default=DEFAULT_USER_AGENT)
    parser.add_argument("--ignore-robots", action="store_true", help="do not obey robots.txt")
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback and private addresses (off: a guard against request forgery)",
    )
    parser.add_argument("--cache-dir", type=Path, help="cache pages for conditional requests")
    parser.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on stderr (auto: when stderr is a terminal)",
    )
    parser.set_defaults(run=run)


def read_urls(args: argparse.Namespace) -> list[str]:
    urls = list(args.urls)
    if args.input is not None:
        text = sys.stdin.read() if str(args.input) == "-" else args.input.read_text("utf-8")
        urls.extend(
            line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
        )
    return urls


def build_options(args: argparse.Namespace) -> FetchOptions:
    return FetchOptions(
        user_agent=args.user_agent,
        total_timeout_s=args.timeout,
        max_bytes=args.max_bytes,
        respect_robots=not args.ignore_robots,
        min_host_delay_s=args.delay,
        allow_private_addresses=args.allow_private,
        cache_dir=args.cache_dir,
        retry=RetryPolicy(attempts=args.attempts),
        limits=FetchLimits(max_concurrency=args.concurrency, max_per_host=args.per_host),
    )


def to_result(result: FetchResult) -> Result:
    """Clean a fetched page into a result row, or turn a fetch error into one."""
    if isinstance(result, FetchError):
        return Result(source=result.url, error=_error_info("fetch", result))
    try:
        article = clean_html(result.content, url=result.final_url, content_type=result.content_type)
    except NewscleanError as exc:
        return Result(source=result.url, error=_error_info("clean", exc))
    return Result(source=result.url, article=article)


def _error_info(stage: str, exc: Exception) -> ErrorInfo:
    return ErrorInfo(stage=stage, kind=type(exc).__name__, message=str(exc))


def iter_results(urls: list[str], options: FetchOptions) -> Iterator[Result]:
    with Fetcher(options=options) as fetcher:
        for fetched in fetcher.fetch_many(urls):
            yield to_result(fetched)


def run(args: argparse.Namespace) -> int:
    urls = read_urls(args)
    if not urls:
        print("newsclean fetch: no URLs given (pass URLs or -i FILE)", file=sys.stderr)
        return 2
    try:
        options = build_options(args)
    except NewscleanError as exc:
        print(f"newsclean fetch: {exc}", file=sys.stderr)
        return 2
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    target = str(args.output) if args.output else "standard output"
    counts = {"urls": len(urls), "records": 0, "errors": 0}
    try:
        out: IO[str] = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
        try:
            with tqdm(total=len(urls), unit="page", disable=not show or len(urls) < 2) as bar:
                for result in iter_results(urls, options):
                    counts["records" if result.ok else "errors"] += 1
                    out.write(result.model_dump_json() + "\n")
                    out.flush()
                    bar.update(1)
        finally:
            if args.output:
                out.close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(f"newsclean fetch: error: cannot write {target}: {reason}", file=sys.stderr)
        return 3
    print(json.dumps(counts), file=sys.stderr)
    return 0 if counts["errors"] == 0 else 1
