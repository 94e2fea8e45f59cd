"""Batch cleaning through real worker processes: counts, bad inputs, hangs, crashes, kills."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

import newsclean
from _corpus import FIXTURES, page_html, write_corpus, write_warc
from newsclean._batch.engine import run_batch
from newsclean._batch.inputs import InputStats, discover_units, iter_unit_items
from newsclean._batch.sinks import JsonlSink
from newsclean._batch.worker import TEST_HOOKS_ENV

HANG = "<html><body><p>newsclean-test:hang</p></body></html>"
CRASH = "<html><body><p>newsclean-test:crash</p></body></html>"
RAISE = "<html><body><p>newsclean-test:raise</p></body></html>"


def assert_no_workers_left() -> None:
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []


def test_clean_many_keeps_input_order_and_names_sources():
    pages = [(page_html(i), f"https://news.example/{i}") for i in range(30)]
    pages.insert(5, page_html(99))  # type: ignore[arg-type]
    results = list(newsclean.clean_many(pages, workers=2))
    assert len(results) == 31
    assert all(r.ok for r in results)
    assert results[5].source == "<page 5>"
    assert [r.source for r in results[:5]] == [f"https://news.example/{i}" for i in range(5)]
    assert results[0].article is not None
    assert results[0].article.url == "https://news.example/0"
    assert "Story 0" in (results[0].article.title or "")
    assert_no_workers_left()


def test_pool_and_inline_give_the_same_records():
    pages = [page_html(i).encode() for i in range(40)]
    inline = list(newsclean.clean_many(pages, workers=0))
    pooled = list(newsclean.clean_many(pages, workers=2))
    unordered = list(newsclean.clean_many(pages, workers=2, ordered=False))
    assert [r.model_dump() for r in pooled] == [r.model_dump() for r in inline]
    assert sorted(r.model_dump_json() for r in unordered) == sorted(
        r.model_dump_json() for r in inline
    )


def test_bad_options_are_refused():
    with pytest.raises(newsclean.OptionsError):
        newsclean.clean_many([], workers=-1)
    with pytest.raises(newsclean.OptionsError):
        newsclean.clean_files([], timeout_s=0)


def test_every_bad_input_gives_exactly_one_row(tmp_path):
    missing = tmp_path / "missing.html"
    results = list(newsclean.clean_files([FIXTURES, missing], workers=2))
    by_name = {r.source.rsplit("/", 1)[-1]: r for r in results}
    assert len(results) == len(by_name) == 10
    assert by_name["a.html"].ok
    assert by_name["b.html.gz"].ok
    corrupt = by_name["corrupt.html.gz"].error
    assert corrupt is not None
    assert (corrupt.stage, corrupt.kind) == ("decode", "DecodeError")
    empty = by_name["empty.html"].error
    assert empty is not None
    assert (empty.stage, empty.kind) == ("read", "EmptyInput")
    gone = by_name["missing.html"].error
    assert gone is not None
    assert (gone.stage, gone.kind) == ("read", "FileNotFoundError")
    junk = by_name["junk.html"]  # binary data: an error, or an empty record that says why
    assert not junk.ok or (junk.article is not None and junk.article.warnings)
    assert by_name["pages.jsonl#L1"].ok
    assert by_name["pages.jsonl#L2"].ok
    assert by_name["pages.jsonl#L3"].error is not None
    assert by_name["pages.jsonl#L4"].error is not None


def test_thousands_of_files_and_a_warc_all_accounted_for(tmp_path):
    paths = write_corpus(tmp_path / "corpus", 2000)
    warc_pages = [(f"https://news.example/w{i}", page_html(5000 + i)) for i in range(25)]
    write_warc(tmp_path / "corpus" / "crawl.warc.gz", warc_pages)
    stats = InputStats()
    units = discover_units([tmp_path / "corpus"])
    items = (item for unit in units for item in iter_unit_items(unit, stats))
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    summary = run_batch(items, JsonlSink(out, resume=False), workers=2, input_stats=stats)
    elapsed = time.monotonic() - started
    lines = out.read_text().splitlines()
    assert len(lines) == summary.inputs == 2025
    assert summary.records == 2025
    assert summary.errors == 0
    assert summary.exit_code == 0
    assert summary.completed
    assert summary.skipped_records["warc request record"] == 25
    assert summary.worker_peak_rss_mb is not None
    assert summary.worker_peak_rss_mb > 10
    assert not (tmp_path / "out.jsonl.partial").exists()
    sources = {line.split('"source":"', 1)[1].split('"', 1)[0] for line in lines}
    assert len(sources) == 2025
    assert {str(p) for p in paths} <= sources
    assert elapsed < 90


def test_a_hung_page_times_out_and_the_run_goes_on(monkeypatch):
    monkeypatch.setenv(TEST_HOOKS_ENV, "1")
    pages = [page_html(i) for i in range(12)]
    pages[3] = HANG
    started = time.monotonic()
    results = list(newsclean.clean_many(pages, workers=2, timeout_s=3))
    assert time.monotonic() - started < 30
    assert len(results) == 12
    error = results[3].error
    assert error is not None
    assert (error.stage, error.kind) == ("clean", "Timeout")
    assert all(r.ok for i, r in enumerate(results) if i != 3)
    assert_no_workers_left()


def test_a_crashing_page_is_retried_once_then_reported(monkeypatch):
    monkeypatch.setenv(TEST_HOOKS_ENV, "1")
    pages = [page_html(i) for i in range(20)]
    pages[7] = CRASH
    results = list(newsclean.clean_many(pages, workers=2))
    assert len(results) == 20
    error = results[7].error
    assert error is not None
    assert (error.stage, error.kind) == ("worker", "WorkerCrashed")
    assert "exit code 70" in error.message
    assert all(r.ok for i, r in enumerate(results) if i != 7)
    assert_no_workers_left()


def test_an_unexpected_exception_is_an_error_row(monkeypatch):
    monkeypatch.setenv(TEST_HOOKS_ENV, "1")
    results = list(newsclean.clean_many([RAISE, page_html(1)], workers=0))
    error = results[0].error
    assert error is not None
    assert (error.stage, error.kind) == ("clean", "RuntimeError")
    assert results[1].ok


def test_hooks_are_off_unless_asked_for(monkeypatch):
    monkeypatch.delenv(TEST_HOOKS_ENV, raising=False)
    (result,) = newsclean.clean_many([CRASH], workers=1)
    assert result.ok


def test_a_worker_killed_from_outside_loses_no_input():
    pages = [page_html(i) for i in range(300)]
    results = []
    killed = False
    for result in newsclean.clean_many(pages, workers=2, ordered=False):
        results.append(result)
        if len(results) == 20 and not killed:
            victim = multiprocessing.active_children()[0]
            os.kill(victim.pid, signal.SIGKILL)  # as the OOM killer would
            killed = True
    assert killed
    assert len(results) == 300
    assert all(r.ok for r in results)  # the page in flight was retried
    assert len({r.source for r in results}) == 300
    assert_no_workers_left()


def test_closing_the_iterator_early_stops_the_workers():
    results = newsclean.clean_many([page_html(i) for i in range(500)], workers=2)
    first = next(results)
    assert first.ok
    results.close()
    assert_no_workers_left()


def test_clean_files_takes_one_path_and_a_url_map(tmp_path):
    page = tmp_path / "story.html"
    page.write_text(page_html(3))
    (result,) = newsclean.clean_files(
        page, workers=0, url_map={"story.html": "https://news.example/mapped"}
    )
    assert result.article is not None
    assert result.article.url == "https://news.example/mapped"


def test_a_long_run_of_failed_inputs_streams_through(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = ["not json"] * 3000 + ['{"html": "<article><p>Good page body.</p></article>"}']
    path.write_text("\n".join(lines) + "\n")
    results = list(newsclean.clean_files(path, workers=2))
    assert len(results) == 3001
    assert sum(r.ok for r in results) == 1
    assert {r.error.kind for r in results if r.error} == {"InvalidJSON"}


def test_a_slow_consumer_does_not_make_pages_time_out():
    # Results bigger than a pipe's buffer: a worker blocks on sending until we read.
    body = "".join(
        f"<p>Paragraph {n} says something new about item {n * 13}.</p>" for n in range(1200)
    )
    pages = [
        f"<html><body><article><h1>Page {i}</h1>{body}</article></body></html>" for i in range(8)
    ]
    results = newsclean.clean_many(pages, workers=2, timeout_s=3)
    kept = []
    for n, result in enumerate(results):
        kept.append(result)
        if n == 1:
            time.sleep(5)  # workers fill the pipes and wait for us meanwhile
    assert len(kept) == 8
    assert [r.error for r in kept if not r.ok] == []
