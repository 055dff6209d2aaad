"""Our analyzer: the Segmenter's tokens at ordinal positions, sub-words at their word's position."""

from __future__ import annotations

import pytest

from ingest.link import Context
from search.terms import Terms


@pytest.fixture(scope="module")
def terms(ctx: Context) -> Terms:
    return Terms(ctx.segmenter)


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
