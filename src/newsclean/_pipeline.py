"""Placeholder pipeline, replaced by the staged pipeline in the same commit series."""

from __future__ import annotations

import trafilatura

from newsclean._decode import decode_html, maybe_gunzip
from newsclean._options import Options
from newsclean._record import Article, Block


def run_pipeline(
    html: str | bytes, *, url: str | None, options: Options, content_type: str | None
) -> Article:
    if isinstance(html, bytes):
        html = maybe_gunzip(html)
    text = decode_html(html, content_type=content_type).text
    body = trafilatura.extract(text, url=url) or ""
    blocks = tuple(Block(kind="paragraph", text=p) for p in body.split("\n") if p.strip())
    return Article(url=url, blocks=blocks, text="\n\n".join(b.text for b in blocks))
