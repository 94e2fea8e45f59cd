"""Batch outputs: JSON Lines, Parquet, one file per page; written so that no crash corrupts them.

Every file sink keeps a *journal*: JSON Lines appended to ``OUT.partial`` (flushed as it goes,
fsynced every second) and renamed to ``OUT`` only when the batch completes. A run killed at
any point, even by ``kill -9``, leaves ``OUT`` untouched (or absent) and a journal whose
complete lines are valid rows; ``--resume`` cuts off a torn last line, skips every source the
journal already holds, and appends the rest. Parquet is written from the journal at the end
(a Parquet file without its footer is unreadable, so it cannot be the journal itself).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, Union

from pydantic import BaseModel

from newsclean._batch.worker import Outcome
from newsclean._errors import NewscleanError
from newsclean._record import Article, Result

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "DirSink",
    "GuardedSink",
    "JsonlSink",
    "OutputError",
    "ParquetSink",
    "Resumed",
    "Sink",
    "StdoutSink",
    "TextFileSink",
    "arrow_schema",
    "flatten_row",
    "write_parquet",
    "writing",
]

_SYNC_INTERVAL_S = 1.0


@dataclass(slots=True)
class Resumed:
    """What an earlier, interrupted run already wrote."""

    sources: set[str] = field(default_factory=set)
    errors_by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, source: str, error_kind: str | None) -> None:
        if source in self.sources:
            return
        self.sources.add(source)
        if error_kind is not None:
            self.errors_by_kind[error_kind] = self.errors_by_kind.get(error_kind, 0) + 1


class Sink(Protocol):
    """Where outcomes go. ``open`` returns what a resumed run already holds."""

    @property
    def render(self) -> Literal["json", "markdown", "text"]:
        """What workers render: JSON lines, Markdown or text."""

    def open(self) -> Resumed: ...

    def write(self, outcome: Outcome) -> None: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


class OutputError(NewscleanError):
    """The batch output could not be written (a read-only folder, a full disk, a path under
    a file, ``/dev/full``). What was written before stays resumable."""


def _describe(error: OSError, target: str) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    where = error.filename if error.filename is not None else target
    return f"cannot write {where}: {reason}"


@contextlib.contextmanager
def writing(target: Path | str) -> Iterator[None]:
    """Turn an ``OSError`` raised while writing ``target`` into an :class:`OutputError`."""
    try:
        yield
    except OSError as exc:
        raise OutputError(_describe(exc, str(target))) from exc


class GuardedSink:
    """A sink whose ``OSError`` becomes one :class:`OutputError` naming the output."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        where = getattr(sink, "path", None) or getattr(sink, "directory", None)
        self.target = str(where) if where is not None else "standard output"

    @property
    def render(self) -> Literal["json", "markdown", "text"]:
        return self.sink.render

    def open(self) -> Resumed:
        try:
            return self.sink.open()
        except OSError as exc:
            raise OutputError(_describe(exc, self.target)) from exc

    def write(self, outcome: Outcome) -> None:
        try:
            self.sink.write(outcome)
        except OSError as exc:
            raise OutputError(_describe(exc, self.target)) from exc

    def commit(self) -> None:
        try:
            self.sink.commit()
        except OSError as exc:
            raise OutputError(_describe(exc, self.target)) from exc

    def close(self) -> None:
        try:
            self.sink.close()
        except OSError as exc:
            raise OutputError(_describe(exc, self.target)) from exc


def fsync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every OS or file system can fsync a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Journal:
    """An append-only JSON Lines file that survives being killed mid-write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream: IO[bytes] | None = None
        self.synced_at = 0.0

    def recover(self) -> Resumed:
        """Read the sources of the complete rows; cut the file after the last one.

        Only the tail can be torn (a kill mid-write, a crash before fsync); everything from
        the first line that is incomplete or unreadable on is dropped and will be redone.
        """
        resumed = Resumed()
        if not self.path.exists():
            return resumed
        good_end = 0
        with self.path.open("rb+") as stream:
            for line in stream:
                if not line.endswith(b"\n"):
                    break
                try:
                    row = json.loads(line)
                    source = row["source"]
                except (ValueError, KeyError, TypeError):
                    break
                error = row.get("error")
                resumed.add(source, error.get("kind") if isinstance(error, dict) else None)
                good_end += len(line)
            stream.truncate(good_end)
        return resumed

    def open(self, *, append: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = self.path.open("ab" if append else "wb")
        self.synced_at = time.monotonic()

    def append(self, line: str) -> None:
        assert self.stream is not None
        self.stream.write(line.encode("utf-8") + b"\n")
        now = time.monotonic()
        if now - self.synced_at >= _SYNC_INTERVAL_S:
            self.sync()
            self.synced_at = now

    def sync(self) -> None:
        if self.stream is not None and not self.stream.closed:
            self.stream.flush()
            os.fsync(self.stream.fileno())

    def close(self) -> None:
        if self.stream is not None and not self.stream.closed:
            try:
                self.sync()
            finally:
                # closed even when the flush fails (a full disk): a stream left open would
                # fail again when collected, with "Exception ignored" on stderr
                self.stream.close()


def _partial(path: Path, suffix: str = ".partial") -> Path:
    return path.with_name(path.name + suffix)


def _outcome_row(outcome: Outcome) -> str:
    if isinstance(outcome.payload, Result):
        return outcome.payload.model_dump_json()
    return outcome.payload


class JsonlSink:
    """JSON Lines to a file, one :class:`Result` per line, renamed into place when done."""

    render: Literal["json", "markdown", "text"] = "json"

    def __init__(self, path: Path, *, resume: bool) -> None:
        self.path = path
        self.resume = resume
        self.journal = Journal(_partial(path))

    def open(self) -> Resumed:
        resumed = Resumed()
        if self.resume:
            if not self.journal.path.exists() and self.path.exists():
                self.path.replace(self.journal.path)  # a finished run: extend it
            resumed = self.journal.recover()
        self.journal.open(append=self.resume)
        return resumed

    def write(self, outcome: Outcome) -> None:
        self.journal.append(_outcome_row(outcome))

    def commit(self) -> None:
        self.journal.close()
        self.journal.path.replace(self.path)
        fsync_directory(self.path.parent)

    def close(self) -> None:
        self.journal.close()


class StdoutSink:
    """JSON Lines, Markdown or text to a stream; nothing to resume."""

    def __init__(
        self, stream: IO[str], *, render: Literal["json", "markdown", "text"] = "json"
    ) -> None:
        self.stream = stream
        self.render = render

    def open(self) -> Resumed:
        return Resumed()

    def write(self, outcome: Outcome) -> None:
        if self.render == "json":
            self.stream.write(_outcome_row(outcome) + "\n")
        elif outcome.error is not None:
            error = outcome.error
            print(f"{outcome.source}: {error.kind}: {error.message}", file=sys.stderr)
        else:
            assert isinstance(outcome.payload, str)
            self.stream.write(outcome.payload.rstrip("\n") + "\n\n")

    def commit(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.flush()


class DirSink:
    """One Markdown or text file per page under a directory, plus ``_index.jsonl``.

    The index has one line per input (``source``, ``file``, ``error``, and the body's
    ``fingerprint``, as in every other format): it accounts for error rows, which have no
    file, and it is the journal that ``--resume`` reads.
    """

    def __init__(
        self, directory: Path, *, render: Literal["markdown", "text"], resume: bool
    ) -> None:
        self.directory = directory
        self.render = render
        self.resume = resume
        self.index_path = directory / "_index.jsonl"
        self.journal = Journal(_partial(self.index_path))
        self.suffix = ".md" if render == "markdown" else ".txt"
        self.names: set[str] = set()

    def open(self) -> Resumed:
        self.directory.mkdir(parents=True, exist_ok=True)
        resumed = Resumed()
        if self.resume:
            if not self.journal.path.exists() and self.index_path.exists():
                self.index_path.replace(self.journal.path)
            resumed = self.journal.recover()
            for line in self.journal.path.read_text(encoding="utf-8").splitlines():
                name = json.loads(line).get("file")
                if name:
                    self.names.add(name)
        self.journal.open(append=self.resume)
        return resumed

    def unique_name(self, name: str) -> str:
        candidate, n = name + self.suffix, 1
        while candidate in self.names:
            n += 1
            candidate = f"{name}-{n}{self.suffix}"
        self.names.add(candidate)
        return candidate

    def write(self, outcome: Outcome) -> None:
        file_name = None
        if outcome.error is None:
            assert isinstance(outcome.payload, str)
            file_name = self.unique_name(outcome.name)
            target = self.directory / file_name
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = _partial(target, ".tmp")
            temporary.write_text(outcome.payload.rstrip("\n") + "\n", encoding="utf-8")
            temporary.replace(target)
        error = outcome.error.model_dump() if outcome.error is not None else None
        row = {
            "source": outcome.source,
            "file": file_name,
            "error": error,
            "fingerprint": outcome.fingerprint,
        }
        self.journal.append(json.dumps(row, ensure_ascii=False))

    def commit(self) -> None:
        self.journal.close()
        self.journal.path.replace(self.index_path)
        fsync_directory(self.directory)

    def close(self) -> None:
        self.journal.close()


class ParquetSink:
    """Parquet (one row per input, article fields as columns, blocks as a nested list).

    Rows are journalled to ``OUT.partial.jsonl`` while the batch runs and written to Parquet
    (then renamed into place) when it completes.
    """

    render: Literal["json", "markdown", "text"] = "json"

    def __init__(self, path: Path, *, resume: bool) -> None:
        import pyarrow  # noqa: F401 - fail before any work when the extra is missing

        self.path = path
        self.resume = resume
        self.journal = Journal(_partial(path, ".partial.jsonl"))

    def open(self) -> Resumed:
        if self.resume and not self.journal.path.exists() and self.path.exists():
            _parquet_to_journal(self.path, self.journal.path)
        resumed = self.journal.recover() if self.resume else Resumed()
        self.journal.open(append=self.resume)
        return resumed

    def write(self, outcome: Outcome) -> None:
        self.journal.append(_outcome_row(outcome))

    def commit(self) -> None:
        self.journal.close()
        with self.journal.path.open("rb") as rows:
            write_parquet((json.loads(line) for line in rows), self.path)
        self.journal.path.unlink()

    def close(self) -> None:
        self.journal.close()


# -- Parquet -------------------------------------------------------------------------------


def _arrow_type(annotation: Any) -> pa.DataType:
    import pyarrow as pa

    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (Union, types.UnionType):
        if all(a in (dt.datetime, dt.date) for a in args):
            return pa.string()  # dates, datetimes and aware datetimes mix: ISO 8601 text
        return _arrow_type(args[0]) if len(args) == 1 else pa.string()
    if origin is Literal:
        return pa.string()
    if origin in (tuple, list) and args:
        return pa.list_(_arrow_type(args[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(
            [(name, _arrow_type(f.annotation)) for name, f in annotation.model_fields.items()]
        )
    scalars = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    return scalars.get(annotation, pa.string())


def arrow_schema() -> pa.Schema:
    """The Parquet schema of batch rows: source, ok, the article's fields, then the error."""
    import pyarrow as pa

    fields = [pa.field("source", pa.string(), nullable=False), pa.field("ok", pa.bool_())]
    fields += [
        pa.field(name, _arrow_type(f.annotation)) for name, f in Article.model_fields.items()
    ]
    fields += [pa.field(f"error_{k}", pa.string()) for k in ("stage", "kind", "message")]
    return pa.schema(fields)


def _coerce(value: Any, kind: pa.DataType) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_struct(kind) and isinstance(value, dict):
        return {f.name: _coerce(value.get(f.name), f.type) for f in kind}
    if pa.types.is_list(kind) and isinstance(value, list):
        return [_coerce(v, kind.value_type) for v in value]
    if pa.types.is_string(kind) and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


def flatten_row(row: dict[str, Any], schema: pa.Schema) -> dict[str, Any]:
    """Turn a :class:`Result` as JSON into one Parquet row of ``schema``."""
    article = row.get("article") or {}
    error = row.get("error") or {}
    flat: dict[str, Any] = {"source": row["source"], "ok": bool(article) and not error}
    for f in schema:
        if f.name in ("source", "ok"):
            continue
        if f.name.startswith("error_"):
            flat[f.name] = error.get(f.name[len("error_") :])
        else:
            flat[f.name] = _coerce(article.get(f.name), f.type)
    return flat


def _unflatten_row(flat: dict[str, Any]) -> dict[str, Any]:
    error = None
    if flat.get("error_kind") is not None:
        error = {k: flat.get(f"error_{k}") for k in ("stage", "kind", "message")}
    article = None
    if flat.get("ok"):
        article = {k: v for k, v in flat.items() if k in Article.model_fields}
    return {"source": flat["source"], "article": article, "error": error}


def write_parquet(
    rows: typing.Iterable[dict[str, Any]], path: Path, *, batch_rows: int = 1000
) -> int:
    """Write Result rows (as JSON dicts) to ``path`` atomically, in row groups; return the count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    temporary = _partial(path, ".tmp")
    count = 0
    with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(flatten_row(row, schema))
            if len(batch) >= batch_rows:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    with temporary.open("rb+") as stream:
        os.fsync(stream.fileno())
    temporary.replace(path)
    fsync_directory(path.parent)
    return count


def _parquet_to_journal(path: Path, journal: Path) -> None:
    import pyarrow.parquet as pq

    with journal.open("w", encoding="utf-8") as out:
        for batch in pq.ParquetFile(path).iter_batches():
            for flat in batch.to_pylist():
                out.write(json.dumps(_unflatten_row(flat), ensure_ascii=False) + "\n")


class TextFileSink:
    """Markdown or text for every page in one file, renamed into place when done."""

    def __init__(self, path: Path, *, render: Literal["markdown", "text"]) -> None:
        self.path = path
        self.render = render
        self.partial = _partial(path)
        self.stream: IO[str] | None = None
        self.inner: StdoutSink | None = None

    def open(self) -> Resumed:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = self.partial.open("w", encoding="utf-8")
        self.inner = StdoutSink(self.stream, render=self.render)
        return Resumed()

    def write(self, outcome: Outcome) -> None:
        assert self.inner is not None
        self.inner.write(outcome)

    def commit(self) -> None:
        self.close()
        self.partial.replace(self.path)
        fsync_directory(self.path.parent)

    def close(self) -> None:
        if self.stream is not None and not self.stream.closed:
            try:
                self.stream.flush()
                os.fsync(self.stream.fileno())
            finally:
                self.stream.close()
