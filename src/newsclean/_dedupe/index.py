"""Clustering records by their fingerprints: :class:`DedupeIndex`, streaming and saved on disk.

Each cluster keeps one *leader*, the record that opened it, and that record's signature is
what later records are compared with. MinHash LSH finds the candidates: the 64 bins are cut
into bands of ``rows`` bins and a record meets the leaders that share a band's values with
it, so a record costs a few dictionary lookups, however many clusters there are; a candidate
joins when the fingerprints' similarity (the estimated Jaccard similarity of the bodies'
shingles) reaches ``threshold``. Members are counted, not stored: the index grows with the
number of clusters, never with the number of records.

Each cluster also keeps its *canonical* record, the best by ``canonical`` (default: the
earliest publication, then the longest body, then the first seen), so the answer for a
record ("which cluster, whose copy") is known once every record has been added; the
``newsclean dedupe`` command writes it in a second pass over what the first pass spooled.
"""

from __future__ import annotations

import base64
import json
import math
import os
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from newsclean._dedupe.minhash import BINS, _matches, signature
from newsclean._errors import NewscleanError

__all__ = [
    "CANONICAL_RULES",
    "DEFAULT_BANDS",
    "DEFAULT_CANONICAL",
    "DEFAULT_ROWS",
    "DEFAULT_THRESHOLD",
    "Cluster",
    "DedupeIndex",
    "IndexError_",
    "published_key",
]

DEFAULT_THRESHOLD = 0.4
DEFAULT_BANDS = 21
DEFAULT_ROWS = 3
CANONICAL_RULES = ("earliest", "longest", "first")
DEFAULT_CANONICAL: tuple[str, ...] = CANONICAL_RULES
# a band bucket shared by more leaders than this stops taking new ones (bounded cost per add)
_BUCKET_CAP = 64
_FORMAT = "newsclean-dedupe-index"
_VERSION = 1
_NO_DATE = math.inf


class IndexError_(NewscleanError):
    """A saved dedupe index that cannot be read, or options that do not fit it."""


def published_key(value: Any) -> float:
    """A publication date (``datetime``, ``date``, ISO string, ``None``) as a sortable number.

    Dates without a zone count as UTC, a day as its midnight; no date sorts last.

    >>> published_key("2025-11-15") < published_key("2025-11-15T10:00:00Z") < published_key(None)
    True
    """
    if value is None or value == "":
        return _NO_DATE
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text) if "T" in text or " " in text else None
            if value is None:
                value = date.fromisoformat(text[:10])
        except ValueError:
            return _NO_DATE
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return float(value.timestamp())
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc).timestamp()
    return _NO_DATE


@dataclass(frozen=True, slots=True)
class Cluster:
    """One cluster as the index holds it: its id, size and canonical record."""

    id: int
    size: int
    canonical: str
    canonical_url: str | None
    canonical_signature: bytes


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


class DedupeIndex:
    """Clusters of near-duplicate records, built one record at a time.

    >>> from newsclean._dedupe.minhash import fingerprint
    >>> story = " ".join(f"word{i}" for i in range(300))
    >>> index = DedupeIndex()
    >>> index.add(fingerprint(story), ref="a", length=300).cluster
    0
    >>> longer = story + " and one more paragraph at the end."
    >>> index.add(fingerprint(longer), ref="b", length=307).cluster
    0
    >>> index.add(fingerprint("a different story altogether, about something else"), ref="c").new
    True
    >>> index.cluster(0).size, index.cluster(0).canonical
    (2, 'b')
    """

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        canonical: Sequence[str] = DEFAULT_CANONICAL,
        bands: int = DEFAULT_BANDS,
        rows: int = DEFAULT_ROWS,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise IndexError_(f"threshold must be in (0, 1], not {threshold}")
        if bands < 1 or rows < 1 or bands * rows > BINS:
            raise IndexError_(f"bands x rows must fit the {BINS} bins: {bands} x {rows}")
        rules = tuple(canonical)
        unknown = [rule for rule in rules if rule not in CANONICAL_RULES]
        if unknown or len(set(rules)) != len(rules):
            raise IndexError_(
                f"canonical rules are some of {', '.join(CANONICAL_RULES)}, each once: {rules}"
            )
        if "first" not in rules:
            rules += ("first",)
        self.threshold = threshold
        self.canonical_rules = rules
        self.bands = bands
        self.rows = rows
        self._needed = math.ceil(threshold * BINS - 1e-9)
        self._slices = [(2 * rows * b, 2 * rows * (b + 1)) for b in range(bands)]
        self._tables: list[dict[int, int | list[int]]] = [{} for _ in range(bands)]
        self._leaders: list[bytes] = []
        self._sizes = array("q")
        self._canon_ref: list[str] = []
        self._canon_url: list[str | None] = []
        self._canon_sig: list[bytes] = []
        self._canon_pub = array("d")
        self._canon_len = array("q")
        self._canon_seq = array("q")
        self.records = 0

    # -- adding and matching -------------------------------------------------------------

    def _keys(self, sig: bytes) -> list[int]:
        from_bytes = int.from_bytes
        return [from_bytes(sig[s:e], "little") for s, e in self._slices]

    def _best(self, sig: bytes, keys: list[int]) -> tuple[int, int]:
        """The best leader (id, matching bins) at or above the threshold, or (-1, 0)."""
        seen: set[int] = set()
        best, best_matches = -1, 0
        leaders = self._leaders
        needed = self._needed
        for table, key in zip(self._tables, keys, strict=True):
            hit = table.get(key)
            if hit is None:
                continue
            for cid in (hit,) if type(hit) is int else hit:  # type: ignore[union-attr]
                if cid in seen:
                    continue
                seen.add(cid)
                matches = _matches(sig, leaders[cid])
                if matches >= needed and (
                    matches > best_matches or (matches == best_matches and cid < best)
                ):
                    best, best_matches = cid, matches
        return best, best_matches

    def match(self, fp: str | bytes) -> tuple[int, float] | None:
        """The cluster a fingerprint would join and its similarity to the leader, or ``None``."""
        sig = fp if isinstance(fp, bytes) else signature(fp)
        best, matches = self._best(sig, self._keys(sig))
        return None if best < 0 else (best, matches / BINS)

    def add(
        self,
        fp: str | bytes,
        *,
        ref: str,
        url: str | None = None,
        published: Any = None,
        length: int = 0,
    ) -> Assignment:
        """Add one record by its fingerprint; return the cluster it joined or opened.

        ``ref`` names the record in the answers (a batch row's ``source``, a file and line),
        ``published`` and ``length`` (words of the body) rank it for canonical.
        """
        sig = fp if isinstance(fp, bytes) else signature(fp)
        seq = self.records
        self.records += 1
        keys = self._keys(sig)
        best, matches = self._best(sig, keys)
        pub = published if isinstance(published, float) else published_key(published)
        if best < 0:
            cid = len(self._leaders)
            self._leaders.append(sig)
            self._sizes.append(1)
            self._canon_ref.append(ref)
            self._canon_url.append(url)
            self._canon_sig.append(sig)
            self._canon_pub.append(pub)
            self._canon_len.append(length)
            self._canon_seq.append(seq)
            self._insert(keys, cid)
            return Assignment(cid, 1.0, True)
        self._sizes[best] += 1
        if self._ranks_before(pub, length, seq, best):
            self._canon_ref[best] = ref
            self._canon_url[best] = url
            self._canon_sig[best] = sig
            self._canon_pub[best] = pub
            self._canon_len[best] = length
            self._canon_seq[best] = seq
        return Assignment(best, matches / BINS, False)

    def _insert(self, keys: list[int], cid: int) -> None:
        # one int object for every band entry of the cluster: the tables hold references
        for table, key in zip(self._tables, keys, strict=True):
            hit = table.get(key)
            if hit is None:
                table[key] = cid
            elif type(hit) is int:
                table[key] = [hit, cid]
            elif len(hit) < _BUCKET_CAP:  # type: ignore[arg-type]
                hit.append(cid)  # type: ignore[union-attr]

    def _ranks_before(self, pub: float, length: int, seq: int, cid: int) -> bool:
        for rule in self.canonical_rules:
            if rule == "earliest":
                mine, theirs = pub, self._canon_pub[cid]
            elif rule == "longest":
                mine, theirs = -length, -self._canon_len[cid]
            else:
                mine, theirs = seq, self._canon_seq[cid]
            if mine != theirs:
                return mine < theirs
        return False

    def add_article(self, article: Any, *, ref: str) -> Assignment | None:
        """Add an :class:`~newsclean.Article` (or its JSON dict); ``None`` when it has no body."""
        fields: dict[str, Any] = article if isinstance(article, dict) else vars(article)
        get = fields.get
        fp = get("fingerprint")
        if fp is None:
            from newsclean._dedupe.minhash import fingerprint

            fp = fingerprint(get("text") or "")
            if fp is None:
                return None
        words = get("word_count")
        if not isinstance(words, int) or words < 0:
            words = len((get("text") or "").split())
        return self.add(fp, ref=ref, url=get("url"), published=get("published"), length=words)

    # -- reading -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._leaders)

    def cluster(self, cid: int) -> Cluster:
        return Cluster(
            cid,
            self._sizes[cid],
            self._canon_ref[cid],
            self._canon_url[cid],
            self._canon_sig[cid],
        )

    def clusters(self) -> Iterable[Cluster]:
        return (self.cluster(cid) for cid in range(len(self._leaders)))

    # -- saving --------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` (JSON Lines), atomically: a crash leaves the old file."""
        path = Path(path)
        temporary = path.with_name(path.name + ".tmp")
        header = {
            "format": _FORMAT,
            "version": _VERSION,
            "threshold": self.threshold,
            "canonical": list(self.canonical_rules),
            "bands": self.bands,
            "rows": self.rows,
            "clusters": len(self._leaders),
            "records": self.records,
        }
        with temporary.open("w", encoding="utf-8") as out:
            out.write(json.dumps(header) + "\n")
            for cid in range(len(self._leaders)):
                leader = self._leaders[cid]
                canon = self._canon_sig[cid]
                pub = self._canon_pub[cid]
                row = [
                    self._sizes[cid],
                    _b64(leader),
                    self._canon_ref[cid],
                    self._canon_url[cid],
                    None if pub == _NO_DATE else pub,
                    self._canon_len[cid],
                    self._canon_seq[cid],
                    None if canon is leader else _b64(canon),
                ]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(path)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        threshold: float | None = None,
        canonical: Sequence[str] | None = None,
    ) -> DedupeIndex:
        """Read an index :meth:`save` wrote; ``threshold`` and ``canonical`` may change."""
        path = Path(path)
        try:
            with path.open(encoding="utf-8") as lines:
                header = json.loads(next(lines, "null"))
                if not isinstance(header, dict) or header.get("format") != _FORMAT:
                    raise IndexError_(f"{path}: not a newsclean dedupe index")
                if header.get("version") != _VERSION:
                    raise IndexError_(
                        f"{path}: index version {header.get('version')}, this newsclean "
                        f"reads {_VERSION}"
                    )
                index = cls(
                    threshold=header["threshold"] if threshold is None else threshold,
                    canonical=header["canonical"] if canonical is None else canonical,
                    bands=header["bands"],
                    rows=header["rows"],
                )
                for line in lines:
                    size, leader, ref, url, pub, length, seq, canon = json.loads(line)
                    index._restore(
                        _unb64(leader),
                        size,
                        ref,
                        url,
                        _NO_DATE if pub is None else float(pub),
                        length,
                        seq,
                        None if canon is None else _unb64(canon),
                    )
                index.records = int(header["records"])
        except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
            raise IndexError_(f"{path}: cannot read the dedupe index: {exc}") from exc
        if len(index) != header["clusters"]:
            raise IndexError_(
                f"{path}: truncated index ({len(index)} of {header['clusters']} clusters)"
            )
        return index

    def _restore(
        self,
        leader: bytes,
        size: int,
        ref: str,
        url: str | None,
        pub: float,
        length: int,
        seq: int,
        canon: bytes | None,
    ) -> None:
        if len(leader) != 2 * BINS or (canon is not None and len(canon) != 2 * BINS):
            raise ValueError("a signature of the wrong size")
        cid = len(self._leaders)
        self._leaders.append(leader)
        self._sizes.append(size)
        self._canon_ref.append(ref)
        self._canon_url.append(url)
        self._canon_sig.append(leader if canon is None else canon)
        self._canon_pub.append(pub)
        self._canon_len.append(length)
        self._canon_seq.append(seq)
        self._insert(self._keys(leader), cid)


@dataclass(frozen=True, slots=True)
class Assignment:
    """What :meth:`DedupeIndex.add` did: the cluster, the similarity to its leader, new or not."""

    cluster: int
    similarity: float
    new: bool
