"""Longest-match scanning of a text for a set of written forms (region names, known terms).

Why not a regex alternation of thousands of names: Python's ``re`` tries them one by one
at every position. Why not a loop over positions: a third of the characters of an
article start some region's name, and the loop cost more than segmenting the article.

Every form is at least two characters long, so a form can start only where the text's
two characters there are the first two of some form; in real articles about one
position in seventy. The text's character pairs are made and intersected with the
known pairs in C (``map``, ``set``); only the positions of the pairs that meet are
tried in Python, longest form first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from operator import add

import ahocorasick_rs

_last = threading.local()


def text_pairs(text: str) -> frozenset[str]:
    """The character pairs of ``text``, made in C; the last text's are kept, because
    the region scan and the term scan of an article ask for the same text in turn."""
    cached: tuple[str, frozenset[str]] | None = getattr(_last, "pairs", None)
    if cached is not None and cached[0] is text:
        return cached[1]
    pairs = frozenset(map(add, text, text[1:]))
    _last.pairs = (text, pairs)
    return pairs


class FormIndex:
    """Forms grouped by their first two characters, with the lengths that occur for each."""

    def __init__(self, forms: Iterable[str] = ()) -> None:
        self._lengths: dict[str, list[int]] = {}
        self._starts: set[str] = set()  # the keys of _lengths as a set: ``&`` walks the smaller side
        self._forms: set[str] = set()
        for form in forms:
            self.add(form)

    def add(self, form: str) -> None:
        if len(form) < 2 or form in self._forms:
            return
        self._forms.add(form)
        self._starts.add(form[:2])
        lengths = self._lengths.setdefault(form[:2], [])
        if len(form) not in lengths:
            lengths.append(len(form))
            lengths.sort(reverse=True)

    def discard(self, form: str) -> None:
        self._forms.discard(form)  # lengths may stay: a miss costs one lookup

    def __contains__(self, form: object) -> bool:
        return form in self._forms

    def scan(self, text: str) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of the longest form at each position, left to right, not overlapping."""
        pairs = text_pairs(text) & self._starts
        if not pairs:
            return
        starts: list[int] = []
        for pair in pairs:
            i = text.find(pair)
            while i >= 0:
                starts.append(i)
                i = text.find(pair, i + 1)
        starts.sort()
        forms = self._forms
        n = len(text)
        taken = 0
        for i in starts:
            if i < taken:
                continue
            for length in self._lengths[text[i : i + 2]]:
                if i + length <= n and text[i : i + length] in forms:
                    yield i, i + length
                    taken = i + length
                    break


class GrowingFormIndex(FormIndex):
    """``FormIndex`` answered by an Aho–Corasick automaton of its forms, for the lexicon.

    The lexicon takes a few words an article while an ingest starts and fewer later; an
    automaton cannot take a word, and rebuilding one for each would cost more than the
    scan saves (docs/decisions/0011-term-matcher.md). So the automaton holds the forms
    known when it was built, and the forms added since are kept aside: a text that
    contains none of them gets the automaton's matches, which are then exactly the
    Python scan's; a text that contains one is scanned in Python. The automaton is
    rebuilt once the texts have paid for it, so its cost is spread over many articles.
    On the lexicon of a 10k-article store the scan takes 0.1 ms an article, not 0.8;
    on a lexicon that grows from nothing, 0.6 ms, not 0.8.
    """

    # When to rebuild, as in renting skis: each text costs a substring test per fresh form
    # (about 4 µs each) and, when one is in it, a Python scan (counted as 60 tests: 60 to
    # 500 were tried on a fresh ingest, 60 was cheapest); a build costs about as much per
    # form as one test. Once the texts have paid what a build would, it is built.
    SLOW_SCAN = 60
    FRESH_LIMIT = 256

    def __init__(self, forms: Iterable[str] = ()) -> None:
        self._automaton: ahocorasick_rs.AhoCorasick | None = None
        self._fresh: list[str] = []
        self._paid = 0
        super().__init__(forms)

    def add(self, form: str) -> None:
        if len(form) < 2 or form in self._forms:
            return
        super().add(form)
        self._fresh.append(form)

    def discard(self, form: str) -> None:
        super().discard(form)
        self._automaton = None  # it would still find the form; rebuilt at the next scan

    def _rebuild(self) -> None:
        # The automaton is in place before the fresh forms it holds are forgotten, and a
        # scan reads the fresh forms first: a scan beside a rebuild never misses a form.
        built = frozenset(self._forms)
        automaton = ahocorasick_rs.AhoCorasick(sorted(built), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self._automaton = automaton
        self._fresh = [f for f in self._fresh if f not in built]
        self._paid = 0

    def scan(self, text: str) -> Iterator[tuple[int, int]]:
        if self._automaton is None or self._paid >= len(self._forms) or len(self._fresh) > self.FRESH_LIMIT:
            if not self._forms:
                return
            self._rebuild()
        fresh = self._fresh
        automaton = self._automaton
        self._paid += len(fresh)
        if automaton is None or any(form in text for form in fresh):
            self._paid += self.SLOW_SCAN
            yield from super().scan(text)
            return
        for _, start, end in automaton.find_matches_as_indexes(text):
            yield start, end


class FixedFormIndex:
    """The same scan over forms that never change (the division table's), by an Aho–Corasick
    automaton in Rust (ahocorasick_rs, leftmost-longest): 9× faster than ``FormIndex`` on
    the real articles, with the same matches (docs/decisions/0011-term-matcher.md).
    ``FormIndex`` stays for the lexicon, which grows while articles are read: an automaton
    is built once and cannot take a word."""

    def __init__(self, forms: Iterable[str]) -> None:
        self._forms = frozenset(f for f in forms if len(f) >= 2)
        self._automaton = ahocorasick_rs.AhoCorasick(
            sorted(self._forms), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )

    def __contains__(self, form: object) -> bool:
        return form in self._forms

    def scan(self, text: str) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of the longest form at each position, left to right, not overlapping."""
        for _, start, end in self._automaton.find_matches_as_indexes(text):
            yield start, end
