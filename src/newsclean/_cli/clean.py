"""``newsclean clean``: clean saved pages (or pages at URLs) into records.

The work is done by the batch engine (:func:`newsclean._batch.engine.run_batch`) on a local
process pool, by :func:`run_dask_batch` on a Dask cluster, or in this process when there is
only one page to clean; ``-u URL`` fetches pages first (as ``newsclean fetch`` does).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsclean._batch.engine import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_PARTITION_SIZE,
    DEFAULT_TIMEOUT_S,
    BatchSummary,
    run_batch,
    run_dask_batch,
)
from newsclean._batch.inputs import (
    InputStats,
    Item,
    Unit,
    discover_units,
    iter_stdin_items,
    iter_unit_items,
    load_url_map,
)
from newsclean._batch.sinks import OutputError
from newsclean._cli import common
from newsclean._cli import fetch as _fetch
from newsclean._errors import NewscleanError, OptionsError
from newsclean._fetch.options import FetchOptions

__all__ = ["register", "run"]

# The unit kinds that hold exactly one page (a WARC or JSON Lines file holds any number).
_ONE_PAGE = ("html", "text")

DESCRIPTION = """\
Clean saved pages into records. Inputs are HTML files (.html, .htm, .html.gz), text pages
(.txt), WARC files (.warc, .warc.gz), JSON Lines files (one {"html": ..., "url": ...} per
line), folders of them (walked recursively), - for standard input, or -u URL for pages on
the web. Every input gives exactly one output row: a record, or an error row that names the
input, the stage that failed and why.

Many pages are cleaned on all cores (or on a Dask cluster); a single page is cleaned in this
process, without starting workers."""

EPILOG = f"""\
examples:
  newsclean clean page.html                           (one record on standard output)
  newsclean clean pages/ -o articles.jsonl
  newsclean clean crawl/*.warc.gz -o articles.parquet
  newsclean clean pages/ --format md -o articles/     (one .md file per page)
  newsclean clean -u https://example.org/story --format md
  newsclean clean pages/ -o parts/ --engine dask --scheduler tcp://10.0.0.5:8786
  find . -name '*.html' | newsclean clean - --stdin-format paths -o articles.jsonl

{common.EXIT_STATUS_HELP}
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "clean",
        help="clean saved pages (files, folders, WARC, JSON Lines) or -u URLs into records",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="files, folders, or - for standard input"
    )
    parser.add_argument(
        "-u",
        "--url",
        action="append",
        default=[],
        dest="urls",
        metavar="URL",
        help="fetch this page and clean it (repeatable; instead of INPUT)",
    )
    common.add_output_options(parser)
    inp = parser.add_argument_group("inputs")
    inp.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="take only files in folders matching GLOB (repeatable; default: HTML, WARC and "
        "JSON Lines suffixes; add '*.txt' for text pages, cleaned by clean_text)",
    )
    inp.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="leave out matching files"
    )
    inp.add_argument(
        "--url-map",
        type=Path,
        metavar="FILE",
        help="URLs of HTML files: JSON object, CSV, or 'PATH URL' lines",
    )
    inp.add_argument(
        "--stdin-format",
        choices=("html", "text", "jsonl", "paths"),
        default="html",
        help="what - reads: one HTML page, one text page, JSON Lines, or a list of paths "
        "(default: html)",
    )
    common.add_cleaning_options(parser)
    run_group = parser.add_argument_group("execution")
    run_group.add_argument(
        "-w",
        "--workers",
        type=int,
        metavar="N",
        help="worker processes (default: one per CPU, or none for a single page; 0 cleans "
        "in this process)",
    )
    run_group.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"time limit per page in the worker pool, 0 for none (default: {DEFAULT_TIMEOUT_S:g})",
    )
    run_group.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        metavar="N",
        help=f"pages sent to a worker at a time (default: {DEFAULT_CHUNK_SIZE})",
    )
    run_group.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local process pool (default) or a Dask cluster (needs newsclean[dask])",
    )
    run_group.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    )
    run_group.add_argument(
        "--partition-size",
        type=int,
        default=DEFAULT_PARTITION_SIZE,
        metavar="N",
        help=f"HTML files per Dask task (default: {DEFAULT_PARTITION_SIZE})",
    )
    access = parser.add_argument_group("fetching (with -u)")
    _fetch.add_access_options(access)
    parser.set_defaults(run=run)


def _is_output(path: str, output: Path | None) -> bool:
    """Whether ``path`` is our own output (a rerun over ``.`` must not read it back): the
    output itself, a file under an output folder, or one of the output's working files
    beside it (``OUT.partial``, ``OUT.partial.jsonl``, ``OUT.tmp``). A page elsewhere that
    happens to share the output's name (``site/news.html`` for ``-o out/news``) is input."""
    if output is None:
        return False
    here, out = Path(path).absolute(), output.absolute()
    if here == out or out in here.parents:
        return True
    return here.parent == out.parent and here.name in {
        out.name + suffix for suffix in (".partial", ".partial.jsonl", ".tmp", ".partial.tmp")
    }


def _units(
    args: argparse.Namespace, url_map: dict[str, str], stats: InputStats | None = None
) -> list[Unit]:
    units = discover_units(
        [p for p in args.inputs if p != "-"],
        include=args.include,
        exclude=args.exclude,
        url_map=url_map,
        stats=stats,
    )
    return [unit for unit in units if not _is_output(unit.path, args.output)]


def _pages(args: argparse.Namespace, units: list[Unit]) -> int | None:
    """How many pages the inputs hold, when that is known before reading them."""
    if any(unit.kind not in _ONE_PAGE for unit in units):
        return None
    if "-" in args.inputs:
        if args.stdin_format not in _ONE_PAGE:
            return None
        return len(units) + 1
    return len(units)


def _items(args: argparse.Namespace, units: list[Unit], stats: InputStats) -> Iterator[Item]:
    items = (item for unit in units for item in iter_unit_items(unit, stats))
    if "-" not in args.inputs:
        return items
    stdin = iter_stdin_items(sys.stdin.buffer, fmt=args.stdin_format, stats=stats)
    return itertools.chain(stdin, items)


def _check_args(args: argparse.Namespace) -> None:
    if args.urls and args.inputs:
        raise common.UsageError("give INPUT files or -u URLs, not both")
    if not args.urls and not args.inputs:
        raise common.UsageError("no inputs given (files, folders, - or -u URL)")
    missing = [p for p in args.inputs if p != "-" and not Path(p).exists()]
    if missing:
        raise common.UsageError(f"no such file or directory: {', '.join(missing)}")
    if args.inputs.count("-") > 1:
        raise common.UsageError("- (standard input) can be given once")
    if args.workers is not None and args.workers < 0:
        raise common.UsageError("--workers must be 0 or more")
    if args.timeout < 0 or args.chunk_size < 1 or args.partition_size < 1:
        raise common.UsageError(
            "--timeout must be 0 or more, --chunk-size and --partition-size 1 or more"
        )
    if args.engine == "dask":
        if args.output is None:
            raise common.UsageError("--engine dask needs --output DIRECTORY")
        if "-" in args.inputs or args.urls:
            raise common.UsageError("--engine dask reads files only, not standard input or URLs")
    elif args.scheduler:
        raise common.UsageError("--scheduler needs --engine dask")


def _execute(args: argparse.Namespace, progress: common.Progress) -> BatchSummary:
    fmt = common.output_format(args)
    try:
        url_map = load_url_map(args.url_map) if args.url_map else {}
    except (OSError, ValueError) as exc:
        raise common.UsageError(f"cannot read --url-map: {exc}") from exc
    options = common.cleaning_options(args)
    stats = InputStats()
    units = _units(args, url_map, stats)
    pages = _pages(args, units)
    progress.set_total(pages)
    if args.engine == "dask":
        if fmt not in ("jsonl", "parquet"):
            raise common.UsageError("--engine dask writes jsonl or parquet parts")
        return run_dask_batch(
            units,
            args.output,
            fmt="parquet" if fmt == "parquet" else "jsonl",
            options=options,
            scheduler=args.scheduler,
            workers=args.workers,
            partition_size=args.partition_size,
            resume=args.resume,
            on_outcome=progress.update,
        )
    workers = args.workers
    if workers is None and pages is not None and pages <= 1:
        workers = 0  # one page: starting a pool would cost more than cleaning it
    sink = common.open_sink(args, fmt)
    summary = run_batch(
        _items(args, units, stats),
        sink,
        options=options,
        workers=workers,
        timeout_s=args.timeout or None,
        chunk_size=args.chunk_size,
        input_stats=stats,
        on_outcome=progress.update,
    )
    summary.output = str(args.output) if args.output else None
    return summary


def _fetch_options(args: argparse.Namespace) -> FetchOptions:
    return FetchOptions(
        user_agent=args.user_agent,
        respect_robots=not args.ignore_robots,
        allow_private_addresses=args.allow_private,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``newsclean clean``; return the exit status."""
    try:
        _check_args(args)
    except common.UsageError as exc:
        return common.usage_error("clean", exc)
    if args.urls:
        try:
            fetch_options = _fetch_options(args)
        except NewscleanError as exc:
            return common.usage_error("clean", exc)
        return _fetch.fetch_urls(args, list(args.urls), fetch_options, "clean")
    progress = common.Progress(enabled=common.progress_wanted(args))
    try:
        with common.interruptible():
            summary = _execute(args, progress)
    except (common.UsageError, OptionsError) as exc:
        progress.close()
        return common.usage_error("clean", exc)
    except OutputError as exc:
        progress.close()
        hint = "; what was written is kept: fix it and rerun with --resume" if args.output else ""
        return common.output_error("clean", f"{exc}{hint}")
    except ImportError as exc:
        progress.close()
        extra = "parquet" if "arrow" in str(exc) else "dask"
        return common.usage_error("clean", f"{exc}; install newsclean[{extra}]")
    except KeyboardInterrupt:
        progress.close()
        return common.interrupted(args)
    progress.close()
    return common.report(args, summary, "clean")
