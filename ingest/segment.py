"""The shared Segmenter: a private jieba tokenizer with the corpus lexicon as user dictionary.

Why private: jieba's global tokenizer is module state; two stores with different lexicons
in one process, or a test that adds a word, would leak into each other. Each Segmenter
owns its tokenizer; worker processes build their own. Extraction and search use the same
instance (and the same user words), so what extraction finds, search finds.

Two choices, both measured:

- **HMM off.** jieba's HMM guesses new words (names) from character statistics. Our
  extraction does not need the guesses (a county's short form needs its parent named in
  the article anyway; the eval figures are the same either way), and without them the cut
  is a pure function of the dictionary — reproducible, and 1.3–1.7× faster.
- **rjieba when installed** (jieba's algorithm in Rust): it is given jieba's own
  dictionary, every word added here with the frequency jieba gave it, and jieba's total,
  so the two compute the same route. Its cut is then jieba's (``tests/test_segment.py``
  proves it on the corpus and on random text of every kind of character, on every run),
  at about 7× the speed of the C port (jieba_fast) and 15× jieba itself. jieba stays the
  reference: it owns the dictionary and cuts whenever rjieba is absent or
  ``ZXKG_SEGMENTER=jieba``.
"""

from __future__ import annotations

import importlib
import logging
import marshal
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import accumulate
from types import ModuleType
from typing import Any

import jieba

from .compact_freq import CompactFrequencies

BACKENDS = ("rjieba", "jieba")


def backend(name: str | None = None) -> str:
    """The cutting backend: ``name``, else ``ZXKG_SEGMENTER``, else rjieba when installed."""
    wanted = name or os.environ.get("ZXKG_SEGMENTER") or ""
    if wanted and wanted not in BACKENDS:
        raise ValueError(f"unknown segmenter {wanted!r}; expected one of {', '.join(BACKENDS)}")
    if wanted in ("", "rjieba"):
        try:
            importlib.import_module("rjieba")
            return "rjieba"
        except ImportError:
            if wanted:
                raise
    return "jieba"


def quiet_jieba() -> None:
    """jieba logs "Building prefix dict…" to stderr at every start; entry points call this."""
    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)


def _cache_path(tok: Any) -> str:
    """Where jieba keeps its cache of the default dictionary for ``tok``."""
    return os.path.join(tok.tmp_dir, "jieba.cache")


def _load_cached_dictionary(tok: Any) -> None:
    """Fill ``tok`` from jieba's own cache of its dictionary, read in one piece.

    jieba reads that file with ``marshal.load`` from the open file, which took 0.6 s at
    every start of a process (each ingest worker, the server, every command); from bytes,
    0.2 s. The file and its format are jieba's (``jieba.cache`` for the default
    dictionary); whenever it is missing or unreadable jieba builds and writes it itself.
    """
    path = _cache_path(tok)
    if tok.initialized or tok.dictionary != jieba.DEFAULT_DICT or not os.path.isfile(path):
        return
    try:
        with open(path, "rb") as fh:
            freq, total = marshal.loads(fh.read())
    except (OSError, ValueError, EOFError, TypeError):
        return
    if isinstance(freq, dict) and isinstance(total, int):
        tok.FREQ, tok.total, tok.initialized = freq, total, True


def _load_compact_dictionary(tok: Any) -> None:
    """Fill ``tok`` with jieba's dictionary as ``CompactFrequencies``, from the file kept
    beside jieba's cache, so that the process never holds the dict (its memory, once
    freed, mostly stays with the process); the first process writes that file."""
    path = None
    if tok.dictionary == jieba.DEFAULT_DICT:
        try:
            stat = os.stat(_cache_path(tok))
        except OSError:
            pass
        else:
            path = os.path.join(tok.tmp_dir, f"zxkg-jieba-{stat.st_size}-{stat.st_mtime_ns}.freq")
            loaded = CompactFrequencies.load(path)
            if loaded is not None:
                tok.FREQ, tok.total = loaded
                tok.initialized = True
                return
    _load_cached_dictionary(tok)
    tok.check_initialized()
    compact = CompactFrequencies.of(tok.FREQ)
    tok.FREQ = compact
    if path is not None:
        with suppress(OSError):
            compact.save(path, tok.total)


@dataclass(frozen=True, slots=True)
class _Start:
    """jieba's dictionary with a segmenter's first words added, as they were once built."""

    freq: dict[str, int]
    total: int
    words: frozenset[str]


# Loading jieba's dictionary (0.3 s) and adding the gazetteer's 3,000 names to it (0.15 s:
# jieba cuts each one to suggest its frequency) gives the same dictionary every time. A
# process that builds a second segmenter of the same words (a server following its store,
# the tests) keeps what that one built (about 20 MB) and later ones start from a copy of
# it (10 ms); a command that builds one segmenter keeps nothing. The key holds the cache
# file's size and time, so a dictionary jieba writes again is read again.
_STARTS: dict[tuple[object, ...], _Start] = {}
_BUILT: set[tuple[object, ...]] = set()


def _start_key(tok: Any, words: tuple[str, ...]) -> tuple[object, ...] | None:
    path = _cache_path(tok)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (tok.dictionary, path, stat.st_size, stat.st_mtime_ns, words)


_last_cut = threading.local()


def word_ends(words: Sequence[str]) -> list[int]:
    """The offset where each word of a cut ends (callers only read it).

    The region pass and the initiative pass of an article ask for the same cut in turn, and
    summing a cut of 1,800 words costs about as much as a tenth of extracting it: the last
    cut's ends are kept.
    """
    cached: tuple[Sequence[str], int, list[int]] | None = getattr(_last_cut, "ends", None)
    if cached is not None and cached[0] is words and cached[1] == len(words):
        return cached[2]
    ends = list(accumulate(map(len, words)))
    _last_cut.ends = (words, len(words), ends)
    return ends


class _RustCut:
    """rjieba holding exactly what a jieba tokenizer holds, so that its cut is jieba's.

    jieba's route through a sentence depends on every word's frequency and on the total of
    all frequencies. jieba adds a user word's frequency to the total even when it replaces
    a word it had; rjieba subtracts the old one. A placeholder word, with a space in it so
    that no text can contain it (jieba cuts between spaces), carries the difference.
    """

    PLACEHOLDER = "zxkg total"

    def __init__(self, module: ModuleType, freq: dict[str, int], total: int) -> None:
        self._jieba: Any = module.Jieba.empty()
        own = 0
        for word, count in freq.items():
            if count:  # jieba keeps every prefix of a word at 0: "not a word"
                self._jieba.add_word(word, count, None)
                own += count
        self._own = own
        self._sync(total)

    def add(self, word: str, old: int, new: int, total: int) -> None:
        """Mirror jieba's ``add_word``: ``word`` went from ``old`` to ``new``, its total is ``total``."""
        self._jieba.add_word(word, new, None)
        self._own += new - old
        self._sync(total)

    def _sync(self, total: int) -> None:
        self._jieba.add_word(self.PLACEHOLDER, total - self._own, None)

    def cut(self, text: str) -> list[str]:
        words: list[str] = self._jieba.cut(text, False)
        return words


def _place_names(tok: Any) -> frozenset[str]:
    """The words jieba's dictionary (``word freq tag`` lines) tags ``ns``: 50 ms, once."""
    source = tok.get_dict_file()
    try:
        text = source.read().decode("utf-8")
    finally:
        source.close()
    return frozenset(re.findall(r"^(\S+) \d+ ns\r?$", text, re.MULTILINE))


@dataclass(frozen=True, slots=True)
class SegmenterMark:
    """What a Segmenter knew at one moment (``Segmenter.mark``), to go back to (``rewind``)."""

    words: frozenset[str]
    learned: frozenset[str]
    learned_log: int
    freq: dict[str, int]  # a copy of jieba's frequencies then: about 10 ms for 500k entries
    total: int
    pieces: dict[str, tuple[str, ...]]


class Segmenter:
    """Segment text with a private tokenizer; user words are added before first use."""

    def __init__(
        self,
        words: Iterable[str] = (),
        hmm: bool = False,
        learned: Iterable[str] = (),
        engine: str | None = None,
        compact: bool = False,
    ) -> None:
        """``compact``: jieba's dictionary held in flat arrays (``compact_freq``), for a
        process that cuts little — a twelfth of the memory, lookups a few times slower."""
        quiet_jieba()
        self.engine = backend(engine)
        self._tok = jieba.Tokenizer()
        self._tok.tmp_dir = os.environ.get("ZXKG_CACHE") or tempfile.gettempdir()
        words = tuple(words)
        key = _start_key(self._tok, words) if not compact else None
        start = _STARTS.get(key) if key is not None else None
        if compact:
            _load_compact_dictionary(self._tok)
        elif start is not None:
            self._tok.FREQ, self._tok.total, self._tok.initialized = dict(start.freq), start.total, True
        else:
            _load_cached_dictionary(self._tok)
        self.hmm = hmm
        self._fast: _RustCut | None = None  # built at the first cut: a writer may never cut
        self._lean = 0  # inside ``lean``: cut with jieba rather than build rjieba's dictionary
        self._words: set[str] = set()
        self._learned: set[str] = set()
        self.learned_log: list[str] = []  # learned words in the order they came (for caches)
        self._pieces: dict[str, tuple[str, ...]] = {}
        self._places: frozenset[str] | None = None  # read at the first question
        self._lock = threading.Lock()
        if start is not None:
            self._words = set(start.words)
        else:
            for word in words:
                self.add_word(word)
            if key is not None and key in _BUILT:
                _STARTS.clear()  # one kept: the gazetteer's words, in practice
                _STARTS[key] = _Start(dict(self._tok.FREQ), self._tok.total, frozenset(self._words))
            elif key is not None:
                _BUILT.add(key)
        for word in learned:
            self.add_word(word, learned=True)

    def add_word(self, word: str, freq: int | None = None, learned: bool = False) -> None:
        """Keep ``word`` whole. Words with spaces cannot be jieba words and are ignored.

        ``learned`` words come from the lexicon, which grows while articles are read: an
        article read before a word was learnt was cut without it. ``stable_pieces`` gives
        the cut that does not depend on when a word was learnt, for the search index.
        """
        word = word.strip()
        if len(word) < 2 or " " in word or word in self._words:
            return
        if learned and self.frequency(word) == 0:  # jieba's own dictionary has it already otherwise
            self._learned.add(word)
            self.learned_log.append(word)
        self._words.add(word)
        with self._lock:
            old = self.frequency(word)
            self._tok.add_word(word, freq)
            if self._fast is not None:
                self._fast.add(word, old, self.frequency(word), self._tok.total)

    def stable_pieces(self, token: str) -> tuple[str, ...]:
        """``token`` as jieba cuts it without the learned words, if it is one; else ``(token,)``.

        The index and a query then agree on the pieces whatever the lexicon knew when the
        article was read (jieba's own cut, with the learned words hidden).
        """
        if token not in self._learned:
            return (token,)
        cached = self._pieces.get(token)
        if cached is not None:
            return cached
        freq = self._tok.FREQ
        with self._lock:
            hidden = {
                token[i:j]: freq[token[i:j]]
                for i in range(len(token))
                for j in range(i + 2, len(token) + 1)
                if token[i:j] in self._learned
            }
            try:
                for piece in hidden:
                    freq[piece] = 0  # jieba reads 0 as "not a word"
                pieces = list(self._tok.cut(token, HMM=self.hmm))
            finally:
                freq.update(hidden)
        result = tuple(pieces)
        self._pieces[token] = result
        return result

    def mark(self) -> SegmenterMark:
        """What this segmenter knows now; ``rewind`` forgets whatever it learns after.

        Building a segmenter takes most of a second (jieba's dictionary, the gazetteer's
        words, rjieba's copy of them), and every article extracted teaches it words with no
        undo: a process that must extract from the same starting point again and again (the
        tests do, once per test) marks once and rewinds, in milliseconds.
        """
        with self._lock:
            self._tok.check_initialized()
            return SegmenterMark(
                frozenset(self._words), frozenset(self._learned), len(self.learned_log),
                dict(self._tok.FREQ), self._tok.total, dict(self._pieces),
            )  # fmt: skip

    def rewind(self, mark: SegmenterMark) -> None:
        """Forget every word added since ``mark``: each cut is then the cut it was at the mark.

        jieba gets back its frequencies (and the zero-frequency prefixes its ``add_word``
        left) and its total; rjieba, which has no way to remove a word, gets each added
        word at the frequency it had then, 0 for a word it did not know, which jieba's
        route never takes (``tests/test_segment.py`` compares the cuts with a new segmenter's).
        """
        with self._lock:
            freq = self._tok.FREQ
            for word in self._words - mark.words:
                now = int(freq.get(word, 0) or 0)
                for end in range(1, len(word) + 1):
                    prefix = word[:end]
                    if prefix in mark.freq:
                        freq[prefix] = mark.freq[prefix]
                    else:
                        freq.pop(prefix, None)
                if self._fast is not None:
                    self._fast.add(word, now, int(mark.freq.get(word, 0) or 0), mark.total)
            self._tok.total = mark.total
            self._words = set(mark.words)
            self._learned = set(mark.learned)
            del self.learned_log[mark.learned_log :]
            self._pieces = dict(mark.pieces)

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self._words)

    def cut(self, text: str) -> list[str]:
        """Precise-mode tokens, concatenating back to ``text``."""
        if self.engine == "rjieba" and not self.hmm:  # rjieba's HMM is not jieba's
            fast = self._fast
            if fast is None and not self._lean:
                fast = self._load_fast()
            if fast is not None:
                return fast.cut(text)
        return list(self._tok.cut(text, HMM=self.hmm))

    @contextmanager
    def lean(self) -> Iterator[None]:
        """Cut with jieba itself while inside, unless rjieba's dictionary is built already.

        rjieba's copy of the dictionary costs a process about 60 MB. An ingest's writer
        cuts little when worker processes cut the articles (a title, a source line, the
        rare article it extracts again), and was at its peak memory with that copy. jieba
        cuts what rjieba cuts, 20–30× slower, from the dictionary this process holds anyway.
        """
        self._lean += 1
        try:
            yield
        finally:
            self._lean -= 1

    @property
    def fast_built(self) -> bool:
        """Whether rjieba's copy of the dictionary is built in this process."""
        return self._fast is not None

    def _load_fast(self) -> _RustCut:
        with self._lock:
            if self._fast is None:
                self._tok.check_initialized()
                self._fast = _RustCut(importlib.import_module("rjieba"), self._tok.FREQ, self._tok.total)
            return self._fast

    def place_name(self, word: str) -> bool:
        """Whether jieba's dictionary tags ``word`` a place name (ns): 武汉 is one; 大连, tagged
        an adverb, and 开封 (a verb) are not. Its frequency says only that a word is common."""
        if self._places is None:
            with self._lock:
                if self._places is None:
                    self._places = _place_names(self._tok)
        return word in self._places

    def frequency(self, word: str) -> int:
        """How common ``word`` is in jieba's dictionary (0 when unknown)."""
        self._tok.check_initialized()
        return int(self._tok.FREQ.get(word, 0) or 0)
