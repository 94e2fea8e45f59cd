"""The ``newsclean`` command. Each subcommand lives in its own module of this package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from newsclean._cli import clean as _cli_clean
from newsclean._cli import common
from newsclean._cli import dedupe as _cli_dedupe
from newsclean._cli import fetch as _cli_fetch
from newsclean._cli import schema as _cli_schema
from newsclean._version import __version__


class _VersionAction(argparse.Action):
    """``--version``: the version, and whether the C walks run; the extractor is imported only
    when asked, so the command starts as fast as before."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=str(kwargs.get("help", "")))

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        from newsclean._extract.native import SPEEDUPS

        print(f"newsclean {__version__} (C speedups: {SPEEDUPS.reason})")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclean",
        description="Turn news and article web pages into clean records.",
        epilog="Run 'newsclean COMMAND --help' for a command's flags, examples and exit statuses.",
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="show the version and whether the C speedups run (and if not, why), then exit",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    _cli_clean.register(subparsers)
    _cli_fetch.register(subparsers)
    _cli_dedupe.register(subparsers)
    _cli_schema.register(subparsers)
    common.plain_help(parser)  # docstrings make descriptions: no reST in a terminal
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
