"""Our analyzer: the Segmenter's tokens at ordinal positions, sub-words at their word's position."""

from __future__ import annotations

import pytest

from zxkg.ingest.link import Context
from zxkg.search.terms import Terms


@pytest.fixture(scope="module")
def terms(module_ctx: Context) -> Terms:
    return Terms(module_ctx.segmenter)


def test_positions_are_ordinal_and_skip_punctuation(terms: Terms) -> None:
    positions = terms.positions(["党建", "+", "委员", "工作室", "。", "\n", "Hello"])
    assert [p[0] for p in positions] == ["党建", "委员", "工作室", "hello"]


def test_sub_words_share_their_words_position(terms: Terms) -> None:
    (word,) = terms.positions(["农业发展银行"])
    assert word[0] == "农业发展银行"
    assert {"农业", "发展", "银行"} <= set(word[1:])
    assert terms.positions(["委员"]) == (("委员",),)  # two characters: nothing inside


def test_queries_are_not_expanded(terms: Terms) -> None:
    assert terms.query_tokens("中国农业发展银行") == ("中国", "农业发展银行")
    assert terms.query_tokens("“党建+委员工作室”") == ("党建", "委员", "工作室")


def test_sentences_are_cut_from_the_article_tokens_with_a_gap_between(terms: Terms) -> None:
    text = "长沙市政协出台办法。岳阳市政协派驻指导员。"
    tokens = terms.segmenter.cut(text)
    positions = terms.sentences(tokens, [(0, 10), (10, len(text))])
    words = [p[0] if p else "" for p in positions]
    gap = words.index("")
    assert "".join(words[:gap]) == "长沙市政协出台办法"
    assert "".join(words[gap + 1 :]) == "岳阳市政协派驻指导员"
    # a sentence boundary inside a token keeps only the part inside the sentence
    assert [p[0] for p in terms.sentences(["长沙市政协", "出台"], [(3, 7)])] == ["政协", "出台"]


def test_a_word_learnt_later_is_indexed_by_its_stable_pieces() -> None:
    """Positions are cached per token; learning a word must drop that word's cached entry."""
    from zxkg.ingest.segment import Segmenter

    seg = Segmenter(engine="jieba")
    terms = Terms(seg)
    base = seg.cut("两力两率")
    assert len(base) > 1
    cached = terms.positions(["两力两率"])  # cached while the word is not yet learnt
    assert [p[0] for p in cached] == ["两力两率"]
    seg.add_word("两力两率", learned=True)
    after = terms.positions(["两力两率"])
    assert [p[0] for p in after] == base  # the stable pieces, side by side
    assert after[0][1] == "两力两率"  # and the whole word at the first piece
