"""``newsclean fetch``: fetch pages over HTTP and clean them, one row per URL."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newsclean._batch.engine import BatchSummary
from newsclean._batch.sinks import GuardedSink, OutputError, Sink
from newsclean._batch.worker import Outcome, render_result
from newsclean._cli import common
from newsclean._cli import discover as _discover
from newsclean._errors import FetchError, NewscleanError, OptionsError
from newsclean._fetch.options import DEFAULT_USER_AGENT, FetchLimits, FetchOptions, RetryPolicy
from newsclean._options import Options
from newsclean._record import ErrorInfo, Result

if TYPE_CHECKING:
    from newsclean._fetch.page import FetchResult

__all__ = ["add_access_options", "fetch_urls", "register", "run"]

DESCRIPTION = """\
Fetch pages over HTTP and clean them into records: one row per URL, in the order the pages
arrive. A row holds the article, or an error naming the URL and the stage that failed
(fetch or clean). robots.txt is obeyed, requests to one host are spaced out, and private
addresses are refused unless --allow-private is given."""

EPILOG = f"""\
examples:
  newsclean fetch https://example.org/story -o story.jsonl
  newsclean fetch -i urls.txt -o articles.parquet --concurrency 20 --per-host 2
  newsclean fetch -i urls.txt --format md -o articles/       (one .md file per page)
  newsclean fetch -i urls.txt -o articles.jsonl --resume     (after Ctrl-C: finish the job)

{common.EXIT_STATUS_HELP}
"""


def add_access_options(group: Any) -> None:
    """The flags that decide which pages may be fetched (shared with ``clean -u``)."""
    group.add_argument("--user-agent", default=DEFAULT_USER_AGENT, help="the User-Agent header")
    group.add_argument("--ignore-robots", action="store_true", help="do not obey robots.txt")
    group.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback and private addresses (off: a guard against request forgery)",
    )


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "fetch",
        help="fetch URLs and clean them into records",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("urls", nargs="*", metavar="URL", help="URLs to fetch")
    parser.add_argument(
        "-i", "--input", type=Path, metavar="FILE", help="URLs, one a line (- for stdin)"
    )
    common.add_output_options(parser)
    common.add_cleaning_options(parser)
    fetching = parser.add_argument_group("fetching")
    fetching.add_argument("--concurrency", type=int, default=10, help="requests at once")
    fetching.add_argument("--per-host", type=int, default=2, help="requests at once per host")
    fetching.add_argument(
        "--delay", type=float, default=1.0, help="least seconds between requests to one host"
    )
    fetching.add_argument("--timeout", type=float, default=60.0, help="total seconds per attempt")
    fetching.add_argument("--max-bytes", type=int, default=10_000_000, help="largest body")
    fetching.add_argument("--attempts", type=int, default=3, help="attempts per URL")
    add_access_options(fetching)
    fetching.add_argument("--cache-dir", type=Path, help="cache pages for conditional requests")
    _discover.add_arguments(parser)
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


def to_result(result: FetchResult, options: Options | None = None) -> Result:
    """Clean a fetched page into a result row, or turn a fetch error into one."""
    from newsclean._api import clean_html

    if isinstance(result, FetchError):
        return Result(source=result.url, error=_error_info("fetch", result))
    try:
        article = clean_html(
            result.content, url=result.final_url, content_type=result.content_type, options=options
        )
    except NewscleanError as exc:
        return Result(source=result.url, error=_error_info("clean", exc))
    return Result(source=result.url, article=article)


def _error_info(stage: str, exc: Exception) -> ErrorInfo:
    return ErrorInfo(stage=stage, kind=type(exc).__name__, message=str(exc))


def url_name(url: str) -> str:
    """A file name for a URL's page (``--format md`` into a directory): host and path."""
    parts = urlsplit(url)
    raw = f"{parts.netloc}{parts.path}".rstrip("/")
    for suffix in (".html", ".htm", ".php", ".aspx"):
        if raw.lower().endswith(suffix):
            raw = raw[: -len(suffix)]
    name = re.sub(r"[^\w.-]+", "_", raw).strip("._")
    return name[:150] or "page"


def iter_results(urls: Iterable[str], options: FetchOptions) -> Iterator[Result]:
    for fetched in _fetched(urls, options):
        yield to_result(fetched)


def _fetched(urls: Iterable[str], options: FetchOptions) -> Iterator[FetchResult]:
    from newsclean._fetch.sync import Fetcher

    with Fetcher(options=options) as fetcher:
        yield from fetcher.fetch_many(urls)


def fetch_urls(
    args: argparse.Namespace, urls: list[str], fetch_options: FetchOptions, command: str
) -> int:
    """Fetch ``urls``, clean them into the sink the output flags name; return the exit status.

    The same run as ``newsclean clean``: the same rows, progress bar, summary and statuses.
    """
    try:
        fmt = common.output_format(args)
        sink = GuardedSink(common.open_sink(args, fmt))  # OSError: OutputError, status 3
        options = common.cleaning_options(args)
    except (common.UsageError, OptionsError) as exc:
        return common.usage_error(command, exc)
    summary = BatchSummary(engine="fetch", workers=fetch_options.limits.max_concurrency)
    progress = common.Progress(enabled=common.progress_wanted(args), total=len(urls))
    started = time.monotonic()
    discovered = 0
    from newsclean._fetch.sync import Fetcher

    try:
        with common.interruptible(), Fetcher(options=fetch_options) as fetcher:
            resumed = sink.open()
            summary.add_resumed(resumed)
            try:
                entries: dict[str, Any] = {}
                if hasattr(args, "feed") and _discover.wanted(args):  # not for clean -u
                    # feeds and sitemaps, through the same fetcher
                    try:
                        found, failed = _discover.discover_urls(args, fetcher)
                    except NewscleanError as exc:
                        progress.close()
                        return common.usage_error(command, exc)
                    entries = found.by_url()
                    urls = _discover.merge_urls(urls, found)
                    discovered = len(found.entries)
                    for row in failed:
                        if row.source not in resumed.sources:
                            _write(sink, summary, progress, row)
                todo = [url for url in urls if url not in resumed.sources]
                progress.set_total(len(todo))
                for fetched in fetcher.fetch_many(todo):
                    row = _discover.fill_result(to_result(fetched, options), entries)
                    _write(sink, summary, progress, row)
                sink.commit()
                summary.completed = True
            finally:
                sink.close()
                summary.finish(started)
                summary.output = str(args.output) if args.output else None
    except OutputError as exc:
        progress.close()
        hint = "; what was written is kept: fix it and rerun with --resume" if args.output else ""
        return common.output_error(command, f"{exc}{hint}")
    except ImportError as exc:
        progress.close()
        return common.usage_error(command, f"{exc}; install newsclean[parquet]")
    except KeyboardInterrupt:
        progress.close()
        return common.interrupted(args)
    progress.close()
    if discovered and not args.quiet:
        print(f"discovered {discovered} URLs in feeds and sitemaps", file=sys.stderr)
    return common.report(args, summary, command)


def _write(sink: Sink, summary: BatchSummary, progress: common.Progress, row: Result) -> None:
    outcome: Outcome = render_result(row, url_name(row.source), sink.render)
    sink.write(outcome)
    summary.add(outcome)
    progress.update(outcome)


def run(args: argparse.Namespace) -> int:
    """Run ``newsclean fetch``; return the exit status."""
    try:
        urls = read_urls(args)
    except OSError as exc:
        return common.usage_error("fetch", f"cannot read --input: {exc}")
    if not urls and not _discover.wanted(args):
        return common.usage_error(
            "fetch", "no URLs given (pass URLs, -i FILE, --feed or --sitemap)"
        )
    try:
        options = build_options(args)
    except NewscleanError as exc:
        return common.usage_error("fetch", exc)
    return fetch_urls(args, urls, options, "fetch")
