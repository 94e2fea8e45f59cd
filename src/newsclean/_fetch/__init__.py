"""Fetching pages over HTTP: polite, bounded, honest.

This package owns everything between a URL and the bytes of a page:

- :mod:`.sync` and :mod:`.aio`: :class:`Fetcher` / :func:`fetch` / :func:`scrape` and their
  asyncio twins, over one shared core (:mod:`.core`: requests, redirects, retries).
- :mod:`.body`: reading and decompressing a response body against the size limits.
- :mod:`.netguard`: the private-address guard (every hop, every resolved address).
- :mod:`.network`: the httpcore network backend under httpx: connects to the addresses the
  guard checked (no DNS rebinding), keeps the total timeout on every socket call (slow
  headers included), and shuts the sockets of a ``fetch_many`` that is closed early.
- :mod:`.robots` and :mod:`.politeness`: robots.txt and per-host pacing.
- :mod:`.cache`: conditional requests (ETag, Last-Modified).
- :mod:`.options`, :mod:`.page`, :mod:`.errors`: the option objects, results and the
  translation of transport errors into newsclean's own.

Cleaning is not done here: :func:`scrape` hands the bytes to :func:`newsclean.clean_html`.
"""
