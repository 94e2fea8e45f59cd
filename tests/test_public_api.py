"""The public namespace: what is exported, and the error tree."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import newsclean


def test_all_names_exist_and_are_public():
    for name in newsclean.__all__:
        assert hasattr(newsclean, name), name


def test_all_is_complete():
    assert len(set(newsclean.__all__)) == len(newsclean.__all__)
    public = {
        name
        for name, value in vars(newsclean).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public <= set(newsclean.__all__) | {"annotations"}


def test_exported_members_claim_the_public_module():
    for name in newsclean.__all__:
        value = getattr(newsclean, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__ == "newsclean", name


def test_every_error_derives_from_newsclean_error():
    errors = [
        getattr(newsclean, n)
        for n in newsclean.__all__
        if inspect.isclass(getattr(newsclean, n))
        and issubclass(getattr(newsclean, n), BaseException)
    ]
    assert len(errors) >= 10
    for error in errors:
        assert issubclass(error, newsclean.NewscleanError)
    assert issubclass(newsclean.OptionsError, ValueError)
    assert issubclass(newsclean.FetchTimeout, newsclean.FetchError)


def test_fetch_errors_carry_context():
    error = newsclean.StatusError("503", url="https://a.example/", status=503, retry_after=2.0)
    assert (error.url, error.status, error.retry_after) == ("https://a.example/", 503, 2.0)
    assert newsclean.TooLarge("big", url="u", limit=10).limit == 10


def test_clean_html_options_are_keyword_only():
    signature = inspect.signature(newsclean.clean_html)
    assert signature.parameters["options"].kind is inspect.Parameter.KEYWORD_ONLY


HEAVY = ("httpx", "trafilatura", "tenacity", "protego", "brotli", "lxml")

DATED_STORY = (
    "<html><head><meta property='article:published_time' content='2025-03-02T08:00:00Z'>"
    "<title>Dam repaired</title></head><body><article><h1>Dam repaired</h1><p>March 2, 2025</p>"
    + "<p>Engineers finished the repairs to the old dam on Sunday, a week ahead of plan.</p>" * 4
    + "</article></body></html>"
)


def _loaded_after(code: str) -> list[str]:
    """The heavy top-level packages in ``sys.modules`` after running ``code`` afresh."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    return [name for name in HEAVY if name in out]


def test_import_loads_no_fetching_or_trafilatura():
    assert _loaded_after("import newsclean") == []


def test_native_cleaning_loads_no_fetching_or_trafilatura():
    code = (
        "import newsclean\n"
        f"article = newsclean.clean_html({DATED_STORY!r}, "
        "options=newsclean.Options(extractor='native'))\n"
        "assert article.published is not None and 'dam' in article.text"
    )
    assert _loaded_after(code) == []


def test_fetch_names_load_on_first_use():
    code = "import newsclean\nnewsclean.Fetcher\nnewsclean.afetch"
    assert {"httpx", "tenacity", "protego"} <= set(_loaded_after(code))
    assert "trafilatura" not in _loaded_after(code)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        newsclean.nothing_here  # noqa: B018


def test_the_command_line_loads_no_fetching_or_trafilatura():
    # one-file `newsclean clean page.html` pays for what the CLI modules import
    assert _loaded_after("import newsclean._cli.main") == []
