"""The work a batch worker does for one task: read, clean, render. Runs in any process.

Testing aid: when a batch is started with the environment variable
``NEWSCLEAN_BATCH_TEST_HOOKS=1``, a page containing one of these markers misbehaves on purpose,
so that the tests can exercise time limits and crashed workers without sleeping or patching
library code:

* ``newsclean-test:hang``: the worker spins forever (the per-page time limit must stop it);
* ``newsclean-test:crash``: the worker process exits at once (``os._exit``), as on a segfault;
* ``newsclean-test:raise``: the pipeline raises an unexpected ``RuntimeError``;
* ``newsclean-test:slow``: the page takes 10 ms more, so that a batch of small pages lasts
  long enough for a signal to reach it mid-run.

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
    if b"newsclean-test:crash" in data:
        os._exit(70)
    if b"newsclean-test:raise" in data:
        raise RuntimeError("test hook: unexpected failure in the pipeline")
    if b"newsclean-test:slow" in data:
        time.sleep(TEST_SLOW_PAGE_S)  # a page that takes a while: a batch a signal can reach


def clean_task(task: Task, config: WorkerConfig) -> Result:
    """Clean one task into a :class:`Result`; never raises for a bad page."""
    data = task.data
    if data is None:
        try:
            data = Path(task.path or "").read_bytes()
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
    if render == "result":
        payload = result
    elif render == "json":
        payload = result.model_dump_json()
    elif result.article is None:
        payload = ""
    elif render == "markdown":
        payload = result.article.to_markdown()
    else:
        payload = result.article.to_text(include_title=True, include_media=True)
    return Outcome(source=result.source, name=name, error=result.error, payload=payload)


def process_task(task: Task, config: WorkerConfig) -> Outcome:
    """Clean and render one task."""
    return render_result(clean_task(task, config), task.name, config.render)


def failed_outcome(item: Failed, render: Render) -> Outcome:
    """The outcome of an input that failed before it reached a worker."""
    return render_result(Result(source=item.source, error=item.error), item.name, render)
