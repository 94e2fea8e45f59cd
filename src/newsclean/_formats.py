"""Article -> Markdown and plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsclean._record import Article, Block, Image

__all__ = ["article_to_markdown", "article_to_text", "blocks_to_text", "repeats_lede"]


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


def _comparable(text: str) -> str:
    return " ".join(text.casefold().split())


def repeats_lede(description: str | None, blocks: tuple[Block, ...] | list[Block]) -> bool:
    """Whether the description is the body's first paragraph again (many sites fill
    ``og:description`` with it), whole or cut short with an ellipsis.

    >>> from newsclean import Block
    >>> lede = [Block(kind="paragraph", text="Heavy rain fell on the coast on Monday.")]
    >>> repeats_lede("Heavy rain fell on the coast...", lede), repeats_lede("Rain.", lede)
    (True, False)
    """
    first = next((b.text for b in blocks if b.kind == "paragraph" and b.text), None)
    if not description or first is None:
        return False
    wanted, lede = _comparable(description), _comparable(first)
    if wanted == lede:
        return True
    for ellipsis in ("...", "…"):
        if wanted.endswith(ellipsis):
            stem = wanted.removesuffix(ellipsis).rstrip()
            return len(stem) >= 20 and lede.startswith(stem)
    return False


def _markdown_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _markdown_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _image_to_markdown(image: Image) -> str:
    line = f"![{_markdown_text(image.alt or '')}]({_markdown_url(image.src)})"
    return line + ("\n\n*" + image.caption + "*" if image.caption else "")


def article_to_text(article: Article, *, include_title: bool, include_media: bool) -> str:
    """Plain text: the title, the body, and the body's images and links after it."""
    parts = [article.title] if include_title and article.title else []
    if article.text:
        parts.append(article.text)
    if include_media and article.images:
        lines = ["Images:"]
        for image in article.images:
            label = " - ".join(t for t in (image.caption, image.alt) if t)
            lines.append(f"  {image.src}" + (f"  {label}" if label else ""))
        parts.append("\n".join(lines))
    if include_media and article.links:
        lines = ["Links:"]
        lines.extend(f"  {link.text}: {link.href}" for link in article.links)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


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
        if article.description and not repeats_lede(article.description, article.blocks):
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
    # the body's images after it: where each stood among the paragraphs is not recorded
    parts.extend(_image_to_markdown(image) for image in article.images)
    return "\n\n".join(parts) + "\n"
