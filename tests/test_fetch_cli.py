"""``newsclean fetch`` against a loopback server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _http_server import LocalServer, server
from newsclean._cli.main import main

__all__ = ["server"]

STORY = (
    "<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1>"
    "<p>The old river bridge reopened to traffic on Friday after two years of repairs that "
    "cost the city far more than first planned.</p></article></body></html>"
)


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_fetch_writes_one_row_per_url(server: LocalServer, tmp_path: Path, capsys) -> None:
    good = server.page("/story", STORY)
    missing = server.url("/missing")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# a comment\n{missing}\n\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(["fetch", good, "-i", str(urls), "-o", str(out), "--allow-private", "--delay", "0"])
    assert code == 1  # one URL failed
    by_source = {row["source"]: row for row in rows(out)}
    assert set(by_source) == {good, missing}
    article = by_source[good]["article"]
    assert isinstance(article, dict)
    assert "river bridge" in str(article["text"])
    assert by_source[missing]["error"] == {
        "stage": "fetch",
        "kind": "StatusError",
        "message": f"HTTP 404 from {missing}",
    }
    assert json.loads(capsys.readouterr().err.strip().splitlines()[-1]) == {
        "urls": 2,
        "records": 1,
        "errors": 1,
    }


def test_fetch_refuses_loopback_without_the_flag(server: LocalServer, capsys) -> None:
    url = server.page("/story", STORY)
    assert main(["fetch", url]) == 1
    row = json.loads(capsys.readouterr().out)
    assert row["source"] == url
    assert row["error"]["kind"] == "DisallowedAddress"
    assert server.hits["/story"] == 0


def test_fetch_progress_bar_when_asked(server: LocalServer, tmp_path: Path, capsys) -> None:
    urls = [server.page(f"/p{i}", STORY) for i in range(3)]
    out = tmp_path / "out.jsonl"
    args = ["fetch", *urls, "-o", str(out), "--allow-private", "--delay", "0"]
    assert main([*args, "--progress", "always"]) == 0
    assert "3/3" in capsys.readouterr().err
    assert len(rows(out)) == 3


def test_fetch_without_urls_is_a_usage_error(capsys) -> None:
    assert main(["fetch"]) == 2
    assert "no URLs" in capsys.readouterr().err


def test_fetch_with_bad_options(capsys) -> None:
    assert main(["fetch", "http://example.com/", "--max-bytes", "0"]) == 2
    assert "max_bytes" in capsys.readouterr().err


def test_fetch_help_lists_the_flags(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["fetch", "--help"])
    text = capsys.readouterr().out
    for flag in ("--allow-private", "-i", "-o", "--concurrency", "--ignore-robots"):
        assert flag in text
