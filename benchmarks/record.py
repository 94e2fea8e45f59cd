"""Cost of the record model on the batch path: build an Article and serialise it to JSON.

    python benchmarks/record.py

Compares the pydantic v2 model newsclean ships with an equivalent msgspec.Struct (msgspec is
measured only if installed) on an Article of 30 paragraphs, the median WCXB article's size.
msgspec cannot type ``published: datetime | date | None`` (one string-like type per union),
which is why the record is pydantic; this shows what that choice costs per page.
"""

from __future__ import annotations

import sys
import timeit
from datetime import datetime, timezone
from pathlib import Path

from newsclean import Article, Block

HERE = Path(__file__).resolve().parent
PARAGRAPH = "word " * 60
N = 2000


def build_pydantic() -> str:
    blocks = tuple(Block(kind="paragraph", text=PARAGRAPH) for _ in range(30))
    article = Article(
        url="https://example.org/a",
        title="Title",
        authors=("Jane Doe",),
        published=datetime(2025, 11, 15, tzinfo=timezone.utc),
        blocks=blocks,
        text="\n\n".join(b.text for b in blocks),
    )
    return article.to_json()


def main() -> None:
    rows = [
        ("pydantic (newsclean.Article)", min(timeit.repeat(build_pydantic, number=N, repeat=5)) / N)
    ]
    try:
        import msgspec
    except ImportError:
        msgspec = None
    if msgspec is not None:

        class MBlock(msgspec.Struct, frozen=True):
            kind: str
            text: str
            level: int | None = None

        class MArticle(msgspec.Struct, frozen=True):
            url: str | None
            title: str | None
            authors: tuple[str, ...]
            published: datetime | None
            blocks: tuple[MBlock, ...]
            text: str

        encoder = msgspec.json.Encoder()

        def build_msgspec() -> bytes:
            blocks = tuple(MBlock("paragraph", PARAGRAPH) for _ in range(30))
            article = MArticle(
                "https://example.org/a",
                "Title",
                ("Jane Doe",),
                datetime(2025, 11, 15, tzinfo=timezone.utc),
                blocks,
                "\n\n".join(b.text for b in blocks),
            )
            return encoder.encode(article)

        rows.append(("msgspec.Struct", min(timeit.repeat(build_msgspec, number=N, repeat=5)) / N))
    lines = ["| model | µs per record (build + JSON) |", "|---|---|"]
    lines += [f"| {name} | {seconds * 1e6:.1f} |" for name, seconds in rows]
    table = "\n".join(lines)
    print(table)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "record.md").write_text(
        f"Command: `python benchmarks/record.py` (Python {sys.version.split()[0]})\n\n{table}\n"
    )


if __name__ == "__main__":
    main()
