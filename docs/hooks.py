"""MkDocs hooks for the documentation site (mkdocs.yml lists this file).

The docstrings are written for readers of the source and for ``help()``: they name other
objects with Sphinx roles (``:class:`Article```). mkdocstrings renders Markdown, where a role
would show as raw text; this hook drops the role and keeps the code span.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|exc|obj|const):(?=<code>)")


def on_page_content(html: str, **kwargs: Any) -> str:
    return _ROLE.sub("", html)


# ``--8<-- "cli-help:clean"`` in a page: the command's --help, as the installed package gives it
_CLI_HELP = re.compile(r'^--8<-- "cli-help:(?P<command>[a-z]+)"$', re.MULTILINE)


def _cli_help(match: re.Match[str]) -> str:
    import argparse
    import os

    from newsclean._cli.main import build_parser

    os.environ["COLUMNS"] = "96"  # argparse wraps at the terminal's width: fix it
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[match.group("command")].format_help().rstrip()
    raise ValueError("newsclean has no subcommands")


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return _CLI_HELP.sub(_cli_help, markdown)
