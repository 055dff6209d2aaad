"""The Segmenter: private, stable, and the same cut from jieba_fast as from jieba (the reference)."""

from __future__ import annotations

import pytest

from ingest.models import Source
from ingest.parse import parse
from ingest.segment import Segmenter, backend
from tests.conftest import ROOT

SHARED = ROOT.parent / "shared"


def corpus_texts() -> list[str]:
    paths = sorted((ROOT / "corpus").glob("*.txt"))
    for sub in ("corpus", "proposals", "seeds"):
        paths += sorted((SHARED / sub).glob("*.txt")) if (SHARED / sub).is_dir() else []
    return [parse(Source(str(p), p.name, p.read_bytes())).text for p in paths]


def test_private_tokenizers_do_not_leak_words() -> None:
    a, b = Segmenter(engine="jieba"), Segmenter(engine="jieba")
    a.add_word("潭事好商量")
    assert "潭事好商量" in a.cut("打造潭事好商量品牌")
    assert "潭事好商量" not in b.cut("打造潭事好商量品牌")


def test_learned_words_have_stable_pieces() -> None:
    seg = Segmenter(engine="jieba")
    before = seg.cut("两力两率")
    seg.add_word("两力两率", learned=True)
    assert seg.cut("两力两率") == ["两力两率"]
    assert list(seg.stable_pieces("两力两率")) == before
    seg.add_word("委员", learned=True)  # already a jieba word: not a learnt one
    assert seg.stable_pieces("委员") == ("委员",)


@pytest.mark.skipif(backend().__name__ != "jieba_fast", reason="jieba_fast not installed")
def test_jieba_fast_cuts_exactly_like_jieba_on_the_corpus() -> None:
    """The faster implementation is used only because this holds: same tokens, every article."""
    words = ["湘西土家族苗族自治州", "党建聚合力", "两力两率", "潭事好商量", "有事好商量"]
    reference = Segmenter(words=words, engine="jieba")
    fast = Segmenter(words=words, engine="jieba_fast")
    texts = corpus_texts()
    assert len(texts) >= 1
    for text in texts:
        assert fast.cut(text) == reference.cut(text)


def test_unknown_segmenter_is_named() -> None:
    with pytest.raises(ValueError, match="expected one of jieba_fast, jieba"):
        backend("rjieba")
