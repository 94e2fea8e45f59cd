"""Near-duplicate detection: the body fingerprint every record carries (``fingerprint.py``,
C version ``_minhash.c``) and the clustering of records by it (``index.py``: the streaming
:class:`DedupeIndex`; ``api.py``: ``newsclean.dedupe(records)``, shared with the
``newsclean dedupe`` command)."""

from newsclean._dedupe.api import DedupeMatch, dedupe
from newsclean._dedupe.fingerprint import fingerprint, similarity
from newsclean._dedupe.index import DedupeIndex

__all__ = ["DedupeIndex", "DedupeMatch", "dedupe", "fingerprint", "similarity"]
