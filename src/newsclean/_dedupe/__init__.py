"""Near-duplicate detection: the body fingerprint every record carries and the clustering
of records by it (``newsclean dedupe``, :class:`DedupeIndex`)."""
