"""Every public function and options class, driven with wrong types and hostile values.

The outcome must be a record (or the function's ordinary result), a ``TypeError``, or a
newsclean error: never another library's exception, and never a hang (each call runs with
no network beyond 127.0.0.1, and the fetchers refuse the loopback addresses they are given,
so nothing waits on a socket).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsclean
from newsclean import FetchLimits, FetchOptions, Options, RetryPolicy

ALLOWED = (TypeError, newsclean.NewscleanError)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values of every kind a careless caller passes, and the edge values of the right kinds.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 10, 2**63, 1.5, math.nan, math.inf, -math.inf, 1e-300]),
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\ud800", "auto", "native", "é", "\r\n", "x" * 300]),
    st.binary(max_size=40),
    st.just(Path("page.html")),
    st.just(object()),
)
HOSTILE = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.tuples(SCALARS, SCALARS),
    st.frozensets(st.one_of(st.integers(-5, 700), st.text(max_size=8)), max_size=4),
    st.dictionaries(st.text(max_size=8), SCALARS, max_size=3),
)
# URLs that never need DNS: IP literals (refused by the address guard), malformed ones and
# other schemes, plus every non-str type.
HOSTILE_URLS = st.one_of(
    st.sampled_from(
        [
            "",
            "http://",
            "http://[::1",
            "http://127.0.0.1:1/",
            "http://[::1]:1/",
            "http://0.0.0.0/",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "ftp://127.0.0.1/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "http://127.0.0.1:99999/",
            "http://127.0.0.1/\x00",
            "http://127.0.0.1/\ud800",
            "http://user:pass@127.0.0.1/",
            "//127.0.0.1/",
            "http://127.0.0.1:-1/",
            "http://[fe80::1%25eth0]/",
            "\u00e9://x",
        ]
    ),
    st.text(max_size=30).map(lambda t: "http://127.0.0.1/" + t),
    SCALARS,
)
PAGES = st.one_of(
    st.text(max_size=400),
    st.binary(max_size=400),
    st.sampled_from(
        [
            '<script type="application/ld+json">{"headline": "a \\ud800 b"}</script><p>x</p>',
            "<meta charset=idna><p>caf\u00e9</p>",
            "\x1f\x8b\x08\x00junk",
            "<p>\ud800</p>",
        ]
    ),
    SCALARS,
)


def _fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _options_kwargs(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(_fields(cls)), HOSTILE, max_size=3)


def _build(cls: type, kwargs: dict[str, Any]) -> Any:
    try:
        return cls(**kwargs)
    except ALLOWED:
        return None


@pytest.mark.parametrize("cls", [Options, FetchOptions, RetryPolicy, FetchLimits])
@SETTINGS
@given(data=st.data())
def test_options_classes_take_anything(cls: type, data: st.DataObject) -> None:
    built = _build(cls, data.draw(_options_kwargs(cls)))
    if built is not None:  # what was accepted is usable: hashable-frozen, and it works
        assert isinstance(built, cls)
        dataclasses.replace(built)


@SETTINGS
@given(html=PAGES, url=HOSTILE_URLS, content_type=SCALARS, kwargs=_options_kwargs(Options))
def test_clean_html_with_hostile_arguments(
    html: Any, url: Any, content_type: Any, kwargs: dict[str, Any]
) -> None:
    options = _build(Options, kwargs)
    try:
        article = newsclean.clean_html(html, url, options=options, content_type=content_type)
    except ALLOWED:
        return
    assert isinstance(article, newsclean.Article)
    article.to_json().encode("utf-8")
    article.to_markdown().encode("utf-8")


@SETTINGS
@given(text=PAGES, url=HOSTILE_URLS, kwargs=_options_kwargs(Options))
def test_clean_text_with_hostile_arguments(text: Any, url: Any, kwargs: dict[str, Any]) -> None:
    try:
        article = newsclean.clean_text(text, url, options=_build(Options, kwargs))
    except ALLOWED:
        return
    assert isinstance(article, newsclean.Article)
    article.to_json().encode("utf-8")


@SETTINGS
@given(data=PAGES, content_type=SCALARS)
def test_decode_html_with_hostile_arguments(data: Any, content_type: Any) -> None:
    try:
        decoded = newsclean.decode_html(data, content_type=content_type)
    except ALLOWED:
        return
    assert isinstance(decoded.text, str)


@SETTINGS
@given(
    pages=st.lists(st.one_of(PAGES, st.tuples(PAGES, HOSTILE_URLS)), max_size=4),
    workers=st.one_of(st.just(0), SCALARS),
    timeout_s=SCALARS,
    ordered=SCALARS,
)
def test_clean_many_gives_one_result_per_page(
    pages: list[Any], workers: Any, timeout_s: Any, ordered: Any
) -> None:
    if workers != 0 or isinstance(workers, bool):
        # any other count starts processes: check only that it is refused or taken
        with contextlib.suppress(*ALLOWED):
            newsclean.clean_many([], workers=workers, timeout_s=timeout_s).close()
        return
    try:
        results = list(newsclean.clean_many(pages, workers=0, timeout_s=timeout_s, ordered=True))
    except ALLOWED:
        return
    assert len(results) == len(pages)
    for result in results:
        assert isinstance(result, newsclean.Result)
        result.model_dump_json().encode("utf-8")


@SETTINGS
@given(
    paths=st.one_of(SCALARS, st.lists(st.one_of(SCALARS, st.just("/nonexistent/x.html")))),
    include=HOSTILE,
    exclude=HOSTILE,
    engine=SCALARS,
)
def test_clean_files_with_hostile_arguments(
    paths: Any, include: Any, exclude: Any, engine: Any
) -> None:
    if isinstance(paths, str) and paths.strip() not in ("", "/nonexistent/x.html"):
        paths = "/nonexistent/" + paths.replace("\x00", "")  # never a real file or a FIFO
    if isinstance(paths, list):
        paths = [p for p in paths if not isinstance(p, str) or p.startswith("/nonexistent")]
    try:
        results = list(
            newsclean.clean_files(paths, workers=0, include=include, exclude=exclude, engine=engine)
        )
    except ALLOWED:
        return
    for result in results:
        assert isinstance(result, newsclean.Result)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(url=HOSTILE_URLS, kwargs=_options_kwargs(FetchOptions))
def test_fetch_and_scrape_with_hostile_arguments(url: Any, kwargs: dict[str, Any]) -> None:
    # the guard stays on: loopback and private literals are refused before any connection
    kwargs.pop("allow_private_addresses", None)
    kwargs.pop("proxy", None)
    options = _build(FetchOptions, {**kwargs, "retry": RetryPolicy(attempts=1)})
    for call in (
        lambda: newsclean.fetch(url, options=options),
        lambda: newsclean.scrape(url, fetch_options=options),
        lambda: asyncio.run(newsclean.afetch(url, options=options)),
        lambda: asyncio.run(newsclean.ascrape(url, fetch_options=options)),
    ):
        try:
            call()
        except ALLOWED:
            continue
        pytest.fail(f"fetched {url!r}, which the guard must refuse")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(urls=st.lists(HOSTILE_URLS, max_size=6))
def test_fetch_many_gives_one_result_per_url(urls: list[Any]) -> None:
    options = FetchOptions(retry=RetryPolicy(attempts=1), min_host_delay_s=0.0)
    with newsclean.Fetcher(options=options) as fetcher:
        results = list(fetcher.fetch_many(urls))

    async def run() -> list[Any]:
        async with newsclean.AsyncFetcher(options=options) as fetcher:
            return [r async for r in fetcher.afetch_many(urls)]

    for got in (results, asyncio.run(run())):
        assert len(got) == len(urls)
        assert all(isinstance(r, newsclean.FetchError) for r in got)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=SCALARS, transport=SCALARS, sleep=SCALARS)
def test_fetcher_constructors_with_hostile_arguments(
    options: Any, transport: Any, sleep: Any
) -> None:
    for cls in (newsclean.Fetcher, newsclean.AsyncFetcher):
        with contextlib.suppress(*ALLOWED):
            cls(options=options, transport=transport, sleep=sleep)


def test_article_json_schema_is_json() -> None:
    assert newsclean.article_json_schema()["title"]


FINGERPRINTS = st.one_of(
    SCALARS,
    st.sampled_from(["mh1:", "mh1:AAAA", "mh1:" + "A" * 171, "mh1:!!!", "mh2:x"]),
    st.binary(max_size=300),
    st.text(max_size=200).map(newsclean.fingerprint),
)


@SETTINGS
@given(text=PAGES, a=FINGERPRINTS, b=FINGERPRINTS)
def test_fingerprint_and_similarity_with_hostile_arguments(text: Any, a: Any, b: Any) -> None:
    with contextlib.suppress(*ALLOWED):
        fp = newsclean.fingerprint(text)
        assert fp is None or fp.startswith("mh1:")
    try:
        score = newsclean.similarity(a, b)
    except ALLOWED:
        return
    assert 0.0 <= score <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.one_of(SCALARS, st.lists(st.one_of(SCALARS, st.text(max_size=80)), max_size=5)),
    threshold=SCALARS,
    canonical=HOSTILE,
)
def test_dedupe_with_hostile_arguments(records: Any, threshold: Any, canonical: Any) -> None:
    for call in (
        lambda: newsclean.dedupe(records, threshold=threshold, canonical=canonical),
        lambda: newsclean.DedupeIndex(threshold=threshold, canonical=canonical),
    ):
        with contextlib.suppress(*ALLOWED):
            call()
