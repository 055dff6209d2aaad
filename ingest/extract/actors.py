"""Who acts at a given place in an article: the attribution shared by documents and initiatives.

News of committees is written paragraph by paragraph, each opened by its subject
(``长沙市政协以深入实施…``, ``在湘西州,两级政协联动…``). The actor of a span is, in order:

1. the nearest committee named before it in the same clause (``…,株洲市政协继续推动…``);
2. the committee that opens its sentence;
3. the subject that opens its paragraph (a committee, or a leading ``在X,``);
4. the article's single acting committee, when the whole article names only one.

Nothing else: a region merely named in the same article is not an actor.

A committee named by its level alone (县政协, 调研市、区政协“有事来协商”) is the nearest
region of that level named before it in the sentence, else the actor if it is of that
level, else the actor's division of that level above it (市政协 in a county's article).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..gazetteer import Gazetteer
from ..text import Span, paragraphs, sentences
from .regions import RegionHit

# What may stand between a region and the term it owns: 道县委员工作室, 资阳市政协“…”,
# 丰县、沛县、贾汪区和贾汪经济开发区协商议事室, 道县、东安、江华等县政协委员工作室, and places
# inside it: 东海县水晶城、高新区、石湖尤塘村协商议事室.
LIST_GAP = re.compile(r"[、和及与]")
_PLACE = r"[\u4e00-\u9fff]{1,8}?(?:村|镇|乡|街道|社区|城|区)"
OWNER_GAP = re.compile(
    rf"(?:[、和及与])?(?:{_PLACE}(?:[、和及与]{_PLACE})*)?(?:等(?:地|[省市州县区]{{1,3}}))?(?:政协)?(?:的)?"
    r"(?:“[^“”]{1,20}”)?"  # a named one: 东海县…村“有事好商量”协商议事室
)
# 青田政协与平湖政协缔结为友好政协,两地政协…开展了“协进助学”活动: both act
BOTH_COMMITTEES = re.compile(r"两地政协|双方政协|两地委员")
SUBJECT_WINDOW = 8  # characters of a paragraph before its subject may start (近年来,长沙市政协…)


CLAUSE_BREAK = re.compile(r"[,;:,;:]")
# Another body acting in the sentence (县委全会审议通过…, 市政府出台…): the committee of the
# paragraph or the article is not the actor there.
OTHER_BODY = re.compile(r"(?:党委|省委|市委|州委|县委|区委|政府|人大|全会)(?!书记|副书记|常委)")


# 县政协, 市、区政协, 州政协的, 市县两级: the level word a division's official name ends with.
LEVEL_COMMITTEE = re.compile(
    r"(?:(?:([省市州县区])[、和与及])?([省市州县区])政协|([省市州县区])[、和与及]?([省市州县区])两级(?:政协)?)(?:的)?$"
)


def _last_break(text: str, start: int, pos: int) -> int:
    last = start
    for m in CLAUSE_BREAK.finditer(text, start, pos):
        last = m.end()
    return last


class Actors:
    """Attribution over one article; built once from its region hits."""

    def __init__(self, text: str, hits: list[RegionHit], gazetteer: Gazetteer | None = None) -> None:
        self.text = text
        self.gazetteer = gazetteer
        self.hits = [h for h in hits if h.entity.code]
        self.committees = [h for h in self.hits if h.committee]
        self._sentences = list(sentences(text))
        self._sent_starts = [s.start for s in self._sentences]
        self._paragraphs = list(paragraphs(text))
        self._para_starts = [p.start for p in self._paragraphs]
        # officials of a committee who accompany a visit (嘉兴市政协副主席…等陪同) do not make
        # it the committee the article is about
        hosts = [h for h in self.committees if "陪同" not in self.text[h.end : self.sentence(h.start).end]]
        acting = {h.entity.code for h in hosts}
        self.only = hosts[0] if len(acting) == 1 else None

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

    def regions_before(self, pos: int) -> tuple[RegionHit, ...]:
        """Regions written right before ``pos`` (a list of them joined by 、/和 included)."""
        out: list[RegionHit] = []
        cur = pos
        for h in reversed(self.hits):
            if h.end > cur:
                continue
            gap = self.text[h.end : cur]
            # next to the term: 政协, 的, a development zone; between listed regions: 、和及与 only
            if not (OWNER_GAP.fullmatch(gap) if not out else LIST_GAP.fullmatch(gap)):
                break
            out.append(h)
            cur = h.start
        return tuple(reversed(out))

    def actor_at(self, pos: int) -> tuple[RegionHit, str] | None:
        """The acting region for a span starting at ``pos``, with the rule that decided."""
        sent = self.sentence(pos)
        clause_start = max(sent.start, _last_break(self.text, sent.start, pos))
        in_clause = [h for h in self.committees if clause_start <= h.start and h.end <= pos]
        if in_clause:
            return in_clause[-1], "actor.clause"
        opening = [h for h in self.committees if sent.start <= h.start <= sent.start + SUBJECT_WINDOW and h.end <= pos]
        if opening:
            return opening[0], "actor.sentence"
        if OTHER_BODY.search(self.text, sent.start, pos):
            return None
        para = self.paragraph(pos)
        subj = self.subject(para)
        if subj is not None and subj.start <= pos:
            return subj, "actor.paragraph"
        if self.only is not None:
            return self.only, "actor.article"
        return None

    def by_level(self, pos: int) -> tuple[RegionHit, ...] | None:
        """The committees a level word names right before ``pos`` (县政协…), or None if none stands there.

        Empty when one of the levels cannot be told (区政协 in a city's article names a
        district the article does not): nobody, rather than a guess.
        """
        m = LEVEL_COMMITTEE.search(self.text, max(0, pos - 8), pos)
        if m is None:
            return None
        sent = self.sentence(pos)
        before = [h for h in self.hits if sent.start <= h.start and h.end <= m.start()]
        actor = self.actor_at(m.start())
        out: list[RegionHit] = []
        for word in (w for w in m.groups() if w):
            found = next((h for h in reversed(before) if h.entity.name.endswith(word)), None)
            if found is None and actor is not None:
                found = self._at_level(actor[0], word)
            if found is None:
                return ()
            out.append(found)
        return tuple(dict.fromkeys(out))

    def _at_level(self, hit: RegionHit, word: str) -> RegionHit | None:
        """``hit`` if its name ends with the level word, else its nearest division above that does."""
        if hit.entity.name.endswith(word):
            return hit
        if self.gazetteer is None or not hit.entity.code:
            return None
        for parent in self.gazetteer.ancestors(hit.entity.code):
            if parent.name.endswith(word):
                return RegionHit(hit.start, hit.end, self.gazetteer.entity(parent), True, "actor.level", hit.confidence)
        return None

    def both_at(self, pos: int) -> tuple[RegionHit, RegionHit] | None:
        """The two committees a sentence names before ``两地政协`` and ``pos``, if it says both act."""
        sent = self.sentence(pos)
        said = [m.start() for m in BOTH_COMMITTEES.finditer(self.text, sent.start, pos)]
        if not said:
            return None
        named: dict[str, RegionHit] = {}
        for h in self.committees:
            if sent.start <= h.start and h.end <= said[-1]:
                named.pop(h.entity.code, None)
                named[h.entity.code] = h
        if len(named) < 2:
            return None
        first, second = list(named.values())[-2:]
        return first, second
