"""``newsclean.dedupe(records)`` and the row handling ``newsclean dedupe`` shares with it.

Two passes: the first adds each record to a :class:`DedupeIndex` and notes its cluster; the
second, when every record is in, reads each cluster's canonical record and the record's
similarity to it. The command spools the first pass's notes to disk, so its memory is the
index's (one entry per cluster); this function keeps them in a list, as it returns one
answer per record anyway.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from newsclean._dedupe.index import DEFAULT_CANONICAL, DEFAULT_THRESHOLD, DedupeIndex
from newsclean._dedupe.minhash import BINS, _matches, fingerprint, signature
from newsclean._record import Article, Result

__all__ = ["DedupeMatch", "Note", "dedupe", "note_row", "resolve"]


@dataclass(frozen=True, slots=True)
class DedupeMatch:
    """A record's place among near-duplicates.

    ``cluster`` is the id of its cluster (``None`` when the record was skipped: no body, a
    batch error, a bad fingerprint; ``skipped`` says why), ``canonical`` the ``ref`` of the
    cluster's canonical record (the record itself when it is the canonical one),
    ``similarity`` its fingerprint similarity to the canonical record (1.0 for the canonical
    record), ``cluster_size`` how many records the cluster holds so far, in every run that
    added to the index.
    """

    ref: str
    url: str | None
    cluster: int | None
    canonical: str | None
    canonical_url: str | None
    similarity: float | None
    cluster_size: int
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Note:
    """What the first pass learnt of one record: its cluster and signature, or why not."""

    ref: str
    url: str | None
    cluster: int | None
    sig: bytes | None
    skipped: str | None = None

    def to_list(self) -> list[Any]:
        sig = None if self.sig is None else base64.b64encode(self.sig).decode("ascii")
        return [self.ref, self.url, self.cluster, sig, self.skipped]

    @classmethod
    def from_list(cls, row: list[Any]) -> Note:
        ref, url, cluster, sig, skipped = row
        return cls(ref, url, cluster, None if sig is None else base64.b64decode(sig), skipped)


def _article_fields(row: Any) -> tuple[dict[str, Any] | Any | None, str | None]:
    """The article part of a row (a Result or Article, as object or JSON dict), or why none."""
    if isinstance(row, Result):
        if row.article is None:
            kind = row.error.kind if row.error is not None else "no article"
            return None, f"batch error: {kind}"
        return row.article, None
    if isinstance(row, Article):
        return row, None
    if not isinstance(row, dict):
        return None, f"not a record: {type(row).__name__}"
    if "article" in row or "error" in row:  # a batch row (``newsclean clean`` JSON Lines)
        article = row.get("article")
        if not article:
            error = row.get("error") or {}
            return None, f"batch error: {error.get('kind', 'no article')}"
        return article, None
    if "ok" in row and not row.get("ok"):  # a flat Parquet batch row
        return None, f"batch error: {row.get('error_kind') or 'no article'}"
    return row, None


def note_row(index: DedupeIndex, row: Any, ref: str) -> Note:
    """Add one record to ``index``; the note says where it went (or why it was skipped)."""
    article, why = _article_fields(row)
    if article is None:
        return Note(ref, None, None, None, why)
    get = article.get if isinstance(article, dict) else vars(article).get
    url = get("url")
    url = url if isinstance(url, str) else None
    fp = get("fingerprint")
    text = get("text")
    if fp is None:
        fp = fingerprint(text) if isinstance(text, str) else None
        if fp is None:
            return Note(ref, url, None, None, "no body")
    if not isinstance(fp, str):
        return Note(ref, url, None, None, "bad fingerprint: not a string")
    try:
        sig = signature(fp)
    except ValueError as exc:
        return Note(ref, url, None, None, f"bad fingerprint: {exc}")
    words = get("word_count")
    if type(words) is not int or words < 0:
        words = len(text.split()) if isinstance(text, str) else 0
    assignment = index.add(sig, ref=ref, url=url, published=get("published"), length=words)
    return Note(ref, url, assignment.cluster, sig, None)


def resolve(index: DedupeIndex, note: Note) -> DedupeMatch:
    """The answer for a noted record, once every record is in the index."""
    if note.cluster is None or note.sig is None:
        return DedupeMatch(note.ref, note.url, None, None, None, None, 0, note.skipped)
    cluster = index.cluster(note.cluster)
    similarity = _matches(note.sig, cluster.canonical_signature) / BINS
    return DedupeMatch(
        note.ref,
        note.url,
        note.cluster,
        cluster.canonical,
        cluster.canonical_url,
        similarity,
        cluster.size,
    )


def dedupe(
    records: Iterable[Any],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    canonical: Sequence[str] = DEFAULT_CANONICAL,
    index: DedupeIndex | None = None,
    refs: Iterable[str] | None = None,
) -> list[DedupeMatch]:
    """Group near-duplicate records; one :class:`DedupeMatch` per record, in order.

    ``records`` are :class:`~newsclean.Article` or :class:`~newsclean.Result` objects or their
    JSON dicts (``newsclean clean`` rows). A record is named by ``refs`` when given, else by
    its batch ``source``, else by its position (``"0"``, ``"1"``, ...). Pass an ``index``
    (a new or :meth:`~DedupeIndex.load`-ed one) to add to it; ``threshold`` and
    ``canonical`` then come from it.

    >>> import newsclean
    >>> story = "<p>" + " ".join(f"word{i}" for i in range(200)) + "</p>"
    >>> a = newsclean.clean_html("<article>" + story + "</article>", url="https://a.example/1")
    >>> b = newsclean.clean_html("<article>" + story + "<p>One more line.</p></article>")
    >>> [(m.cluster, m.canonical) for m in newsclean.dedupe([a, b])]
    [(0, '1'), (0, '1')]
    """
    if index is None:
        index = DedupeIndex(threshold=threshold, canonical=canonical)
    names = iter(refs) if refs is not None else None
    notes = []
    for position, row in enumerate(records):
        if names is not None:
            ref = next(names)
        elif isinstance(row, Result):
            ref = row.source
        elif isinstance(row, dict) and isinstance(row.get("source"), str):
            ref = row["source"]
        else:
            ref = str(position)
        notes.append(note_row(index, row, ref))
    return [resolve(index, note) for note in notes]
