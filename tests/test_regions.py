"""Region extraction: aliases, committees, ambiguity and words that only look like places."""

from __future__ import annotations

from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zxkg.ingest.extract.regions import _boundaries, _inner, _Inside, _Raw, extract_regions, home_region
from zxkg.ingest.gazetteer import Gazetteer, derive_aliases
from zxkg.ingest.link import Context


def names(text: str, ctx: Context, source: str = "") -> list[str]:
    home = home_region(source, ctx.gazetteer, ctx.segmenter)
    return [h.entity.name for h in extract_regions(text, ctx.gazetteer, ctx.segmenter, home=home)]


def test_table_is_complete_enough() -> None:
    gaz = Gazetteer.load()
    levels = [d.level for d in gaz.by_code.values()]
    assert levels.count("province") >= 34
    assert levels.count("prefecture") >= 330
    assert levels.count("county") >= 2800
    changsha = gaz.find("长沙")
    assert changsha is not None and changsha.code == "430100"
    assert [d.name for d in gaz.ancestors("430111")] == ["长沙市", "湖南省"]  # 雨花区
    assert gaz.by_code["429004"].parent == "420000"  # 仙桃市 hangs from 湖北省 directly


def test_every_district_and_county_of_the_municipalities_is_in_the_table() -> None:
    """Beijing, Tianjin and Shanghai have 16 districts each, Chongqing 26 districts and 12
    counties (GB/T 2260); the source table once lacked two of Chongqing's."""
    gaz = Gazetteer.load()
    under = {code: [d for d in gaz.by_code.values() if d.parent == code and d.level == "county"] for code in
             ("110000", "120000", "310000", "500000")}  # fmt: skip
    assert [len(under[c]) for c in ("110000", "120000", "310000")] == [16, 16, 16]
    chongqing = {d.name for d in under["500000"]}
    assert len({n for n in chongqing if n.endswith("区")} - {"两江新区"}) == 26
    assert len({n for n in chongqing if n.endswith("县")}) == 12
    assert {"渝北区", "江北区"} <= chongqing


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("湘西土家族苗族自治州", {"湘西州", "湘西"}),
        ("延边朝鲜族自治州", {"延边州", "延边"}),
        ("江华瑶族自治县", {"江华县", "江华"}),
        ("新疆维吾尔自治区", {"新疆维吾尔族自治区", "新疆"}),
        ("内蒙古自治区", {"内蒙古"}),
        ("长沙市", {"长沙"}),
        ("冷水滩区", {"冷水滩"}),
        ("金州区", {"金州"}),  # a weak form: it needs a county's evidence (below)
        ("察哈尔右翼后旗", {"察哈尔右翼后", "察右后旗"}),
        ("土默特左旗", {"土默特左", "土左旗"}),
        ("乌拉特前旗", {"乌拉特前", "乌前旗"}),
        ("镶黄旗", {"镶黄"}),
    ],
)
def test_derived_aliases(name: str, forms: set[str]) -> None:
    level = "province" if name.endswith("自治区") else "county"
    assert {f for f, _ in derive_aliases(name, level)} == forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("长沙市政协召开会议。", ["长沙市"]),
        ("在湘西州,两级政协联动。", ["湘西土家族苗族自治州"]),
        ("政协永州市委员会印发通知。", ["永州市"]),
        ("延边州政协组织委员视察。", ["延边朝鲜族自治州"]),
        ("江华县政协和永州市政协联合调研。", ["江华瑶族自治县", "永州市"]),
        ("湖南省长沙市雨花区政协", ["湖南省", "长沙市", "雨花区"]),
        ("新疆维吾尔族自治区克拉玛依市政协主席", ["新疆维吾尔自治区", "克拉玛依市"]),
        ("張家界市政協", []),  # extraction runs on normalised (simplified) text only
        # a name that starts inside a rejected form and runs past it: 中宁 (a word's tail and
        # head) is no place, 宁远县 after it is; the same for 台江 in 出台江苏省, 市南 in 城市南京市
        ("全市建成议事室40个,其中宁远县建成8个。", ["宁远县"]),
        ("率先出台江苏省首个办法。", ["江苏省"]),
        ("在省会城市南京市调研。", ["南京市"]),
    ],
)
def test_region_mentions(ctx: Context, text: str, expected: list[str]) -> None:
    assert names(text, ctx) == expected


@pytest.mark.parametrize(
    "text",
    [
        "五大连池风景区游客众多。",  # 五大连池 is a county-level city: never 大连
        "打造“平湖山海几千重”文化品牌。",  # a short form inside a quoted brand
        "以“党建+衡州书香”铸魂。",
        "委员李江华发言。",  # a person's name
        "市政协机关和县政协办公室具体负责。",  # 和县 inside 机关和县政协
        "东方红日出,和平发展,通道畅通。",  # county short forms that are common words
    ],
)
def test_not_regions(ctx: Context, text: str) -> None:
    assert [n for n in names(text, ctx) if n != "大连市"] == [] and "大连市" not in names(text, ctx)


def test_a_person_named_like_a_district_is_no_district(ctx: Context) -> None:
    # 华容 (鄂州市华容区) with a surname before it and a title after it is a member's name;
    # a region before a members' institution stays a region
    assert names("鄂州市政协召开会议,九三学社张华容委员作大会发言。", ctx) == ["鄂州市"]
    assert names("鄂州市政协走访了华容委员工作室。", ctx) == ["鄂州市", "华容区"]


def test_short_county_form_needs_its_parent_in_the_article(ctx: Context) -> None:
    assert names("江华委员积极履职。", ctx) == []
    assert names("永州市政协组织江华委员积极履职。", ctx) == ["永州市", "江华瑶族自治县"]


def test_shared_county_names_resolved_by_context_or_left_unresolved(ctx: Context) -> None:
    hits = extract_regions("福州市鼓楼区政协召开会议。", ctx.gazetteer, ctx.segmenter)
    assert [(h.entity.name, h.entity.code) for h in hits] == [("福州市", "350100"), ("鼓楼区", "350102")]
    (alone,) = extract_regions("鼓楼区政协召开会议。", ctx.gazetteer, ctx.segmenter)
    assert alone.entity.name == "鼓楼区" and alone.entity.code == "" and alone.confidence < 0.5
    assert "350102" in dict(alone.entity.attrs)["candidates"]


def test_a_city_jieba_knows_as_a_place_is_one_however_common(ctx: Context) -> None:
    """武汉 is frequent in jieba's dictionary because it is a city; 大连 is tagged an adverb."""
    assert names("湖北省政协十三届二次会议在武汉开幕。", ctx) == ["湖北省", "武汉市"]
    assert names("学习长沙、株洲等地经验。", ctx) == ["长沙市", "株洲市"]
    assert names("在平原上开会。", ctx) == []  # a county: its parent must be named


def test_a_shared_name_that_is_a_common_word_is_a_place_only_in_context(ctx: Context) -> None:
    """Three districts are named 城区, and any town centre is one."""
    assert names("为助推城区经济社会高质量发展凝聚共识。", ctx) == []
    assert names("阳泉市城区政协召开会议。", ctx) == ["阳泉市", "城区"]
    assert names("城区政协召开会议。", ctx) == ["城区"]  # a committee: a district, which one unknown


def test_bare_committee_binds_to_home_region(ctx: Context) -> None:
    assert names("市政协召开主席会议。", ctx, source="湘潭政协网") == ["湘潭市"]
    assert names("县政协召开主席会议。", ctx, source="湘潭政协网") == []  # level does not fit
    assert names("各市政协负责人参加。", ctx, source="湘潭政协网") == []


def test_committee_of_nested_names_is_the_innermost(ctx: Context) -> None:
    hits = extract_regions("中国人民政治协商会议上海市闵行区委员会", ctx.gazetteer, ctx.segmenter)
    assert [(h.entity.name, h.committee) for h in hits] == [("上海市", False), ("闵行区", True)]


def test_full_name_inside_two_common_words_is_not_a_region(ctx: Context) -> None:
    assert names("连云港市作为我省重要的沿海城市", ctx) == ["连云港市"]  # not 海城市


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # c1: a three-character district's short form, with a county's evidence
        ("大连市政协在金州召开现场会。", ["大连市", "金州区"]),  # its parent named
        ("金州政协召开会议。", ["金州区"]),  # a committee after it
        ("在金州召开现场会。", []),  # nothing says which 金州
        ("中国人民政治协商会议第五届河池市委员会第六次会议在宜州开幕。", ["河池市", "宜州区"]),
        ("友好政协开展交流。", []),  # a common word, whatever follows it
        ("实现中华民族伟大复兴,河北省政协凝聚共识。", ["河北省"]),
        # c2: names inside names
        ("太原市小店区政协主席出席,副主席刘丽江、王大同等参加。", ["太原市", "小店区"]),
        ("山西省政协委员们走进长治里社区调研。", ["山西省"]),
        ("广西壮族自治区政协考察中渡镇朝阳村和凭祥市友谊镇。", ["广西壮族自治区", "凭祥市"]),
        ("浙江省政协主席出席,副主席林虹、陈建勋、陈金华参加。", ["浙江省"]),
        ("广西壮族自治区政协向各位来宾表示欢迎。", ["广西壮族自治区"]),
        ("县政协围绕“生态立县、旅居兴县”战略履职。", []),  # a two-character name inside a slogan
        # banners by their usual abbreviation
        ("察右后旗政协组织委员考察。", ["察哈尔右翼后旗"]),
    ],
)
def test_regions_by_the_evidence_a_short_form_needs(ctx: Context, text: str, expected: list[str]) -> None:
    assert names(text, ctx) == expected


@pytest.mark.parametrize(
    ("source", "home"),
    [
        ("桐庐新闻网", "桐庐县"),  # an outlet's name is evidence for a county's short form
        ("《连云港新闻》", "连云港市"),
        ("湘潭政协网", "湘潭市"),
        ("柳州市政协网站 · 县区政协 · 鹿寨县", "鹿寨县"),
        ("新华网", None),
    ],
)
def test_the_source_line_names_the_home_region(ctx: Context, source: str, home: str | None) -> None:
    found = home_region(source, ctx.gazetteer, ctx.segmenter)
    assert (found.name if found else None) == home


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1])), max_size=8),
    st.integers(-2, 60),
)
def test_a_position_is_inside_the_quotes_as_a_test_of_every_range_says(ranges: list[tuple[int, int]], pos: int) -> None:
    """Nested, touching and empty ranges (“” holds nothing) answer as each range tested in turn."""
    assert _Inside(ranges)(pos) == any(a <= pos < b for a, b in ranges)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="长沙市政协", min_size=1, max_size=4), max_size=12), st.integers(-1, 60))
def test_word_boundaries_are_the_ends_of_the_words_and_the_text(words: list[str], pos: int) -> None:
    text = "".join(words)
    cuts = _boundaries(text, None, words)  # type: ignore[arg-type]  # words given: no segmenter asked
    assert (pos in cuts) == (pos in {0, len(text), *accumulate(map(len, words))})


def test_the_ancestors_a_caller_changes_are_not_the_tables() -> None:
    gaz = Gazetteer.load()
    county = next(
        d for d in gaz.by_code.values() if d.level == "county" and gaz.by_code[d.parent].level == "prefecture"
    )
    first = gaz.ancestors(county.code)
    first.clear()
    assert [d.level for d in gaz.ancestors(county.code)] == ["prefecture", "province"]
    assert gaz.entity(county) is gaz.entity(gaz.by_code[county.code])


def _inner_by_every_length(text: str, gaz: Gazetteer, start: int, end: int) -> tuple[int, int] | None:
    for at in range(start + 1, end):
        for length in range(min(gaz.longest_form, len(text) - at), end - at, -1):
            if text[at : at + length] in gaz.forms:
                return at, at + length
    return None


PIECES = ["其中", "长沙县", "宁远县", "中宁", "长沙", "沙县", "市", "南京", "京山", "山东省", "和县", "朝阳区"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=6))
def test_the_name_inside_a_rejected_one_is_the_longest_as_every_length_tried_in_turn_finds(pieces: list[str]) -> None:
    gaz = Gazetteer.load()
    text = "".join(pieces)
    for start, end in gaz.index.scan(text):
        raw = _Raw(start, end, tuple(gaz.forms[text[start:end]]), False)
        inner = _inner(text, gaz, raw, _Inside([]))
        found = (inner.start, inner.end) if inner else None
        assert found == _inner_by_every_length(text, gaz, start, end)
