"""Types of the C extension (src/newsclean/_extract/_speedups.c)."""

from collections.abc import Callable
from typing import Any

from newsclean._extract.body import RawBlock

ROLES: tuple[str, ...]
ROLE_SHIFT: int
F_INLINE: int
F_SKIP: int
F_SCORED: int
F_TEXT_CONTAINER: int
F_NO_VOCABULARY: int
F_NEVER_PRUNED: int
F_LINK_FARM: int

class Stat:
    @property
    def tag(self) -> str: ...
    @property
    def marker(self) -> str: ...
    @property
    def children(self) -> list[Stat]: ...
    @property
    def mem_id(self) -> int: ...
    @property
    def parent_id(self) -> int: ...
    @property
    def chars(self) -> int: ...
    @property
    def links(self) -> int: ...
    @property
    def commas(self) -> int: ...
    @property
    def paragraphs(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def flat(self) -> bool: ...
    @property
    def link_density(self) -> float: ...
    @property
    def node(self) -> None: ...

def configure(
    remove: int,
    element_name: int,
    attr_name: int,
    attr_value: int,
    text_id: int,
    tags: dict[int, str],
    flags: dict[str, int],
    raw_block: type[RawBlock],
    /,
) -> None: ...
def measure(
    root_id: int, by_id: dict[int, Any], scored: list[Any], pruner: object | None, /
) -> Stat: ...
def write(
    chosen: list[Any],
    by_id: dict[int, Any],
    kept: dict[int, str],
    include_tables: bool,
    listing: bool,
    limit: float,
    prune_max_share: float,
    story_beside_comments: float,
    link_farm_max_text: float,
    /,
) -> list[RawBlock]: ...
def rank(
    scored: list[Any],
    final: dict[int, float],
    tag_weights: dict[str, float],
    positive: frozenset[str],
    negative: frozenset[str],
    stem: str,
    class_weight: float,
    marker_weight: Callable[[str], float],
    /,
) -> list[tuple[float, Any]]: ...
def tag_id(mem_id: int, /) -> int: ...
def describe(root_id: int, /) -> list[tuple[Any, ...]]: ...

# the metadata walk (metadata._read_page)
def meta_configure(tag_id_of: Callable[[str], int], /) -> None: ...
def meta_scan(root_id: int, h1s_read: int, datelines_read: int, /) -> tuple[Any, ...]: ...
def meta_byline_texts(root_id: int, /) -> list[int]: ...
def meta_text(mem_id: int, /) -> str: ...
def meta_inside_comments(mem_id: int, levels: int, /) -> bool: ...
def dates_configure(serialize_tree_cb: int, time_id: int, abbr_id: int, /) -> None: ...
def date_elements(root_id: int, max_parts: int, max_text: int, /) -> list[str]: ...
def word_count(text: str, /) -> int: ...
