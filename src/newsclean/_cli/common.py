"""What ``newsclean clean`` and ``newsclean fetch`` share: output and cleaning flags, the
progress bar, the sinks, the summary and the exit statuses.

Both commands write the same rows (one :class:`newsclean.Result` per input) in the same
formats, show the same progress bar and end with the same summary, so every flag defined here
means the same thing in both.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from tqdm import tqdm

from newsclean._batch.engine import BatchSummary
from newsclean._batch.sinks import DirSink, JsonlSink, ParquetSink, Sink, StdoutSink, TextFileSink
from newsclean._batch.worker import Outcome
from newsclean._options import Options

__all__ = [
    "EXIT_ERRORS",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_STATUS_HELP",
    "EXIT_USAGE",
    "Format",
    "Progress",
    "UsageError",
    "add_cleaning_options",
    "add_output_options",
    "cleaning_options",
    "interrupted",
    "interruptible",
    "open_sink",
    "output_error",
    "output_format",
    "plain",
    "plain_help",
    "progress_wanted",
    "report",
    "usage_error",
]

Format = Literal["jsonl", "parquet", "md", "txt"]

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3
EXIT_INTERRUPTED = 130

EXIT_STATUS_HELP = """\
exit status: 0 every input gave a record; 1 some gave error rows; 2 usage error;
3 the output cannot be written (what was written stays resumable); 130 interrupted
(rerun the same command with --resume to finish)."""


class UsageError(Exception):
    """A command line that cannot run; reported with exit status 2."""


_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|exc|obj|const):`~?([^`]+)`")


def plain(text: str | None) -> str | None:
    """Help text without reST markup: ``code`` and :role:`name` become plain words."""
    if not text:
        return text
    return _ROLE.sub(r"\1", text).replace("``", "")


def plain_help(parser: argparse.ArgumentParser) -> None:
    """Strip reST markup from a parser's description, epilog and every argument's help."""
    parser.description = plain(parser.description)
    parser.epilog = plain(parser.epilog)
    for action in parser._actions:
        action.help = plain(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = plain(choice.help)
            for subparser in action.choices.values():
                plain_help(subparser)


def usage_error(command: str, message: object) -> int:
    """Print ``newsclean COMMAND: error: MESSAGE`` on standard error; return 2."""
    print(f"newsclean {command}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def output_error(command: str, message: object) -> int:
    """Print ``newsclean COMMAND: error: MESSAGE`` on standard error; return 3."""
    print(f"newsclean {command}: error: {message}", file=sys.stderr)
    return EXIT_OUTPUT


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``-o``, ``--format``, ``--resume``, ``--summary-json``, ``-q``, ``--progress``."""
    out = parser.add_argument_group("output")
    out.add_argument(
        "-o",
        "--output",
        type=Path,
        help="output file (.jsonl, .parquet, .md, .txt) or, for --format md/txt, a directory "
        "(one file per page); default: standard output",
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
    out.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on standard error (auto, default: when it is a terminal)",
    )


def add_cleaning_options(parser: argparse.ArgumentParser) -> None:
    """``--extractor``, ``--no-tables``, ``--comments``."""
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


def cleaning_options(args: argparse.Namespace) -> Options:
    """The :class:`Options` the cleaning flags ask for."""
    return Options(
        extractor=args.extractor,
        include_tables=not args.no_tables,
        include_comments=args.comments,
    )


def output_format(args: argparse.Namespace) -> Format:
    """``--format``, else the one the ``--output`` suffix names, else JSON Lines."""
    if args.format:
        fmt: Format = args.format
        return fmt
    suffix = args.output.suffix.lower() if args.output else ""
    if suffix == ".parquet":
        return "parquet"
    if suffix in (".md", ".markdown"):
        return "md"
    if suffix == ".txt":
        return "txt"
    return "jsonl"


def open_sink(args: argparse.Namespace, fmt: Format) -> Sink:
    """The sink ``--output``, ``--format`` and ``--resume`` describe (not yet opened)."""
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


def progress_wanted(args: argparse.Namespace) -> bool:
    """``--progress always``, or ``auto`` with standard error a terminal; never with ``-q``."""
    if args.quiet or args.progress == "never":
        return False
    return args.progress == "always" or sys.stderr.isatty()


class Progress:
    """A tqdm bar on standard error: pages done (of the total, with an ETA, when known),
    pages per second and errors so far."""

    def __init__(self, *, enabled: bool, total: int | None = None) -> None:
        self.errors = 0
        self.bar = tqdm(
            total=total,
            unit="page",
            file=sys.stderr,
            disable=not enabled,
            dynamic_ncols=True,
            mininterval=0.2,
            smoothing=0.1,
        )
        if enabled:
            self.bar.set_postfix_str("0 errors", refresh=False)

    def set_total(self, total: int | None) -> None:
        if total != self.bar.total:
            self.bar.total = total
            self.bar.refresh()

    def update(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.errors += 1
            self.bar.set_postfix_str(f"{self.errors} errors", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def report(args: argparse.Namespace, summary: BatchSummary, command: str) -> int:
    """Print the summary (unless ``-q``), write ``--summary-json``; return the exit status
    (3 when the summary cannot be written)."""
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
            return output_error(
                command,
                f"cannot write --summary-json {args.summary_json}: {reason} "
                "(the output itself is complete)",
            )
    return summary.exit_code


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """A kill (SIGTERM) stops the run as Ctrl-C does: the journal is kept for ``--resume``."""
    try:
        previous: Any = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def interrupted(args: argparse.Namespace) -> int:
    """Say how to finish an interrupted run; return 130."""
    hint = " with --resume" if args.output else ""
    print(f"interrupted: rerun the same command{hint} to finish", file=sys.stderr)
    return EXIT_INTERRUPTED
