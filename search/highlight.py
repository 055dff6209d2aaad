"""Highlighted fragments: where the query's words stand in an article's text.

Shared by every engine: it needs only the text and the words the query looks for. Chinese
has no spaces to respect, so a word is found where its characters stand (which also marks
农业 inside 中国农业发展银行, as the index matched it). Fragments prefer windows holding the
most distinct words and stop at a sentence end when one is near.
"""

from __future__ import annotations

import re

from .models import Fragment

SENTENCE_ENDS = "。!?;\n"


def find(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping matches of ``terms`` in ``text`` (longer terms win), in order.

    A term is found across spaces and line breaks too (考勤 考绩, a proposal's 厕所⏎问题),
    as the index, which drops them, found it.
    """
    spans: list[tuple[int, int]] = []
    for term in sorted({t.lower() for t in terms if t}, key=len, reverse=True):
        pattern = re.compile(r"\s*".join(re.escape(ch) for ch in term), re.IGNORECASE)
        for m in pattern.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def fragments(text: str, terms: list[str], size: int = 90, top: int = 3) -> tuple[Fragment, ...]:
    """Up to ``top`` windows of about ``size`` characters around the matches, in text order.

    With no match (an article found through its title alone), its opening is the fragment.
    """
    spans = find(text, terms)
    if not spans:
        return (Fragment(_flat(text[:size]), ()),) if text else ()
    candidates: list[tuple[int, int, int, int]] = []  # (-distinct terms, -matches, start, end)
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
