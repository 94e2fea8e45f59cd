"""The compiled facts reader (``newsclean._extract._speedups``), loaded only where it can be
trusted.

The extension reads lexbor's tree through struct layouts copied from the lexbor bundled in
selectolax (``_lexbor.h``) into the facts table of ``facts.py``; it decides nothing. It runs
only when

1. the extension was built and imports (``pip install`` builds it when a C compiler is
   there; ``optional=True`` in ``setup.py`` lets the install go on without one),
2. ``selectolax.__version__`` is one whose lexbor headers were checked
   (:data:`SELECTOLAX_VERSIONS`, matching the pin in ``pyproject.toml``),
3. the self-test passes: the compiled and the Python reader give the same table for a page
   of tags, texts, attributes and odd characters (:data:`SELF_TEST_HTML`), and
4. ``NEWSCLEAN_NO_SPEEDUPS`` is unset or empty (tests and benchmarks set it to compare).

Otherwise :func:`load` says why (logged once, on the ``newsclean`` logger), and
:func:`facts.read_python` fills the table: same facts, same records, slower.
"""

from __future__ import annotations

import ctypes
import logging
import os
from types import ModuleType

import selectolax
import selectolax.lexbor

from newsclean._dom import LexborHTMLParser
from newsclean._extract import facts

__all__ = ["DISABLE_ENV", "SELECTOLAX_VERSIONS", "SELF_TEST_HTML", "Loaded", "load"]

# selectolax releases whose bundled lexbor headers _lexbor.h was checked against
SELECTOLAX_VERSIONS = frozenset({"1.0.0", "1.0.1", "1.0.2"})
DISABLE_ENV = "NEWSCLEAN_NO_SPEEDUPS"
# the lexbor functions the reader calls, by their exported names
_FUNCTIONS = (
    "lxb_dom_node_remove",
    "lxb_dom_element_qualified_name",
    "lxb_dom_attr_qualified_name",
    "lxb_dom_attr_value_noi",
)
# Tags, text, comments, Unicode spaces, attributes in odd cases, valueless and repeated
# attributes, invalid characters: what the self-test reads with both readers.
SELF_TEST_HTML = (
    "<html><head><title>t</title></head><body class='Page Home' id=Top>"
    "<!-- a comment --><div CLASS='Ünï ÇASE' id='' itemprop=articleBody><p>One,\u00a0two"
    "\u2003 </p><my-widget class=w>custom <b>bold</b></my-widget><span>é\u00e9</span><br>"
    "<table><tr><td id=c>cell, cell</td></tr></table><pre>  code\n  more</pre>"
    "<ul><li class>item</li></ul><svg><g class=s></g><a>svg link</a></svg><math><mi>x</mi>"
    "</math><a href=x>link <a>inner</a></a><a class=x class=y>twice</a>\x1c\u3000\ud800x"
    "</div></body></html>"
)
LOG = logging.getLogger("newsclean")


class Loaded:
    """The outcome of :func:`load`: the configured module, or why there is none."""

    __slots__ = ("module", "reason")

    def __init__(self, module: ModuleType | None, reason: str) -> None:
        self.module = module
        self.reason = reason


def load() -> Loaded:
    """Import, configure and self-test the compiled reader; install the winner in facts.py."""
    loaded = _load()
    facts.install(loaded.module, loaded.reason)
    return loaded


def _load() -> Loaded:
    if os.environ.get(DISABLE_ENV):
        return Loaded(None, f"disabled by {DISABLE_ENV}")
    version = getattr(selectolax, "__version__", "")
    if version not in SELECTOLAX_VERSIONS:
        return Loaded(None, f"selectolax {version} is not a version the reader was checked on")
    try:
        from newsclean._extract import _speedups
    except ImportError as exc:
        return Loaded(None, f"not built ({exc})")
    try:
        library = ctypes.CDLL(selectolax.lexbor.__file__)
        remove, element_name, attr_name, attr_value = (
            ctypes.cast(getattr(library, name), ctypes.c_void_p).value or 0 for name in _FUNCTIONS
        )
        probe = LexborHTMLParser("<p>text</p>")
        paragraph = probe.css_first("p")
        assert paragraph is not None
        assert paragraph.child is not None
        text_id = _speedups.tag_id(paragraph.child.mem_id)
        a_id = _speedups.tag_id(probe.create_node("a").mem_id)
        _speedups.configure(
            remove, element_name, attr_name, attr_value, text_id, a_id, facts.ATTRIBUTES
        )
        tree = LexborHTMLParser(SELF_TEST_HTML)
        for root in (tree.root, tree.body):
            assert root is not None
            compiled = facts.Facts(_speedups.read(root.mem_id), remover=_speedups)
            if compiled.columns() != facts.read_python(root).columns():
                LOG.warning("newsclean: the compiled facts reader failed its self-test")
                return Loaded(None, "self-test failed: the two readers read the tree differently")
    except (OSError, AttributeError, ValueError, TypeError, AssertionError) as exc:
        LOG.warning("newsclean: the compiled facts reader failed its self-test: %s", exc)
        return Loaded(None, f"self-test failed: {type(exc).__name__}: {exc}")
    return Loaded(_speedups, f"active (selectolax {version})")
