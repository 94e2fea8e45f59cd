"""``newsclean clean``: clean saved HTML files (.html, .htm, .html.gz) into records."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from newsclean._api import clean_html
from newsclean._errors import NewscleanError
from newsclean._record import ErrorInfo, Result

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "clean", help="clean saved HTML files into records", description=__doc__
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="FILE_OR_DIR")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    parser.add_argument("--format", choices=("jsonl", "md", "txt"), default="jsonl")
    parser.set_defaults(run=run)


def iter_inputs(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(HTML_SUFFIXES)
            )
        else:
            yield path


def clean_file(path: Path) -> Result:
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Result(source=source, error=ErrorInfo(stage="read", kind=type(exc).__name__,
                                                     message=str(exc)))
    try:
        article = clean_html(data)
    except NewscleanError as exc:
        return Result(source=source, error=ErrorInfo(stage="clean", kind=type(exc).__name__,
                                                     message=str(exc)))
    return Result(source=source, article=article)


def write_result(result: Result, out: IO[str], fmt: str) -> None:
    if fmt == "jsonl":
        out.write(result.model_dump_json() + "\n")
        return
    if result.article is None:
        assert result.error is not None
        print(f"{result.source}: {result.error.kind}: {result.error.message}", file=sys.stderr)
        return
    body = result.article.to_markdown() if fmt == "md" else result.article.to_text(
        include_title=True)
    out.write(body.rstrip("\n") + "\n\n")


def run(args: argparse.Namespace) -> int:
    out: IO[str] = (
        args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    )
    counts = {"inputs": 0, "records": 0, "errors": 0}
    try:
        for path in iter_inputs(args.inputs):
            result = clean_file(path)
            counts["inputs"] += 1
            counts["records" if result.ok else "errors"] += 1
            write_result(result, out, args.format)
    finally:
        if args.output:
            out.close()
    print(json.dumps(counts), file=sys.stderr)
    return 0 if counts["errors"] == 0 else 1
