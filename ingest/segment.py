"""The shared Segmenter: a private jieba tokenizer with the corpus lexicon as user dictionary.

Why private: jieba's global tokenizer is module state; two stores with different lexicons
in one process, or a test that adds a word, would leak into each other. Each Segmenter
owns its ``jieba.Tokenizer``; worker processes build their own. Extraction and search use
the same instance (and the same user words), so what extraction finds, search finds.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

import jieba


def quiet_jieba() -> None:
    """jieba logs "Building prefix dict…" to stderr at every start; entry points call this."""
    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


class Segmenter:
    """Segment text with a private tokenizer; user words are added before first use."""

    def __init__(self, words: Iterable[str] = (), hmm: bool = True) -> None:
        quiet_jieba()
        self._tok = jieba.Tokenizer()
        self._tok.tmp_dir = os.environ.get("ZXKG_CACHE") or tempfile.gettempdir()
        self.hmm = hmm
        self._words: set[str] = set()
        for word in words:
            self.add_word(word)

    def add_word(self, word: str, freq: int | None = None) -> None:
        """Keep ``word`` whole. Words with spaces cannot be jieba words and are ignored."""
        word = word.strip()
        if len(word) < 2 or " " in word or word in self._words:
            return
        self._words.add(word)
        self._tok.add_word(word, freq)

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self._words)

    def cut(self, text: str) -> list[str]:
        """Precise-mode tokens, concatenating back to ``text``."""
        return list(self._tok.cut(text, HMM=self.hmm))

    def tokens(self, text: str) -> list[Token]:
        """Precise-mode tokens with character offsets."""
        out: list[Token] = []
        pos = 0
        for piece in self._tok.cut(text, HMM=self.hmm):
            out.append(Token(piece, pos, pos + len(piece)))
            pos += len(piece)
        return out

    def frequency(self, word: str) -> int:
        """How common ``word`` is in jieba's dictionary (0 when unknown)."""
        self._tok.check_initialized()
        return int(self._tok.FREQ.get(word, 0) or 0)
