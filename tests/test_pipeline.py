"""The HTML pipeline's cascade: its numbered stages, their order, their timings, early ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsclean import Options
from newsclean._pipeline import _CASCADE, STAGES, _8_record, run_pipeline

PAGE = Path(__file__).parent / "fixtures" / "pages" / "wire-reuters-dateline.html"


def test_the_cascade_is_numbered_in_the_order_it_runs():
    """Stage N is the Nth function run and reports the Nth timing of STAGES (fallback is the
    body stage's second opinion), so a stage added or moved cannot leave stale numbers."""
    functions = [stage for _, stage in _CASCADE] + [_8_record]
    names = [name for name, _ in _CASCADE] + ["record"]
    assert [f.__name__.split("_")[1] for f in functions] == [str(n) for n in range(1, 9)]
    assert [f.__name__.split("_", 2)[2] for f in functions] == [
        "decode",
        "parse",
        "metadata",
        "dom",
        "body",
        "normalize",
        "dates",
        "record",
    ]
    assert names == [stage for stage in STAGES if stage != "fallback"]
    for number, function in enumerate(functions, start=1):
        assert (function.__doc__ or "").startswith(f"{number}. ")


@pytest.mark.parametrize("extractor", ["auto", "native", "trafilatura"])
def test_every_stage_reports_its_time(extractor):
    """A strong page: no second opinion ("fallback"); in trafilatura mode trafilatura's run
    is the body stage's time."""
    timings: dict[str, float] = {}
    article = run_pipeline(
        PAGE.read_bytes(),
        url="https://example.com/a",
        options=Options(extractor=extractor),
        content_type=None,
        timings=timings,
    )
    assert article.blocks
    assert set(timings) == set(STAGES) - {"fallback"}
    assert all(ms >= 0 for ms in timings.values())


def test_a_weak_page_reports_the_second_opinion_as_fallback():
    timings: dict[str, float] = {}
    article = run_pipeline(
        "<html><body><p>Too short to be a story.</p></body></html>",
        url=None,
        options=Options(),
        content_type=None,
        timings=timings,
    )
    assert article.extractor is not None
    assert set(timings) == set(STAGES)


@pytest.mark.parametrize(
    ("html", "warning"),
    [(b"", "empty input"), (bytes(range(32)) * 200, "input is not HTML text (binary data)")],
)
def test_input_that_is_no_page_ends_at_decode(html, warning):
    timings: dict[str, float] = {}
    article = run_pipeline(html, url=None, options=Options(), content_type=None, timings=timings)
    assert warning in article.warnings
    assert article.blocks == ()
    assert timings == {}  # no stage completed: the record comes from the decode stage
