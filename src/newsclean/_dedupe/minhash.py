"""The body fingerprint: a 64-bin MinHash of the body's word 3-shingles, 175 characters.

``fingerprint(text)`` is ``"mh1:"`` and the base64url (unpadded) of 64 16-bit MinHash values,
one per bin of one permutation hashing: each shingle is hashed once, the hash's top six bits
pick its bin and the bin keeps the least of the other 58 bits (an empty bin borrows the next
filled bin's value, shifted, as in Shrivastava & Li's densification). Two fingerprints share
a bin's value about as often as their bodies share shingles, so
``similarity(a, b)`` (the share of equal bins) estimates the Jaccard similarity of the two
bodies' shingle sets. The text is lower-cased and cut into ``\\w+`` words, so typography,
punctuation and line breaks do not change it.

SimHash over the same shingles was measured against it (``benchmarks/dedupe.py``): MinHash
separates copies from rewrites better (see ``docs/dedupe.md``).

The C version (``_minhash.c``) computes the same bytes as :func:`_signature_py`, its
reference; without a compiler the reference runs.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable

from newsclean._errors import OptionsError

__all__ = ["BINS", "PREFIX", "fingerprint", "signature", "signature_of", "similarity"]

BINS = 64
PREFIX = "mh1:"
_MASK64 = (1 << 64) - 1
_VALUE_MASK = (1 << 58) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_EMPTY = _MASK64
_WORD = re.compile(r"\w+")


def _finalise(z: int) -> int:
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & _MASK64
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _signature_py(lowered: str) -> bytes | None:
    """The reference of ``_minhash.signature``: 128 bytes, or ``None`` for no word."""
    hashes = [zlib.crc32(word.encode("utf-8", "surrogatepass")) for word in _WORD.findall(lowered)]
    if not hashes:
        return None
    if len(hashes) < 3:
        hashes = [0] * (3 - len(hashes)) + hashes
    mins = [_EMPTY] * BINS
    for a, b, c in zip(hashes, hashes[1:], hashes[2:], strict=False):
        h = _finalise((((a * _GOLDEN + b) & _MASK64) * _GOLDEN + c) & _MASK64)
        b_ = h >> 58
        v = h & _VALUE_MASK
        if v < mins[b_]:
            mins[b_] = v
    out = bytearray(2 * BINS)
    for b_ in range(BINS):
        for step in range(BINS):
            m = mins[(b_ + step) % BINS]
            if m != _EMPTY:
                break
        value = ((m >> 42) + step * 0x9E37) & 0xFFFF
        out[2 * b_] = value & 0xFF
        out[2 * b_ + 1] = value >> 8
    return bytes(out)


def _matches_py(a: bytes, b: bytes) -> int:
    return sum(a[i] == b[i] and a[i + 1] == b[i + 1] for i in range(0, min(len(a), len(b)) - 1, 2))


_signature: Callable[[str], bytes | None]
_matches: Callable[[bytes, bytes], int]
try:
    from newsclean._dedupe import _minhash

    _signature = _minhash.signature
    _matches = _minhash.matches
    ACCELERATED = True
except ImportError:  # no C compiler at install time
    _signature = _signature_py
    _matches = _matches_py
    ACCELERATED = False


def signature_of(text: str) -> bytes | None:
    """The 128-byte MinHash signature of ``text``, or ``None`` when it has no word."""
    return _signature(text.lower())


def fingerprint(text: str) -> str | None:
    """The record's fingerprint of a body text, or ``None`` when the text has no word.

    >>> fp = fingerprint("The quick brown fox jumps over the lazy dog.")
    >>> fp.startswith("mh1:"), len(fp)
    (True, 175)
    >>> fp == fingerprint("THE QUICK brown fox —  jumps over the lazy dog")
    True
    >>> fingerprint("  ... ") is None
    True
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    raw = _signature(text.lower())
    if raw is None:
        return None
    return PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def signature(fp: str) -> bytes:
    """The 128 bytes a fingerprint carries; :class:`newsclean.OptionsError` (a ``ValueError``)
    for a string that is not one, ``TypeError`` for what is not a string."""
    if not isinstance(fp, str):
        raise TypeError(f"a fingerprint is a str, not {type(fp).__name__}")
    if not fp.startswith(PREFIX):
        raise OptionsError(f"not a newsclean fingerprint (no {PREFIX!r} prefix): {fp[:20]!r}")
    body = fp[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise OptionsError(f"not a newsclean fingerprint: {exc}") from None
    return _checked(raw)


def _checked(raw: bytes) -> bytes:
    if len(raw) != 2 * BINS:
        raise OptionsError(f"a fingerprint carries {2 * BINS} bytes, this one {len(raw)}")
    return raw


def similarity(a: str | bytes, b: str | bytes) -> float:
    """The estimated Jaccard similarity of two bodies' shingles, from their fingerprints.

    >>> a = fingerprint("one two three four five six seven eight nine ten " * 3)
    >>> similarity(a, a)
    1.0
    >>> similarity(a, fingerprint("completely different words about another story")) < 0.1
    True
    """
    sa = _checked(a) if isinstance(a, bytes) else signature(a)
    sb = _checked(b) if isinstance(b, bytes) else signature(b)
    return _matches(sa, sb) / BINS
