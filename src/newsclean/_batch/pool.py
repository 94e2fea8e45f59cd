"""A process pool for batch cleaning that survives hung and crashing workers.

``concurrent.futures.ProcessPoolExecutor`` cannot stop one hung task, and loses every task in
flight when a worker dies (``BrokenProcessPool``). This pool keeps one pipe per worker and
knows which page each worker is on, so that:

* a page that runs past the time limit gets a ``Timeout`` error row, its worker is killed and
  replaced, and the rest of that worker's chunk goes back in the queue;
* a worker that dies (a segfault, the OOM killer, ``kill -9``) is replaced; the page it was on
  is retried once, then gets a ``WorkerCrashed`` error row; the rest of its chunk is requeued;
* work in flight is bounded (one chunk per worker), and inputs are pulled lazily, so memory
  stays flat however many inputs there are.

Workers are started with ``spawn``: safe with threads in the parent (notebooks, servers) and
the same on every OS. Pages travel as paths or bytes, never as parsed trees.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import resource
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from newsclean._batch.inputs import Failed, Item, Task
from newsclean._batch.worker import Outcome, WorkerConfig, failed_outcome, process_task
from newsclean._errors import NewscleanError
from newsclean._record import ErrorInfo

__all__ = ["PoolStats", "run_inline", "run_pool"]

_MAX_ATTEMPTS = 2  # a page whose worker died is tried once more before it becomes an error row
_STARTUP_TIMEOUT_S = 120.0
_SHUTDOWN_TIMEOUT_S = 10.0


@dataclass(slots=True)
class PoolStats:
    """What happened to the workers of one batch (filled in while it runs)."""

    workers_started: int = 0
    restarts: int = 0
    timeouts: int = 0
    crashes: int = 0
    peak_rss_bytes: list[int] = field(default_factory=list)


def run_inline(items: Iterable[Item], config: WorkerConfig) -> Iterator[Outcome]:
    """Clean items one by one in this process: no pool, no time limit."""
    for item in items:
        if isinstance(item, Failed):
            yield failed_outcome(item, config.render)
        else:
            yield process_task(item, config)


def _worker_main(conn: Connection, config: WorkerConfig) -> None:
    # Ctrl-C reaches the whole process group; the parent decides what to do about it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        conn.send(("ready",))
        while True:
            chunk = conn.recv()
            if chunk is None:
                break
            for seq, task in chunk:
                outcome = process_task(task, config)
                conn.send(("done", seq, outcome))
        conn.send(("exit", _max_rss_bytes()))
    except (EOFError, OSError):  # the parent went away (killed): nothing left to do
        pass


def _max_rss_bytes(who: int = resource.RUSAGE_SELF) -> int:
    rss = resource.getrusage(who).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)


def _peak_rss_of(pid: int | None) -> int:
    """The peak resident memory of a live process (Linux ``VmHWM``), or 0 if unknown."""
    if pid is None:
        return 0
    try:
        with open(f"/proc/{pid}/status", "rb") as status:  # noqa: PTH123 - /proc is Linux
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass(eq=False, slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    started_at: float = field(default_factory=time.monotonic)
    chunk: deque[tuple[int, Task, int]] = field(default_factory=deque)
    last_progress: float = 0.0


class _Pool:
    """The bookkeeping of :func:`run_pool`; one instance per batch."""

    def __init__(
        self,
        items: Iterable[Item],
        *,
        config: WorkerConfig,
        workers: int,
        timeout_s: float | None,
        chunk_size: int,
        ordered: bool,
        stats: PoolStats,
    ) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.items = iter(items)
        self.exhausted = False
        self.config = config
        self.size = workers
        self.timeout_s = timeout_s
        self.chunk_size = chunk_size
        self.ordered = ordered
        self.window = max(workers * chunk_size * 4, 64)
        self.stats = stats
        self.seq = itertools.count()
        self.next_seq = 0  # the sequence number the next pulled item gets
        self.next_out = 0  # in ordered mode, the next sequence number to yield
        self.retry: deque[tuple[int, Task, int]] = deque()
        self.done: dict[int, Outcome] = {}
        self.ready_out: deque[Outcome] = deque()
        self.deaths_without_progress = 0
        self.workers: list[_Worker] = []
        self.children_peak_before = _max_rss_bytes(resource.RUSAGE_CHILDREN)

    # -- workers -------------------------------------------------------------------------
    def start_worker(self) -> _Worker:
        parent_conn, child_conn = self.context.Pipe(duplex=True)
        process = self.context.Process(
            target=_worker_main,
            args=(child_conn, self.config),
            daemon=True,
            name="newsclean-batch-worker",
        )
        process.start()
        child_conn.close()
        self.stats.workers_started += 1
        return _Worker(process=process, conn=parent_conn)

    def replace(self, worker: _Worker) -> None:
        worker.conn.close()
        if worker.process.is_alive():
            self.note_peak(worker)  # a worker stopped for its time limit
            worker.process.kill()
        worker.process.join()
        self.stats.restarts += 1
        index = self.workers.index(worker)
        self.workers[index] = self.start_worker()

    def note_peak(self, worker: _Worker) -> None:
        """Record the peak memory of a worker that is about to be killed."""
        peak = _peak_rss_of(worker.process.pid)
        if peak:
            self.stats.peak_rss_bytes.append(peak)

    # -- outcomes ------------------------------------------------------------------------
    def emit(self, seq: int, outcome: Outcome) -> None:
        if self.ordered:
            self.done[seq] = outcome
            while self.next_out in self.done:
                self.ready_out.append(self.done.pop(self.next_out))
                self.next_out += 1
        else:
            self.ready_out.append(outcome)

    def error(self, seq: int, task: Task, error: ErrorInfo) -> None:
        self.emit(seq, failed_outcome(Failed(task.source, task.name, error), self.config.render))

    # -- feeding -------------------------------------------------------------------------
    def take_chunk(self) -> list[tuple[int, Task, int]]:
        chunk: list[tuple[int, Task, int]] = []
        while self.retry and len(chunk) < self.chunk_size:
            chunk.append(self.retry.popleft())
        while len(chunk) < self.chunk_size and not self.exhausted:
            if self.ordered and self.next_seq - self.next_out >= self.window:
                break
            if len(self.ready_out) >= self.window:  # a run of failed inputs: yield them first
                break
            try:
                item = next(self.items)
            except StopIteration:
                self.exhausted = True
                break
            seq = next(self.seq)
            self.next_seq = seq + 1
            if isinstance(item, Failed):
                self.emit(seq, failed_outcome(item, self.config.render))
            else:
                chunk.append((seq, item, 0))
        return chunk

    def feed(self) -> None:
        for worker in self.workers:
            if worker.ready and not worker.chunk:
                chunk = self.take_chunk()
                if not chunk:
                    return
                worker.chunk.extend(chunk)
                worker.last_progress = time.monotonic()
                try:
                    worker.conn.send([(seq, task) for seq, task, _ in chunk])
                except OSError:
                    self.on_death(worker)

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.chunk or not w.ready]

    # -- events --------------------------------------------------------------------------
    def collect(self, worker: _Worker) -> None:
        """Read what a worker sent; handle its death or its time limit."""
        dead = False
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "ready":
                    worker.ready = True
                elif message[0] == "done":
                    _, seq, outcome = message
                    if worker.chunk and worker.chunk[0][0] == seq:
                        worker.chunk.popleft()
                    # The next page started when this message left, which may be only now if
                    # the worker was blocked on a full pipe while our consumer was busy.
                    worker.last_progress = time.monotonic()
                    self.deaths_without_progress = 0
                    self.emit(seq, outcome)
        except (EOFError, OSError):
            dead = True
        if dead or not worker.process.is_alive():
            self.on_death(worker)
            return
        now = time.monotonic()
        if not worker.ready and now - worker.started_at > _STARTUP_TIMEOUT_S:
            self.on_death(worker)
        elif worker.chunk and self.timeout_s and now - worker.last_progress > self.timeout_s:
            self.on_timeout(worker)

    def requeue_rest(self, worker: _Worker) -> None:
        self.retry.extendleft(reversed(worker.chunk))
        worker.chunk.clear()

    def on_timeout(self, worker: _Worker) -> None:
        seq, task, _ = worker.chunk.popleft()
        self.stats.timeouts += 1
        message = f"cleaning took longer than {self.timeout_s:g} s; the worker was stopped"
        self.error(seq, task, ErrorInfo(stage="clean", kind="Timeout", message=message))
        self.requeue_rest(worker)
        self.replace(worker)

    def on_death(self, worker: _Worker) -> None:
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        if worker.chunk:
            self.stats.crashes += 1
            seq, task, attempt = worker.chunk.popleft()
            if attempt + 1 < _MAX_ATTEMPTS:
                worker.chunk.appendleft((seq, task, attempt + 1))
            else:
                message = (
                    f"the worker process died (exit code {code}) while cleaning this page, "
                    f"{_MAX_ATTEMPTS} times"
                )
                self.error(
                    seq, task, ErrorInfo(stage="worker", kind="WorkerCrashed", message=message)
                )
            self.requeue_rest(worker)
        self.deaths_without_progress += 1
        if self.deaths_without_progress > 4 * self.size + 4:
            raise NewscleanError(
                f"batch workers keep dying before cleaning anything (last exit code {code})"
            )
        self.replace(worker)

    # -- the loop ------------------------------------------------------------------------
    def wait_timeout(self) -> float:
        if not self.timeout_s:
            return 1.0
        deadlines = [w.last_progress + self.timeout_s for w in self.workers if w.chunk]
        if not deadlines:
            return 1.0
        return min(1.0, max(0.0, min(deadlines) - time.monotonic()) + 0.01)

    def run(self) -> Iterator[Outcome]:
        self.workers = [self.start_worker() for _ in range(self.size)]
        while True:
            self.feed()
            while self.ready_out:
                yield self.ready_out.popleft()
            if self.exhausted and not self.retry and not any(w.chunk for w in self.workers):
                # An ordered batch may still hold outcomes of failed items pulled last.
                while self.ready_out:
                    yield self.ready_out.popleft()
                return
            busy = self.busy()
            handles: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            if handles:
                wait(handles, timeout=self.wait_timeout())
            for worker in list(busy):
                self.collect(worker)

    def shutdown(self, *, graceful: bool) -> None:
        if graceful:
            for worker in self.workers:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            deadline = time.monotonic() + _SHUTDOWN_TIMEOUT_S
            for worker in self.workers:
                try:
                    while worker.conn.poll(max(0.0, deadline - time.monotonic())):
                        message = worker.conn.recv()
                        if message[0] == "exit":
                            self.stats.peak_rss_bytes.append(int(message[1]))
                            break
                except (EOFError, OSError):
                    pass
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, 2.0 if graceful else 0.0))
            if worker.process.is_alive():
                self.note_peak(worker)
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []
        # Workers that crashed (or were killed) sent no report; the kernel kept the peak of
        # every child this process reaped. When it rose during this batch, one of this
        # batch's workers set it.
        children = _max_rss_bytes(resource.RUSAGE_CHILDREN)
        if children > self.children_peak_before:
            self.stats.peak_rss_bytes.append(children)


def run_pool(
    items: Iterable[Item],
    *,
    config: WorkerConfig,
    workers: int,
    timeout_s: float | None = None,
    chunk_size: int = 4,
    ordered: bool = False,
    stats: PoolStats | None = None,
) -> Iterator[Outcome]:
    """Clean items on ``workers`` processes; yield one outcome per item.

    Outcomes come in completion order, or in input order with ``ordered=True`` (which holds
    finished outcomes back while an earlier page is still running). Closing the generator
    early stops the workers.
    """
    pool = _Pool(
        items,
        config=config,
        workers=max(1, workers),
        timeout_s=timeout_s,
        chunk_size=max(1, chunk_size),
        ordered=ordered,
        stats=stats if stats is not None else PoolStats(),
    )
    graceful = False
    try:
        yield from pool.run()
        graceful = True
    finally:
        pool.shutdown(graceful=graceful)
