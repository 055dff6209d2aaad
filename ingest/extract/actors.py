"""Who acts at a given place in an article: the attribution shared by documents and initiatives.

News of committees is written paragraph by paragraph, each opened by its subject
(``长沙市政协以深入实施…``, ``在湘西州,两级政协联动…``). The actor of a span is, in order:

1. the nearest committee named before it in the same sentence (``…株洲市政协继续推动…``);
2. the subject that opens its paragraph (a committee, or a leading ``在X,``);
3. the article's single acting committee, when the whole article names only one.

Nothing else: a region merely named in the same article is not an actor.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..text import Span, paragraphs, sentences
from .regions import RegionHit

LEADING_IN = re.compile(r"^(?:在|据悉,|近日,|近年来,|今年以来,|目前,)?")
SUBJECT_WINDOW = 8  # characters of a paragraph before its subject may start (近年来,长沙市政协…)


class Actors:
    """Attribution over one article; built once from its region hits."""

    def __init__(self, text: str, hits: list[RegionHit]) -> None:
        self.text = text
        self.hits = [h for h in hits if h.entity.code]
        self.committees = [h for h in self.hits if h.committee]
        self._sentences = list(sentences(text))
        self._sent_starts = [s.start for s in self._sentences]
        self._paragraphs = list(paragraphs(text))
        self._para_starts = [p.start for p in self._paragraphs]
        acting = {h.entity.code for h in self.committees}
        self.only = next(h for h in self.committees) if len(acting) == 1 else None

    def sentence(self, pos: int) -> Span:
        i = bisect_right(self._sent_starts, pos) - 1
        return self._sentences[max(i, 0)] if self._sentences else Span(0, len(self.text), self.text)

    def paragraph(self, pos: int) -> Span:
        i = bisect_right(self._para_starts, pos) - 1
        return self._paragraphs[max(i, 0)] if self._paragraphs else Span(0, len(self.text), self.text)

    def subject(self, para: Span) -> RegionHit | None:
        """The committee (or ``在X``) that opens a paragraph."""
        for h in self.hits:
            if h.start < para.start:
                continue
            if h.start > para.start + SUBJECT_WINDOW:
                break
            lead = self.text[para.start : h.start]
            if h.committee or lead.endswith("在") or self.text[h.end : h.end + 1] in ",,:":
                return h
        return None

    def actor_at(self, pos: int) -> tuple[RegionHit, str] | None:
        """The acting region for a span starting at ``pos``, with the rule that decided."""
        sent = self.sentence(pos)
        before = [h for h in self.committees if sent.start <= h.start and h.end <= pos]
        if before:
            return before[-1], "actor.sentence"
        para = self.paragraph(pos)
        subj = self.subject(para)
        if subj is not None and subj.start <= pos:
            return subj, "actor.paragraph"
        if self.only is not None:
            return self.only, "actor.article"
        return None
