from __future__ import annotations

import os
from pathlib import Path

import pytest

from zxkg.ingest.errors import InputError
from zxkg.ingest.models import Failure, Source
from zxkg.ingest.sources import decode, discover, read_sources

TEXT = "株洲市政协继续推动委员中的党员带头开展“五促行动”。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_decode_detects_encoding(data: bytes, encoding: str) -> None:
    text, found = decode(data)
    assert text == TEXT
    assert found == encoding


def test_a_few_bad_bytes_in_utf8_are_repaired_not_mojibake() -> None:
    data = (TEXT * 200).encode("utf-8")
    data = data[:3000] + b"\xff" + data[3000:]
    text, encoding = decode(data)
    assert encoding == "utf-8 (repaired)"
    assert "株洲市政协" in text and text.count("\ufffd") == 1


def test_binary_is_an_input_error() -> None:
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_discover_walks_recursively_skips_readme_and_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "b" / "two.html").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "README.md").write_text("about", encoding="utf-8")
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "loop")
    found = list(discover([str(tmp_path), str(tmp_path / "missing.txt")]))
    names = [p.name for p in found if isinstance(p, Path)]
    assert names == ["two.html", "one.txt"]  # sorted by path: a/b/… before a/one.txt
    failures = [f for f in found if isinstance(f, Failure)]
    assert len(failures) == 1 and "no such file" in failures[0].reason


def test_jsonl_gives_one_source_per_line_and_reports_broken_lines(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(
        '{"title": "甲", "content": "正文一"}\n{broken\n{"标题": "乙", "内容": "正文二"}\n[1, 2]\n', encoding="utf-8"
    )
    items = list(read_sources(path))
    sources = [i for i in items if isinstance(i, Source)]
    failures = [i for i in items if isinstance(i, Failure)]
    assert [dict(s.fields)["title"] for s in sources] == ["甲", "乙"]
    assert [f.origin for f in failures] == [f"{path}:2", f"{path}:4"]
    assert "not valid JSON" in failures[0].reason and "expected a JSON object" in failures[1].reason


def test_json_field_mapping(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text('{"headline_cn": "标题", "正文内容": "文本", "date": "2024-05-24"}', encoding="utf-8")
    (src,) = read_sources(path, {"title": "headline_cn", "text": "正文内容"})
    assert isinstance(src, Source)
    assert dict(src.fields) == {"title": "标题", "text": "文本", "date": "2024-05-24"}
