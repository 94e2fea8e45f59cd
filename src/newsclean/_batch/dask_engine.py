"""Run a batch on a Dask cluster: distributed futures over partitions of input files.

The client lists the input files and groups them into partitions (up to ``partition_size``
HTML files, or one WARC or JSON Lines file); each partition is one Dask task that reads its
files on a worker and cleans them with the same code as the local pool, so both engines give
the same records. Results come back to the client, which writes one output part per
partition (``part-00000.jsonl`` or ``.parquet``), atomically. At most two partitions per
worker thread are in flight, so neither the cluster nor the client holds the whole batch.

Workers must be able to read the input paths (a shared or network file system when the
cluster is remote); they need ``newsclean`` installed at the same version as the client.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsclean._batch.inputs import Failed, InputStats, Unit, iter_unit_items
from newsclean._batch.pool import run_inline
from newsclean._batch.worker import Outcome, WorkerConfig, failed_outcome
from newsclean._record import ErrorInfo

__all__ = ["Partition", "clean_partition", "plan_digest", "plan_partitions", "run_dask"]


@dataclass(frozen=True, slots=True)
class Partition:
    """A group of input files cleaned by one Dask task."""

    index: int
    units: tuple[Unit, ...]


@dataclass(slots=True)
class PartitionResult:
    outcomes: list[Outcome]
    skipped: dict[str, int] = field(default_factory=dict)


def plan_partitions(units: Iterable[Unit], *, partition_size: int) -> list[Partition]:
    """Group HTML files by ``partition_size``; each WARC or JSON Lines file is its own group."""
    partitions: list[Partition] = []
    pending: list[Unit] = []

    def close_pending() -> None:
        if pending:
            partitions.append(Partition(len(partitions), tuple(pending)))
            pending.clear()

    for unit in units:
        if unit.kind == "html":
            pending.append(unit)
            if len(pending) >= partition_size:
                close_pending()
        else:
            close_pending()
            partitions.append(Partition(len(partitions), (unit,)))
    close_pending()
    return partitions


def plan_digest(partitions: list[Partition]) -> str:
    """A fingerprint of a plan: a resumed run must split the inputs the same way."""
    digest = hashlib.sha256()
    for partition in partitions:
        for unit in partition.units:
            digest.update(f"{partition.index}\0{unit.kind}\0{unit.path}\0{unit.url}\n".encode())
    return digest.hexdigest()


def clean_partition(units: tuple[Unit, ...], config: WorkerConfig) -> PartitionResult:
    """Clean every page of a partition (runs on a Dask worker)."""
    stats = InputStats()
    items = (item for unit in units for item in iter_unit_items(unit, stats))
    outcomes = list(run_inline(items, config))
    return PartitionResult(outcomes=outcomes, skipped=dict(stats.skipped))


def _failed_partition(
    partition: Partition, exc: BaseException, config: WorkerConfig
) -> list[Outcome]:
    error = ErrorInfo(
        stage="worker",
        kind=type(exc).__name__,
        message=f"the Dask task for this input failed: {exc}",
    )
    return [failed_outcome(Failed(u.path, u.name, error), config.render) for u in partition.units]


def run_dask(
    partitions: list[Partition],
    *,
    config: WorkerConfig,
    scheduler: str | None,
    workers: int,
    stats: InputStats,
) -> Iterator[tuple[Partition, list[Outcome]]]:
    """Clean partitions on a cluster; yield each with its outcomes as it completes.

    Without ``scheduler`` a local cluster of ``workers`` single-threaded processes is started
    (and stopped at the end).
    """
    from distributed import Client, LocalCluster, as_completed

    with contextlib.ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # a free port, not 8787
                )
            )
            client = stack.enter_context(Client(cluster))
        slots = max(1, sum(client.nthreads().values()))
        token = uuid.uuid4().hex[:12]
        todo = iter(partitions)
        submitted: dict[Any, Partition] = {}

        def submit(partition: Partition) -> Any:
            future = client.submit(
                clean_partition,
                partition.units,
                config,
                key=f"newsclean-{token}-{partition.index}",
                pure=False,
                retries=1,
            )
            submitted[future] = partition
            return future

        running = as_completed([submit(p) for p in itertools.islice(todo, 2 * slots)])
        for future in running:
            partition = submitted.pop(future)
            try:
                result: PartitionResult = future.result()
                outcomes = result.outcomes
                for reason, count in result.skipped.items():
                    stats.skipped[reason] = stats.skipped.get(reason, 0) + count
            except Exception as exc:  # KilledWorker and friends: account for every input
                outcomes = _failed_partition(partition, exc, config)
            future.release()
            yield partition, outcomes
            following = next(todo, None)
            if following is not None:
                running.add(submit(following))


def dumps_plan(partitions: list[Partition], *, fmt: str) -> str:
    return json.dumps(
        {"format": fmt, "partitions": len(partitions), "digest": plan_digest(partitions)}
    )
