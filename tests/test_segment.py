"""The Segmenter: private, stable, and the same cut from rjieba as from jieba (the reference)."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from zxkg.ingest.models import Source
from zxkg.ingest.parse import parse
from zxkg.ingest.segment import Segmenter, backend, word_ends

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


needs_rjieba = pytest.mark.skipif(backend() != "rjieba", reason="rjieba not installed")

# user words as the lexicon learns them: a region name, quoted brands, one with a hyphen
# (jieba 0.42 keeps "-" inside a block, where the C port jieba_fast split it)
WORDS = ["湘西土家族苗族自治州", "党建聚合力", "两力两率", "潭事好商量", "有事好商量", "E-政协", "互联网+政协"]


@functools.cache
def segmenter_pair() -> tuple[Segmenter, Segmenter]:
    return Segmenter(words=WORDS, engine="rjieba"), Segmenter(words=WORDS, engine="jieba")


@needs_rjieba
def test_rjieba_cuts_exactly_like_jieba_on_the_corpus() -> None:
    """The faster implementation is used only because this holds: same tokens, every article."""
    fast, reference = segmenter_pair()
    texts = corpus_texts()
    assert len(texts) >= 1
    for text in texts:
        assert fast.cut(text) == reference.cut(text)


# characters at every border jieba draws: its block (CJK 4E00–9FD5, ASCII letters and digits,
# +#&._%-), whitespace and \r\n, CJK outside that range, full-width forms, other scripts
ALPHABET = (
    list("政协委员会议湖南省市县区工作室两力两率建聚合的了和是在")
    + list("abcXYZ0123456789+#&._%-—/:;,!?()“”《》、。，：；！？（）【】 \t\r\n\u3000\u00a0")
    + [
        "\r\n",
        "㐀",
        "\u9fd6",
        "\u9fff",
        "𠀀",
        "\uf900",
        "ａ",
        "１",
        "①",
        "é",
        "\u200b",
        "\ufeff",
        "\ue000",
        "😀",
        "\x85",
    ]
)


@needs_rjieba
@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(WORDS)), max_size=40).map("".join))
def test_rjieba_cuts_exactly_like_jieba_on_any_text(text: str) -> None:
    fast, reference = segmenter_pair()
    assert fast.cut(text) == reference.cut(text)


@needs_rjieba
def test_rjieba_follows_words_added_after_its_first_cut() -> None:
    """Learned words arrive while articles are cut; a word jieba knew already changes the total."""
    reference, fast = Segmenter(engine="jieba"), Segmenter(engine="rjieba")
    text = "推进委员工作室建设，打造潭事好商量协商品牌和委员之家"
    assert fast.cut(text) == reference.cut(text)
    for word in ("潭事好商量", "委员之家", "协商", "委员工作室"):  # 协商 is one of jieba's words
        reference.add_word(word, learned=True)
        fast.add_word(word, learned=True)
        assert fast.cut(text) == reference.cut(text)
    assert "潭事好商量" in fast.cut(text)


def test_unknown_segmenter_is_named() -> None:
    with pytest.raises(ValueError, match="expected one of rjieba, jieba"):
        backend("jieba_fast")


@needs_rjieba
def test_rjieba_keeps_jiebas_total_when_known_words_come_again() -> None:
    """jieba adds a known word's frequency to its total again; the route depends on the total.

    After ten of jieba's own words are added again, a word is given a frequency that makes
    it whole under jieba's total and two words under the total without the repeats.
    """
    reference, fast = Segmenter(engine="jieba"), Segmenter(engine="rjieba")
    fast.cut("")  # loaded before the words come, as in a worker
    repeats = 0
    for word in ("一个", "我们", "他们", "自己", "没有", "国家", "可以", "发展", "这个", "什么"):
        repeats += reference.frequency(word)
        reference.add_word(word)
        fast.add_word(word)
    left, right = "中国", "工作"
    total = reference._tok.total

    def whole(freq: int, total: int) -> bool:
        pair = math.log(reference.frequency(left)) + math.log(reference.frequency(right)) - 2 * math.log(total)
        return math.log(freq) - math.log(total) >= pair

    freq = next(f for f in range(1, 10_000) if whole(f, total + f) and not whole(f, total + f - repeats))
    reference.add_word(left + right, freq)
    fast.add_word(left + right, freq)
    assert reference.cut(left + right) == [left + right]
    assert fast.cut(left + right) == [left + right]


def test_the_dictionary_read_from_jiebas_cache_is_jiebas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read in one piece from jieba's cache, or built by jieba when there is none: the same."""
    reference = jieba.Tokenizer()
    reference.tmp_dir = str(tmp_path)
    reference.check_initialized()  # builds the dictionary and writes jieba.cache in tmp_path
    monkeypatch.setenv("ZXKG_CACHE", str(tmp_path))
    seg = Segmenter(engine="jieba")
    assert seg._tok.initialized
    assert seg._tok.total == reference.total and seg._tok.FREQ == reference.FREQ
    (tmp_path / "jieba.cache").write_bytes(b"not marshal")  # unreadable: jieba builds it again
    again = Segmenter(engine="jieba")
    assert again.frequency("委员") == reference.FREQ["委员"] and again._tok.total == reference.total


@pytest.mark.parametrize("loaded", [False, True], ids=["rjieba-loaded-after-the-mark", "rjieba-loaded-before"])
def test_a_rewound_segmenter_cuts_as_a_new_one(loaded: bool) -> None:
    """``rewind`` forgets the words extraction taught since ``mark``: jieba's frequencies and
    total are a new segmenter's again, and every article is cut as a new segmenter cuts it
    (rjieba too, though it only sets a forgotten word's frequency to 0)."""
    from zxkg.ingest.link import extract
    from zxkg.ingest.pipeline import build_context

    texts = corpus_texts()
    ctx, fresh = build_context(), build_context().segmenter
    if loaded:
        ctx.segmenter.cut("")
    mark = ctx.segmenter.mark()
    paths = sorted((ROOT / "corpus").glob("*.txt")) + sorted((SHARED / "corpus").glob("*.txt"))[:40]
    for path in paths:
        extract(parse(Source(str(path), path.name, path.read_bytes())), ctx)
    taught = ctx.segmenter.words - fresh.words
    assert len(taught) >= 10 and ctx.segmenter.learned_log
    assert any(ctx.segmenter.cut(t) != fresh.cut(t) for t in texts)  # it did learn
    ctx.segmenter.rewind(mark)
    seg = ctx.segmenter
    assert seg.words == fresh.words and not seg.learned_log
    assert seg._tok.total == fresh._tok.total and seg._tok.FREQ == fresh._tok.FREQ
    for text in texts:
        assert seg.cut(text) == fresh.cut(text)
    assert all(seg.stable_pieces(word) == (word,) for word in taught)


def test_a_segmenter_started_from_the_kept_dictionary_is_a_new_ones_equal() -> None:
    """The third segmenter of the same words starts from a copy of the dictionary the second
    built: the same frequencies, total and words as one built from jieba's file, its own."""
    from zxkg.ingest import segment

    words = [*WORDS, "协商议事会客厅"]
    first, second, third = (Segmenter(words=words, engine="jieba") for _ in range(3))
    assert len(segment._STARTS) == 1 and next(iter(segment._STARTS.values())).words == first.words
    for seg in (second, third):
        assert seg.words == first.words and seg._tok.total == first._tok.total and seg._tok.FREQ == first._tok.FREQ
    assert third._tok.FREQ is not first._tok.FREQ
    third.add_word("潭事好商量协商", learned=True)
    assert "潭事好商量协商" not in Segmenter(words=words, engine="jieba").cut("打造潭事好商量协商品牌")
    assert "潭事好商量协商" in third.cut("打造潭事好商量协商品牌") and third.learned_log == ["潭事好商量协商"]


def test_word_ends_are_where_each_word_of_the_cut_ends_whichever_cut_was_asked_last() -> None:
    first, second = ["长沙市", "政协", "开展"], ["政协", "委员"]
    assert word_ends(first) == [3, 5, 7]
    assert word_ends(second) == [2, 4]  # another cut, though the last one's are kept
    assert word_ends(first) == [3, 5, 7]
    assert word_ends([]) == []
