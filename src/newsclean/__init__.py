"""newsclean: turn messy news and article web pages into clean, structured records.

>>> import newsclean
>>> article = newsclean.clean_html("<article><h1>T</h1><p>Body text here.</p></article>")
>>> article.text
'Body text here.'
"""

import contextlib

from newsclean._api import clean_html, clean_text
from newsclean._batch.engine import clean_files, clean_many
from newsclean._decode import decode_html
from newsclean._dedupe import DedupeIndex, DedupeMatch, dedupe, fingerprint, similarity
from newsclean._errors import (
    ConnectError,
    DecodeError,
    DisallowedAddress,
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
from newsclean._fetch.aio import AsyncFetcher, afetch, ascrape
from newsclean._fetch.options import FetchLimits, FetchOptions, RetryPolicy
from newsclean._fetch.page import FetchResult, Page
from newsclean._fetch.sync import Fetcher, fetch, scrape
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

__all__ = [
    "Article",
    "AsyncFetcher",
    "Block",
    "ConnectError",
    "DecodeError",
    "DedupeIndex",
    "DedupeMatch",
    "DisallowedAddress",
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
    "fetch",
    "fingerprint",
    "scrape",
    "similarity",
]

# Public objects claim the public module, as httpx does, so reprs and docs say
# newsclean.Article, not newsclean._record.Article.
for _name in __all__:
    _obj = globals()[_name]
    if not _name.startswith("__") and getattr(_obj, "__module__", "").startswith("newsclean._"):
        with contextlib.suppress(AttributeError, TypeError):
            _obj.__module__ = "newsclean"
