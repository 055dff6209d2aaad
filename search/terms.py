"""Our analyzer: the Segmenter's tokens as index terms, at ordinal positions.

- Positions count words, not characters, so a quoted phrase (its tokens at consecutive
  positions) matches where the words stand side by side. jieba's bundled
  ``ChineseAnalyzer`` uses character offsets as positions and breaks phrase queries.
- Tokens without a letter, digit or Chinese character (punctuation, spaces, line breaks)
  are dropped without taking a position, so “党建+委员工作室” finds 党建 + 委员工作室 and a
  word broken by a line break in a scanned proposal still stands next to its neighbour.
- At index time only, a long token also yields the dictionary words inside it (search-mode
  sub-words) at its own position: 农业 finds 中国农业发展银行. Queries are never expanded.

Index and query use the same Segmenter (with the same user dictionary), so a phrase is cut
the same way in both. Words the lexicon learnt while articles were read are indexed and
searched by their stable pieces (the whole word also stands at the first piece), so an
article read before the word was learnt is found as well as one read after.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain

from zxkg.ingest.segment import Segmenter

from .models import Positions

MAX_SUBWORD = 6  # longest sub-word looked up inside a token
MAX_TOKEN_FOR_SUBWORDS = 24  # longer tokens (URLs, digit runs) are not taken apart


def is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def fold(token: str) -> str:
    """The form a term is indexed and searched under."""
    return token.strip().lower()


class Terms:
    """Turns tokens into positions; remembers the sub-words of each word it has seen."""

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self._subwords: dict[str, tuple[str, ...]] = {}
        # raw token -> its index positions; a token's entry changes only when it becomes a
        # learned word, so those (and only those) are dropped as the segmenter learns them
        self._entries: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._learned_seen = 0

    def subwords(self, word: str) -> tuple[str, ...]:
        """Dictionary words of 2..6 characters inside ``word``, in reading order."""
        cached = self._subwords.get(word)
        if cached is not None:
            return cached
        found: list[str] = []
        if 2 < len(word) <= MAX_TOKEN_FOR_SUBWORDS and any("\u4e00" <= ch <= "\u9fff" for ch in word):
            for size in range(2, min(len(word) - 1, MAX_SUBWORD) + 1):
                for i in range(len(word) - size + 1):
                    piece = word[i : i + size]
                    if piece not in found and self.segmenter.frequency(piece) > 0:
                        found.append(piece)
        result = tuple(found)
        self._subwords[word] = result
        return result

    def positions(self, tokens: Iterable[str]) -> Positions:
        """Index positions of precise-mode ``tokens`` (sub-words included)."""
        learned = self.segmenter.learned_log
        if len(learned) > self._learned_seen:
            for word in learned[self._learned_seen :]:
                self._entries.pop(word, None)
            self._learned_seen = len(learned)
        entries = self._entries
        for raw in set(tokens).difference(entries):
            entries[raw] = self._entry(raw)
        return tuple(chain.from_iterable(map(entries.__getitem__, tokens)))

    def _entry(self, raw: str) -> tuple[tuple[str, ...], ...]:
        """The positions one token takes: none (punctuation), one, or its stable pieces'.

        No term twice at one position (it would count twice), so engines take them as they are.
        """
        token = fold(raw)
        if not is_word(token):
            return ()
        pieces = self.segmenter.stable_pieces(raw)
        if len(pieces) == 1:
            return ((token, *self.subwords(token)),)
        # a learned word: its stable pieces side by side, the whole word at the first
        words = [fold(p) for p in pieces if is_word(p)]
        first = tuple(dict.fromkeys((words[0], token, *self.subwords(token))))
        return (first, *(tuple(dict.fromkeys((w, *self.subwords(w)))) for w in words[1:]))

    def of_text(self, text: str) -> Positions:
        """Segment ``text`` (a title, a source line) and index it."""
        return self.positions(self.segmenter.cut(text)) if text else ()

    def query_tokens(self, text: str) -> tuple[str, ...]:
        """The tokens a query chunk is searched by: precise mode, no sub-words."""
        pieces = (piece for t in self.segmenter.cut(text) for piece in self.segmenter.stable_pieces(t))
        return tuple(fold(p) for p in pieces if is_word(p))

    def sentences(self, tokens: Sequence[str], spans: Iterable[tuple[int, int]]) -> Positions:
        """Positions of the sentences ``text[start:end]`` cut from the article's tokens.

        A gap separates the sentences so that no phrase runs from one into the next.
        """
        starts = [0, *accumulate(map(len, tokens))]
        out: list[tuple[str, ...]] = []
        for start, end in spans:
            pieces: list[str] = []
            i = max(bisect.bisect_right(starts, start) - 1, 0)
            while i < len(tokens) and starts[i] < end:
                tok, at = tokens[i], starts[i]
                stop = at + len(tok)
                if stop > start:
                    pieces.append(tok[max(start - at, 0) : len(tok) - max(stop - end, 0)])
                i += 1
            if out:
                out.append(())
            out.extend(self.positions(pieces))
        return tuple(out)
