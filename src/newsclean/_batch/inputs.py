"""Batch inputs: find files, read WARC and JSON Lines containers, and turn them into tasks.

A *unit* is one input file (or stdin); a *task* is one page to clean. An HTML file (or a
plain-text page, ``*.txt``, cleaned by ``clean_text``) is one unit and one task; a WARC or
JSON Lines file is one unit that expands into many tasks. Tasks for files carry the path, so
the worker reads the bytes; tasks from containers carry the bytes.
Anything that cannot even be read into a task becomes a :class:`Failed` item, so that every
input is accounted for by exactly one output row.
"""

from __future__ import annotations

import csv
import fnmatch
import gzip
import json
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Literal

from newsclean._record import ErrorInfo
from newsclean._validate import scrub_surrogates

__all__ = [
    "DEFAULT_INCLUDE",
    "Failed",
    "InputStats",
    "Item",
    "Task",
    "Unit",
    "UnitKind",
    "discover_units",
    "iter_stdin_items",
    "iter_unit_items",
    "load_url_map",
]

UnitKind = Literal["html", "warc", "jsonl", "text"]

DEFAULT_INCLUDE = (
    "*.html",
    "*.htm",
    "*.xhtml",
    "*.html.gz",
    "*.htm.gz",
    "*.warc",
    "*.warc.gz",
    "*.jsonl",
    "*.jsonl.gz",
    "*.ndjson",
    "*.ndjson.gz",
)
_WARC_SUFFIXES = (".warc", ".warc.gz")
_JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_HTML_SUFFIXES = (".html.gz", ".htm.gz", ".xhtml", ".html", ".htm")
_TEXT_SUFFIXES = (".txt",)
_HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
#: The longest JSON Lines line read (a longer one is an error row, and read past in steps,
#: so that one huge line, or a gzip bomb without newlines, cannot exhaust memory).
MAX_LINE_BYTES = 64 * 2**20
#: The most bytes of one WARC record's body read (4 bytes per character of the default
#: ``max_html_chars``): a longer body, or a compressed one that inflates past it, is cut here.
MAX_RECORD_BYTES = 100 * 2**20


@dataclass(frozen=True, slots=True)
class Task:
    """One page to clean. Either ``path`` (the worker reads it) or ``data`` is set.

    ``text`` marks a page that is already plain text (``clean_text`` instead of
    ``clean_html``).
    """

    source: str
    name: str
    path: str | None = None
    data: bytes | None = None
    url: str | None = None
    content_type: str | None = None
    text: bool = False


@dataclass(frozen=True, slots=True)
class Failed:
    """An input that failed before cleaning could start (a corrupt container, a bad line)."""

    source: str
    name: str
    error: ErrorInfo


Item = Task | Failed


@dataclass(frozen=True, slots=True)
class Unit:
    """One input file: an HTML page, a text page, a WARC file or a JSON Lines file."""

    kind: UnitKind
    path: str
    name: str
    url: str | None = None


@dataclass(slots=True)
class InputStats:
    """Records that were read but are not pages (requests, images, redirects), by reason."""

    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def unit_kind(path: str) -> UnitKind:
    lowered = path.lower()
    if lowered.endswith(_WARC_SUFFIXES):
        return "warc"
    if lowered.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if lowered.endswith(_TEXT_SUFFIXES):
        return "text"
    return "html"


def _strip_suffix(name: str) -> str:
    lowered = name.lower()
    for suffix in (*_WARC_SUFFIXES, *_JSONL_SUFFIXES, *_HTML_SUFFIXES, *_TEXT_SUFFIXES):
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _safe_name(relative: str) -> str:
    parts = [p for p in PurePosixPath(relative.replace("\\", "/")).parts if p not in ("/", "..")]
    return "/".join(parts) or "page"


def _matches(relative: str, patterns: Iterable[str], *, ignore_case: bool = False) -> bool:
    name = relative.rsplit("/", 1)[-1]
    if ignore_case:
        relative, name = relative.lower(), name.lower()
    return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


def discover_units(
    paths: Iterable[str | os.PathLike[str]],
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    url_map: dict[str, str] | None = None,
    stats: InputStats | None = None,
) -> Iterator[Unit]:
    """Yield the input files under ``paths``, lazily and in a stable (sorted) order.

    Directories are walked recursively; a file in one is taken when its name or its path
    relative to the directory matches an ``include`` pattern (default: HTML, WARC and JSON
    Lines suffixes, any case) and no ``exclude`` pattern. A folder's ``.txt`` pages are taken
    only with an ``include`` pattern such as ``*.txt``, so that notes lying beside the pages
    stay out. Files named explicitly are always taken, whatever their suffix (``.txt`` ones
    as text pages), unless excluded. Missing paths are yielded as HTML units so that reading
    them produces an error row.

    Nothing a folder holds is dropped without a trace: a dangling symbolic link, a link
    loop or an unreadable file is yielded (reading it gives an error row that says why); a
    FIFO, socket or device (reading one could block forever), a symbolic link to a folder
    (not followed, so that a link loop cannot walk forever) and a folder that cannot be
    listed are counted in ``stats.skipped``.
    """
    include = tuple(include)
    exclude = tuple(exclude)
    url_map = url_map or {}
    stats = stats if stats is not None else InputStats()

    def unlistable(error: OSError) -> None:
        stats.skip("folder that cannot be listed")

    for raw in paths:
        top = os.fspath(raw)
        if Path(top).is_dir():
            for dirpath, dirnames, filenames in os.walk(top, onerror=unlistable):
                for dirname in [d for d in dirnames if Path(dirpath, d).is_symlink()]:
                    dirnames.remove(dirname)
                    stats.skip("symbolic link to a folder, not followed")
                dirnames.sort()
                for filename in sorted(filenames):
                    path = str(Path(dirpath, filename))
                    relative = Path(path).relative_to(top).as_posix()
                    taken = (
                        _matches(relative, include)
                        if include
                        else _matches(relative, DEFAULT_INCLUDE, ignore_case=True)
                    )
                    if not taken or _matches(relative, exclude):
                        continue
                    if _is_special(path):
                        stats.skip("not a regular file (FIFO, socket or device)")
                        continue
                    yield _unit(path, relative, url_map)
        elif not _matches(Path(top).name, exclude):
            yield _unit(top, Path(top).name, url_map)


def _is_special(path: str) -> bool:
    """A FIFO, socket or device; ``False`` for a file and for what cannot be stat'ed (a
    dangling link, a link loop: reading those gives the error row)."""
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _unit(path: str, relative: str, url_map: dict[str, str]) -> Unit:
    kind = unit_kind(path)
    url = None
    if kind in ("html", "text") and url_map:
        url = (
            url_map.get(path)
            or url_map.get(relative)
            or url_map.get(str(Path(path).absolute()))
            or url_map.get(Path(path).name)
        )
    return Unit(kind=kind, path=path, name=_safe_name(_strip_suffix(relative)), url=url)


def load_url_map(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read a file-to-URL map: a JSON object, a CSV file, or lines of ``PATH URL``.

    Keys may be the path as given on the command line, the path relative to the directory
    that was walked, the absolute path, or the bare file name.
    """
    text = Path(path).read_text(encoding="utf-8")
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a URL map in JSON must be an object of path: url")
        return {str(k): str(v) for k, v in data.items()}
    mapping: dict[str, str] = {}
    if suffix == ".csv":
        rows: Iterable[list[str]] = csv.reader(text.splitlines())
    else:
        rows = (line.rsplit(None, 1) for line in text.splitlines())
    for row in rows:
        if len(row) < 2 or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        key, url = row[0].strip(), row[-1].strip()
        if "://" in url:
            mapping[key] = url
    return mapping


def iter_unit_items(unit: Unit, stats: InputStats | None = None) -> Iterator[Item]:
    """Yield the tasks (or failures) of one input file."""
    if unit.kind in ("html", "text"):
        text = unit.kind == "text"
        yield Task(source=unit.path, name=unit.name, path=unit.path, url=unit.url, text=text)
    elif unit.kind == "warc":
        yield from _iter_warc(unit, stats or InputStats())
    else:
        try:
            raw = Path(unit.path).open("rb")  # noqa: SIM115 - closed below; failing is a row
        except OSError as exc:
            yield _failed(unit.path, unit.name, "read", exc)
            return
        with raw:
            if raw.peek(2)[:2] == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=raw, mode="rb") as inflated:
                    yield from _iter_jsonl(inflated, source=unit.path, name=unit.name)
            else:
                yield from _iter_jsonl(raw, source=unit.path, name=unit.name)


def iter_stdin_items(
    stream: IO[bytes],
    *,
    fmt: Literal["html", "text", "jsonl", "paths"],
    stats: InputStats | None = None,
) -> Iterator[Item]:
    """Yield the tasks read from standard input: one page (HTML or text), JSON Lines, or a
    list of paths."""
    if fmt in ("html", "text"):
        yield Task(source="<stdin>", name="stdin", data=stream.read(), text=fmt == "text")
    elif fmt == "jsonl":
        yield from _iter_jsonl(stream, source="<stdin>", name="stdin")
    else:
        paths = (line.decode("utf-8").strip() for line in stream)
        for unit in discover_units((p for p in paths if p), stats=stats):
            yield from iter_unit_items(unit, stats)


def _failed(source: str, name: str, stage: str, exc: BaseException) -> Failed:
    message = str(exc) or type(exc).__name__
    return Failed(source, name, ErrorInfo(stage=stage, kind=type(exc).__name__, message=message))


def _lines(stream: IO[bytes] | Iterable[bytes]) -> Iterator[bytes | None]:
    """The lines of a stream, each at most :data:`MAX_LINE_BYTES`; ``None`` for a longer one
    (whose bytes are read past in steps, never held whole)."""
    readline = getattr(stream, "readline", None)
    if readline is None:  # a plain iterable of lines
        for line in stream:
            yield line if len(line) <= MAX_LINE_BYTES else None
        return
    while True:
        line = readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) <= MAX_LINE_BYTES:
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = readline(MAX_LINE_BYTES)
        yield None


def _iter_jsonl(stream: IO[bytes] | Iterable[bytes], *, source: str, name: str) -> Iterator[Item]:
    lineno = 0
    try:
        for lineno, line in enumerate(_lines(stream), start=1):
            if line is not None and not line.strip():
                continue
            item_source, item_name = f"{source}#L{lineno}", f"{name}/L{lineno}"
            yield _jsonl_item(line, item_source, item_name)
    except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt gzip
        yield _failed(f"{source}#L{lineno + 1}", f"{name}/L{lineno + 1}", "input", exc)


def _jsonl_item(line: bytes | None, source: str, name: str) -> Item:
    """One line's task, or its failure; a bad line never costs the lines after it."""
    if line is None:
        message = f"the line is longer than {MAX_LINE_BYTES} bytes"
        return Failed(source, name, ErrorInfo(stage="input", kind="LineTooLong", message=message))
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return Failed(source, name, ErrorInfo(stage="input", kind="InvalidJSON", message=str(exc)))
    html = obj.get("html") if isinstance(obj, dict) else None
    if not isinstance(html, str):
        message = 'the line has no "html" string field'
        return Failed(source, name, ErrorInfo(stage="input", kind="MissingHTML", message=message))
    url = obj.get("url")
    content_type = obj.get("content_type")
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:  # a "\ud800" escape decodes to a lone surrogate
        data = scrub_surrogates(html).encode("utf-8")
    return Task(
        source=source,
        name=name,
        data=data,
        url=scrub_surrogates(url) if isinstance(url, str) else None,
        content_type=scrub_surrogates(content_type) if isinstance(content_type, str) else None,
    )


def _is_html(content_type: str | None) -> bool:
    if not content_type:
        return True
    return content_type.split(";", 1)[0].strip().lower() in _HTML_MEDIA_TYPES


def _iter_warc(unit: Unit, stats: InputStats) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    try:
        stream = Path(unit.path).open("rb")  # noqa: SIM115 - closed below; failing is a row
    except OSError as exc:
        yield _failed(unit.path, unit.name, "read", exc)
        return
    with stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.rec_type != "response":
                    stats.skip(f"warc {record.rec_type} record")
                    continue
                http = record.http_headers
                if http is None:
                    stats.skip("warc response without HTTP headers")
                    continue
                status = http.get_statuscode() or ""
                content_type = http.get_header("Content-Type")
                if not status.startswith("2"):
                    stats.skip(f"warc response with status {status[:1] or '?'}xx")
                    continue
                if not _is_html(content_type):
                    stats.skip("warc response that is not HTML")
                    continue
                # bounded: a record's body can be a gzip bomb (warcio inflates
                # Content-Encoding); the rest of a longer record is skipped in steps
                body = record.content_stream().read(MAX_RECORD_BYTES + 1)
                cut = len(body) > MAX_RECORD_BYTES
                body = body[:MAX_RECORD_BYTES]
                unread = 0 if cut else getattr(record.raw_stream, "limit", 0)  # Content-Length
                offset = records.get_record_offset()
                if unread:
                    message = f"the record ends {unread} bytes early (a truncated file?)"
                    error = ErrorInfo(stage="input", kind="TruncatedRecord", message=message)
                    yield Failed(f"{unit.path}#{offset}", f"{unit.name}/{offset}", error)
                    continue
                yield Task(
                    source=f"{unit.path}#{offset}",
                    name=f"{unit.name}/{offset}",
                    data=body,
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    content_type=content_type,
                )
        except Exception as exc:  # warcio raises many types on a truncated or corrupt file
            where = records.offset
            yield _failed(f"{unit.path}#{where}", f"{unit.name}/{where}", "input", exc)
