"""Invariants over generated input: the parser, the extractors and the query language never crash.

- any bytes under any name parse into an Article or fail with an ``InputError``;
- extraction of any article gives offsets inside the text, evidence equal to the text it
  points at, and tokens that put the text back together;
- any query string parses or fails with a ``UsageError`` naming the mistake, and a search
  with it returns fragments whose marks lie inside them.

Example counts are bounded so the suite stays quick; ``deadline=None`` because the first
examples warm jieba up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import SEED
from zxkg.ingest.errors import InputError, UsageError
from zxkg.ingest.link import Context, extract
from zxkg.ingest.models import Source
from zxkg.ingest.parse import parse
from zxkg.ingest.pipeline import build_context, ingest
from zxkg.ingest.store import Store
from zxkg.search.index import SearchIndex

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

REGIONS = [
    "湖南省",
    "长沙市",
    "长沙",
    "株洲市政协",
    "湘西州",
    "湘西土家族苗族自治州",
    "冷水滩区",
    "鼓楼区",
    "430100",
    "北京",
]
WORDS = [
    "政协", "市政协", "县政协", "委员", "推行", "实施", "制定", "印发", "打造", "品牌", "机制", "制度", "办法",
    "(试行)", "(修订)", "工作室", "有事好商量", "双考", "两力两率", "党建+", "·", "评价", "开展", "深化",
]  # fmt: skip
MARKS = ["“", "”", "《", "》", "「", "」", '"', "(", ")", "(", ")", "【", "】"]
PUNCT = ["。", ",", "、", ";", ":", "!", "?", "\n", "\n\n", " ", "\u3000", "——", "…", "2024年5月", "😀", "\t"]
cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
piece = st.one_of(
    st.sampled_from(REGIONS), st.sampled_from(WORDS), st.sampled_from(MARKS), st.sampled_from(PUNCT),
    st.text(cjk, min_size=1, max_size=4), st.text(max_size=3),
)  # fmt: skip
# sentences shaped like the ones extraction reads, so relations are found and not only mentions
sentence = st.tuples(
    st.sampled_from(REGIONS),
    st.sampled_from(["政协", "市政协", "", "县政协"]),
    st.sampled_from(["推行", "实施", "打造", "制定", "印发", "全面推行委员", "着力打造"]),
    st.sampled_from(["“{}”", "《{}办法(试行)》", "「{}」", "{}", "“{}”品牌", "“{}”制度"]),
    st.one_of(
        st.sampled_from(["双考", "两力两率", "有事好商量", "党建+委员工作室", "委员履职考核"]), st.text(cjk, max_size=6)
    ),
    st.lists(piece, max_size=6).map("".join),
).map(lambda p: f"{p[0]}{p[1]}{p[2]}{p[3].format(p[4])}{p[5]}。")
article_text = st.lists(st.one_of(piece, sentence), min_size=1, max_size=40).map("".join)

QUERY_PIECES = [
    "(", ")", "“", "”", '"', "「", "」", "『", "』", "OR", "AND", "NOT", "-", ":", "region:", "province:", "year:",
    "mechanism:", "brand:", "document:", "title:", "source:", "foo:", "湖南省", "长沙", "鼓楼区", "委员工作室",
    "双考", "2024", "2024-05", "*", "?", "~", "^", "\\", "/", "+", "&&", "||", " ", " ", "\t", "\n",
]  # fmt: skip
query_text = st.lists(
    st.one_of(st.sampled_from(QUERY_PIECES), st.text(cjk, min_size=1, max_size=3), st.text(max_size=4)), max_size=30
).map("".join)
date_text = st.one_of(
    st.just(""), st.sampled_from(["2024", "2024-05", "2024-05-24", "2024-13", "24", "abcd"]), st.text(max_size=10)
)


@pytest.fixture(scope="module")
def own_ctx() -> Context:
    """A context of its own: generated quotes teach the lexicon words no other test should see."""
    return build_context()


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory, own_ctx: Context) -> Iterator[tuple[SearchIndex, Store]]:
    data = tmp_path_factory.mktemp("props") / "data"
    index = SearchIndex(data, own_ctx.segmenter, own_ctx.gazetteer)
    with Store.open(data) as store, index.indexer() as indexer:
        ingest([str(SEED)], store, own_ctx, after_save=indexer.add)
    with Store.open(data, readonly=True) as store:
        yield index, store


@FAST
@given(
    data=st.one_of(
        st.binary(max_size=400), article_text.map(str.encode), article_text.map(lambda t: t.encode("gbk", "ignore"))
    ),
    name=st.sampled_from(["a.txt", "a.html", "a.md", "a"]),
    markup=st.booleans(),
)
def test_any_bytes_parse_or_fail_with_an_input_error(data: bytes, name: str, markup: bool) -> None:
    if markup:
        data = b"<html><body><div><p>" + data + b"<script>x</script></div>"
    try:
        article = parse(Source(origin=name, file=name, data=data))
    except InputError:
        return
    assert article.text.strip() or article.title


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(text=article_text, title=st.one_of(st.just(""), article_text))
def test_extraction_offsets_always_point_into_the_text(own_ctx: Context, text: str, title: str) -> None:
    header = f"title: {title.splitlines()[0] if title.strip() else '无题'}\n---\n"
    try:
        article = parse(Source(origin="gen.txt", file="gen.txt", data=(header + text).encode("utf-8")))
    except InputError:
        assume(False)
        return
    ex = extract(article, own_ctx)
    t = article.text
    assert "".join(ex.tokens) == t
    for m in ex.mentions:
        assert 0 <= m.start <= m.end <= len(t), m
    for r in ex.relations:
        ev = r.evidence
        assert 0 <= ev.start <= ev.end <= len(t), r
        assert t[ev.start : ev.end] == ev.quote, r
        assert 0 <= ev.span_start <= ev.span_end <= len(t), r


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    query=query_text,
    since=date_text,
    until=date_text,
    region=st.one_of(st.just(()), st.tuples(st.sampled_from([*REGIONS, "", "火星", "../x"]))),
    sort=st.sampled_from(["relevance", "date", "size"]),
    evidence=st.booleans(),
)
def test_any_query_parses_or_says_why_and_searches_cleanly(
    searched: tuple[SearchIndex, Store],
    query: str,
    since: str,
    until: str,
    region: tuple[str, ...],
    sort: str,
    evidence: bool,
) -> None:
    index, store = searched
    try:
        request = index.request(query, regions=region, since=since, until=until, sort=sort, limit=5)
    except UsageError as exc:
        assert str(exc)
        return
    if evidence:
        found = index.evidence(request)
        fragments = [h.fragment for h in found.hits]
    else:
        result = index.search(request, store)
        assert result.total >= len(result.hits)
        fragments = [f for h in result.hits for f in h.fragments]
    for f in fragments:
        previous = 0
        for start, end in f.matches:
            assert previous <= start < end <= len(f.text), (f.text, f.matches)
            previous = end
