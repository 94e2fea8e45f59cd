"""newsclean: turn messy news and article web pages into clean, structured records.

>>> import newsclean
>>> html = "<title>Rain</title><article><h1>Rain</h1><p>It rained all day, and the river rose.</p>"
>>> article = newsclean.clean_html(html)
>>> article.title, article.text
('Rain', 'It rained all day, and the river rose.')
"""

import contextlib as _contextlib
import importlib as _importlib
import typing as _typing

from newsclean._api import clean_html, clean_text
from newsclean._batch.engine import clean_files, clean_many
from newsclean._decode import decode_html
from newsclean._dedupe import DedupeIndex, DedupeMatch, dedupe, fingerprint, similarity
from newsclean._errors import (
    ConnectError,
    DecodeError,
    DisallowedAddress,
    DiscoveryError,
    FetchError,
    FetchTimeout,
    NewscleanError,
    NoContentError,
    NotHTML,
    OptionsError,
    ParseError,
    RobotsDisallowed,
    StatusError,
    TooLarge,
    TooManyRedirects,
)
from newsclean._fetch.options import FetchLimits, FetchOptions, RetryPolicy
from newsclean._options import Options
from newsclean._record import (
    Article,
    Block,
    ErrorInfo,
    Image,
    Link,
    Provenance,
    Result,
    article_json_schema,
)
from newsclean._version import __version__

if _typing.TYPE_CHECKING:
    from newsclean._fetch.aio import AsyncFetcher, afetch, ascrape
    from newsclean._fetch.discover import Discovered, Discovery, discover
    from newsclean._fetch.page import FetchResult, Page
    from newsclean._fetch.sync import Fetcher, fetch, scrape

# The fetching names load httpx, tenacity, protego and brotli: they are imported when first
# used, so that a program that only cleans pages never pays for them.
_LAZY = {
    "AsyncFetcher": "newsclean._fetch.aio",
    "afetch": "newsclean._fetch.aio",
    "ascrape": "newsclean._fetch.aio",
    "Discovered": "newsclean._fetch.discover",
    "Discovery": "newsclean._fetch.discover",
    "discover": "newsclean._fetch.discover",
    "FetchResult": "newsclean._fetch.page",
    "Page": "newsclean._fetch.page",
    "Fetcher": "newsclean._fetch.sync",
    "fetch": "newsclean._fetch.sync",
    "scrape": "newsclean._fetch.sync",
}

__all__ = [
    "Article",
    "AsyncFetcher",
    "Block",
    "ConnectError",
    "DecodeError",
    "DedupeIndex",
    "DedupeMatch",
    "DisallowedAddress",
    "Discovered",
    "Discovery",
    "DiscoveryError",
    "ErrorInfo",
    "FetchError",
    "FetchLimits",
    "FetchOptions",
    "FetchResult",
    "FetchTimeout",
    "Fetcher",
    "Image",
    "Link",
    "NewscleanError",
    "NoContentError",
    "NotHTML",
    "Options",
    "OptionsError",
    "Page",
    "ParseError",
    "Provenance",
    "Result",
    "RetryPolicy",
    "RobotsDisallowed",
    "StatusError",
    "TooLarge",
    "TooManyRedirects",
    "__version__",
    "afetch",
    "article_json_schema",
    "ascrape",
    "clean_files",
    "clean_html",
    "clean_many",
    "clean_text",
    "decode_html",
    "dedupe",
    "discover",
    "fetch",
    "fingerprint",
    "scrape",
    "similarity",
]


def _claim(obj: _typing.Any) -> None:
    # Public objects claim the public module, as httpx does, so reprs and docs say
    # newsclean.Article, not newsclean._record.Article.
    if getattr(obj, "__module__", "").startswith("newsclean._"):
        with _contextlib.suppress(AttributeError, TypeError):
            obj.__module__ = "newsclean"


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsclean' has no attribute {name!r}")
    obj = getattr(_importlib.import_module(module), name)
    _claim(obj)
    globals()[name] = obj  # later lookups skip this function
    return obj


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


for _name in __all__:
    if not _name.startswith("__") and _name not in _LAZY:
        _claim(globals()[_name])
