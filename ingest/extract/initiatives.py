"""Initiatives: the mechanisms a region adopts and the brands it runs, with the span that names them.

Where candidates come from, strongest first:

- **quoted names** (“双考”, ‘…’, 「…」, "…"), judged by the head word after the quote
  (“两力两率”评价, “五促行动”, “有事来协商”平台建设) and the verb before it (实施, 开展,
  打造, 健全 …); a chain of quotes shares one head (修订“双考”“两力两率”等制度);
- **clear unquoted patterns**: a list of named brands (打造A、B、C等5个履职品牌), the items
  of an enumerated collective (协商选题、协商审查…“五个机制”), a system named after a
  building verb (健全党员委员联系党外委员制度), a numbered practice after 实行 (实行双通报),
  and the institutional vocabulary of committees (委员工作室, 协商议事室, 委员履职档案);
- **known terms** of the lexicon, found unquoted where a committee acts.

Quoted phrases that are slogans or style phrases (“作风硬、政协兴”, 纠“四风”) become kind
``slogan``: kept as mentions, never adoptions. A candidate without any sign of adoption
(no head word, no verb, no known term) is not an initiative at all: “最后一公里” is a
figure of speech.

Attribution (who adopts) is ``Actors``: a region written right before the term (道县委员
工作室, 丰县、沛县协商议事室), else the committee acting in the sentence or paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from ..lexicon import Lexicon
from ..models import EntityKind
from ..segment import word_ends
from . import unquoted
from .actors import Actors
from .regions import RegionHit

OPENERS = {"“": "”", "‘": "’", "「": "」", "『": "』"}
QUOTE_OPENER = re.compile('[“‘「『"]')
# Head words after a quote (or at the end of a name) and the kind they give, longest first.
MECHANISM_HEADS = (
    "工作机制 长效机制 保障机制 评价体系 考核办法 工作法 机制 制度 评价 评比 考核 考评 测评 评议 办法 规则 模式 "
    "体系 架构 组织架构 清单 档案 积分 台账 工作室 议事室 协商室 工作站 联络站 联系点 服务站 之家 网格 标准 "
    "驿站 议事厅 议事堂 议事坊 会客厅 联络室 值班日 接待日 实践中心 阵地矩阵 "
    "议事会 议事站 议政会 议事点 协商点 活动站 活动室"
).split()
BRAND_HEADS = (
    "履职品牌 工作品牌 特色品牌 栏目品牌 品牌 工程 行动 专项行动 活动 主题活动 创建活动 系列活动 平台 栏目 论坛 讲堂 "
    "大讲堂 年 计划 项目 赛 竞赛 工作"
).split()
SLOGAN_HEADS = (
    "作风 要求 精神 导向 氛围 理念 目标 定位 职能定位 口号 思路 原则 要义 标准要求 作风要求 风气 局面 功能 职能".split()
)
HEADS: list[tuple[str, EntityKind]] = sorted(
    [(h, "mechanism") for h in MECHANISM_HEADS]
    + [(h, "brand") for h in BRAND_HEADS]
    + [(h, "slogan") for h in SLOGAN_HEADS],
    key=lambda pair: -len(pair[0]),
)
# The same, looked up by string: a head ends a name (HEAD_LENGTHS, longest first) or is
# found in a phrase (HEAD_WORD: at the leftmost place, the longest head there).
HEAD_KIND: dict[str, EntityKind] = {}
for _head, _kind in HEADS:
    HEAD_KIND.setdefault(_head, _kind)
HEAD_LENGTHS = sorted({len(h) for h in HEAD_KIND}, reverse=True)
HEAD_WORD = re.compile("|".join(map(re.escape, HEAD_KIND)))
ADOPT_VERBS = (
    "实施 推进 开展 打造 建立 健全 完善 修订 实行 推行 落实 探索 创建 构建 启动 深化 实现 推出 建设 升级 创新 坚持 "
    "擦亮 叫响 办好 用好 做实 做优 纳入 践行 规范 抓好 推动 建成 设立 成立 组建 出台 制定 制订 印发 运用 创设 培育 "
    "首创 创办 举办 打响 铸就 形成 深耕 依托 通过 持续 扎实"
).split()
# The clause is searched backwards for the reversed verbs: the first match is the verb that
# ends last, and at one end the longest verb (alternatives longest first).
VERB_BACKWARDS = re.compile("|".join(re.escape(v[::-1]) for v in sorted(ADOPT_VERBS, key=len, reverse=True)))
# 开展“委员进乡镇、协商进基层”: clauses side by side name an activity when it is carried out
# (they are a slogan when it is realised or lived up to: 实现“作风硬、政协兴”).
ACTIVITY_VERBS = frozenset("开展 举办 启动 实施".split())
MECHANISM_VERBS = set("健全 完善 修订 实行 推行 落实 建立 构建 制定 制订 出台 印发 设立 规范".split())
NEGATIVE_VERBS = (
    "纠",
    "治",
    "祛",
    "反对",
    "防止",
    "破除",
    "整治",
    "克服",
    "杜绝",
    "反",
    "倡树",
    "树牢",
    "弘扬",
    "发扬",
)
NUMERAL = re.compile(r"[一二两三四五六七八九十百千双多]|\d")
CLAUSE_BREAK = re.compile(r"[,;:。!?,;:!?()()\n]")
PHRASE_STOP = re.compile(r"[,;:。!?,;:!?()()\n、“”‘’「」《》\"的为和与及在中]")

# Institutional vocabulary of committees, written unquoted.
# Every alternative starts with a character, so that ``re`` skips in C to the positions
# where one of them stands (an optional group first made it try every position: 3× slower).
# A group of alternatives in front of the first does that too: each member's prefix is written
# out (readable form, kept in tests/test_patterns.py: (?:(?:界别|党员)(?:政协)?委员|政协(?:政协)?委员|委员)
# followed by _MEMBER_THING).
_MEMBER_THING = (
    r"(?:履职管理|(?:履职)?(?:工作室|工作站|联络站|联系点|之家|履职档案|档案|考核|考评|积分管理|积分制(?!度)))"
)
INSTITUTION = re.compile(
    rf"界别(?:政协)?委员{_MEMBER_THING}|党员(?:政协)?委员{_MEMBER_THING}|政协(?:政协)?委员{_MEMBER_THING}"
    rf"|委员{_MEMBER_THING}"
    r"|协商议事(?:室|厅|堂|站|中心|会)|履职(?:考核|考评|积分管理|积分制(?!度)|档案)|提案办理评议"
)
SYSTEM_AFTER_VERB = re.compile(
    r"(?:健全|建立|完善|实行|推行|落实|探索|构建|出台|创新|制定|制订|执行|强(?<![^,;:。,;:\n]强)化)(?:了|完善|并)?"
    r"([\u4e00-\u9fff]{2,16}?(?:制度|机制))(?!体系|框架|格局|建设)"
)
# A committee's system named right after it, as what a meeting is about or is built
# (A政协·B政协联合视察机制建设研讨会, 县政协委员履职积分制度实施细则): no verb is written, the
# committee's name before it says whose it is.
SYSTEM_AFTER_COMMITTEE = re.compile(
    r"政协([\u4e00-\u9fff]{2,12}?(?:制度|机制))(?=建设|研讨会|推进会|座谈会|工作会|启动|签约|揭牌|实施|运行)"
)
# 向委员工作室派驻了219名党建指导员: officers posted to a body are a standing arrangement
POSTED_OFFICERS = re.compile(
    r"(?:派驻|选派|配备)(?:了)?(?:\d+|[一二两三四五六七八九十百千]+)?(?:名|位)?([\u4e00-\u9fff]{2,6}?(?:指导员|联络员|特派员))"
)
PRACTICE_AFTER_SHIXING = re.compile(r"(?:实行|推行)(?:了)?([\u4e00-\u9fff]{2,8})(?=[,。;、,;])")
BRAND_LIST = re.compile(
    r"(?:打造|推出|形成|培育|创建|擦亮|打响|叫响)(?:了)?((?:[\u4e00-\u9fff+·]{3,20}、)+[\u4e00-\u9fff+·]{3,20})"
    r"等(?:\d+|[一二两三四五六七八九十]+)(?:个|项|大)[\u4e00-\u9fff]{0,4}品牌"
)
# A list closed by the brands it names, with no verb before it: A、B和C等岳阳政协五大特色
# 工作品牌. Items run from the clause's start; the committee may stand after 等.
_ITEM = r"[^,;:。!?,;:!?、\n]{3,30}?"
_COUNTED_BRANDS = r"等([\u4e00-\u9fff]{0,8}?)(?:\d+|[一二两三四五六七八九十]+)(?:个|项|大)[\u4e00-\u9fff]{0,6}品牌"
BRAND_LIST_CLOSED = re.compile(rf"(?:^|(?<=[,;:。!?,;:!?\n]))((?:{_ITEM}、)+{_ITEM}){_COUNTED_BRANDS}", re.MULTILINE)
# What every BRAND_LIST_CLOSED match holds after its list: a text without it (nineteen in
# twenty) is not read by the pattern, which tries its list at every clause opening.
BRAND_LIST_COUNT = re.compile(_COUNTED_BRANDS)
GENERIC_SYSTEM = re.compile(r"^(?:相关|各项|有关|工作|长效|考核|制度|机制|体制|协商|一系列|各类|常态化|规章|管理)")
LEADING_VERBS = re.compile("^(?:" + "|".join(sorted(ADOPT_VERBS, key=len, reverse=True)) + ")+")
# Policy names built from numbers (一案一微一信息, 三线多级, 五聚焦五助力) or a formula (党建+X).
NUMBERED_NAME = re.compile(r"^(?:[一二两三四五六七八九十双]{1,2}[\u4e00-\u9fff]{1,4}){2,}$")
FORMULA = re.compile(r"[\u4e00-\u9fff\dA-Za-z]\+|\+[\u4e00-\u9fff\dA-Za-z]")
DIGIT_FORMULA = re.compile(r"[\dA-Za-z]{1,3}(?:\+[\dA-Za-z]{1,3})+")  # 1+N, 1+2+4+N: a numbered system
COUNT_PHRASE = re.compile(r"等?(?:\d+|[一二两三四五六七八九十]+)(?:个|项|大|种|类|方面)$|等$")
ENUMERATION_BEFORE = re.compile(r"((?:[\u4e00-\u9fff]{2,10}、)+[\u4e00-\u9fff]{2,10})$")


class _WordEnding:
    """The word of a cut that ends at a position, if one does: asked a few times an article,
    so found by bisection over the words' ends rather than from a table of all of them."""

    __slots__ = ("_ends", "_words")

    def __init__(self, words: Sequence[str]) -> None:
        self._words = words
        self._ends: list[int] | None = None  # made at the first question: many articles ask none

    def get(self, pos: int) -> str | None:
        if self._ends is None:
            self._ends = word_ends(self._words)
        i = bisect_right(self._ends, pos) - 1  # the last word ending there, as a table would keep
        return self._words[i] if i >= 0 and self._ends[i] == pos else None


@dataclass(frozen=True, slots=True)
class InitiativeHit:
    """A named mechanism, brand or slogan at ``start:end`` and the regions that own it."""

    start: int
    end: int
    name: str
    kind: EntityKind
    owners: tuple[RegionHit, ...]
    rule: str
    confidence: float
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    start: int  # inner text start (after the opening mark)
    end: int  # inner text end (before the closing mark)
    text: str


def quotes(text: str) -> list[Quote]:
    """Quoted spans on one line: “…”, ‘…’, 「…」, 『…』 and half-width "…"."""
    out: list[Quote] = []
    for line_start, line in _lines(text):
        m = QUOTE_OPENER.search(line)
        while m is not None:
            i = m.start()
            j = line.find(OPENERS.get(m.group(), '"'), i + 1)
            if j < 0:
                m = QUOTE_OPENER.search(line, i + 1)
                continue
            out.append(Quote(line_start + i + 1, line_start + j, line[i + 1 : j]))
            m = QUOTE_OPENER.search(line, j + 1)
    return out


def _lines(text: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def head_after(text: str, pos: int) -> tuple[str, EntityKind, int] | None:
    """The first head word in the short phrase after ``pos`` (“…”平台建设工作 → 平台)."""
    m = PHRASE_STOP.search(text, pos, min(len(text), pos + 14))
    phrase = text[pos : m.start() if m else min(len(text), pos + 14)]
    phrase = phrase.removeprefix("新")
    m = HEAD_WORD.search(phrase)
    if m is None or m.start() > 8:
        return None
    if m.group() == "工作":
        # “三服务”工作理念, “…”工作机制: the head after 工作 says what kind of work it is
        after = HEAD_WORD.match(phrase, m.end())
        m = after if after is not None else m
    head = m.group()
    return head, HEAD_KIND[head], pos + m.end()


def kind_of_name(name: str) -> EntityKind | None:
    """The kind the longest head word ending ``name`` gives (it must not be all of it); a
    name ending in 政协 (书香政协, 五型政协) is what a committee makes of itself, a brand."""
    if len(name) >= 4 and name.endswith("政协") and name[-3] not in "国省市州县区旗盟级":
        return "brand"
    for length in HEAD_LENGTHS:
        if len(name) > length:
            kind = HEAD_KIND.get(name[-length:])
            if kind is not None:
                return kind
    return None


def verb_before(text: str, pos: int) -> str:
    """The adoption verb in the clause just before ``pos`` (empty if none)."""
    start = max(0, pos - 10)
    clause = text[start:pos]
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(clause)]
    if breaks:
        clause = clause[breaks[-1] :]
    m = VERB_BACKWARDS.search(clause[::-1])
    if m is None:
        return ""
    best = m.group()[::-1]
    rest = clause[len(clause) - m.start() :]
    # 深化改革的“先手棋”: the verb governs 改革, not the quote; 落实《…“十三五”: a title's word
    if len(rest) > 6 or re.search(r"[的《]", rest):
        return ""
    return best


def negated(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos]
    return before.endswith(NEGATIVE_VERBS)


# 为建设“…”, 助力“…”: a goal; 作为/成为/题为/称为“…” are not (平遥县政协作为“四联四进”工作法的首创单位)
PURPOSE = re.compile(
    r"(?:(?<![作成题称视认更])为(?:了)?(?:加快|推动|实现|建设|打造|助力|服务|奋力)?|助力)[^,。;,;]{0,6}$"
)


# 监督落实“十年禁渔”, 积极参与“洁净浏阳”行动, 配合做好“…”: the committee supervises or supports
# someone else's programme; it does not run it
SUPPORTS = re.compile(
    r"(?:监督|督促|助推|参与|配合|协助|支持)(?:落实|推进|实施|开展|做好|执行)?(?:了)?[^,。;,;“”]{0,4}$"
)
# 区城管局“城管进社区”, 县政府推行的“…”, 审批局介绍了“…”: a quote written right after another
# body (or what it does or presents) is that body's (a
# committee's own organs, 机关党支部“…”, are not another body)
BODY_BEFORE = re.compile(
    r"(?:局|厅|[省市州县区]委|政府|党委|法院|检察院)(?:负责同志|负责人)?"
    r"(?:介绍|汇报|通报|推出|推行|实施|开展|出台|提出)?了?(?:的)?$"
)


def someone_elses(text: str, pos: int) -> bool:
    """A quote at ``pos`` (its opening mark) that is another body's programme the committee
    supervises, supports or looks at (see SUPPORTS, BODY_BEFORE)."""
    before = text[max(0, pos - 12) : pos]
    if SUPPORTS.search(before):
        return True
    return BODY_BEFORE.search(before) is not None and "政协" not in before[-8:]


def for_a_goal(text: str, pos: int) -> bool:
    """为建设“六新河池”作出贡献, 助力加强“医养+”…: the quote names a goal the committee serves."""
    return PURPOSE.search(text, max(0, pos - 10), pos) is not None


SENTENCE_ENDS = "。!?;!?;\n"
SENTENCE_END = re.compile(f"[{SENTENCE_ENDS}]")
TOPICS_OPEN = re.compile(r"围绕|就")
# “A”和“B”两个专题, …、“C”…等主题作了发言: the quotes are in a list of subjects discussed
TOPICS_CLOSE = re.compile(r"(?:等|为|[两三四五六七八九十几]个)(?:主题|议题|专题|课题)")
# 做好“三农”工作的重要指示: the subject of someone's instructions
INSTRUCTIONS_ON = re.compile(r"[^,,]{0,8}?的重要(?:指示|讲话|论述|批示)")


def about_a_topic(text: str, start: int, end: int) -> bool:
    """Quotes at ``start:end`` that name what was discussed or instructed, not what a committee runs.

    Subjects of a meeting come after 围绕/就 and are closed by 等主题/两个专题; a subject
    of instructions is followed by 的重要指示. A quote followed by its own head word and
    then 专题协商 (围绕“有事好商量”品牌开展专题协商) is not closed this way.
    """
    if INSTRUCTIONS_ON.match(text, end):
        return True
    stop = SENTENCE_END.search(text, end)
    after = text[end : min(stop.start() if stop else len(text), end + 80)]
    if not TOPICS_CLOSE.search(after):
        return False
    opened = max(text.rfind(ch, 0, start) for ch in SENTENCE_ENDS) + 1
    return TOPICS_OPEN.search(text, opened, start) is not None


def looks_like_topic(name: str) -> bool:
    """关于我市农村全面建成小康社会, 加强X,促进Y高质量发展: the title of a study, not a name."""
    if name.startswith(("关于", "我市", "我县", "我州", "我区", "我省", "以")):
        return True
    return len(name) > 12 and ("的" in name or "," in name) and kind_of_name(name) in (None, "slogan")


def _has_verb(name: str) -> bool:
    return any(v in name for v in ADOPT_VERBS)


def looks_like_slogan(name: str) -> bool:
    """Parallel short clauses (作风硬、政协兴) or a sentence-like phrase."""
    parts = re.split(r"[、,,]", name)
    return len(parts) >= 2 and all(len(p) <= 10 for p in parts)


def _valid_name(name: str) -> bool:
    han = sum(1 for ch in name if "\u4e00" <= ch <= "\u9fff")
    if re.fullmatch(r"[一二三四五六七八九十百千万\d]+", name):
        return False  # plan periods (十四五) and bare numbers
    if DIGIT_FORMULA.fullmatch(name):
        return True  # 1+2+4+N
    return 2 <= len(name) <= 30 and han >= 2 and not re.search(r"[。!?!?]", name)


def extract_initiatives(
    text: str,
    actors: Actors,
    lexicon: Lexicon | None = None,
    words: Sequence[str] | None = None,
    is_common: Callable[[str], bool] | None = None,
) -> list[InitiativeHit]:
    """Initiatives of one article, attributed and named canonically (see the module docstring).

    With a lexicon, names are mapped to their canonical form (merges and renames of the
    user honoured, blocked names dropped), quoted names found here are learnt, and known
    terms written unquoted are found too.
    """
    lexicon = lexicon if lexicon is not None else Lexicon()
    hits: list[InitiativeHit] = []
    taken: list[tuple[int, int]] = []
    partial = unquoted.partly_quoted(text)
    qs = [q for q in quotes(text) if not any(a <= q.start < b for a, _, b in ((a, n, b) for a, b, n in partial))]
    word_ending = _WordEnding(words or ())
    hits.extend(_partly_quoted(text, partial, actors))
    for chain in _chains(text, qs, actors):
        hits.extend(_judge_chain(text, chain, actors, word_ending, is_common))
    for hit in hits:
        taken.append((hit.start, hit.end))
        if hit.kind != "slogan" and hit.rule.startswith("initiative.quoted"):
            lexicon.learn(hit.name, hit.kind, strong=hit.rule.endswith(".head"))
            for alias in hit.aliases:
                lexicon.add_alias(alias, hit.name, hit.rule)
    quoted = [(q.start, q.end) for q in qs]
    for extra in (
        _columns(text, actors),
        _brand_lists(text, actors),
        _enumerations(text, qs, actors),
        _counted_lists(text, actors),
        _numbered(text, actors),
        _systems(text, actors),
        _institutions(text, actors),
        _known_terms(text, actors, lexicon, quoted),
    ):
        for hit in extra:
            if not any(a < hit.end and hit.start < b for a, b in taken):
                hits.append(hit)
                taken.append((hit.start, hit.end))
    known = [(h.start, h.end) for h in hits if h.kind != "slogan" and h.rule != "initiative.lexicon"]
    for start, end in unquoted.siblings(text, known):
        # a known term that found no owner gives way to the list that has one
        weak = [h for h in hits if h.rule == "initiative.lexicon" and not h.owners]
        for h in [h for h in weak if h.start < end and start < h.end]:
            hits.remove(h)
            taken.remove((h.start, h.end))
        if not any(a < end and start < b for a, b in taken):
            name = text[start:end]
            hits.append(InitiativeHit(start, end, name, kind_of_name(name) or "mechanism",
                                      _owners(actors, start, end), "initiative.sibling", 0.6))  # fmt: skip
            taken.append((start, end))
    hits = [replace(h, owners=()) if _an_aim(text, h) else h for h in hits]
    hits = [replace(h, confidence=round(h.confidence * 0.7, 3)) if _looked_at(text, h) else h for h in hits]
    out = [_canonical(hit, lexicon) for hit in _listed_share_owners(text, sorted(hits, key=lambda h: h.start))]
    return [hit for hit in out if hit is not None]


# 把委员工作站建设成为全市示范的委员联系点: what a body is to be made into is an aim of the
# sentence (and often another committee's title for it), not an institution anyone runs yet.
# 建成 alone is a building verb (建成委员工作室23个); only 成为 after it names the aim.
AIM_BEFORE = re.compile(r"(?:建设|打造|建|办|培育|塑造|发展)成为[^,;:。!?,;:!?“”]{0,16}$")


# 市政协调研委员工作室, 考察组参观协商议事室: an institution a committee goes to see may be its
# own or its counties' (the visit often is the latter); a weaker sign than a building verb.
LOOKED_AT = re.compile(r"(?:调研|视察|考察|参观|走访|观摩|察看|检查)(?:了)?$")


def _looked_at(text: str, hit: InitiativeHit) -> bool:
    """An unquoted term written right after a verb of looking at it (see LOOKED_AT)."""
    if not hit.owners or hit.rule.startswith("initiative.quoted"):
        return False
    return LOOKED_AT.search(text, max(0, hit.start - 3), hit.start) is not None


def _an_aim(text: str, hit: InitiativeHit) -> bool:
    """An unquoted term written as what something is to become (see AIM_BEFORE)."""
    if not hit.owners or hit.rule.startswith("initiative.quoted"):
        return False
    return AIM_BEFORE.search(text, max(0, hit.start - 24), hit.start) is not None


def _listed_share_owners(text: str, hits: list[InitiativeHit]) -> list[InitiativeHit]:
    """安塞区经济界别委员工作室、文艺新闻界别委员工作室: an institution listed right after one
    with an owner written before it, and with nobody of its own, has the same owner."""
    out: list[InitiativeHit] = []
    for hit in hits:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not hit.owners
            and prev.owners
            and prev.kind == hit.kind != "slogan"
            and prev.end + 1 == hit.start
            and text[prev.end] == "、"
        ):
            hit = replace(hit, owners=prev.owners)
        out.append(hit)
    return out


def _canonical(hit: InitiativeHit, lexicon: Lexicon) -> InitiativeHit | None:
    name = lexicon.canonical(hit.name)
    if name is None:
        return None
    kind = (lexicon.kind_of(name) if hit.kind != "slogan" else None) or hit.kind
    if name == hit.name and kind == hit.kind:
        return hit  # already canonical (most are): no copy (dataclasses.replace is slow)
    aliases = hit.aliases if name == hit.name else (*hit.aliases, hit.name)
    return replace(hit, name=name, kind=kind, aliases=aliases)


def _known_terms(text: str, actors: Actors, lexicon: Lexicon, quoted: list[tuple[int, int]]) -> list[InitiativeHit]:
    """Known terms written without quotes; adopted where a building verb or an owner says so."""
    out: list[InitiativeHit] = []
    for start, end, name in lexicon.find(text):
        if any(a <= start and end <= b for a, b in quoted):
            continue
        kind = lexicon.kind_of(name) or "mechanism"
        if _glued_modifier(text, start):
            # 开展小微协商: a character glued between the verb and a known term (微协商) makes
            # a name of its own, a kind of the known one
            start -= 1
            name = text[start:end]
        owners = actors.regions_before(start)
        verb = verb_before(text, start)
        if not owners and verb and not _held_as_principle(text, verb, start, end):
            found = actors.actor_at(start)
            owners = (found[0],) if found else ()
        out.append(InitiativeHit(start, end, name, kind, owners, "initiative.lexicon", 0.6))
    return out


# 始终坚持履职为民, 践行履职为民: what a committee holds to is a principle of its work; the same
# words run as a programme carry their head (推动履职为民活动) or an owner written before them.
PRINCIPLE_VERBS = frozenset("坚持 践行".split())


def _held_as_principle(text: str, verb: str, start: int, end: int) -> bool:
    """A known term written bare after a verb of holding to (see PRINCIPLE_VERBS), no head after it."""
    if verb not in PRINCIPLE_VERBS or kind_of_name(text[start:end]) is not None:
        return False
    return head_after(text, end) is None


GLUE_NEVER = set("了着过好的各多全一二两三四五六七八九十个这此该其等和与及在为把将对")
ADOPTED_BEFORE = re.compile("(?:" + "|".join(sorted(ADOPT_VERBS, key=len, reverse=True)) + ")$")


def _glued_modifier(text: str, start: int) -> bool:
    """Whether one character stands between an adoption verb and ``start`` (开展小微协商)."""
    if start < 3 or not "\u4e00" <= text[start - 1] <= "\u9fff" or text[start - 1] in GLUE_NEVER:
        return False
    return ADOPTED_BEFORE.search(text, max(0, start - 5), start - 1) is not None


def _chains(text: str, qs: list[Quote], actors: Actors | None = None) -> list[list[Quote]]:
    """Quotes written one after another (“双考”“两力两率”, “A”、“B”) share what follows, and so do
    quotes each led by its region (湄潭“湄好商量”、凤冈“凤鸣协商”…等一批县级协商品牌)."""
    chains: list[list[Quote]] = []
    region_ends = {h.end: h.start for h in actors.hits} if actors is not None else {}
    for q in qs:
        if chains:
            last = chains[-1][-1]
            between = text[last.end + 1 : q.start - 1]
            if between in ("", "、", "和", "与", "及") and q.start - last.end <= 3:
                chains[-1].append(q)
                continue
            lead = _lead_end(text, q.start - 1)
            led = lead in region_ends and text[last.end + 1 : region_ends[lead]] in ("、", "和", "与", "及")
            if led and (len(chains[-1]) > 1 or _lead_end(text, last.start - 1) in region_ends):
                chains[-1].append(q)
                continue
        chains.append([q])
    return chains


def _lead_end(text: str, mark: int) -> int:
    """Where a region leading the quote opened at ``mark`` would end (A县“…”, A县的“…”)."""
    return mark - 1 if text[mark - 1 : mark] == "的" else mark


def _prefix_alias(word: str | None, name: str) -> tuple[str, ...]:
    """委员“双考” is also written 委员双考: the noun glued before a quote makes an alias."""
    if not word or not 2 <= len(word) <= 3 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return ()
    if word in ADOPT_VERBS or _has_verb(word) or re.search(r"[的了和与及等在为对把以将向]", word):
        return ()
    return (word + name,)


# 以“娄事好商量”为抓手, 把“屈子议事”作为履职品牌: the committee takes the quote up as the carrier
# of its work. Only carriers that name a vehicle (抓手, 载体, 平台, 品牌): 以“…”为引领/为指导 is
# how political lines are cited, and 以“…”为主题 names a subject.
CARRIER_BEFORE = re.compile(r"[以把将]$")
CARRIER_AFTER = re.compile(r"(?:为|作为)(?:重要|主要|有效|有力)?[\u4e00-\u9fff]{0,4}?(?:抓手|载体|平台|品牌)")


# 打造特色品牌:赫山区“…”、资阳区“…”: the head and the verb stand before a colon that opens the list
HEAD_BEFORE_COLON = re.compile(
    r"(?:打造|推出|形成|培育|创建|建立|建成|涌现)(?:了|出)?[^,。;:,;:“”]{0,8}?"
    r"(品牌|平台|机制|模式|工作法)(?:[^,。;:,;:“”]{0,4})?[::]$"
)


def _head_before_colon(text: str, chain: list[Quote], actors: Actors) -> EntityKind | None:
    """The kind a list's head gives when it stands before the colon that opens the list."""
    start = chain[0].start - 1
    led = actors.regions_before(start)
    if led:
        start = led[0].start
    m = HEAD_BEFORE_COLON.search(text, max(0, start - 24), start)
    return HEAD_KIND[m.group(1)] if m else None


# “神木夜话”、“府谷商量”成为群众身边的协商品牌: what the quotes became names their kind
NAMED_AS = re.compile(
    r"(?:已经|已|均|都|也|逐步|正)?(?:成为|被评为|入选|获评)[^,。;:,;:“”!?]{0,12}?(品牌|名片|平台|机制|模式|工作法)"
)


def _named_as(text: str, after: int) -> EntityKind | None:
    """The kind of the head the quotes are said to have become (see NAMED_AS), else None."""
    m = NAMED_AS.match(text, after)
    if m is None:
        return None
    return "brand" if m.group(1) == "名片" else HEAD_KIND[m.group(1)]


def _carrier(text: str, chain: list[Quote], after: int) -> EntityKind | None:
    """A brand, when the quotes are taken up as a carrier (see CARRIER_AFTER), else None."""
    if not CARRIER_BEFORE.search(text, max(0, chain[0].start - 2), chain[0].start - 1):
        return None
    if CARRIER_AFTER.match(text, after) is None:
        return None
    return "brand"


def _judge_chain(
    text: str,
    chain: list[Quote],
    actors: Actors,
    word_ending: _WordEnding,
    is_common: Callable[[str], bool] | None = None,
) -> list[InitiativeHit]:
    last = chain[-1]
    after = last.end + 1
    if text[after : after + 1] == "等":
        after += 1
        m = re.match(r"(?:\d+|[一二两三四五六七八九十]+)(?:个|项|大|种)?(?:方面)?", text[after:])
        if m:
            after += m.end()
    head = head_after(text, after)
    verb = verb_before(text, chain[0].start - 1)
    carrier = (
        (_carrier(text, chain, after) or _head_before_colon(text, chain, actors) or _named_as(text, after))
        if head is None
        else None
    )
    topics = about_a_topic(text, chain[0].start - 1, last.end + 1)
    out: list[InitiativeHit] = []
    for q in chain:
        name = q.text.strip()
        if not _valid_name(name):
            continue
        kind: EntityKind | None = head[1] if head else None
        own = kind_of_name(name)
        if kind is None:
            kind = own or carrier
        if DIGIT_FORMULA.fullmatch(name) and name.count("+") < 2 and head is None:
            continue  # “1+N”协商模式 names a form; a bare “1+1” is arithmetic
        if name.endswith("政协") and any(q.start <= h.start < q.end for h in actors.hits):
            continue  # “宁陕政协”: a committee's name in quotes, not what it runs
        if looks_like_topic(name) or text[max(0, q.start - 3) : q.start - 1] == "关于" or topics:
            continue  # the subject of a study or a meeting (审议关于“…”的方案), not a name
        if q is chain[0] and someone_elses(text, q.start - 1):
            break  # the chain is another body's: 监督落实“…”, 区城管局“…”
        if is_common is not None and is_common(name) and not (head and head[1] == "brand" and head[0] != "工作"):
            continue  # “商量” is emphasis, “储蓄”制度 a figure of speech; “商量”平台 names a platform
        goal = for_a_goal(text, chain[0].start - 1)
        parallel = looks_like_slogan(name) and head is None and verb not in ACTIVITY_VERBS
        if negated(text, q.start - 1) or kind == "slogan" or goal or parallel:
            kind = "slogan"
        if kind is None:
            owned = _owned_outright(text, q, chain)
            if not verb and not owned and not (FORMULA.search(name) or NUMBERED_NAME.match(name)):
                continue  # a figure of speech (“最后一公里”), not a named initiative
            kind = "mechanism" if verb in MECHANISM_VERBS or re.search(r"[室站点档]$", name) else "brand"
        owners = _owners(actors, q.start - 1, q.end + 1)
        each = actors.respectively(q.start) if len(chain) > 1 else None
        if each is not None and len(each) == len(chain):
            owners = (each[chain.index(q)],)  # 两地政协分别介绍了“A”、“B”
        rule = "initiative.quoted" + (".head" if head else ".verb" if verb else ".carrier" if carrier else ".name")
        conf = 0.9 if head and verb else 0.8 if head or verb else 0.7
        # “两力两率”评价 is also written 两力两率评价: an alias for unquoted mentions later
        aliases: tuple[str, ...] = (
            (name + head[0],) if head and len(chain) == 1 and head[2] - (q.end + 1) == len(head[0]) else ()
        )
        if q is chain[0]:
            aliases += _prefix_alias(word_ending.get(q.start - 1), name)
        out.append(InitiativeHit(q.start, q.end, name, kind, owners, rule, conf, aliases))
    return out


# A committee's own named programme, without a head word: 贵州省政协2024年“履职看黔行”采风团,
# 由市政协组织的“…”, “…”启动仪式/推进会/现场会/品牌发布; what a committee presents as its
# own at an exchange (平江县政协介绍了“平江有约”经验, 市政协主席分享了该市“…”做法, A、B政协…分别
# 介绍了“…”“…”)
OWNED_BEFORE = re.compile(
    r"(?:政协|委员会)(?:\d{4}年|今年|去年)?(?:的)?$|由[^,。;,;]{2,20}(?:组织|主办|举办)的$"
    r"|(?:政协(?:主席|副主席|负责同志|负责人)?|分别)(?:介绍|交流|分享|汇报|展示)了?(?:该[市县区州旗]|本地|各自|其)?(?:的)?$"
)
OWNED_AFTER = re.compile(r"(?:启动|推进会|工作推进会|现场会|品牌发布|发布会|揭牌|采风团|开班|开幕)")


def _owned_outright(text: str, q: Quote, chain: list[Quote]) -> bool:
    first, last = chain[0], chain[-1]
    if OWNED_BEFORE.search(text, max(0, first.start - 24), first.start - 1):
        return True
    return OWNED_AFTER.match(text, last.end + 1) is not None


def _owners(actors: Actors, start: int, end: int | None = None) -> tuple[RegionHit, ...]:
    """Who owns the span at ``start:end`` (``Actors.owners``)."""
    return actors.owners(start, start if end is None else end).regions


COLUMN = re.compile(r"《([^《》\n]{2,20})》(?=(?:栏目|专栏|节目|品牌|系列))")


def _columns(text: str, actors: Actors) -> list[InitiativeHit]:
    """A 《》 title followed by 栏目/品牌 names a programme, not a document."""
    return [
        InitiativeHit(m.start(1), m.end(1), m.group(1), "brand", _owners(actors, m.start()), "initiative.column", 0.7)
        for m in COLUMN.finditer(text)
    ]


def _brand_lists(text: str, actors: Actors) -> list[InitiativeHit]:
    out: list[InitiativeHit] = []
    for m in BRAND_LIST.finditer(text):
        pos = m.start(1)
        for item in m.group(1).split("、"):
            owners = _owners(actors, m.start())
            out.append(InitiativeHit(pos, pos + len(item), item, "brand", owners, "initiative.brand_list", 0.8))
            pos += len(item) + 1
    closed = BRAND_LIST_CLOSED.finditer(text) if BRAND_LIST_COUNT.search(text) else ()
    for m in closed:
        if BRAND_LIST.search(text, max(0, m.start(1) - 3), m.end()):
            continue  # 打造A、B等3个品牌: the list above has it
        named = [h for h in actors.hits if m.start(2) <= h.start and h.end <= m.end(2)]
        owners = tuple(named) or _owners(actors, m.start(1))
        for start, item in _list_items(m.group(1), m.start(1)):
            if "“" in item or "”" in item:
                continue  # a quoted name in it is judged as a quote
            out.append(InitiativeHit(start, start + len(item), item, "brand", owners, "initiative.brand_list", 0.7))
    return out


def _list_items(listed: str, at: int) -> list[tuple[int, str]]:
    """The items of A、B和C (the last 和/及/与 splits the last pair), with their offsets."""
    items: list[tuple[int, str]] = []
    for part in listed.split("、"):
        items.append((at, part))
        at += len(part) + 1
    start, last = items[-1]
    joint = max(last.rfind(w) for w in "和及与")
    if joint >= 3 and len(last) - joint - 1 >= 3:
        items[-1:] = [(start, last[:joint]), (start + joint + 1, last[joint + 1 :])]
    return items


def _enumerations(text: str, qs: list[Quote], actors: Actors) -> list[InitiativeHit]:
    """协商选题、协商审查、协商办理“五个机制”: the items of a numbered collective."""
    out: list[InitiativeHit] = []
    for q in qs:
        kind = kind_of_name(q.text)
        if kind not in ("mechanism", "brand") or not NUMERAL.match(q.text):
            continue
        m = ENUMERATION_BEFORE.search(text, max(0, q.start - 80), q.start - 1)
        if not m:
            continue
        pos = m.start(1)
        items = m.group(1).split("、")
        cut = max((items[0].rfind(v) + len(v) for v in ADOPT_VERBS if v in items[0]), default=-1)
        if cut < 0 and not verb_before(text, pos):
            continue  # 协商选题、协商审查“两个机制” needs a building verb to be an adoption
        if cut > 0:
            pos += cut
            items[0] = items[0][cut:]
        tail = COUNT_PHRASE.search(items[-1])
        if tail:
            items[-1] = items[-1][: tail.start()]  # 委员进校园等三项“三进行动”: the count is no part of it
        if any(_has_verb(item) or "的" in item or len(item) < 2 for item in items):
            continue
        owners = _owners(actors, m.start(1))
        for item in items:
            out.append(InitiativeHit(pos, pos + len(item), item, kind, owners, "initiative.enumeration", 0.7))
            pos += len(item) + 1
    return out


def _systems(text: str, actors: Actors) -> list[InitiativeHit]:
    out: list[InitiativeHit] = []
    for m in [*SYSTEM_AFTER_VERB.finditer(text), *SYSTEM_AFTER_COMMITTEE.finditer(text)]:
        start = m.start(1)
        name = m.group(1)
        lead = LEADING_VERBS.match(name)
        if lead:
            name, start = name[lead.end() :], start + lead.end()
        if len(name) < 4 or GENERIC_SYSTEM.match(name) or re.search(r"[的和及与]", name) or _has_verb(name):
            continue
        if m.re is SYSTEM_AFTER_COMMITTEE and not actors.committee_before(m.start(1)):
            continue  # 全国政协, 各县政协: nobody to own it
        owners = _owners(actors, start)
        out.append(InitiativeHit(start, m.end(1), name, "mechanism", owners, "initiative.system", 0.7))
    for m in POSTED_OFFICERS.finditer(text):
        owners = _owners(actors, m.start())
        out.append(InitiativeHit(m.start(1), m.end(1), m.group(1), "mechanism", owners, "initiative.officers", 0.7))
    for m in PRACTICE_AFTER_SHIXING.finditer(text):
        name = m.group(1)
        if NUMERAL.search(name) and kind_of_name(name) != "slogan":
            owners = _owners(actors, m.start(1))
            out.append(InitiativeHit(m.start(1), m.end(1), name, "mechanism", owners, "initiative.practice", 0.7))
    return out


def _institutions(text: str, actors: Actors) -> list[InitiativeHit]:
    out: list[InitiativeHit] = []
    named = unquoted.institutions(text, actors)
    longer = [(start, end) for start, end, *_ in named]
    region_ends = {h.end for h in actors.hits}
    for m in INSTITUTION.finditer(text):
        name = m.group(0)
        start = m.start()
        if name.startswith("政协"):
            name, start = name[2:], start + 2
        elif name.startswith("界别"):
            start = unquoted.sector_before(text, start, region_ends)
            name = text[start : m.end()]
        if len(name) < 4 and not name.startswith("协商"):
            continue
        if any(a <= start < m.end() < b for a, b in longer):
            continue  # 委员履职考评领导小组: a head after it names the body, not the 考评 in it
        owners = _owners(actors, start)
        out.append(InitiativeHit(start, m.end(), name, "mechanism", owners, "initiative.institution", 0.6))
    for start, end, name, kind, rule, conf in named:
        out.append(InitiativeHit(start, end, name, kind, _owners(actors, start, end), rule, conf))
    return out


def _partly_quoted(text: str, partial: list[tuple[int, int, str]], actors: Actors) -> list[InitiativeHit]:
    """“智”汇协商、“码上”议事两个工作品牌: the kind from the head that closes the list."""
    out: list[InitiativeHit] = []
    for start, end, name in partial:
        stop = SENTENCE_END.search(text, end)
        head = None
        for m in HEAD_WORD.finditer(text, end, min(stop.start() if stop else len(text), end + 30)):
            head = m.group()
            break
        kind = HEAD_KIND[head] if head else None
        if kind in (None, "slogan"):
            continue
        aliases = (text[start:end],)
        out.append(InitiativeHit(start, end, name, kind, _owners(actors, start, end), "initiative.partly_quoted", 0.7,
                                 aliases))  # fmt: skip
    return out


def _numbered(text: str, actors: Actors) -> list[InitiativeHit]:
    """一是推进高层办理协商。二是推进联合办理协商。…: numbered practices of one kind."""
    return [
        InitiativeHit(pos, pos + len(name), name, "mechanism", _owners(actors, pos), "initiative.numbered", 0.6)
        for pos, name in unquoted.numbered_practices(text)
    ]


def _counted_lists(text: str, actors: Actors) -> list[InitiativeHit]:
    """开通界别协商、网络协商、院坝协商三个协商子平台: the items of a list closed by its count."""
    return [
        InitiativeHit(pos, pos + len(name), name, kind, _owners(actors, pos), "initiative.list", 0.7)
        for pos, name, kind in unquoted.list_items(text)
    ]
