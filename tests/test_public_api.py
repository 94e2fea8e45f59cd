"""The public namespace: what is exported, and the error tree."""

from __future__ import annotations

import inspect

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
