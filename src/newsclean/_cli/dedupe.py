"""``newsclean dedupe``: group records whose bodies are near-duplicates (wire copies, reprints).

Reads ``newsclean clean`` output (JSON Lines or Parquet; bare Article JSON Lines too) and
writes one JSON line per record: its ``cluster``, the cluster's ``canonical`` record and the
record's ``similarity`` to it. Memory grows with the number of clusters, not of records:
the first pass spools what it learns to a file beside the output. With ``--index FILE``
the clusters are read from FILE when it exists (a second run adds to the first run's
clusters) and written back when the run ends.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from newsclean._dedupe.api import Note, note_row, resolve
from newsclean._dedupe.index import (
    CANONICAL_RULES,
    DEFAULT_CANONICAL,
    DEFAULT_THRESHOLD,
    DedupeIndex,
    IndexError_,
)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dedupe",
        help="group near-duplicate records (copies of one story) into clusters",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "inputs", nargs="+", metavar="IN", help="JSON Lines or .parquet files; - for stdin"
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="clusters as JSON Lines; - for stdout"
    )
    parser.add_argument(
        "--index", metavar="FILE", type=Path, help="read clusters from FILE and save them to it"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"similarity at which two bodies are copies (default {DEFAULT_THRESHOLD}, or "
        "the saved index's)",
    )
    parser.add_argument(
        "--canonical",
        default=None,
        help="how the canonical record is chosen: rules in order, comma-separated, from "
        f"{', '.join(CANONICAL_RULES)} (default {','.join(DEFAULT_CANONICAL)})",
    )
    parser.add_argument("--quiet", action="store_true", help="no summary on stderr")
    parser.set_defaults(run=run)


_DECODER = json.JSONDecoder()
_FINGERPRINT_KEY = '"fingerprint":"mh1:'
_ROW_START = '{"source":'
_ARTICLE_START = ',"article":{"url":'


def _fast_row(line: str) -> dict[str, Any] | None:
    """The fields dedupe reads from a ``newsclean clean`` row, without parsing the body.

    A row is ``{"source":..,"article":{"url":..,...,"published":..,...,"fingerprint":..,
    ...,"word_count":..,...},"error":..}`` in that order (pydantic writes fields in declaration
    order). A key cannot occur inside a string value (its quotes would be escaped), so the
    first ``"published":`` is the article's (the provenance's comes later). Anything else,
    a row without a fingerprint for one, returns ``None`` and is parsed whole.
    """
    if not line.startswith(_ROW_START):
        return None
    at = line.rfind(_FINGERPRINT_KEY)  # near the end; the only one (a key, see above)
    if at < 0:
        return None
    start = at + len(_FINGERPRINT_KEY) - 4
    fingerprint = line[start : line.find('"', start)]
    try:
        source, end = _DECODER.raw_decode(line, len(_ROW_START))
        if not line.startswith(_ARTICLE_START, end):
            return None
        url, end = _DECODER.raw_decode(line, end + len(_ARTICLE_START))
        at = line.index('"published":', end)
        published, _ = _DECODER.raw_decode(line, at + len('"published":'))
        at = line.index('"word_count":', start)
        words, _ = _DECODER.raw_decode(line, at + len('"word_count":'))
    except ValueError:
        return None
    article = {"url": url, "published": published, "word_count": words}
    article["fingerprint"] = fingerprint
    return {"source": source, "article": article}


def _rows(path: str) -> Iterator[tuple[str, Any]]:
    """(default ref, row) for each record of one input; a bad line yields its error text."""
    if path.endswith(".parquet"):
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise SystemExit(
                f"newsclean dedupe: {path}: reading Parquet needs pyarrow "
                "(pip install 'newsclean[parquet]')"
            ) from None
        number = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=2048):
            for row in batch.to_pylist():
                number += 1
                yield f"{path}:{number}", row
        return
    stream: IO[str]
    stream = sys.stdin if path == "-" else Path(path).open(encoding="utf-8")  # noqa: SIM115
    try:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                yield f"{path}:{number}", _fast_row(line) or json.loads(line)
            except ValueError as exc:
                yield f"{path}:{number}", f"invalid JSON: {exc}"
    finally:
        if stream is not sys.stdin:
            stream.close()


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    canonical = args.canonical.split(",") if args.canonical else None
    for path in args.inputs:
        if path != "-" and not Path(path).is_file():
            print(f"newsclean dedupe: {path}: no such file", file=sys.stderr)
            return 2
    try:
        if args.index is not None and args.index.exists():
            index = DedupeIndex.load(args.index, threshold=args.threshold, canonical=canonical)
        else:
            index = DedupeIndex(
                threshold=DEFAULT_THRESHOLD if args.threshold is None else args.threshold,
                canonical=DEFAULT_CANONICAL if canonical is None else canonical,
            )
    except IndexError_ as exc:
        print(f"newsclean dedupe: {exc}", file=sys.stderr)
        return 2
    try:
        clusters_before = len(index)
        out_path = None if args.output == "-" else Path(args.output)
        spool_dir = out_path.parent if out_path is not None else None
        records = skipped = 0
        with tempfile.TemporaryFile(
            "w+", encoding="utf-8", dir=spool_dir, prefix=".dedupe-", suffix=".spool"
        ) as spool:
            for path in args.inputs:
                for ref, row in _rows(path):
                    records += 1
                    if isinstance(row, str):
                        note = Note(ref, None, None, None, row)
                    else:
                        source = row.get("source") if isinstance(row, dict) else None
                        note = note_row(index, row, source if isinstance(source, str) else ref)
                    skipped += note.cluster is None
                    spool.write(json.dumps(note.to_list(), ensure_ascii=False) + "\n")
            spool.seek(0)
            if out_path is None:
                _write(spool, index, sys.stdout)
            else:
                partial = out_path.with_name(out_path.name + ".partial")
                with partial.open("w", encoding="utf-8") as out:
                    _write(spool, index, out)
                    out.flush()
                    os.fsync(out.fileno())
                partial.replace(out_path)
        if args.index is not None:
            index.save(args.index)
    except OSError as exc:  # an unwritable output, spool or index; an unreadable input
        reason = exc.strerror or type(exc).__name__
        where = exc.filename if exc.filename is not None else args.output
        print(f"newsclean dedupe: error: cannot read or write {where}: {reason}", file=sys.stderr)
        return 3
    if not args.quiet:
        elapsed = time.perf_counter() - started
        new = len(index) - clusters_before
        print(
            f"newsclean dedupe: {records} records, {records - skipped - new} joined a cluster, "
            f"{new} new clusters ({len(index)} in all), {skipped} skipped, {elapsed:.1f} s",
            file=sys.stderr,
        )
    return 0


def _write(spool: IO[str], index: DedupeIndex, out: IO[str]) -> None:
    dumps = json.dumps
    for line in spool:
        match = resolve(index, Note.from_list(json.loads(line)))
        out.write(dumps(match.to_dict(), ensure_ascii=False) + "\n")
