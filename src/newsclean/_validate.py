"""Argument checks at the public boundary: wrong types fail fast, naming the argument.

Every public function and options class checks its arguments here before any work, so that
a careless call gets a :class:`TypeError` (wrong type) or a :class:`newsclean.OptionsError`
(right type, bad value) that names the argument, never an ``AttributeError`` from deep
inside a parser or an HTTP library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "as_bytes_or_str",
    "check_bool",
    "check_int",
    "check_number",
    "check_optional_str",
    "check_str_tuple",
    "has_lone_surrogate",
    "scrub_surrogates",
]

_SURROGATE = re.compile("[\ud800-\udfff]")


def _kind(value: object) -> str:
    return type(value).__name__


def as_bytes_or_str(value: object, name: str) -> str | bytes:
    """``str`` and ``bytes`` as they are; other bytes-like objects as ``bytes``."""
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be str or bytes-like, not {_kind(value)}")


def check_optional_str(value: object, name: str) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {_kind(value)}")


def check_bool(value: object, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {_kind(value)}")


def check_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {_kind(value)}")


def check_number(value: object, name: str) -> None:
    """An int or a float that is a real number (not NaN; infinity is caught by ranges)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {_kind(value)}")
    if value != value:  # NaN passes every comparison check otherwise
        from newsclean._errors import OptionsError

        raise OptionsError(f"{name} must be a number, not NaN")


def check_str_tuple(value: object, name: str) -> None:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a tuple of str, not {_kind(value)}")
    for item in value:
        if not isinstance(item, str):
            raise TypeError(f"{name} must hold only str, not {_kind(item)}")


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point, which UTF-8 cannot encode."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def scrub_surrogates(value: Any) -> Any:
    """``value`` with every surrogate code point in its strings replaced by U+FFFD.

    Walks dicts, lists and tuples; returns the very same object when nothing changed.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        items = {k: scrub_surrogates(v) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    if isinstance(value, (list, tuple)):
        scrubbed = [scrub_surrogates(v) for v in value]
        if all(a is b for a, b in zip(scrubbed, value, strict=True)):
            return value
        return type(value)(scrubbed)
    return value
