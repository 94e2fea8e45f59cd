"""Article -> Markdown and plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsclean._record import Article, Block

__all__ = ["article_to_markdown", "blocks_to_text"]


def blocks_to_text(blocks: tuple[Block, ...] | list[Block]) -> str:
    """Plain text: one block per paragraph, blocks separated by one blank line."""
    return "\n\n".join(block.text for block in blocks if block.text)


def _block_to_markdown(block: Block) -> str:
    if block.kind == "heading":
        return "#" * min(max(block.level or 2, 1), 6) + " " + block.text
    if block.kind == "quote":
        return "\n".join("> " + line for line in block.text.splitlines())
    if block.kind == "list_item":
        return "- " + block.text
    if block.kind == "code":
        return "```\n" + block.text + "\n```"
    if block.kind == "table":
        rows = block.text.splitlines()
        if not rows:
            return ""
        width = rows[0].count(" | ") + 1
        lines = ["| " + rows[0] + " |", "|" + " --- |" * width]
        lines.extend("| " + row + " |" for row in rows[1:])
        return "\n".join(lines)
    return block.text


def article_to_markdown(article: Article, *, include_metadata: bool = True) -> str:
    parts: list[str] = []
    if article.title:
        parts.append("# " + article.title)
    if include_metadata:
        meta = []
        if article.authors:
            meta.append("By " + ", ".join(article.authors))
        if article.agency:
            meta.append(f"({article.agency})")
        if article.published:
            meta.append(article.published.isoformat())
        if meta:
            parts.append("*" + " ".join(meta) + "*")
        if article.description:
            parts.append("**" + article.description + "**")
    # consecutive list items form one list, not paragraphs
    body: list[str] = []
    for block in article.blocks:
        rendered = _block_to_markdown(block)
        if block.kind == "list_item" and body and body[-1].startswith("- "):
            body[-1] += "\n" + rendered
        else:
            body.append(rendered)
    parts.extend(body)
    return "\n\n".join(parts) + "\n"
