"""Near-duplicate detection: the body fingerprint every record carries (``minhash.py``,
C version ``_minhash.c``) and the clustering of records by it (``index.py``: the streaming
:class:`DedupeIndex`; ``api.py``: ``newsclean.dedupe(records)``, shared with the
``newsclean dedupe`` command)."""

from newsclean._dedupe.api import DedupeMatch, dedupe
from newsclean._dedupe.index import DedupeIndex
from newsclean._dedupe.minhash import fingerprint, similarity

__all__ = ["DedupeIndex", "DedupeMatch", "dedupe", "fingerprint", "similarity"]
