"""Records cross process boundaries (workers → writer) by pickle: they must come back equal."""

from __future__ import annotations

import pickle

import pytest

from tests.conftest import SEED
from zxkg.ingest.link import Context, extract
from zxkg.ingest.models import Alias, Entity, Extraction, Failure, Source
from zxkg.ingest.parse import parse
from zxkg.ingest.pipeline import build_context


@pytest.fixture(scope="module")
def ctx() -> Context:
    return build_context()


def test_an_extraction_of_the_example_article_comes_back_equal(ctx: Context) -> None:
    ex = extract(parse(Source(str(SEED), SEED.name, SEED.read_bytes())), ctx)
    assert len(ex.tokens) > 100 and ex.relations and ex.part_of
    back = pickle.loads(pickle.dumps(ex))
    assert back == ex and back.tokens == ex.tokens and "".join(back.tokens) == ex.article.text


@pytest.mark.parametrize(
    "tokens",
    [(), ("一",), ("", "甲"), ("甲\x1f乙", "丙"), ("甲", "", "乙"), ("a", "b", "\x1f")],
)
def test_tokens_come_back_as_they_were_whatever_they_hold(tokens: tuple[str, ...], ctx: Context) -> None:
    ex = extract(parse(Source("x.txt", "x.txt", "长沙市政协推行委员“双考”。".encode())), ctx)
    odd = Extraction(ex.article, ex.mentions, ex.relations, ex.part_of, ex.aliases, tokens)
    assert pickle.loads(pickle.dumps(odd)).tokens == tokens


def test_small_records_come_back_equal() -> None:
    term = Entity(kind="mechanism", name="双考", attrs=(("status", "试行"),))
    for record in (
        term,
        Alias("委员双考", term, "initiative.quoted@abc"),
        Failure("a.txt", "empty"),
        Source("a", "a", b"x"),
    ):
        assert pickle.loads(pickle.dumps(record)) == record
