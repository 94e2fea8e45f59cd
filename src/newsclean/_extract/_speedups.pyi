"""Types of the compiled facts reader (src/newsclean/_extract/_speedups.c; see facts.py)."""

def configure(
    remove: int,
    element_name: int,
    attr_name: int,
    attr_value: int,
    text_id: int,
    a_id: int,
    attributes: tuple[str, ...],
    /,
) -> None: ...
def read(
    root_id: int, /
) -> tuple[
    list[str],
    list[int],
    list[int],
    list[int],
    list[int],
    list[str],
    list[int],
    list[int],
    list[int],
    list[int],
    list[int],
    tuple[list[str | None], ...],
]: ...
def remove(mem_id: int, /) -> None: ...
def tag_id(mem_id: int, /) -> int: ...
