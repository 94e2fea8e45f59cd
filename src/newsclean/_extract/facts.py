"""The facts table: what the extractor knows about a subtree, read once, before any decision.

:func:`read` walks lexbor's tree once and records, per node in pre-order (elements and text
nodes; comments and other nodes are left out):

- ``tags``: the element's tag as ``LexborNode.tag`` gives it, ``"-text"`` for a text node;
- ``parent``: the parent's row (-1 for the root, row 0), ``end``: the row after the node's
  subtree (its descendants are rows ``i + 1 .. end[i] - 1``), ``depth`` (the root's is 0);
- ``mem``: the node's identity (``LexborNode.mem_id``): removals go back to the tree by it;
- ``texts``: a text node's text (``text_content``), ``""`` for an element (so that a
  subtree's text is ``"".join(texts[i:end[i]])``);
- ``chars``: the subtree's text length, each text node counted as ``len(text.strip())``;
  ``own``: the part of it in the element's own text nodes (its children, not deeper);
  ``links``: the part of it inside ``<a>`` elements below the node (a link's own text is
  link text for its ancestors, not for itself); ``commas``: its commas; ``pieces``: its text
  nodes (``len(node.text(separator=" ", strip=True))`` is ``chars + pieces - 1``);
- ``attrs``: per attribute name in :data:`ATTRIBUTES`, a column of values (``None`` when the
  element has no such attribute, ``""`` when it has one without a value).

The table holds facts only: every rule (which tags score, what a class name says, what is
pruned, how text is written) is written once, in Python, over it. Two readers fill it: the
compiled one (``_speedups.read``, C against lexbor's structs; see ``speedups.py`` for when it
runs) and :func:`read_python`, through selectolax's API, the reference. They are compared
when the module loads and in the tests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import ModuleType

from newsclean._dom import LexborNode

__all__ = ["ATTRIBUTES", "Columns", "Facts", "read", "read_python", "reader", "reader_status"]

# The attributes the stages read off the table, by the names lexbor gives them (lower case).
ATTRIBUTES = ("class", "id", "itemprop")
TEXT = "-text"
_MISSING = object()
LOG = logging.getLogger("newsclean")


# The columns in the order the readers fill them (see the module docstring).
Columns = tuple[
    list[str],  # tags
    list[int],  # parent
    list[int],  # end
    list[int],  # depth
    list[int],  # mem
    list[str],  # texts
    list[int],  # chars
    list[int],  # own
    list[int],  # links
    list[int],  # commas
    list[int],  # pieces
    tuple[list[str | None], ...],  # attrs, in ATTRIBUTES order
]


class Facts:
    """The facts table of one subtree (see the module docstring for its columns)."""

    __slots__ = (
        "attrs",
        "chars",
        "commas",
        "depth",
        "end",
        "links",
        "mem",
        "nodes",
        "own",
        "parent",
        "pieces",
        "remover",
        "tags",
        "texts",
    )

    def __init__(
        self,
        columns: Columns,
        nodes: list[LexborNode] | None = None,
        remover: ModuleType | None = None,
    ) -> None:
        self.tags: list[str] = columns[0]
        self.parent: list[int] = columns[1]
        self.end: list[int] = columns[2]
        self.depth: list[int] = columns[3]
        self.mem: list[int] = columns[4]
        self.texts: list[str] = columns[5]
        self.chars: list[int] = columns[6]
        self.own: list[int] = columns[7]
        self.links: list[int] = columns[8]
        self.commas: list[int] = columns[9]
        self.pieces: list[int] = columns[10]
        attrs = columns[11]
        self.attrs: dict[str, list[str | None]] = dict(zip(ATTRIBUTES, attrs, strict=True))
        # the Python reader's nodes by row (the compiled reader removes by mem_id instead)
        self.nodes = nodes
        self.remover = remover

    def __len__(self) -> int:
        return len(self.tags)

    def columns(self) -> tuple[object, ...]:
        """Every column, for comparing two readers."""
        return (
            self.tags,
            self.parent,
            self.end,
            self.depth,
            self.mem,
            self.texts,
            self.chars,
            self.own,
            self.links,
            self.commas,
            self.pieces,
            tuple(self.attrs[name] for name in ATTRIBUTES),
        )

    def children(self, row: int) -> Iterator[int]:
        """The rows of ``row``'s children (elements and text nodes), in document order."""
        end = self.end
        stop = end[row]
        child = row + 1
        while child < stop:
            yield child
            child = end[child]

    def marker(self, row: int) -> str:
        """``class_and_id`` of the element at ``row``: its class and id, lower-cased."""
        return f"{self.attrs['class'][row] or ''} {self.attrs['id'][row] or ''}".lower()

    def separated_length(self, row: int) -> int:
        """``len(node.text(deep=True, separator=" ", strip=True))`` of the node at ``row``."""
        pieces = self.pieces[row]
        return self.chars[row] + pieces - 1 if pieces else 0

    def text(self, row: int) -> str:
        """``node.text(deep=True)``: the subtree's text nodes, joined."""
        # from the first row below: an element's own entry is "", and a single text node
        # then comes back as itself, not copied
        return "".join(self.texts[row + 1 : self.end[row]])

    def remove(self, row: int) -> None:
        """Detach the node at ``row`` from the tree (``LexborNode.remove``)."""
        if self.nodes is not None:
            self.nodes[row].remove()
        else:
            assert self.remover is not None
            self.remover.remove(self.mem[row])


def read_python(root: LexborNode) -> Facts:
    """The facts of ``root``'s subtree, read through selectolax's API: the reference."""
    tags: list[str] = [root.tag or ""]
    parent = [-1]
    end = [0]
    depth = [0]
    mem = [root.mem_id]
    texts: list[str] = [""]
    chars = [0]
    commas = [0]
    pieces = [0]
    nodes = [root]
    names = ATTRIBUTES
    attrs: tuple[list[str | None], ...] = tuple([] for _ in names)

    def add_attributes(node: LexborNode | None) -> None:
        found = node.attributes if node is not None else {}
        for name, column in zip(names, attrs, strict=True):
            value = found.get(name, _MISSING)
            column.append(None if value is _MISSING else (value or ""))  # type: ignore[arg-type]

    add_attributes(root if root.is_element_node else None)
    current = 0
    node = root.child
    while True:
        if node is None:
            if current == 0:
                break
            end[current] = len(tags)
            node = nodes[current].next
            current = parent[current]
            continue
        tag = node.tag
        if tag == TEXT:
            text = node.text_content
            if text is not None:
                tags.append(TEXT)
                texts.append(text)
                chars.append(len(text.strip()))
                commas.append(text.count(","))
                pieces.append(1)
                add_attributes(None)
            else:
                node = node.next
                continue
        elif tag and tag[0] != "-":
            tags.append(tag)
            texts.append("")
            chars.append(0)
            commas.append(0)
            pieces.append(0)
            add_attributes(node)
        else:
            node = node.next
            continue
        row = len(tags) - 1
        parent.append(current)
        end.append(row + 1)
        depth.append(depth[current] + 1)
        mem.append(node.mem_id)
        nodes.append(node)
        first = node.child if tag != TEXT else None
        if first is not None:
            current = row
            node = first
        else:
            node = node.next
    end[0] = len(tags)
    links = [0] * len(tags)
    own = [0] * len(tags)
    for row in range(len(tags) - 1, 0, -1):
        up = parent[row]
        if tags[row] == TEXT:
            own[up] += chars[row]
        chars[up] += chars[row]
        links[up] += chars[row] if tags[row] == "a" else links[row]
        commas[up] += commas[row]
        pieces[up] += pieces[row]
    columns = (tags, parent, end, depth, mem, texts, chars, own, links, commas, pieces, attrs)
    return Facts(columns, nodes=nodes)


# the compiled reader once speedups.py has loaded and checked it (set by install())
_READER: ModuleType | None = None
_STATUS = "not loaded"
_LOGGED = False


def install(module: ModuleType | None, status: str) -> None:
    """Use ``module`` (``_speedups``) as the reader, or the Python one when it is None."""
    global _READER, _STATUS, _LOGGED
    _READER = module
    _STATUS = status
    _LOGGED = False


def reader() -> ModuleType | None:
    """The compiled reader when it runs (read at each call: tests switch it off)."""
    return _READER


def reader_status() -> str:
    """Which reader fills the table, and why (``newsclean --version`` prints it)."""
    if _READER is not None:
        return f"compiled facts reader: {_STATUS}"
    return f"Python facts reader ({_STATUS})"


def read(root: LexborNode) -> Facts:
    """The facts of ``root``'s subtree, by the compiled reader when it runs."""
    module = _READER
    if module is not None:
        return Facts(module.read(root.mem_id), remover=module)
    global _LOGGED
    if not _LOGGED:
        _LOGGED = True
        # asked for (NEWSCLEAN_NO_SPEEDUPS): information; otherwise a slower install than
        # the user may think they have: a warning
        asked = _STATUS.startswith("disabled by")
        LOG.log(logging.INFO if asked else logging.WARNING, "newsclean: %s", reader_status())
    return read_python(root)
