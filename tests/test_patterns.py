"""Patterns written for speed find exactly what their readable forms find.

``re`` skips in C to the places where a match can start only when a pattern opens with a
character, a set of characters or alternatives that each open with one; a pattern that opens
with a lookahead, an optional group or a group of alternatives is tried at every character of
an article. The patterns below were rewritten to open with their first characters (each
branch placed behind the character it starts with). Their readable forms are kept here, and
both are run over fuzzed text made of the characters they turn on and over the articles of
the repository: every match, and every group the code reads, must be the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import generate
from zxkg.ingest.extract import actors, initiatives, unquoted

_HEADS = unquoted._HEADS
_MOD = unquoted._MOD
_MEMBER_THING = (
    r"(?:履职管理|(?:履职)?(?:工作室|工作站|联络站|联系点|之家|履职档案|档案|考核|考评|积分管理|积分制(?!度)))"
)

_L = "[省市州县区旗盟]"
# The groups that name LEVEL_CUE's branch: the code asks only whether they matched.
_LEVEL_BRANCHES = ("pair", "two", "auto", "all", "voice", "one")

# name: (the pattern in use, its readable form, the groups the code reads)
READABLE: dict[str, tuple[re.Pattern[str], str, tuple[str | int, ...]]] = {
    "LEVEL_CUE": (
        actors.LEVEL_CUE,
        rf"(?=[省市州县区旗盟自全我本])(?:(?P<pair>(?P<a>{_L})[、和与及]?(?P<b>{_L})两级(?:政协)?)"
        rf"|(?P<two>(?P<c>{_L})[、和与及](?P<d>{_L})政协)"
        r"|(?P<auto>自治区政协)"
        rf"|(?P<all>全(?P<e>{_L})(?:各级政协|政协系统|政协(?!委员会))|全(?P<f>{_L})[^,。;,;]{{0,6}}?各级政协)"
        rf"|(?P<voice>(?:我|本)(?P<g>{_L}))"
        rf"|(?P<one>(?P<h>{_L})政协))",
        tuple("abcdefgh"),
    ),
    "VISIT_GO": (
        actors.VISIT_GO,
        r"(?<![年以未近从原后本带起出下上进回将看得受达做听识意提直用遇感存现正所实])"
        r"(?:到|赴|来到|来|前往|莅临|走进|深入|在(?!于))(?:了)?",
        (),
    ),
    "PLURAL_CUE": (
        actors.PLURAL_CUE,
        r"(?=[各兄\d一二两三四五六七八九十区县市地])(?:各|兄弟|(?P<count>\d+个|[一二两三四五六七八九十]+个))"
        r"[\u4e00-\u9fff()()、]{0,8}?政协(?(count)(?!委员)|(?!委员会))"
        r"|(?:区县|县区|市县|县市区|市州|地市|县\(市、区\)|区\(市\)县)政协",
        (),
    ),
    "LISTED_COMMITTEES": (
        actors.LISTED_COMMITTEES,
        r"(?:等(?:地|(?:\d+|[两三四五六七八九十]+)个[县市区州旗()()、]{1,8}|[县市区州旗]{1,4})?"
        r"|(?P<places>[两三四五六七八九十])[地市县区])政协(?!委员)",
        ("places",),
    ),
    "COUNT_CLOSER": (
        unquoted.COUNT_CLOSER,
        r"(?:\d+|[两三四五六七八九十]+)(?:个|项|大|种)[\u4e00-\u9fff]{0,4}?(?:子平台|平台|机制|品牌|载体|阵地|制度|渠道)",
        (),
    ),
    "MEMBER_LED": (
        unquoted.MEMBER_LED,
        rf"(?=[界党街乡社政委])(?:(?:界别|党员|街道|乡镇|社区)?(?:政协)?委员){_MOD}{{0,8}}?(?:{_HEADS})",
        (),
    ),
    "VERB_LED": (
        unquoted.VERB_LED,
        r"(?=[设组建重成搭开打创推实执举完健召])(?:设立|设置|组建|建立|建起|建成|建设|重建|成立|搭建|开通|打造|创建|创设"
        r"|推行|实行|执行|开展|开设|举办|推进|完善|健全|召开|设(?=\d|[一二两三四五六七八九十]))"
        rf"(?:了|起)?(?:\d+|[一二两三四五六七八九十]+)?(?:个|家|处|批)?({_MOD}{{0,12}}?(?:{_HEADS}))",
        (1,),
    ),
    "ORDINAL_ITEM": (
        unquoted.ORDINAL_ITEM,
        r"(?:[一二三四五六七八九十]是|其[一二三四五六七八九十])[,,]?"
        r"(?:全力|积极|着力|大力|深入|扎实|持续|进一步|不断)?"
        r"(?:推进|推行|实行|建立|健全|完善|开展|实施|创新|探索|构建)"
        r"([\u4e00-\u9fff]{3,10})(?=[。;;,,\n])",
        (1,),
    ),
    "INSTITUTION": (
        initiatives.INSTITUTION,
        rf"(?:(?:界别|党员)(?:政协)?委员|政协(?:政协)?委员|委员){_MEMBER_THING}"
        r"|协商议事(?:室|厅|堂|站|中心|会)|履职(?:考核|考评|积分管理|积分制(?!度)|档案)|提案办理评议",
        (),
    ),
}

# The characters the patterns turn on, a few others, and the marks between clauses.
ALPHABET = (
    "各兄弟0123一二两三四五六七八九十其是区县市地州旗盟省自治我本级系统等个项大种政协委员会界别党街道乡镇社"
    "到赴来前往莅临走进深入在于年以未近从原后带出下上回将看得受达做听识意直用遇感存现正所"
    "设立置组建起成重搭开通打造创推实执举召完健了家处批工作室站联络系点之履职档案考核评积分管理制度"
    "议事厅堂中心提办平台机品牌载体阵渠子全力积极深入推进构,,。;;、()()\n“”的和"
)
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _found(pattern: re.Pattern[str], groups: tuple[str | int, ...], text: str) -> list[tuple[object, ...]]:
    """Each match's span, the spans of ``groups`` and which of LEVEL_CUE's branches matched;
    then what a search from every seventh character, and up to the fifth after it, finds (the
    code reads some patterns in a range of the text, and looks behind its start)."""
    branches = [b for b in _LEVEL_BRANCHES if b in pattern.groupindex]
    found: list[tuple[object, ...]] = [
        (m.span(), *(m.span(g) for g in groups), *(m.group(b) is not None for b in branches))
        for m in pattern.finditer(text)
    ]
    for start in range(0, len(text), 7):
        m = pattern.search(text, start, start + 5)
        found.append((start, m.span() if m else None))
    return found


@pytest.mark.parametrize("name", sorted(READABLE))
@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=60))
def test_a_fast_pattern_finds_what_its_readable_form_finds(name: str, text: str) -> None:
    fast, readable, groups = READABLE[name]
    assert _found(fast, groups, text) == _found(re.compile(readable), groups, text)


@pytest.mark.parametrize("name", sorted(READABLE))
def test_a_fast_pattern_finds_what_its_readable_form_finds_in_the_articles(name: str, articles: list[str]) -> None:
    fast, readable, groups = READABLE[name]
    slow = re.compile(readable)
    seen = 0
    for text in articles:
        found = _found(fast, groups, text)
        assert found == _found(slow, groups, text)
        seen += len(found)
    assert seen  # the articles hold what the pattern is for


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The repository's articles and 300 synthetic ones made of their paragraphs and, when it is
    there, of the shared corpus's (bench/corpus.py)."""
    out = tmp_path_factory.mktemp("patterns") / "corpus.jsonl"
    generate(300, 20, out, SHARED if SHARED.is_dir() else None)
    texts = [json.loads(line)["content"] for line in out.read_text(encoding="utf-8").splitlines()]
    return texts + [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt"))]
