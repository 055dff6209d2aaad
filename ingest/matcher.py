"""Longest-match scanning of a text for a set of written forms (region names, known terms).

Why not a regex alternation of thousands of names: Python's ``re`` tries them one by one
at every position. Here each position costs one dict lookup of its first character; only
forms starting with that character are tried, longest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class FormIndex:
    """Forms grouped by first character, with the lengths that occur for each."""

    def __init__(self, forms: Iterable[str] = ()) -> None:
        self._lengths: dict[str, list[int]] = {}
        self._forms: set[str] = set()
        for form in forms:
            self.add(form)

    def add(self, form: str) -> None:
        if len(form) < 2 or form in self._forms:
            return
        self._forms.add(form)
        lengths = self._lengths.setdefault(form[0], [])
        if len(form) not in lengths:
            lengths.append(len(form))
            lengths.sort(reverse=True)

    def discard(self, form: str) -> None:
        self._forms.discard(form)  # lengths may stay: a miss costs one lookup

    def __contains__(self, form: object) -> bool:
        return form in self._forms

    def scan(self, text: str) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of the longest form at each position, left to right, not overlapping."""
        lengths_of = self._lengths
        forms = self._forms
        i, n = 0, len(text)
        while i < n:
            lengths = lengths_of.get(text[i])
            if lengths is not None:
                for length in lengths:
                    if i + length <= n and text[i : i + length] in forms:
                        yield i, i + length
                        i += length
                        break
                else:
                    i += 1
            else:
                i += 1
