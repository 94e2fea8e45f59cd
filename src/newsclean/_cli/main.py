"""The ``newsclean`` command. Each subcommand lives in its own module of this package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from newsclean._cli import clean as _cli_clean
from newsclean._cli import dedupe as _cli_dedupe
from newsclean._cli import fetch as _cli_fetch
from newsclean._cli import schema as _cli_schema
from newsclean._version import __version__


def _version() -> str:
    """The version, and which facts reader runs (compiled, or Python and why)."""
    from newsclean._extract import facts, native  # native loads the compiled reader

    assert native.SPEEDUPS is not None
    return f"newsclean {__version__} ({facts.reader_status()})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclean", description="Turn news and article web pages into clean records."
    )
    parser.add_argument("--version", action="version", version=_version())
    subparsers = parser.add_subparsers(dest="command", required=True)
    _cli_clean.register(subparsers)
    _cli_fetch.register(subparsers)
    _cli_dedupe.register(subparsers)
    _cli_schema.register(subparsers)
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
