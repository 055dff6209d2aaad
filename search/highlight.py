"""Highlighted fragments: where the query's words stand in an article's text.

Shared by every engine: it needs only the text and the words the query looks for. Chinese
has no spaces to respect, so a word is found where its characters stand (which also marks
农业 inside 中国农业发展银行, as the index matched it). Fragments prefer windows holding the
most distinct words and stop at a sentence end when one is near.
"""

from __future__ import annotations

import bisect
import re

from .models import Fragment

SENTENCE_ENDS = "。!?;\n"


def find(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping matches of ``terms`` in ``text`` (longer terms win), in order.

    A term is found across spaces and line breaks too (考勤 考绩, a proposal's 厕所⏎问题),
    as the index, which drops them, found it.

    A match is kept when it overlaps none of a longer term's (the matches of one term never
    overlap each other); those are looked up by bisection in the sorted spans, where a scan
    of every span for every match made a page of a common word's hits cost milliseconds.
    """
    spans: list[tuple[int, int]] = []  # sorted, non-overlapping
    for term in sorted({t.lower() for t in terms if t}, key=len, reverse=True):
        pattern = re.compile(r"\s*".join(re.escape(ch) for ch in term), re.IGNORECASE)
        if not spans:
            spans = [m.span() for m in pattern.finditer(text)]
            continue
        taken = spans
        found = [m.span() for m in pattern.finditer(text) if _free(taken, *m.span())]
        spans = sorted(taken + found)
    return spans


def squeezed(text: str) -> str:
    """Lower case without spaces or line breaks, as the index reads it.

    ``str.split`` drops the characters ``\\s`` matches (both ask ``str.isspace``) at a third
    of a regular expression's cost: this runs over the whole text of every hit on a page."""
    return "".join(text.lower().split())


def _free(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start:end`` overlaps none of ``spans`` (sorted and non-overlapping)."""
    i = bisect.bisect_left(spans, (end,))  # the first span starting at or after ``end``
    return i == 0 or spans[i - 1][1] <= start


def fragments(text: str, terms: list[str], size: int = 90, top: int = 3) -> tuple[Fragment, ...]:
    """Up to ``top`` windows of about ``size`` characters around the matches, in text order.

    With no match (an article found through its title alone), its opening is the fragment.
    """
    spans = find(text, terms)
    if not spans:
        return (Fragment(_flat(text[:size]), ()),) if text else ()
    # what each match says (a term found across a line break counts as the term)
    said = [squeezed(text[a:b]) for a, b in spans]
    candidates: list[tuple[int, int, int, int]] = []  # (-distinct terms, -matches, start, end)
    for i, (start, end) in enumerate(spans):
        # spans do not overlap, so their ends rise with their starts: the window's matches
        # are the ones up to the first that ends beyond it
        j = i
        while j < len(spans) and spans[j][1] <= start + size:
            j += 1
        candidates.append((-len(set(said[i:j])), -(j - i), start, end))
    chosen: list[tuple[int, int]] = []
    for _, _, start, end in sorted(candidates):
        lo, hi = _window(text, start, end, size)
        if all(hi <= a or lo >= b for a, b in chosen):
            chosen.append((lo, hi))
        if len(chosen) == top:
            break
    out: list[Fragment] = []
    for lo, hi in sorted(chosen):
        marks = tuple((a - lo, b - lo) for a, b in spans if lo <= a and b <= hi)
        out.append(Fragment(_flat(text[lo:hi]), marks))
    return tuple(out)


def _window(text: str, first: int, first_end: int, size: int) -> tuple[int, int]:
    """A window starting a little before the match ``first:first_end``, snapped to sentence ends nearby."""
    lo = max(first - size // 6, 0)
    back = max(first - size // 3, 0)
    for i in range(first - 1, back - 1, -1):
        if text[i] in SENTENCE_ENDS:
            lo = i + 1
            break
    else:
        if back == 0:
            lo = 0
    hi = min(max(lo + size, first_end), len(text))
    for i in range(hi - 1, max(hi - size // 4, first_end - 1), -1):
        if text[i] in SENTENCE_ENDS:
            hi = i + 1
            break
    return lo, hi


def _flat(text: str) -> str:
    """One line (same length, so match offsets stay valid)."""
    return text.replace("\n", " ")
