"""``newsclean schema``: print the JSON Schema of the Article record."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from newsclean._record import dump_schema


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of the Article record",
        description="Print the JSON Schema (draft 2020-12) of the Article record.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(dump_schema())
    return 0
