from __future__ import annotations

import pytest

from zxkg.ingest.errors import InputError
from zxkg.ingest.models import Source
from zxkg.ingest.parse import normalise_date, parse

HEADER_TEXT = """title: 市政协调研委员工作室建设情况
source: http://example.org/a.html (渭南日报)
date: 2023-06-21
author: 张三
---
本报讯 市政协调研委员工作室建设情况。

委员们表示,要把工作室建成履职新平台。
"""

PASTED_PAGE = """要闻动态
某某县政协扎实推进“协商在基层”建设
发布时间:2024-05-24 编辑:某某政协新闻网
分享

某某县政协以机制建设为抓手,推进“协商在基层”品牌建设。下转3版①


文 | 政协融媒记者 王五

请使用微信扫一扫
请使用微信扫一扫
"""


def src(text: str, name: str = "a.txt", encoding: str = "utf-8") -> Source:
    return Source(origin=name, file=name, data=text.encode(encoding))


def test_header_gives_metadata_and_title_opens_the_text() -> None:
    a = parse(src(HEADER_TEXT))
    assert a.title == "市政协调研委员工作室建设情况"
    assert a.date == "2023-06-21"
    assert a.source == "渭南日报"
    assert a.url == "http://example.org/a.html"
    assert a.author == "张三"
    assert a.text.startswith(a.title + "\n本报讯")
    assert "title:" not in a.text


def test_headerless_page_finds_title_date_source_author_and_drops_furniture() -> None:
    a = parse(src(PASTED_PAGE))
    assert a.title == "某某县政协扎实推进“协商在基层”建设"
    assert a.date == "2024-05-24"
    assert a.source == "某某政协新闻网"
    assert a.author == "王五"
    for junk in ("分享", "微信扫一扫", "下转3版", "发布时间", "文 |", "要闻动态\n某"):
        assert junk not in a.text
    assert "品牌建设。" in a.text


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("镇江", "镇江市政协开展居家养老时间银行试点,今年以来成效明显。"),  # 时间 in a word, the title a prefix
        ("市政协调研", "委员们表示,建议来源于群众,作者是委员本人。"),  # 来源, 作者 without a separator
    ],
)
def test_a_short_opening_paragraph_is_kept_whole(title: str, body: str) -> None:
    a = parse(src(f"title: {title}\n---\n{body}\n"))
    assert a.text == f"{title}\n{body}"


def test_time_given_without_a_colon_is_still_metadata() -> None:
    a = parse(src("某某县政协召开会议\n发布时间 2024-05-24\n\n某某县政协召开主席会议,研究工作。\n"))
    assert a.date == "2024-05-24" and "发布时间" not in a.text


def test_gbk_text_parses_like_utf8() -> None:
    assert parse(src(HEADER_TEXT, encoding="gbk")).text == parse(src(HEADER_TEXT)).text


def test_traditional_text_is_simplified_and_original_kept() -> None:
    a = parse(src("title: 張北縣政協對重點提案進行督辦\n---\n張北縣政協召開會議,對重點提案進行督辦。\n"))
    assert a.title == "张北县政协对重点提案进行督办"
    assert "張北縣" in a.original


def test_full_width_forms_are_folded() -> None:
    a = parse(src("title: 测试\n---\n２０２４年，政协（试行）办法：ＡＢＣ\n"))
    assert "2024年,政协(试行)办法:ABC" in a.text


HTML_PAGE = """<!doctype html><html><head><title>委员工作室授牌 - 某某政协网</title>
<meta name="pubdate" content="2023-03-08 10:00"><meta name="source" content="某某日报">
<script>var x = "<p>不是正文</p>";</script></head>
<body><div class="nav"><a href="/">首页</a> <a href="/a">政协要闻</a> <a href="/b">委员风采</a></div>
<div class="main"><h1>光明区政协举行委员工作室集中授牌活动</h1>
<div class="content"><p>3月8日,光明区政协举行政协委员工作室集中授牌活动。</p>
<p>区政协主席出席活动并讲话,要求各工作室发挥作用。</p></div></div>
<div class="footer">版权所有 某某政协 备案号</div></body></html>"""


def test_html_main_text_title_and_meta() -> None:
    a = parse(src(HTML_PAGE, name="page.html"))
    assert a.title == "委员工作室授牌" or a.title == "光明区政协举行委员工作室集中授牌活动"
    assert a.date == "2023-03-08"
    assert a.source == "某某日报"
    assert "光明区政协举行政协委员工作室集中授牌活动。" in a.text
    assert "区政协主席出席活动并讲话" in a.text
    for junk in ("首页", "版权所有", "不是正文"):
        assert junk not in a.text


def test_json_record_with_html_content() -> None:
    fields = (("title", "标题"), ("text", "<p>第一段。</p><p>第二段。</p>"), ("date", "2025/1/2"))
    a = parse(Source(origin="d.jsonl:1", file="d.jsonl:1", data=b"", fields=fields))
    assert a.text == "标题\n第一段。\n第二段。"
    assert a.date == "2025-01-02"


@pytest.mark.parametrize("text", ["", "   \n\n  ", "<html><body><script>x()</script></body></html>"])
def test_nothing_usable_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        parse(src(text, name="x.html" if "<" in text else "x.txt"))


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-05-24", "2024-05-24"),
        ("2024年5月4日", "2024-05-04"),
        ("发布时间:2024/5/24 10:00", "2024-05-24"),
        ("2023-06", "2023-06"),
        ("2012", "2012"),
        ("", ""),
        ("不详", ""),
    ],
)
def test_normalise_date(value: str, iso: str) -> None:
    assert normalise_date(value) == iso


def test_same_text_same_id_whatever_the_file_name() -> None:
    assert parse(src(HEADER_TEXT, "a.txt")).id == parse(src(HEADER_TEXT, "b.txt")).id


def test_control_and_format_characters_are_dropped_text_of_simplified_script_kept() -> None:
    # zero-width space, soft hyphen, a private-use character and a BEL inside a sentence
    a = parse(src("title: 测试\n---\n市政\u200b协召开\u00ad会议\ue000,审议\x07提案。\n"))
    assert "市政协召开会议,审议提案。" in a.text
    # one traditional-only character (a surname) in a simplified text is left as written
    body = "於家村村民代表参加会议。" + "市政协召开常委会会议,审议提案办理情况,推动委员履职尽责。" * 3
    assert "於家村" in parse(src(f"title: 测试\n---\n{body}\n")).text
