"""The compact dictionary: the same mapping, the same cuts, a fraction of the memory."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, ZXKG
from tests.test_segment import WORDS, corpus_texts
from zxkg.ingest.compact_freq import CompactFrequencies
from zxkg.ingest.segment import Segmenter


@functools.cache
def reference() -> dict[str, int]:
    tok = jieba.Tokenizer()
    tok.check_initialized()
    return dict(tok.FREQ)  # callers do not change it


def test_the_mapping_equals_the_dict_it_was_built_from() -> None:
    freq = {"委员": 5, "委": 0, "两力两率": 3, "两": 7, "": 1}
    compact = CompactFrequencies.of(freq)
    assert dict(compact) == freq and len(compact) == len(freq)
    assert "两力" not in compact and compact.get("两力") is None and compact.get("委") == 0
    compact["两力"] = 0  # jieba's add_word leaves each prefix at 0
    compact["委员"] = 9
    del compact["两"]
    assert dict(compact) == {"委员": 9, "委": 0, "两力两率": 3, "": 1, "两力": 0}
    assert len(compact) == 5 and "两" not in compact
    with pytest.raises(KeyError):
        compact["两"]
    with pytest.raises(KeyError):
        del compact["两"]
    assert 3 not in compact  # not a string: never a word


def test_saved_and_loaded_it_is_the_same(tmp_path: Path) -> None:
    freq = reference()
    path = str(tmp_path / "freq")
    CompactFrequencies.of(freq).save(path, 12345)
    loaded = CompactFrequencies.load(path)
    assert loaded is not None
    compact, total = loaded
    assert total == 12345 and dict(compact) == freq
    (tmp_path / "other").write_bytes(b"not a dictionary")
    assert CompactFrequencies.load(str(tmp_path / "other")) is None
    assert CompactFrequencies.load(str(tmp_path / "missing")) is None
    (tmp_path / "short").write_bytes(Path(path).read_bytes()[:-1])
    assert CompactFrequencies.load(str(tmp_path / "short")) is None


def test_it_takes_a_fraction_of_the_dicts_memory() -> None:
    """The reason it exists: the ingest writer's largest part was jieba's dict (about 95 MB
    of RSS; the dict's table and its keys alone, counted here, about 55 MB)."""
    freq = reference()
    as_dict = sys.getsizeof(freq) + sum(map(sys.getsizeof, freq))
    assert CompactFrequencies.of(freq).nbytes() < as_dict / 3


@pytest.fixture(scope="module")
def pair() -> tuple[Segmenter, Segmenter]:
    return Segmenter(words=WORDS, engine="jieba"), Segmenter(words=WORDS, engine="jieba", compact=True)


def test_a_compact_segmenter_cuts_the_corpus_as_jieba_does(pair: tuple[Segmenter, Segmenter]) -> None:
    plain, compact = pair
    assert isinstance(compact._tok.FREQ, CompactFrequencies)
    assert compact._tok.total == plain._tok.total
    for text in corpus_texts()[:40]:
        assert compact.cut(text) == plain.cut(text)


def test_words_learned_after_compaction_cut_alike(pair: tuple[Segmenter, Segmenter]) -> None:
    plain, compact = (Segmenter(engine="jieba"), Segmenter(engine="jieba", compact=True))
    for seg in (plain, compact):
        seg.add_word("潭事好商量", learned=True)
        seg.add_word("委员双考", learned=True)
    text = "市政协打造潭事好商量品牌，推行委员双考制度。"
    assert compact.cut(text) == plain.cut(text)
    assert compact.stable_pieces("潭事好商量") == plain.stable_pieces("潭事好商量")
    assert compact._tok.total == plain._tok.total


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="委员政协两力率潭事好商量市县区制度双考党建+- 、，。abc1", max_size=40))
def test_random_text_cuts_alike(pair: tuple[Segmenter, Segmenter], text: str) -> None:
    plain, compact = pair
    assert compact.cut(text) == plain.cut(text)


def test_the_compact_dictionary_is_kept_beside_jiebas_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer starts from the file, never from the dict; a damaged file is written anew."""
    monkeypatch.setenv("ZXKG_CACHE", str(tmp_path))
    text = "市政协打造潭事好商量品牌，推行委员双考制度。"
    expected = Segmenter(engine="jieba").cut(text)
    Segmenter(engine="jieba", compact=True)  # jieba writes its cache here: the key of the file
    Segmenter(engine="jieba", compact=True)
    (kept,) = tmp_path.glob("zxkg-jieba-*.freq")
    assert CompactFrequencies.load(str(kept)) is not None
    assert Segmenter(engine="jieba", compact=True).cut(text) == expected
    kept.write_bytes(b"damaged")
    assert Segmenter(engine="jieba", compact=True).cut(text) == expected
    assert CompactFrequencies.load(str(kept)) is not None


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_an_ingest_writer_holds_the_compact_dictionary_only_beside_workers(tmp_path: Path, workers: int) -> None:
    """With workers the writer cuts little and builds the compact dictionary (which writes its
    file); alone, it cuts every article and keeps jieba's dict."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (tmp_path / "jieba").mkdir()
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(tmp_path / "jieba")
    tok.check_initialized()  # jieba's own cache, the key of the compact file
    shutil.copy(tmp_path / "jieba" / "jieba.cache", cache / "jieba.cache")
    env = {**os.environ, "ZXKG_CACHE": str(cache), "ZXKG_SEARCH_ENGINE": "tantivy"}
    done = subprocess.run(
        [str(ZXKG), "ingest", "-q", "--workers", str(workers), "--data", str(tmp_path / "data"), str(ROOT / "corpus")],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ingested 1" in done.stdout
    assert len(list(cache.glob("zxkg-jieba-*.freq"))) == (workers > 1)
