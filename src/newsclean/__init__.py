"""newsclean: turn messy news and article web pages into clean, structured records.

>>> import newsclean
>>> article = newsclean.clean_html("<article><h1>T</h1><p>Body text here.</p></article>")
>>> article.text
'Body text here.'
"""

from newsclean._api import clean_html
from newsclean._batch import clean_files, clean_many
from newsclean._decode import decode_html
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
from newsclean._options import Options
from newsclean._record import Article, Block, ErrorInfo, Result, article_json_schema
from newsclean._version import __version__

__all__ = [
    "Article",
    "Block",
    "ConnectError",
    "DecodeError",
    "DisallowedAddress",
    "ErrorInfo",
    "FetchError",
    "FetchTimeout",
    "NewscleanError",
    "NoContentError",
    "NotHTML",
    "Options",
    "OptionsError",
    "ParseError",
    "Result",
    "RobotsDisallowed",
    "StatusError",
    "TooLarge",
    "TooManyRedirects",
    "__version__",
    "article_json_schema",
    "clean_files",
    "clean_html",
    "clean_many",
    "decode_html",
]

for _name in __all__:
    if not _name.startswith("__"):
        _obj = globals()[_name]
        if getattr(_obj, "__module__", "").startswith("newsclean._"):
            try:
                _obj.__module__ = "newsclean"
            except (AttributeError, TypeError):
                pass
