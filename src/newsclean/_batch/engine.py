"""Batch cleaning: many pages, all cores, every input accounted for.

The library entry points are :func:`clean_many` (pages in memory) and :func:`clean_files`
(files, folders, WARC and JSON Lines files). :func:`run_batch` and :func:`run_dask_batch`
drive a whole job into a sink (what ``newsclean clean`` does) and return a
:class:`BatchSummary`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from newsclean._batch.inputs import (
    Failed,
    InputStats,
    Item,
    Task,
    Unit,
    discover_units,
    iter_unit_items,
)
from newsclean._batch.pool import PoolStats, run_inline, run_pool
from newsclean._batch.sinks import (
    GuardedSink,
    OutputError,
    Resumed,
    Sink,
    fsync_directory,
    write_parquet,
    writing,
)
from newsclean._batch.worker import Outcome, WorkerConfig, hooks_requested
from newsclean._errors import OptionsError
from newsclean._options import Options, check_clean_options
from newsclean._record import ErrorInfo, Result
from newsclean._validate import check_int, check_number, has_lone_surrogate, scrub_surrogates

__all__ = [
    "BatchSummary",
    "clean_files",
    "clean_many",
    "default_workers",
    "run_batch",
    "run_dask_batch",
]

Page = str | bytes | tuple[str | bytes, str | None]
Engine = Literal["local", "dask"]

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_CHUNK_SIZE = 8
DEFAULT_PARTITION_SIZE = 200


def default_workers() -> int:
    """The number of CPUs this process may use."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return int(os.process_cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _check(workers: int | None, timeout_s: float | None) -> int:
    if workers is not None:
        check_int(workers, "workers")
    if timeout_s is not None:
        check_number(timeout_s, "timeout_s")
    if workers is not None and workers < 0:
        raise OptionsError("workers must be 0 (this process) or more")
    if timeout_s is not None and timeout_s <= 0:
        raise OptionsError("timeout_s must be positive, or None for no limit")
    return default_workers() if workers is None else workers


def _results(outcomes: Iterator[Outcome]) -> Iterator[Result]:
    for outcome in outcomes:
        assert isinstance(outcome.payload, Result)
        yield outcome.payload


def _outcomes(
    items: Iterable[Item],
    *,
    config: WorkerConfig,
    workers: int,
    timeout_s: float | None,
    ordered: bool,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    stats: PoolStats | None = None,
) -> Iterator[Outcome]:
    if workers == 0:
        return run_inline(items, config)
    return run_pool(
        items,
        config=config,
        workers=workers,
        timeout_s=timeout_s,
        chunk_size=chunk_size,
        ordered=ordered,
        stats=stats,
    )


def _page_task(index: int, page: object) -> Item:
    """The task of one page of :func:`clean_many`; a page of the wrong shape is an error row
    (``TypeError``), so that one bad item never costs the others."""
    url: object = None
    if isinstance(page, tuple) and len(page) == 2:
        page, url = page
    name, source = f"page-{index}", f"<page {index}>"
    if url is not None and not isinstance(url, str):
        message = f"the URL of page {index} must be a str or None, not {type(url).__name__}"
        return Failed(source, name, ErrorInfo(stage="input", kind="TypeError", message=message))
    if isinstance(page, str):
        try:
            data = page.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            data = scrub_surrogates(page).encode("utf-8")
    elif isinstance(page, (bytes, bytearray, memoryview)):
        data = bytes(page)
    else:
        message = (
            f"page {index} must be str, bytes or a (html, url) pair, not {type(page).__name__}"
        )
        return Failed(
            url or source,
            name,
            ErrorInfo(stage="input", kind="TypeError", message=message),
        )
    text_url: str | None = url
    if text_url is not None and has_lone_surrogate(text_url):
        text_url = scrub_surrogates(text_url)
    return Task(source=text_url or source, name=name, data=data, url=text_url)


def clean_many(
    pages: Iterable[Page],
    *,
    workers: int | None = None,
    options: Options | None = None,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
    ordered: bool = True,
) -> Iterator[Result]:
    """Clean many pages held in memory on all cores; yield one :class:`Result` per page.

    Pages are pulled from ``pages`` lazily, a few per worker at a time, so a generator over
    a scraper's responses works and memory stays flat. A page that fails, hangs past
    ``timeout_s`` or crashes its worker yields an error result; the others go on.

    Args:
        pages: HTML as ``str`` or ``bytes`` (bytes are decoded like :func:`clean_html` does),
            or ``(html, url)`` pairs.
        workers: worker processes; ``None`` for one per CPU, ``0`` to clean in this process
            (no time limit, handy in a debugger).
        options: how to clean; defaults to :class:`Options()`.
        timeout_s: the time limit for one page, or ``None`` for none.
        ordered: yield results in the order of ``pages`` (the default); ``False`` yields them
            as they finish, which keeps all workers busy behind a slow page.

    Returns:
        An iterator of results. Each result's ``source`` is the page's URL when given, else
        ``"<page N>"`` (N counts from 0). Closing the iterator early stops the workers.

    Raises:
        OptionsError: ``workers`` or ``timeout_s`` is out of range.

    >>> [r.article.text for r in clean_many(["<article><p>One.</p></article>"], workers=0)]
    ['One.']
    """
    count = _check(workers, timeout_s)
    config = WorkerConfig(options=check_clean_options(options), test_hooks=hooks_requested())
    tasks = (_page_task(i, page) for i, page in enumerate(pages))
    return _results(
        _outcomes(tasks, config=config, workers=count, timeout_s=timeout_s, ordered=ordered)
    )


def clean_files(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    workers: int | None = None,
    options: Options | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    url_map: Mapping[str, str] | None = None,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
    ordered: bool = False,
    engine: Engine = "local",
    scheduler: str | None = None,
) -> Iterator[Result]:
    """Clean saved pages on all cores; yield one :class:`Result` per page.

    ``paths`` may name HTML files (``.html``, ``.htm``, gzip-compressed ``.html.gz``), pages
    that are already text (``.txt``, cleaned by :func:`newsclean.clean_text`; in folders
    only with ``include=("*.txt", ...)``), WARC
    files (each HTML response record is a page; the URL and Content-Type come from the
    record) and JSON Lines files (one page per line: ``{"html": ..., "url": ...}``), and
    folders, walked recursively.

    Args:
        paths: files and folders (or one of them).
        workers: worker processes; ``None`` for one per CPU, ``0`` to clean in this process.
        options: how to clean; defaults to :class:`Options()`.
        include: glob patterns a file in a folder must match (by name or by its path under
            the folder); default: the HTML, WARC and JSON Lines suffixes, in any case.
        exclude: glob patterns of files to leave out.
        url_map: the URL of each HTML file, keyed by its path as given, its path under the
            folder, or its name; without one, the page's canonical link gives the URL.
        timeout_s: the time limit for one page (local engine), or ``None`` for none.
        ordered: yield results in input order instead of as they finish.
        engine: ``"local"`` (a process pool) or ``"dask"`` (a Dask cluster; needs the
            ``newsclean[dask]`` extra).
        scheduler: the Dask scheduler address; ``None`` starts a local cluster.

    Returns:
        An iterator of results whose ``source`` names the file (``path``), the WARC record
        (``path#offset``) or the JSON line (``path#Lnumber``).

    Raises:
        OptionsError: ``workers`` or ``timeout_s`` is out of range.
    """
    count = _check(workers, timeout_s)
    config = WorkerConfig(options=check_clean_options(options), test_hooks=hooks_requested())
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if engine not in ("local", "dask"):
        raise OptionsError(f"unknown engine {engine!r}: 'local' or 'dask'")
    units = discover_units(paths, include=include, exclude=exclude, url_map=dict(url_map or {}))
    if engine == "dask":
        from newsclean._batch.dask_engine import plan_partitions, run_dask

        partitions = plan_partitions(units, partition_size=DEFAULT_PARTITION_SIZE)
        done = run_dask(
            partitions,
            config=config,
            scheduler=scheduler,
            workers=count or 1,
            stats=InputStats(),
        )
        return _results(outcome for _, outcomes in done for outcome in outcomes)
    items = (item for unit in units for item in iter_unit_items(unit))
    return _results(
        _outcomes(items, config=config, workers=count, timeout_s=timeout_s, ordered=ordered)
    )


@dataclass(slots=True)
class BatchSummary:
    """The account of one batch run, printed at the end and written by ``--summary-json``.

    ``inputs``, ``records`` and ``errors`` include rows a resumed run found already done
    (``resumed`` of them); ``pages_per_s`` counts only the pages cleaned by this run.
    """

    engine: str = "local"
    workers: int = 0
    inputs: int = 0
    records: int = 0
    errors: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    resumed: int = 0
    skipped_records: dict[str, int] = field(default_factory=dict)
    wall_time_s: float = 0.0
    pages_per_s: float = 0.0
    worker_restarts: int = 0
    worker_peak_rss_mb: float | None = None
    output: str | None = None
    completed: bool = False

    def add(self, outcome: Outcome) -> None:
        self.inputs += 1
        if outcome.error is None:
            self.records += 1
        else:
            self.errors += 1
            kind = outcome.error.kind
            self.errors_by_kind[kind] = self.errors_by_kind.get(kind, 0) + 1

    def add_resumed(self, resumed: Resumed) -> None:
        self.resumed = len(resumed.sources)
        errors = sum(resumed.errors_by_kind.values())
        self.inputs += self.resumed
        self.errors += errors
        self.records += self.resumed - errors
        for kind, count in resumed.errors_by_kind.items():
            self.errors_by_kind[kind] = self.errors_by_kind.get(kind, 0) + count

    def finish(self, started: float, pool: PoolStats | None = None) -> None:
        self.wall_time_s = round(time.monotonic() - started, 3)
        cleaned = self.inputs - self.resumed
        self.pages_per_s = round(cleaned / self.wall_time_s, 2) if self.wall_time_s else 0.0
        if pool is not None:
            self.worker_restarts = pool.restarts
            if pool.peak_rss_bytes:
                self.worker_peak_rss_mb = round(max(pool.peak_rss_bytes) / 2**20, 1)

    @property
    def exit_code(self) -> int:
        """0 when every input gave a record, 1 when some gave error rows."""
        return 0 if self.errors == 0 else 1

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready values."""
        data = asdict(self)
        data["errors_by_kind"] = dict(sorted(self.errors_by_kind.items()))
        data["exit_code"] = self.exit_code
        return data

    def to_text(self) -> str:
        """The summary as a few lines for humans."""
        lines = [
            f"inputs {self.inputs}, records {self.records}, errors {self.errors}"
            + (f" (resumed: {self.resumed} already done)" if self.resumed else ""),
        ]
        if self.errors_by_kind:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.errors_by_kind.items()))
            lines.append(f"errors by kind: {kinds}")
        if self.skipped_records:
            skipped = ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped_records.items()))
            lines.append(f"not pages, skipped: {skipped}")
        rss = (
            f", peak worker RSS {self.worker_peak_rss_mb:.0f} MB"
            if self.worker_peak_rss_mb is not None
            else ""
        )
        lines.append(
            f"{self.pages_per_s:.1f} pages/s, wall time {self.wall_time_s:.1f} s, "
            f"{self.workers} workers ({self.engine}){rss}"
        )
        return "\n".join(lines)


def run_batch(
    items: Iterable[Item],
    sink: Sink,
    *,
    options: Options | None = None,
    workers: int | None = None,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    input_stats: InputStats | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchSummary:
    """Clean ``items`` into ``sink`` on a local process pool; return the summary.

    The sink is committed (its output renamed into place) only when every item is done; on
    an exception or interruption it is closed with its journal intact, for ``resume``.
    """
    count = _check(workers, timeout_s)
    started = time.monotonic()
    summary = BatchSummary(engine="local", workers=count)
    config = WorkerConfig(
        options=check_clean_options(options), render=sink.render, test_hooks=hooks_requested()
    )
    pool = PoolStats()
    sink = GuardedSink(sink)
    resumed = sink.open()
    summary.add_resumed(resumed)
    todo = (item for item in items if item.source not in resumed.sources)
    failed = False
    try:
        for outcome in _outcomes(
            todo,
            config=config,
            workers=count,
            timeout_s=timeout_s,
            ordered=False,
            chunk_size=chunk_size,
            stats=pool,
        ):
            sink.write(outcome)
            summary.add(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        sink.commit()
        summary.completed = True
    except BaseException:
        failed = True
        raise
    finally:
        try:
            sink.close()
        except OutputError:
            if not failed:  # else the first error (often the same disk) is the one to report
                raise
        finally:
            summary.finish(started, pool)
        if input_stats is not None:
            summary.skipped_records = dict(input_stats.skipped)
    return summary


def _read_part(path: Path) -> Resumed:
    resumed = Resumed()
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=["source", "error_kind"])
        for source, kind in zip(
            table["source"].to_pylist(), table["error_kind"].to_pylist(), strict=True
        ):
            resumed.add(source, kind)
    else:
        with path.open("rb") as stream:
            for line in stream:
                row = json.loads(line)
                error = row.get("error")
                resumed.add(row["source"], error["kind"] if error else None)
    return resumed


def _write_part(path: Path, outcomes: list[Outcome]) -> None:
    rows = [
        o.payload.model_dump_json() if isinstance(o.payload, Result) else o.payload
        for o in outcomes
    ]
    if path.suffix == ".parquet":
        write_parquet((json.loads(r) for r in rows), path)
        return
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        stream.writelines(row + "\n" for row in rows)
        stream.flush()
        os.fsync(stream.fileno())
    temporary.replace(path)
    fsync_directory(path.parent)


def run_dask_batch(
    units: Iterable[Unit],
    out_dir: Path,
    *,
    fmt: Literal["jsonl", "parquet"] = "jsonl",
    options: Options | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    resume: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchSummary:
    """Clean files on a Dask cluster into ``out_dir/part-NNNNN.{jsonl,parquet}``.

    Each part is written atomically when its partition completes, so ``resume`` skips the
    parts already on disk (the inputs and ``partition_size`` must be the same as before).
    ``out_dir/_SUCCESS`` marks a completed run.

    Raises:
        OptionsError: resuming with different inputs, or a bad ``partition_size``.
    """
    from newsclean._batch.dask_engine import dumps_plan, plan_partitions, run_dask

    if partition_size < 1:
        raise OptionsError("partition_size must be at least 1")
    count = _check(workers, None) or 1
    started = time.monotonic()
    summary = BatchSummary(engine="dask", workers=count, output=str(out_dir))
    config = WorkerConfig(
        options=check_clean_options(options), render="json", test_hooks=hooks_requested()
    )
    partitions = plan_partitions(units, partition_size=partition_size)
    plan = dumps_plan(partitions, fmt=fmt)
    suffix = ".parquet" if fmt == "parquet" else ".jsonl"
    with writing(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    plan_path = out_dir / "_plan.json"
    success = out_dir / "_SUCCESS"
    done: set[int] = set()
    if resume and plan_path.exists():
        if plan_path.read_text(encoding="utf-8") != plan:
            raise OptionsError(
                f"{out_dir} holds a run over other inputs, format or partition size; "
                "resume it with the same ones, or start afresh without --resume"
            )
        resumed = Resumed()
        for partition in partitions:
            part = out_dir / f"part-{partition.index:05d}{suffix}"
            if part.exists():
                done.add(partition.index)
                previous = _read_part(part)
                resumed.sources |= previous.sources
                for kind, n in previous.errors_by_kind.items():
                    resumed.errors_by_kind[kind] = resumed.errors_by_kind.get(kind, 0) + n
        summary.add_resumed(resumed)
    else:
        with writing(out_dir):
            for stale in out_dir.glob("part-*"):
                stale.unlink()
            success.unlink(missing_ok=True)
            plan_path.write_text(plan, encoding="utf-8")
    stats = InputStats()
    todo = [p for p in partitions if p.index not in done]
    try:
        for partition, outcomes in run_dask(
            todo, config=config, scheduler=scheduler, workers=count, stats=stats
        ):
            part = out_dir / f"part-{partition.index:05d}{suffix}"
            with writing(part):
                _write_part(part, outcomes)
            for outcome in outcomes:
                summary.add(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        with writing(success):
            success.write_text("", encoding="utf-8")
        summary.completed = True
    finally:
        summary.finish(started)
        summary.skipped_records = dict(stats.skipped)
    return summary
