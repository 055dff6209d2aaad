"""Highlighted fragments: the bisecting ``find`` and the windowed ``fragments`` give what
their plain definitions give, on texts full of repeated, overlapping and broken words.

The definitions below are the rules in their simplest form (every match compared with every
kept one, every window's matches gathered by a scan), written once here to compare against.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from zxkg.search.highlight import _window, find, fragments, squeezed
from zxkg.search.models import Fragment


def find_by_definition(text: str, terms: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in sorted({t.lower() for t in terms if t}, key=len, reverse=True):
        pattern = re.compile(r"\s*".join(re.escape(ch) for ch in term), re.IGNORECASE)
        for m in pattern.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def fragments_by_definition(text: str, terms: list[str], size: int = 90, top: int = 3) -> tuple[Fragment, ...]:
    spans = find_by_definition(text, terms)
    if not spans:
        return (Fragment(text[:size].replace("\n", " "), ()),) if text else ()
    candidates = []
    for i, (start, end) in enumerate(spans):
        inside = [s for s in spans[i:] if s[1] <= start + size]
        distinct = {re.sub(r"\s+", "", text[a:b].lower()) for a, b in inside}
        candidates.append((-len(distinct), -len(inside), start, end))
    chosen: list[tuple[int, int]] = []
    for _, _, start, end in sorted(candidates):
        lo, hi = _window(text, start, end, size)
        if all(hi <= a or lo >= b for a, b in chosen):
            chosen.append((lo, hi))
        if len(chosen) == top:
            break
    return tuple(
        Fragment(text[lo:hi].replace("\n", " "), tuple((a - lo, b - lo) for a, b in spans if lo <= a and b <= hi))
        for lo, hi in sorted(chosen)
    )


# few letters, so words repeat, overlap (委员 in 政协委员, 委委) and break across lines
LETTERS = "政协委员会工作室A a。\n \u3000\t"
texts = st.text(alphabet=LETTERS, max_size=400)
words = st.lists(st.text(alphabet=LETTERS.strip(), min_size=1, max_size=4), max_size=5)


@settings(max_examples=400, deadline=None)
@given(texts, words)
def test_find_keeps_what_the_definition_keeps(text: str, terms: list[str]) -> None:
    # the order of terms of one length is a set's: both see the same set
    assert find(text, terms) == find_by_definition(text, terms)


@settings(max_examples=400, deadline=None)
@given(texts, words, st.integers(4, 120), st.integers(1, 4))
def test_fragments_are_the_definitions(text: str, terms: list[str], size: int, top: int) -> None:
    assert fragments(text, terms, size, top) == fragments_by_definition(text, terms, size, top)


def test_a_common_word_on_a_long_page() -> None:
    """A word on every line of a long article: the windows with the most distinct words win."""
    text = "委员提出建议。\n" * 300 + "委员工作室与政协委员会商。"
    got = fragments(text, ["委员", "工作室", "政协"], size=40, top=2)
    assert got == fragments_by_definition(text, ["委员", "工作室", "政协"], size=40, top=2)
    assert "工作室" in got[0].text or "工作室" in got[1].text


def test_squeezing_drops_what_the_index_drops() -> None:
    """Every character a regular expression's ``\\s`` matches, and no other, is dropped."""
    for code in range(0x3001):  # every space Unicode has lies below 0x3001 (U+3000 the last)
        c = chr(code)
        assert squeezed("a" + c + "B") == re.sub(r"\s+", "", ("a" + c + "B").lower()), hex(code)
