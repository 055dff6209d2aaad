"""Find the regions an article names, and which of them act as a committee.

A scan finds every written form of every division (longest form first, so 五大连池 is
never 大连). Each hit is then judged:

- a full official name (长沙市, 冷水滩区) is trusted wherever it stands;
- a form that keeps a level word (湘西州, 江华县) is trusted too;
- a bare short form (长沙, 江华) must stand on word boundaries of the Segmenter (so a
  person's name 李江华 is not a place), must not be a common word, must not sit inside a
  quoted brand or a 《》 title, and — for counties — needs its parent named in the article
  or a committee word right after it (常宁政协);
- a name that several divisions share (朝阳区, 鼓楼区) is resolved by the other regions of
  the article; otherwise it stays unresolved, with low confidence and no code.

Bare committee words (市政协, 县政协) are bound to the article's home region — the region
named by its source line — when the level fits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from ..gazetteer import LEVEL_RANK, Alias, Division, Gazetteer
from ..models import Entity, Mention
from ..segment import Segmenter

# The region's CPPCC committee acts (长沙市政协, 政协永州市委员会): only it can adopt.
COMMITTEE_AFTER = re.compile(r"^(?:市|县|区|州|盟|旗)?(?:政协|人民政协)")
COMMITTEE_BEFORE = ("政协", "政治协商会议")
# Any public body of the region (常宁市委, 县政府): not an actor, but proof that a short
# form (常宁) names the place.
BODY_AFTER = re.compile(r"^(?:市|县|区|州|盟|旗)?(?:政协|人民政协|委员会|两会|人大|县委|市委|区委|州委|党委|政府)")
COMMON_WORD_FREQ = 1000
# An official name shared by several divisions and common as a word (城区 1,517, 郊区 668,
# 矿区 372 in jieba's dictionary; 朝阳区 207) is a place only where the context says which.
AMBIGUOUS_WORD_FREQ = 300
PLURAL_BEFORE_COMMITTEE = set("省各地等个两三区县市州")
QUOTE_MARK = re.compile("[“‘「『《”’」』》\n]")


@dataclass(frozen=True, slots=True)
class RegionHit:
    """A resolved (or deliberately unresolved) region named at ``start:end``."""

    start: int
    end: int
    entity: Entity
    committee: bool  # the region's committee is meant (长沙市政协, 政协永州市委员会)
    rule: str
    confidence: float

    def mention(self) -> Mention:
        return Mention(self.entity, self.start, self.end, self.rule, self.confidence)


@dataclass(frozen=True, slots=True)
class _Raw:
    start: int
    end: int
    aliases: tuple[Alias, ...]
    quoted: bool


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Spans inside “…”, ‘…’, 「…」, 《…》 (contents only)."""
    ranges: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in QUOTE_MARK.finditer(text):
        ch, i = m.group(), m.start()
        if ch == "\n":
            stack.clear()
        elif ch in "“‘「『《":
            stack.append(i)
        elif stack:
            ranges.append((stack.pop() + 1, i))
    return ranges


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in ranges)


def scan(text: str, gaz: Gazetteer) -> list[_Raw]:
    """Every written form of a division, longest match first, left to right."""
    quoted = quoted_ranges(text)
    return [
        _Raw(start, end, tuple(gaz.forms[text[start:end]]), _inside(start, quoted))
        for start, end in gaz.index.scan(text)
    ]


def extract_regions(
    text: str,
    gaz: Gazetteer,
    seg: Segmenter,
    home: Division | None = None,
    words: Sequence[str] | None = None,
) -> list[RegionHit]:
    """Regions named in ``text`` (see the module docstring for the rules).

    ``words`` are the Segmenter's cut of ``text`` when the caller has it already
    (ingest segments each article once); otherwise they are computed when needed.
    """
    raw = scan(text, gaz)
    needs_words = any(r.end - r.start == 2 or not _is_strong(r) for r in raw)
    boundaries = _boundaries(text, seg, words) if needs_words else set()
    firm = [r for r in raw if any(a.full or a.suffixed for a in r.aliases)]
    context: set[str] = set()
    for r in firm:
        divs = {a.division for a in r.aliases if a.full or a.suffixed}
        if len(divs) == 1:
            d = next(iter(divs))
            context.add(d.code)
            context.update(x.code for x in gaz.ancestors(d.code))
    if home is not None:
        context.add(home.code)
        context.update(x.code for x in gaz.ancestors(home.code))

    raw_ends = {r.end for r in raw}
    out: list[RegionHit] = []
    for r in raw:
        committee = _is_committee(text, r.start, r.end)
        body = committee or BODY_AFTER.match(text[r.end : r.end + 6]) is not None
        judged = _judge(r, text, gaz, seg, boundaries, context, body, raw_ends)
        if judged is None:
            continue
        division, rule, conf = judged
        entity = gaz.entity(division) if isinstance(division, Division) else division
        out.append(RegionHit(r.start, r.end, entity, committee, rule, conf))
    out = _chain_committees(text, out)
    home = home or _single_local_region(out, gaz)
    if home is not None:
        out.extend(_bare_committees(text, gaz, home, out))
    out.sort(key=lambda h: h.start)
    return out


def _chain_committees(text: str, hits: list[RegionHit]) -> list[RegionHit]:
    """In 上海市闵行区政协 or 政协上海市闵行区委员会 the committee is the last region's."""
    out = list(hits)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.end == b.start and a.entity.code and b.entity.code and (a.committee or b.committee):
            out[i] = RegionHit(a.start, a.end, a.entity, False, a.rule, a.confidence)
            out[i + 1] = RegionHit(b.start, b.end, b.entity, True, b.rule, b.confidence)
    return out


def _single_local_region(hits: list[RegionHit], gaz: Gazetteer) -> Division | None:
    """Without a source line, an article that names one city or county only is about it."""
    local = {h.entity.code for h in hits if h.entity.code and h.entity.level != "province"}
    return gaz.by_code[next(iter(local))] if len(local) == 1 else None


def _straddles_words(text: str, r: _Raw, seg: Segmenter, raw_ends: set[int]) -> bool:
    """True when the name is the tail of one common word and the head of another."""
    if r.start == 0 or r.start in raw_ends or not ("\u4e00" <= text[r.start - 1] <= "\u9fff"):
        return False
    left = text[r.start - 1 : r.start + 1]
    right = text[r.start + 1 : r.end]
    return seg.frequency(left) >= 50 and seg.frequency(right) >= 50 and not _is_name(right, seg)


def _is_name(form: str, seg: Segmenter) -> bool:
    """Region names are user words of the Segmenter; 城市 is not one."""
    return form in seg.words


def _is_strong(r: _Raw) -> bool:
    return any(a.full or a.suffixed for a in r.aliases)


def _judge(
    r: _Raw,
    text: str,
    gaz: Gazetteer,
    seg: Segmenter,
    boundaries: set[int],
    context: set[str],
    body: bool,
    raw_ends: set[int],
) -> tuple[Division | Entity, str, float] | None:
    strong = [a for a in r.aliases if a.full or a.suffixed]
    if strong and r.end - r.start == 2 and (r.start not in boundaries or r.end not in boundaries):
        return None  # 和县 in 机关和县政协, 沛县 is safe only as a word of its own
    if strong and _straddles_words(text, r, seg, raw_ends):
        return None  # 海城市 in 沿海城市: 沿海 + 城市 are the words
    if strong:
        divs = _unique([a.division for a in strong])
        rule = "region.full" if any(a.full for a in strong) else "region.alias"
        form = text[r.start : r.end]
        picked = _pick(divs, gaz, context, rule, form)
        if picked[1].endswith(".ambiguous") and not body and seg.frequency(form) >= AMBIGUOUS_WORD_FREQ:
            return None  # 为助推城区经济: several districts are named 城区, and so is any town centre
        return picked
    form = text[r.start : r.end]
    if r.quoted or r.start not in boundaries or r.end not in boundaries:
        return None
    divs = _unique([a.division for a in r.aliases])
    top = min(LEVEL_RANK[d.level] for d in divs)
    divs = [d for d in divs if LEVEL_RANK[d.level] == top]
    if top > 0 and seg.frequency(form) >= COMMON_WORD_FREQ and not body and not (top == 1 and seg.place_name(form)):
        return None  # 通道, 资源, 合作 are words; 武汉, 长沙 are cities jieba knows as places
    if top == 2 and not body:
        divs = [d for d in divs if any(x.code in context for x in gaz.ancestors(d.code))]
        if not divs:
            return None
    return _pick(divs, gaz, context, "region.short", form, base=0.8)


def _pick(
    divs: list[Division], gaz: Gazetteer, context: set[str], rule: str, form: str, base: float = 1.0
) -> tuple[Division | Entity, str, float]:
    if len(divs) == 1:
        return divs[0], rule, base
    in_context = [d for d in divs if d.code in context or any(x.code in context for x in gaz.ancestors(d.code))]
    if len(in_context) == 1:
        return in_context[0], rule + ".context", base * 0.9
    unresolved = Entity(
        kind="region",
        name=divs[0].name if len({d.name for d in divs}) == 1 else form,
        attrs=(("candidates", ",".join(d.code for d in divs)),),
    )
    return unresolved, rule + ".ambiguous", 0.3


def _unique(divs: list[Division]) -> list[Division]:
    seen: dict[str, Division] = {}
    for d in divs:
        seen.setdefault(d.code, d)
    return list(seen.values())


def _is_committee(text: str, start: int, end: int) -> bool:
    if COMMITTEE_AFTER.match(text[end : end + 6]):
        return True
    before = text[max(0, start - 6) : start]
    return before.endswith(COMMITTEE_BEFORE)


def _boundaries(text: str, seg: Segmenter, words: Sequence[str] | None) -> set[int]:
    cuts = set(accumulate(map(len, words if words is not None else seg.cut(text))))
    cuts.update((0, len(text)))
    return cuts


def _bare_committees(text: str, gaz: Gazetteer, home: Division, named: list[RegionHit]) -> list[RegionHit]:
    """``市政协`` with no name before it means the home region's committee, if the level fits."""
    fits = {
        "市": home.level == "prefecture" or home.name.endswith("市"),
        "县": home.level == "county" and home.name.endswith("县"),
        "区": home.level == "county" and home.name.endswith("区"),
        "州": home.name.endswith("州"),
    }
    named_ends = {h.end for h in named}
    out: list[RegionHit] = []
    for m in re.finditer(r"(市|县|区|州)政协", text):
        prev = text[m.start() - 1] if m.start() else ""
        if not fits[m.group(1)] or m.start() + 1 in named_ends or prev in PLURAL_BEFORE_COMMITTEE:
            continue  # 长沙市政协 (named already); 省市政协, 各县政协, 地市政协 (many committees)
        out.append(RegionHit(m.start(), m.end(), gaz.entity(home), True, "region.home", 0.7))
    return out


def home_region(source: str, gaz: Gazetteer, seg: Segmenter) -> Division | None:
    """The region an article's source line names (湘潭政协网 → 湘潭市), if exactly one."""
    if not source:
        return None
    hits = [h for h in extract_regions(source, gaz, seg) if h.entity.code]
    codes = {h.entity.code for h in hits}
    if not codes:
        return None
    deepest = max(codes, key=lambda c: LEVEL_RANK[gaz.by_code[c].level])
    # all named regions must lie on one line of descent
    chain = {deepest} | {d.code for d in gaz.ancestors(deepest)}
    return gaz.by_code[deepest] if codes <= chain else None
