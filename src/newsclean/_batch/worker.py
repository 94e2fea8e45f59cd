"""The work a batch worker does for one task: read, clean, render. Runs in any process.

Testing aid: when a batch is started with the environment variable
``NEWSCLEAN_BATCH_TEST_HOOKS=1``, a page containing one of these markers misbehaves on purpose,
so that the tests can exercise time limits and crashed workers without sleeping or patching
library code:

* ``newsclean-test:hang``: the worker spins forever (the per-page time limit must stop it);
* ``newsclean-test:crash``: the worker process exits at once (``os._exit``), as on a segfault;
* ``newsclean-test:raise``: the pipeline raises an unexpected ``RuntimeError``;
* ``newsclean-test:slow``: the page takes 10 ms more, so that a batch of small pages lasts
  long enough for a signal to reach it mid-run;
* ``newsclean-test:bloat-crash``: the worker fills 200 MB of memory, then exits at once
  (a worker the OOM killer took: its peak memory must still count in the summary).

The hooks are read once by the parent when a batch starts and are off otherwise.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newsclean._api import clean_html, clean_text
from newsclean._batch.inputs import Failed, Task
from newsclean._decode import decode_html
from newsclean._errors import DecodeError, NewscleanError, NoContentError, ParseError
from newsclean._options import DEFAULT_OPTIONS, Options
from newsclean._record import ErrorInfo, Result
from newsclean._validate import has_lone_surrogate, scrub_surrogates

__all__ = [
    "TEST_HOOKS_ENV",
    "Outcome",
    "Render",
    "WorkerConfig",
    "failed_outcome",
    "hooks_requested",
    "process_task",
]

TEST_HOOKS_ENV = "NEWSCLEAN_BATCH_TEST_HOOKS"
# How long the "slow" test hook holds a page.
TEST_SLOW_PAGE_S = 0.01
# What the "bloat-crash" test hook allocates before it dies.
TEST_BLOAT_BYTES = 200 * 2**20

Render = Literal["result", "json", "markdown", "text"]


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """What every task of a batch shares; sent once to each worker."""

    options: Options = DEFAULT_OPTIONS
    render: Render = "result"
    test_hooks: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """One output row: the source, its error (if any), and the rendered payload.

    ``payload`` is a :class:`Result` when rendering ``"result"``, a JSON line for ``"json"``,
    and Markdown or text for an article (empty for an error) otherwise.
    """

    source: str
    name: str
    error: ErrorInfo | None
    payload: Result | str

    @property
    def ok(self) -> bool:
        return self.error is None


def hooks_requested() -> bool:
    return os.environ.get(TEST_HOOKS_ENV, "") not in ("", "0")


def _stage_of(exc: NewscleanError) -> str:
    if isinstance(exc, DecodeError):
        return "decode"
    if isinstance(exc, ParseError):
        return "parse"
    if isinstance(exc, NoContentError):
        return "extract"
    return "clean"


def _error(stage: str, exc: BaseException) -> ErrorInfo:
    return ErrorInfo(stage=stage, kind=type(exc).__name__, message=str(exc) or type(exc).__name__)


def _run_test_hooks(data: bytes) -> None:
    if b"newsclean-test:" not in data:
        return
    if b"newsclean-test:hang" in data:
        while True:  # spin, as a page that sends the extractor into a loop would
            pass
    if b"newsclean-test:bloat-crash" in data:
        ballast = bytearray(TEST_BLOAT_BYTES)
        for offset in range(0, len(ballast), 4096):  # touch every page, so it is resident
            ballast[offset] = 1
        os._exit(71)
    if b"newsclean-test:crash" in data:
        os._exit(70)
    if b"newsclean-test:raise" in data:
        raise RuntimeError("test hook: unexpected failure in the pipeline")
    if b"newsclean-test:slow" in data:
        time.sleep(TEST_SLOW_PAGE_S)  # a page that takes a while: a batch a signal can reach


def read_page(path: str, max_chars: int) -> bytes:
    """A page file's bytes, bounded by the size limit.

    A gzip file is read whole (it is inflated in steps against the limit by
    :func:`newsclean.clean_html`); any other file is read up to ``4 * max_chars`` bytes, the
    most ``max_chars`` characters take in UTF-8, since the page is cut at ``max_chars``
    characters anyway. A 10 GB file costs no more than a page at the limit.
    """
    with Path(path).open("rb") as stream:
        head = stream.read(2)
        if head == b"\x1f\x8b":
            return head + stream.read()
        return head + stream.read(max(0, 4 * max_chars + 4 - len(head)))


def clean_task(task: Task, config: WorkerConfig) -> Result:
    """Clean one task into a :class:`Result`; never raises for a bad page."""
    data = task.data
    if data is None:
        try:
            data = read_page(task.path or "", config.options.max_html_chars)
        except OSError as exc:
            return Result(source=task.source, error=_error("read", exc))
    if not data.strip():
        message = "the input is empty" if not data else "the input is only whitespace"
        return Result(
            source=task.source, error=ErrorInfo(stage="read", kind="EmptyInput", message=message)
        )
    try:
        if config.test_hooks:
            _run_test_hooks(data)
        if task.text:
            # a text page's bytes decode as a page's do: BOM, then detection
            article = clean_text(decode_html(data).text, task.url, options=config.options)
        else:
            article = clean_html(
                data, task.url, options=config.options, content_type=task.content_type
            )
    except NewscleanError as exc:
        return Result(source=task.source, error=_error(_stage_of(exc), exc))
    except Exception as exc:  # a pipeline bug must not stop the batch
        return Result(source=task.source, error=_error("clean", exc))
    return Result(source=task.source, article=article)


def render_result(result: Result, name: str, render: Render) -> Outcome:
    """Turn a result into the outcome a sink wants, in the process that made it."""
    payload: Result | str
    try:
        payload = _render(result, render)
    except ValueError:  # text UTF-8 cannot encode (clean_html replaces it; this is a net)
        result = Result.model_validate(scrub_surrogates(result.model_dump()))
        payload = _render(result, render)
    if isinstance(payload, str) and has_lone_surrogate(payload):
        payload = scrub_surrogates(payload)
    return Outcome(source=result.source, name=name, error=result.error, payload=payload)


def _render(result: Result, render: Render) -> Result | str:
    if render == "result":
        return result
    if render == "json":
        return result.model_dump_json()
    if result.article is None:
        return ""
    if render == "markdown":
        return result.article.to_markdown()
    return result.article.to_text(include_title=True)


def process_task(task: Task, config: WorkerConfig) -> Outcome:
    """Clean and render one task."""
    return render_result(clean_task(task, config), task.name, config.render)


def failed_outcome(item: Failed, render: Render) -> Outcome:
    """The outcome of an input that failed before it reached a worker."""
    return render_result(Result(source=item.source, error=item.error), item.name, render)
