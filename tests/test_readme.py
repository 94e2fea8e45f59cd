"""The Python examples of the README and of the docs' guides run as pasted: each block is
saved as a script and run from the repository's root, as a reader who pastes it would.

A block under ``<!-- readme-test: needs the network ... -->`` is compiled and checked for
names it uses without defining, not run (the tests reach no network).
"""

from __future__ import annotations

import builtins
import re
import subprocess
import symtable
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "README.md", ROOT / "docs" / "index.md", ROOT / "docs" / "library.md")
NETWORK_MARK = "<!-- readme-test: needs the network"
BLOCK = re.compile(r"(?P<mark><!--[^\n]*-->\n)?```python\n(?P<code>.*?)```", re.DOTALL)


def _blocks() -> list[tuple[str, str, bool]]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start("code")) + 1
            mark = match.group("mark") or ""
            where = f"{page.relative_to(ROOT)}:{line}"
            found.append((where, match.group("code"), mark.startswith(NETWORK_MARK)))
    return found


BLOCKS = _blocks()


def test_the_readme_has_python_examples():
    assert sum(where.startswith("README") for where, _, _ in BLOCKS) >= 4


def _undefined_names(code: str) -> list[str]:
    table = symtable.symtable(code, "README", "exec")
    return sorted(
        symbol.get_name()
        for symbol in table.get_symbols()
        if symbol.is_referenced()
        and not (symbol.is_assigned() or symbol.is_imported())
        and not hasattr(builtins, symbol.get_name())
    )


@pytest.mark.parametrize(("where", "code", "network"), BLOCKS, ids=[b[0] for b in BLOCKS])
def test_example_runs_as_pasted(where: str, code: str, network: bool, tmp_path: Path):
    assert _undefined_names(code) == [], f"{where}: names used but never defined"
    if network:
        compile(code, where, "exec")
        return
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, f"{where}:\n{proc.stdout}\n{proc.stderr[-3000:]}"
