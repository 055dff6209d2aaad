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
- **jieba_fast when installed** (``pip install zxkg[fast]``): jieba's algorithm in C with
  jieba's dictionary. With HMM off its cut is the same as jieba's on the test corpus
  (``tests/test_segment.py`` proves it on every run), at about 2.5× the speed of the
  jieba floor. ``ZXKG_SEGMENTER=jieba`` forces the reference implementation.
"""

from __future__ import annotations

import importlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from types import ModuleType

import jieba

BACKENDS = ("jieba_fast", "jieba")


def backend(name: str | None = None) -> ModuleType:
    """The tokenizer module: ``name``, else ``ZXKG_SEGMENTER``, else jieba_fast when installed."""
    wanted = name or os.environ.get("ZXKG_SEGMENTER") or ""
    if wanted and wanted not in BACKENDS:
        raise ValueError(f"unknown segmenter {wanted!r}; expected one of {', '.join(BACKENDS)}")
    if wanted in ("", "jieba_fast"):
        try:
            fast: ModuleType = importlib.import_module("jieba_fast")
            return fast
        except ImportError:
            if wanted:
                raise
    reference: ModuleType = jieba
    return reference


def quiet_jieba() -> None:
    """jieba logs "Building prefix dict…" to stderr at every start; entry points call this."""
    for module in (jieba, backend()):
        module.setLogLevel(logging.WARNING)
    for logger in ("jieba", "jieba_fast"):
        logging.getLogger(logger).setLevel(logging.WARNING)


class Segmenter:
    """Segment text with a private tokenizer; user words are added before first use."""

    def __init__(
        self, words: Iterable[str] = (), hmm: bool = False, learned: Iterable[str] = (), engine: str | None = None
    ) -> None:
        quiet_jieba()
        self.engine = backend(engine)
        self._tok = self.engine.Tokenizer()
        self._tok.tmp_dir = os.environ.get("ZXKG_CACHE") or tempfile.gettempdir()
        self.hmm = hmm
        self._words: set[str] = set()
        self._learned: set[str] = set()
        self.learned_log: list[str] = []  # learned words in the order they came (for caches)
        self._pieces: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        for word in words:
            self.add_word(word)
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
        self._tok.add_word(word, freq)

    def stable_pieces(self, token: str) -> tuple[str, ...]:
        """``token`` as jieba cuts it without the learned words, if it is one; else ``(token,)``.

        The index and a query then agree on the pieces whatever the lexicon knew when the
        article was read (jieba's own cut, HMM included, with the learned words hidden).
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

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self._words)

    def cut(self, text: str) -> list[str]:
        """Precise-mode tokens, concatenating back to ``text``."""
        return list(self._tok.cut(text, HMM=self.hmm))

    def frequency(self, word: str) -> int:
        """How common ``word`` is in jieba's dictionary (0 when unknown)."""
        self._tok.check_initialized()
        return int(self._tok.FREQ.get(word, 0) or 0)
