"""``newsclean clean``: clean saved pages in bulk, on all cores or on a Dask cluster.

Inputs are HTML files (.html, .htm, .html.gz), WARC files (.warc, .warc.gz), JSON Lines files
(one ``{"html": ..., "url": ...}`` per line), folders of them (walked recursively), or ``-``
for standard input. Every input gives exactly one output row: a record, or an error row that
names the input, the stage that failed and why.

Exit status: 0 when every input gave a record, 1 when some gave error rows, 2 on a usage
error, 3 when the output cannot be written (what was written stays resumable), 130 when
interrupted (rerun with --resume to finish the job).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, Literal

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
from newsclean._batch.sinks import (
    DirSink,
    JsonlSink,
    OutputError,
    ParquetSink,
    Sink,
    StdoutSink,
    TextFileSink,
)
from newsclean._batch.worker import Outcome
from newsclean._errors import OptionsError
from newsclean._options import Options

__all__ = ["register", "run"]

Format = Literal["jsonl", "parquet", "md", "txt"]
#: The exit status when the output cannot be written (docs/errors.md lists them all).
EXIT_OUTPUT = 3

EPILOG = """\
examples:
  newsclean clean pages/ -o articles.jsonl
  newsclean clean crawl/*.warc.gz -o articles.parquet
  newsclean clean pages/ --format md -o articles/        (one .md file per page)
  newsclean clean pages/ -o parts/ --engine dask --scheduler tcp://10.0.0.5:8786
  find . -name '*.html' | newsclean clean - --stdin-format paths -o articles.jsonl

exit status: 0 all inputs gave records; 1 some gave error rows; 2 usage error;
130 interrupted (rerun with --resume).
"""


class UsageError(Exception):
    """A command line that cannot run; reported with exit status 2."""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "clean",
        help="clean saved pages (files, folders, WARC, JSON Lines) into records",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="files, folders, or - for standard input"
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "-o",
        "--output",
        type=Path,
        help="output file (.jsonl, .parquet, .md, .txt) or, for --format md/txt or "
        "--engine dask, a directory; default: standard output",
    )
    out.add_argument(
        "--format",
        choices=("jsonl", "parquet", "md", "txt"),
        help="output format (default: from the --output suffix, else jsonl)",
    )
    out.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run into the same --output, skipping inputs done",
    )
    out.add_argument("--summary-json", type=Path, metavar="PATH", help="write the summary here")
    out.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
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
    cleaning = parser.add_argument_group("cleaning")
    cleaning.add_argument(
        "--extractor",
        choices=("auto", "native", "trafilatura"),
        default="auto",
        help="body extractor: newsclean's own with trafilatura on weak pages (auto, default), "
        "newsclean's own only (native, fastest), or trafilatura",
    )
    cleaning.add_argument("--no-tables", action="store_true", help="leave tables out of bodies")
    cleaning.add_argument(
        "--comments", action="store_true", help="keep reader comments (normally boilerplate)"
    )
    run_group = parser.add_argument_group("execution")
    run_group.add_argument(
        "-w",
        "--workers",
        type=int,
        metavar="N",
        help="worker processes (default: one per CPU; 0 cleans in this process)",
    )
    run_group.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"time limit per page, 0 for none (default: {DEFAULT_TIMEOUT_S:g}; local engine)",
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
    parser.set_defaults(run=run)


class Progress:
    """A one-line progress display on standard error: pages, pages/s, errors."""

    def __init__(self, *, enabled: bool, interval_s: float = 0.2) -> None:
        self.enabled = enabled
        self.interval_s = interval_s
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.pages = 0
        self.errors = 0

    def update(self, outcome: Outcome) -> None:
        self.pages += 1
        self.errors += outcome.error is not None
        now = time.monotonic()
        if self.enabled and now - self.shown_at >= self.interval_s:
            self.shown_at = now
            self.show(now)

    def show(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        minutes, seconds = divmod(int(elapsed), 60)
        sys.stderr.write(
            f"\r{self.pages} pages  {self.pages / elapsed:.1f} pages/s  "
            f"{self.errors} errors  {minutes}:{seconds:02d}\x1b[K"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.pages:
            self.show(time.monotonic())
            sys.stderr.write("\n")
            sys.stderr.flush()


def _format(args: argparse.Namespace) -> Format:
    if args.format:
        fmt: Format = args.format
        return fmt
    suffix = args.output.suffix.lower() if args.output else ""
    return {".parquet": "parquet", ".md": "md", ".txt": "txt"}.get(suffix, "jsonl")  # type: ignore[return-value]


def _sink(args: argparse.Namespace, fmt: Format) -> Sink:
    output: Path | None = args.output
    render: Literal["markdown", "text"] = "markdown" if fmt == "md" else "text"
    if output is None:
        if fmt == "parquet":
            raise UsageError("--format parquet needs --output FILE")
        if args.resume:
            raise UsageError("--resume needs --output")
        return StdoutSink(sys.stdout, render="json" if fmt == "jsonl" else render)
    if fmt == "jsonl":
        return JsonlSink(output, resume=args.resume)
    if fmt == "parquet":
        return ParquetSink(output, resume=args.resume)
    if output.suffix.lower() in (".md", ".txt", ".markdown"):
        if args.resume:
            raise UsageError("--resume needs an output directory for --format md/txt")
        return TextFileSink(output, render=render)
    return DirSink(output, render=render, resume=args.resume)


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
) -> Iterator[Unit]:
    units = discover_units(
        [p for p in args.inputs if p != "-"],
        include=args.include,
        exclude=args.exclude,
        url_map=url_map,
        stats=stats,
    )
    return (unit for unit in units if not _is_output(unit.path, args.output))


def _items(args: argparse.Namespace, url_map: dict[str, str], stats: InputStats) -> Iterator[Item]:
    units = (item for unit in _units(args, url_map, stats) for item in iter_unit_items(unit, stats))
    if "-" not in args.inputs:
        return units
    stdin = iter_stdin_items(sys.stdin.buffer, fmt=args.stdin_format, stats=stats)
    return itertools.chain(stdin, units)


def _check_args(args: argparse.Namespace) -> None:
    missing = [p for p in args.inputs if p != "-" and not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    if args.inputs.count("-") > 1:
        raise UsageError("- (standard input) can be given once")
    if args.workers is not None and args.workers < 0:
        raise UsageError("--workers must be 0 or more")
    if args.timeout < 0 or args.chunk_size < 1 or args.partition_size < 1:
        raise UsageError("--timeout must be 0 or more, --chunk-size and --partition-size 1 or more")
    if args.engine == "dask":
        if args.output is None:
            raise UsageError("--engine dask needs --output DIRECTORY")
        if "-" in args.inputs:
            raise UsageError("--engine dask reads files only, not standard input")
    elif args.scheduler:
        raise UsageError("--scheduler needs --engine dask")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _execute(args: argparse.Namespace, progress: Progress) -> BatchSummary:
    _check_args(args)
    fmt = _format(args)
    try:
        url_map = load_url_map(args.url_map) if args.url_map else {}
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read --url-map: {exc}") from exc
    options = Options(
        extractor=args.extractor,
        include_tables=not args.no_tables,
        include_comments=args.comments,
    )
    if args.engine == "dask":
        if fmt not in ("jsonl", "parquet"):
            raise UsageError("--engine dask writes jsonl or parquet parts")
        return run_dask_batch(
            _units(args, url_map),
            args.output,
            fmt="parquet" if fmt == "parquet" else "jsonl",
            options=options,
            scheduler=args.scheduler,
            workers=args.workers,
            partition_size=args.partition_size,
            resume=args.resume,
            on_outcome=progress.update,
        )
    sink = _sink(args, fmt)
    stats = InputStats()
    summary = run_batch(
        _items(args, url_map, stats),
        sink,
        options=options,
        workers=args.workers,
        timeout_s=args.timeout or None,
        chunk_size=args.chunk_size,
        input_stats=stats,
        on_outcome=progress.update,
    )
    summary.output = str(args.output) if args.output else None
    return summary


def run(args: argparse.Namespace) -> int:
    """Run ``newsclean clean``; return the exit status."""
    progress = Progress(enabled=sys.stderr.isatty() and not args.quiet)
    try:  # a kill (SIGTERM) stops like Ctrl-C: the journal is flushed for --resume
        previous: Any = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        summary = _execute(args, progress)
    except UsageError as exc:
        print(f"newsclean clean: error: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:
        progress.close()
        hint = "; what was written is kept: fix it and rerun with --resume" if args.output else ""
        print(f"newsclean clean: error: {exc}{hint}", file=sys.stderr)
        return EXIT_OUTPUT
    except OptionsError as exc:
        print(f"newsclean clean: error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        extra = "parquet" if "arrow" in str(exc) else "dask"
        print(
            f"newsclean clean: error: {exc}; install newsclean[{extra}]",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        progress.close()
        hint = " with --resume" if args.output else ""
        print(f"interrupted: rerun the same command{hint} to finish", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    progress.close()
    if not args.quiet:
        print(summary.to_text(), file=sys.stderr)
    if args.summary_json:
        with contextlib.suppress(OSError):
            args.summary_json.parent.mkdir(parents=True, exist_ok=True)
        try:
            args.summary_json.write_text(
                json.dumps(summary.to_dict(), indent=2) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            print(
                f"newsclean clean: error: cannot write --summary-json {args.summary_json}: "
                f"{reason} (the output itself is complete)",
                file=sys.stderr,
            )
            return EXIT_OUTPUT
    return summary.exit_code
