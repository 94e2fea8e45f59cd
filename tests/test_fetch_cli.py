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
    err = capsys.readouterr().err
    assert "inputs 2, records 1, errors 1" in err  # the summary newsclean clean prints
    assert "errors by kind: StatusError 1" in err


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


TABLE_STORY = STORY.replace(
    "</article>",
    "<table><tr><th>Span</th><th>Length</th></tr><tr><td>Main</td><td>120 m</td></tr></table>"
    "</article>",
)


def test_fetch_has_the_output_flags_of_clean(server: LocalServer, tmp_path: Path) -> None:
    urls = [server.page("/news/bridge.html", TABLE_STORY), server.page("/news/other/", STORY)]
    out = tmp_path / "articles"
    args = ["fetch", *urls, "--allow-private", "--delay", "0", "-q"]
    assert main([*args, "--format", "md", "-o", str(out), "--no-tables"]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["127.0.0.1_" + str(server.server_address[1]) + "_news_bridge.md",
                     "127.0.0.1_" + str(server.server_address[1]) + "_news_other.md",
                     "_index.jsonl"]  # fmt: skip
    text = (out / files[0]).read_text("utf-8")
    assert text.startswith("# Bridge reopens")
    assert "120 m" not in text  # --no-tables reached the cleaner
    jsonl = tmp_path / "native.jsonl"
    assert main([*args, "--extractor", "native", "-o", str(jsonl)]) == 0
    assert {row["article"]["extractor"] for row in rows(jsonl)} == {"native"}  # type: ignore[index]


def test_fetch_resume_skips_the_urls_done(server: LocalServer, tmp_path: Path) -> None:
    first = server.page("/one", STORY)
    second = server.page("/two", STORY)
    out = tmp_path / "out.jsonl"
    args = ["fetch", "--allow-private", "--delay", "0", "-q", "-o", str(out)]
    assert main([*args, first]) == 0
    assert main([*args, first, second, "--resume"]) == 0
    assert [row["source"] for row in rows(out)] == [first, second]
    assert server.hits["/one"] == 1  # not fetched again


def test_clean_u_fetches_and_cleans(server: LocalServer, capsys) -> None:
    url = server.page("/story", STORY)
    assert main(["clean", "-u", url, "--allow-private", "--format", "txt", "-q"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Bridge reopens")
    assert "old river bridge" in out


def test_clean_u_obeys_the_address_guard(server: LocalServer, capsys) -> None:
    url = server.page("/story", STORY)
    assert main(["clean", "-u", url]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["error"]["kind"] == "DisallowedAddress"
    assert "inputs 1, records 0, errors 1" in captured.err
    assert server.hits["/story"] == 0


def test_clean_u_with_files_is_a_usage_error(tmp_path: Path, capsys) -> None:
    page = tmp_path / "p.html"
    page.write_text(STORY, encoding="utf-8")
    assert main(["clean", str(page), "-u", "https://example.org/"]) == 2
    assert "not both" in capsys.readouterr().err
