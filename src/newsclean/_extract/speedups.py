"""The optional C walks of the native extractor (and of the DOM stage's semantic passes,
``boilerplate.DomPass``), loaded only where they can be trusted.

``newsclean._extract._speedups`` reads lexbor's tree through struct layouts copied from the
lexbor bundled in selectolax, so it runs only when

1. the extension was built and imports (``pip install`` builds it when a C compiler is
   there; ``optional=True`` in ``setup.py`` lets the install go on without one),
2. ``selectolax.__version__`` is one whose lexbor headers were checked
   (:data:`SELECTOLAX_VERSIONS`),
3. the self-test passes: a small page walked by C and by selectolax's Python API must give
   the same tags, texts and class/id strings, and
4. ``NEWSCLEAN_NO_SPEEDUPS`` is unset or empty (tests and benchmarks set it to compare).

Otherwise :func:`load` says why, and the pure-Python walks in ``native.py`` run: they are the
reference the C code mirrors.
"""

from __future__ import annotations

import ctypes
import logging
import os
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import selectolax
import selectolax.lexbor

from newsclean._dom import LexborHTMLParser, LexborNode, class_and_id

__all__ = ["DISABLE_ENV", "SELECTOLAX_VERSIONS", "Loaded", "load"]

# selectolax releases whose bundled lexbor headers _lexbor.h was checked against
SELECTOLAX_VERSIONS = frozenset({"1.0.2"})
DISABLE_ENV = "NEWSCLEAN_NO_SPEEDUPS"
# the lexbor functions the C walk calls, by their exported names
_FUNCTIONS = (
    "lxb_dom_node_remove",
    "lxb_dom_element_qualified_name",
    "lxb_dom_attr_qualified_name",
    "lxb_dom_attr_value_noi",
)
# Tags, text, comments, Unicode spaces, attributes in odd cases: what the self-test walks.
SELF_TEST_HTML = (
    "<html><head><title>t</title></head><body class='Page Home' id=Top>"
    "<!-- a comment --><div CLASS='Ünï ÇASE' id=''><p>One,\u00a0two\u2003 </p>"
    "<my-widget class=w>custom <b>bold</b></my-widget><span>é\u00e9</span><br>"
    "<table><tr><td id=c>cell</td></tr></table><pre>  code\n  more</pre>"
    "<ul><li class>item</li></ul><svg><g class=s></g></svg><math><mi>x</mi></math>"
    "<a href=x>link</a>\x1c\u3000</div></body></html>"
)


class Loaded:
    """The outcome of :func:`load`: the configured module, or why there is none."""

    __slots__ = ("module", "reason")

    def __init__(self, module: ModuleType | None, reason: str) -> None:
        self.module = module
        self.reason = reason


def _python_view(root: LexborNode, flags_of: Callable[[str], int]) -> list[tuple[Any, ...]]:
    """What ``_speedups.describe`` gives, through selectolax's API: pre-order, root left out."""
    out: list[tuple[Any, ...]] = []
    stack: list[LexborNode] = []
    child = root.child
    while child is not None or stack:
        if child is None:
            child = stack.pop().next
            continue
        tag = child.tag
        if tag == "-text":
            text = child.text_content
            if text is not None:
                out.append(("t", text))
        elif tag and tag[0] != "-":
            out.append(("e", tag, class_and_id(child), flags_of(tag)))
        if child.child is not None:
            stack.append(child)
            child = child.child
        else:
            child = child.next
    return out


def load(sets: Mapping[str, frozenset[str]], raw_block: type) -> Loaded:
    """Import, configure and self-test the C module; say once, on logger ``newsclean``,
    when the Python walks run instead (info when asked for, a warning otherwise).

    ``sets`` maps the module's flag names (``F_INLINE``, ...) to native.py's tag sets, so
    the tag rules stay written once, in native.py; ``raw_block`` is the block class.
    """
    loaded = _load(sets, raw_block)
    if loaded.module is None:
        level = logging.INFO if os.environ.get(DISABLE_ENV) else logging.WARNING
        logging.getLogger("newsclean").log(
            level,
            "newsclean: the C speedups do not run (%s); the Python walks run, "
            "same records at about half the speed",
            loaded.reason,
        )
    return loaded


def _load(sets: Mapping[str, frozenset[str]], raw_block: type) -> Loaded:
    if os.environ.get(DISABLE_ENV):
        return Loaded(None, f"disabled by {DISABLE_ENV}")
    version = getattr(selectolax, "__version__", "")
    if version not in SELECTOLAX_VERSIONS:
        return Loaded(None, f"selectolax {version} is not a checked version")
    try:
        from newsclean._extract import _speedups
    except ImportError as exc:
        return Loaded(None, f"not built ({exc})")
    try:
        flags = _flags(_speedups, sets)
        library = ctypes.CDLL(selectolax.lexbor.__file__)
        remove, element_name, attr_name, attr_value = (
            ctypes.cast(getattr(library, name), ctypes.c_void_p).value or 0 for name in _FUNCTIONS
        )
        text_id, tags = _tag_ids(_speedups, frozenset(flags))
        _speedups.configure(
            remove, element_name, attr_name, attr_value, text_id, tags, flags, raw_block
        )
        # the metadata walk's tags (metadata.py), by lexbor's ids
        probe = LexborHTMLParser("")
        _speedups.meta_configure(lambda name: _speedups.tag_id(probe.create_node(name).mem_id))
        # the date elements' walk (_pipeline._date_region): lexbor's serializer, two tag ids
        serialize = ctypes.cast(library.lxb_html_serialize_tree_cb, ctypes.c_void_p).value or 0
        _speedups.dates_configure(
            serialize, *(_speedups.tag_id(probe.create_node(n).mem_id) for n in ("time", "abbr"))
        )
        tree = LexborHTMLParser(SELF_TEST_HTML)
        root = tree.root
        assert root is not None
        expected = _python_view(root, lambda tag: flags.get(tag, 0))
        if _speedups.describe(root.mem_id) != expected:
            return Loaded(None, "self-test failed: the C walk reads the tree differently")
    except (OSError, AttributeError, ValueError, TypeError, AssertionError) as exc:
        return Loaded(None, f"self-test failed: {type(exc).__name__}: {exc}")
    return Loaded(_speedups, f"active (selectolax {version})")


def _flags(module: Any, sets: Mapping[str, frozenset[str]]) -> dict[str, int]:
    """Tag name -> the module's flag bits, with the role of the tags the C code names."""
    flags: dict[str, int] = {}
    for flag, names in sets.items():
        bit: int = getattr(module, flag)
        for name in names:
            flags[name] = flags.get(name, 0) | bit
    shift: int = module.ROLE_SHIFT
    for role, name in enumerate(module.ROLES):
        if role:
            flags[name] = flags.get(name, 0) | role << shift
    return flags


def _tag_ids(module: Any, names: frozenset[str]) -> tuple[int, dict[int, str]]:
    """lexbor's id of a text node and of every named tag, read off a parsed page."""
    tree = LexborHTMLParser("<p>text</p>")
    paragraph = tree.css_first("p")
    assert paragraph is not None
    assert paragraph.child is not None
    text_id: int = module.tag_id(paragraph.child.mem_id)
    tags: dict[int, str] = {}
    for name in sorted(names):
        node = tree.create_node(name)
        if node.tag != name:
            continue
        tags[module.tag_id(node.mem_id)] = name
    return text_id, tags
