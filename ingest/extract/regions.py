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
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ..gazetteer import LEVEL_RANK, Alias, Division, Gazetteer
from ..models import Entity, Mention
from ..segment import Segmenter, word_ends

# The region's CPPCC committee acts (长沙市政协, 政协永州市委员会): only it can adopt.
COMMITTEE_AFTER = re.compile(r"^(?:市|县|区|州|盟|旗)?(?:政协|人民政协)")
MASTHEAD_BEFORE = re.compile(r"(?:政协|政治协商会议)(?:第[一二三四五六七八九十\d]+届)?$")
MASTHEAD_AFTER = re.compile(r"[\u4e00-\u9fff]{0,10}?(?:第[一二三四五六七八九十\d]+届)?委员会")
# Any public body of the region (常宁市委, 县政府): not an actor, but proof that a short
# form (常宁) names the place.
BODY_AFTER = re.compile(r"^(?:市|县|区|州|盟|旗)?(?:政协|人民政协|委员会|两会|人大|县委|市委|区委|州委|党委|政府)")
COMMON_WORD_FREQ = 1000
# An official name shared by several divisions and common as a word (城区 1,517, 郊区 668,
# 矿区 372 in jieba's dictionary; 朝阳区 207) is a place only where the context says which.
AMBIGUOUS_WORD_FREQ = 300
PLURAL_BEFORE_COMMITTEE = set("省各地等个两三区县市州")
# A source line names the place of its outlet: 桐庐新闻网, 台州日报, 湘潭政协网.
MEDIA_AFTER = re.compile(r"^(?:市|县|区)?(?:新闻|日报|晚报|融媒|发布|电视|广播|政协|政府|在线|网)")
# A short form that is part of a smaller place's name: 长治里社区, 朝阳村, 友谊镇, 城东社区.
PLACE_AFTER = re.compile(
    r"[\u4e00-\u9fff]?(?:社区|村委|村|街道|小区|大街|大道|路|街|镇(?!政府|党委)|乡(?!政府|党委)|苏木)|湾"
)
# 各位来宾: a noun after a quantifier, not a place.
NOUN_BEFORE = ("各位", "诸位", "全体", "广大", "与会")
# A person's name after a title (副主席刘丽江, 王大同 further down the list of names).
TITLE_BEFORE = re.compile(
    r"(?:主席|书记|主任|委员|部长|秘书长|市长|县长|区长|州长|局长|会长|组长|院长|代表|主委|常委|同志|记者|通讯员|摄影|校长|经理)$"
)
# …张华容委员: a surname before a short form and a person's title after it make a person's name.
TITLE_AFTER = re.compile(r"(?:委员|同志|先生|女士|教授|老师)(?!会|工作|之家|联络|联系|履职|接待|活动)")
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢"
    "安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游"
    "辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
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


class _Inside:
    """Whether a position lies in one of some ranges, by bisection over their union (a test of
    every range for every name an article holds was a tenth of the region pass)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for a, b in sorted(ranges):
            if self._ends and a <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], b)
            else:
                self._starts.append(a)
                self._ends.append(b)

    def __call__(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


def scan(text: str, gaz: Gazetteer, quoted: _Inside | None = None) -> list[_Raw]:
    """Every written form of a division, longest match first, left to right."""
    inside = quoted if quoted is not None else _Inside(quoted_ranges(text))
    forms = gaz.forms
    return [_Raw(start, end, tuple(forms[text[start:end]]), inside(start)) for start, end in gaz.index.scan(text)]


def extract_regions(
    text: str,
    gaz: Gazetteer,
    seg: Segmenter,
    home: Division | None = None,
    words: Sequence[str] | None = None,
    source_line: bool = False,
) -> list[RegionHit]:
    """Regions named in ``text`` (see the module docstring for the rules).

    ``words`` are the Segmenter's cut of ``text`` when the caller has it already
    (ingest segments each article once); otherwise they are computed when needed.
    In a ``source_line`` an outlet's name (桐庐新闻网) is evidence like a body after a name.
    """
    quoted = _Inside(quoted_ranges(text))
    raw = scan(text, gaz, quoted)
    needs_words = any(r.end - r.start == 2 or not _is_strong(r) for r in raw)
    boundaries = _boundaries(text, seg, words) if needs_words else _NO_CUTS
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
    taken = 0
    for first in raw:
        cand: _Raw | None = first
        judged = None
        while cand is not None and cand.start >= taken:
            r = cand
            committee = _is_committee(text, r.start, r.end)
            after = text[r.end : r.end + 6]
            body = (
                committee
                or BODY_AFTER.match(after) is not None
                or (source_line and MEDIA_AFTER.match(after) is not None)
            )
            judged = _judge(r, text, gaz, seg, boundaries, context, body, raw_ends)
            if judged is not None:
                break
            # 其中宁远县: the scan took 中宁, a word's tail and head; the name that starts inside
            # it and runs past it is tried in its place
            cand = _inner(text, gaz, r, quoted)
            if cand is not None and not boundaries:
                boundaries = _boundaries(text, seg, words)
        if judged is None or cand is None:
            continue
        r = cand
        taken = r.end
        division, rule, conf = judged
        entity = gaz.entity(division) if isinstance(division, Division) else division
        out.append(RegionHit(r.start, r.end, entity, committee, rule, conf))
    out = _chain_committees(text, out)
    home = home or _single_local_region(out, gaz)
    if home is not None:
        out.extend(_bare_committees(text, gaz, home, out))
    out.sort(key=lambda h: h.start)
    return out


def _inner(text: str, gaz: Gazetteer, r: _Raw, quoted: _Inside) -> _Raw | None:
    """The longest form that starts inside ``r`` (after its first character) and ends after it."""
    by_pair = gaz.lengths_by_pair
    for start in range(r.start + 1, r.end):
        for length in by_pair.get(text[start : start + 2], ()):  # longest first, as every length in turn
            if length <= r.end - start:
                break
            if start + length > len(text):
                continue
            form = text[start : start + length]
            if form in gaz.forms:
                return _Raw(start, start + length, tuple(gaz.forms[form]), quoted(start))
    return None


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
    boundaries: _Cuts,
    context: set[str],
    body: bool,
    raw_ends: set[int],
) -> tuple[Division | Entity, str, float] | None:
    strong = [a for a in r.aliases if a.full or a.suffixed]
    if strong and r.end - r.start == 2 and (r.start not in boundaries or r.end not in boundaries):
        return None  # 和县 in 机关和县政协, 沛县 is safe only as a word of its own
    if strong and r.end - r.start == 2 and r.quoted and not body:
        return None  # “旅居兴县”: a two-character name inside a slogan is a word of it
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
    if not body and (_inside_a_name(text, r.start, r.end) or text[max(0, r.start - 2) : r.start] in NOUN_BEFORE):
        return None  # 长治里社区, 副主席刘丽江, 各位来宾
    divs = _unique([a.division for a in r.aliases])
    top = min(LEVEL_RANK[d.level] for d in divs)
    divs = [d for d in divs if LEVEL_RANK[d.level] == top]
    if top > 0 and seg.frequency(form) >= COMMON_WORD_FREQ and not body and not (top == 1 and seg.place_name(form)):
        return None  # 通道, 资源, 合作 are words; 武汉, 长沙 are cities jieba knows as places
    common = top == 2 and seg.frequency(form) >= AMBIGUOUS_WORD_FREQ and not seg.place_name(form)
    if common and not body:
        return None
    if top == 2 and (not body or common):
        # a county's short form needs its parent named, and a common word (友好, 复兴) needs that
        # besides a body after it (友好政协 are friendly committees)
        divs = [d for d in divs if d.code in context or any(x.code in context for x in gaz.ancestors(d.code))]
        if not divs:
            return None
    return _pick(divs, gaz, context, "region.short", form, base=0.8)


def _inside_a_name(text: str, start: int, end: int) -> bool:
    """A short form inside a smaller place's name (长治里社区, 朝阳村) or a person's (副主席刘丽江,
    …、王大同、陈金华等, 张华容委员)."""
    if PLACE_AFTER.match(text, end):
        return True
    if start > 0 and text[start - 1] in SURNAMES and TITLE_AFTER.match(text, end):
        return True
    pos = start - 1
    for _ in range(12):  # back through a list of names to the title that opens it
        if pos < 0 or text[pos] not in SURNAMES:
            return False
        if TITLE_BEFORE.search(text, max(0, pos - 4), pos):
            return True
        if pos < 1 or text[pos - 1] != "、":
            return False
        for length in (2, 3):  # the name before the 、
            q = pos - 1 - length
            if (
                q >= 0
                and text[q] in SURNAMES
                and (text[q - 1 : q] == "、" or TITLE_BEFORE.search(text, max(0, q - 4), q))
            ):
                pos = q
                break
        else:
            return False
    return False


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
    return is_masthead(text, start, end)


def is_masthead(text: str, start: int, end: int) -> bool:
    """政协X委员会, 中国人民政治协商会议第五届X委员会 (and 政协上海市闵行区委员会): the committee's
    full name; 市政协深圳委员工作室 names a place after 政协, not a committee."""
    return MASTHEAD_BEFORE.search(text, max(0, start - 12), start) is not None and (
        MASTHEAD_AFTER.match(text, end, end + 16) is not None
    )


class _Cuts:
    """The word boundaries of a text (its start, its end and where each word ends), asked by
    bisection: a set of the 1,800 offsets of an article cost more to build than the few dozen
    questions it answers."""

    __slots__ = ("_ends", "_length")

    def __init__(self, ends: list[int], length: int) -> None:
        self._ends = ends  # sorted: word_ends of the cut
        self._length = length

    def __contains__(self, pos: int) -> bool:
        if self._length < 0:
            return False
        if pos == 0 or pos == self._length:
            return True
        i = bisect_left(self._ends, pos)
        return i < len(self._ends) and self._ends[i] == pos

    def __bool__(self) -> bool:
        return self._length >= 0


_NO_CUTS = _Cuts([], -1)  # not asked for yet (the article has only full names)


def _boundaries(text: str, seg: Segmenter, words: Sequence[str] | None) -> _Cuts:
    return _Cuts(word_ends(words if words is not None else seg.cut(text)), len(text))


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
    source = source.replace("《", "").replace("》", "")  # 《连云港新闻》: the outlet's name, not a title
    hits = [h for h in extract_regions(source, gaz, seg, source_line=True) if h.entity.code]
    codes = {h.entity.code for h in hits}
    if not codes:
        return None
    deepest = max(codes, key=lambda c: LEVEL_RANK[gaz.by_code[c].level])
    # all named regions must lie on one line of descent
    chain = {deepest} | {d.code for d in gaz.ancestors(deepest)}
    return gaz.by_code[deepest] if codes <= chain else None
