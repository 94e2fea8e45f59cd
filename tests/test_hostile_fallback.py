"""trafilatura's second opinion is bounded by the page's size and by time (issue 16, item 15)."""

from __future__ import annotations

import time
from typing import Any

import pytest

import newsclean
from newsclean import _pipeline
from newsclean._extract.body import BodyResult

LINKS_PAGE = (
    "<html><body><h1>Index</h1><p>A short intro.</p><ul>"
    + "".join(f'<li><a href="/p/{i}">Link number {i}</a></li>' for i in range(100_000))
    + "</ul></body></html>"
)
WEAK_PAGE = "<html><body><div><p>Only a line or two of text on this page.</p></div></body></html>"


class Counting:
    """Wraps the real trafilatura extractor and counts its calls."""

    def __init__(self, real: Any, *, delay_s: float = 0.0) -> None:
        self.real = real
        self.delay_s = delay_s
        self.calls = 0
        self.name = real.name

    def extract(self, html: str, *, url: str | None, options: newsclean.Options) -> BodyResult:
        self.calls += 1
        if self.delay_s:
            time.sleep(self.delay_s)  # a page that sends trafilatura into a long walk
        result: BodyResult = self.real.extract(html, url=url, options=options)
        return result


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    spy = Counting(_pipeline.EXTRACTORS["trafilatura"])
    monkeypatch.setitem(_pipeline.EXTRACTORS, "trafilatura", spy)
    return spy


def test_a_page_of_100000_links_gets_no_second_opinion(counting: Counting) -> None:
    article = newsclean.clean_html(LINKS_PAGE)
    assert counting.calls == 0
    assert any("second opinion skipped" in w for w in article.warnings)
    assert article.extractor == "native"


def test_an_ordinary_weak_page_still_gets_one(counting: Counting) -> None:
    newsclean.clean_html(WEAK_PAGE)
    assert counting.calls >= 1


def test_the_size_bound_is_an_option(counting: Counting) -> None:
    newsclean.clean_html(WEAK_PAGE, options=newsclean.Options(max_fallback_chars=10))
    assert counting.calls == 0
    newsclean.clean_html(LINKS_PAGE[:200_000], options=newsclean.Options(max_fallback_chars=10**7))
    assert counting.calls >= 1


def test_a_slow_second_opinion_is_abandoned(monkeypatch: pytest.MonkeyPatch) -> None:
    slow = Counting(_pipeline.EXTRACTORS["trafilatura"], delay_s=30.0)
    monkeypatch.setitem(_pipeline.EXTRACTORS, "trafilatura", slow)
    started = time.monotonic()
    article = newsclean.clean_html(WEAK_PAGE, options=newsclean.Options(fallback_timeout_s=0.5))
    assert time.monotonic() - started < 5.0
    assert slow.calls == 1
    assert any("second opinion abandoned after 0.5 s" in w for w in article.warnings)
    assert article.text  # the native reading stands


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"fallback_timeout_s": 0}, newsclean.OptionsError),
        ({"fallback_timeout_s": float("inf")}, newsclean.OptionsError),
        ({"fallback_timeout_s": "5"}, TypeError),
        ({"max_fallback_chars": -1}, newsclean.OptionsError),
        ({"max_fallback_chars": 1.5}, TypeError),
    ],
)
def test_fallback_options_are_checked(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        newsclean.Options(**kwargs)  # type: ignore[arg-type]
