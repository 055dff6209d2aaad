"""Initiatives named without quotes: standing institutions, listed items, partly quoted names.

Committee news names much of what it builds without quotation marks. Three shapes are
clear enough to read:

- **an institution**: a head word of the committees' institutional vocabulary (工作室,
  联络站, 议事厅, 驿站, 值班日, 述职评议, 联席会议, 领导小组, 实践中心 …) with a modifier
  before it, where 委员/政协 opens it (委员联系界别群众工作站), an adoption verb stands
  before it (每月设立委员值班日, 牵头组建沿海五县政协主席联席会议) or an owner is written
  right before it (县政协新时代协商民主实践中心, 鹿城政协讲坛, 咸阳市智慧政协平台). A
  member's own studio (鹿城区政协委员季杜宇工作室) is an instance of 委员工作室.
- **a list** that shares what makes one of its items an initiative: a verb before it and
  the count that closes it (开通界别协商、网络协商、院坝协商三个协商子平台), or siblings of an
  institution in one enumeration (建立委员工作室、活动站、基层联系点; “请你来协商”平台、
  书香政协、委员会客厅、委员工作室…等…工作体系). A count phrase (等三项) ends the last item.
- **a partly quoted name** (“智”汇协商、“码上”议事两个工作品牌): the quote and the word
  glued to it are one name.

Besides these: an institution named as the subject of its founding (自2020年…民生议事堂成立以来),
a consultation held at a fixed rhythm (召开季度协商座谈会), a forum a committee opens (开设…论坛),
and numbered practices of one kind (一是推进A办理协商。二是推进B办理协商。三是…).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..models import EntityKind
from .actors import Actors
from .regions import SURNAMES

# Head words of standing institutions, longest first where one ends another.
INSTITUTION_HEADS = (
    "联系界别群众工作站 委员会客厅 会客厅 工作室 工作站 联络站 联络室 联系点 服务站 活动站 活动室 之家 "
    "议事厅 议事堂 议事室 议事站 议事会 议政会 协商室 驿站 值班日 接待日 述职评议 联席会议 领导小组 "
    "大讲堂 讲堂 讲坛 实践中心 活动基地 信箱 服务周 活动周 活动小组"
).split()
_HEADS = "|".join(sorted(INSTITUTION_HEADS, key=len, reverse=True))
# What never stands inside a name: particles, list marks, and verbs of doing rather than naming.
_STOP = "的和与及在到向为对把将从等、,。;:,;:!?()()“”‘’《》\n "
_MOD = rf"[^{_STOP}]"
# 委员/政协 opens the name: 委员联系界别群众工作站, 委员值班日, 政协委员联络室
# Each alternative opens with a character of its own, so that ``re`` skips in C to where one can
# start (a lookahead or an optional group first makes it try every character); the readable
# forms are in tests/test_patterns.py, which checks that both find the same.
MEMBER_LED = re.compile(
    rf"(?:界别(?:政协)?委员|党员(?:政协)?委员|街道(?:政协)?委员|乡镇(?:政协)?委员|社区(?:政协)?委员|政协委员|委员)"
    rf"{_MOD}{{0,8}}?(?:{_HEADS})"
)
# an adoption verb before it: 设立委员值班日, 组建沿海五县政协主席联席会议, 建起协商驿站
VERB_LED = re.compile(
    r"(?:设立|设置|组建|建立|建起|建成|建设|重建|成立|搭建|开通|打造|创建|创设|推行|实行|执行|开展|开设|举办|推进|完善|健全|召开"
    r"|设(?=\d|[一二两三四五六七八九十]))"
    rf"(?:了|起)?(?:\d+|[一二两三四五六七八九十]+)?(?:个|家|处|批)?({_MOD}{{0,12}}?(?:{_HEADS}))"
)
# what a committee presents of its own at an exchange (紫阳县政协分享了茶乡议事厅建设经验)
PRESENTED = re.compile(
    rf"政协(?:主席|副主席|负责同志|负责人)?(?:分别)?(?:介绍|分享|展示|汇报|交流)了?(?:该[市县区州旗]|本地|其)?"
    rf"({_MOD}{{2,12}}?(?:{_HEADS}))"
)
# a consultation held at a fixed rhythm is a standing form (召开季度协商座谈会, 举行双月协商活动)
PERIODIC = re.compile(r"(?:双周|双月|季度|月度)协商(?:座谈会|议政会|恳谈会)?")
PERIODIC_HELD = re.compile(
    r"(?:召开|举行|举办|开展|组织|建立|实行|推行|坚持|健全|完善)了?"
    r"(?:首次|第[一二三四五六七八九十\d]+次|(?:\d+|[一二两三四五六七八九十]+)次)?$"
)
# an institution as the subject of its founding (自2021年两地民生议事堂成立以来, …协商驿站正式揭牌)
_FOUNDING = "成立|揭牌|挂牌|启用|开馆|落成|投入使用"
FOUNDED = re.compile(
    rf"(?:(?<=[,。;:,;:\n年来自])|^)({_MOD}{{2,8}}?(?:{_HEADS}))(?=(?:正式)?(?:{_FOUNDING}))",
    re.MULTILINE,
)
FOUNDING = re.compile(_FOUNDING)
# how far before its verb a founded institution may start: the modifier, the head, 正式
FOUNDED_REACH = 8 + max(map(len, INSTITUTION_HEADS)) + 2
# a forum a committee opens or founds is its standing programme (开设运河文化论坛); one it holds
# (举办…论坛) may be a single event
FORUM_OPENED = re.compile(rf"(?:开设|创办|创设)(?:了)?({_MOD}{{2,10}}?论坛)")
# what a committee's institution is about, one of these words in its name
COMMITTEE_WORK = re.compile(r"协商|议事|议政|委员|政协|履职|界别|提案|民生|民情|民意|参事|社情")
# a member's own studio: 委员季杜宇工作室 (a person's name between 委员 and 工作室)
MEMBERS_STUDIO = re.compile(r"委员([\u4e00-\u9fff]{2,3})工作室")
# names opened by a level word or an owner's 政协 are named without them
LEADING_OWNER = re.compile(
    r"^(?:全[国省市州县区])?(?:首批|一批|第一批|各级|各类|首个|首家|第一个|第一家)?"
    r"(?:[省市州县区旗]政协|政协|[省市州县区旗](?=委员))?"
)
# what an institution's modifier must not be: an action, a place of an event
NOT_A_NAME = re.compile(
    r"参加|出席|深入|走进|来到|前往|到|赴|召开|主持|调研|视察|考察|走访|参观|慰问|举行|举办|讲话|发言|交流|座谈|学习|"
    r"带领|陪同|依托|通过|利用|开展|推动|推进|加强|发挥|围绕|结合|进入|进驻|入驻|组织|邀请|成立|建立|设立|健全|完善|"
    r"探索|打造|构建|创新|实施|落实|要|了|着|过|是|有|在|被|由|第[一二三四五六七八九十\d]+次"
)
OWNED_PHRASE = re.compile(rf"(?:政协)?({_MOD}{{2,12}}?)(?=[,。;、,;:等—]|$|建设|运行|应用|活动)")
# heads an owner written right before may take besides the institutions: 咸阳市智慧政协平台
OWNER_HEADS = re.compile(rf"(?:{_HEADS}|平台|系统|论坛)$")

LIST_ITEM = r"[\u4e00-\u9fff+·]{2,12}"
# 开通界别协商、网络协商、院坝协商三个协商子平台; 打造…等4个履职品牌 is BRAND_LIST's
LIST_CLOSED_BY_COUNT = re.compile(
    rf"((?:{LIST_ITEM}、)+{LIST_ITEM}?)(?:等)?(?:\d+|[两三四五六七八九十]+)(?:个|项|大|种)"
    r"[\u4e00-\u9fff]{0,4}?(子平台|平台|机制|品牌|载体|阵地|制度|渠道)"
)
# (the count's first character as a set, as MEMBER_LED; readable: (?:\d+|[两三四五六七八九十]+)…)
COUNT_CLOSER = re.compile(
    r"[\d两三四五六七八九十](?:(?<=\d)\d*|(?<=[两三四五六七八九十])[两三四五六七八九十]*)(?:个|项|大|种)[\u4e00-\u9fff]{0,4}?(?:子平台|平台|机制|品牌|载体|阵地|制度|渠道)"
)
# “智”汇协商、“码上”议事两个工作品牌
PARTLY_QUOTED = re.compile(r"“([^“”\n]{1,3})”([\u4e00-\u9fff]{1,4})(?=、|和|与|(?:两|三|四|五|六|\d)(?:个|项|大)|等)")
COUNT_TAIL = re.compile(r"(?:等)?(?:\d+|[一二两三四五六七八九十]+)(?:个|项|大|种|批)$")
_ADOPT_WORDS = (
    r"(?:设立|设置|组建|建立|建起|建成|建设|成立|搭建|开通|打造|创建|推出|推行|实行|开展|开设|构建|完善|健全|形成|培育|涵盖|包括|依托)"
    r"(?:了|起)?"
)
ADOPT_BEFORE = re.compile(_ADOPT_WORDS + "$")
ADOPT_INSIDE = re.compile(_ADOPT_WORDS)


def _name_of(span: str) -> str:
    """The name of an institution without the owner's 政协 or a level word before it."""
    return LEADING_OWNER.sub("", span)


Found = tuple[int, int, str, EntityKind, str, float]  # start, end, name, kind, rule, confidence


def _founded(text: str) -> Iterator[re.Match[str]]:
    """``FOUNDED.finditer(text)``, read only in the reach of each founding verb: the pattern
    tried at every character of an article cost a tenth of a millisecond."""
    done = 0
    for verb in FOUNDING.finditer(text):
        for m in FOUNDED.finditer(text, max(done, verb.start() - FOUNDED_REACH), verb.end()):
            if m.start() >= done:
                done = m.end()
                yield m


def institutions(text: str, actors: Actors) -> list[Found]:
    """Standing institutions written without quotes (see the module docstring)."""
    out: list[Found] = []
    seen: set[tuple[int, int]] = set()

    def add(start: int, end: int, rule: str, conf: float) -> None:
        span = text[start:end]
        name = _name_of(span)
        if name in INSTITUTION_HEADS and span.endswith("政协" + name):
            name = "政协" + name  # 政协大讲堂: 政协 is part of a name that is only a head word
        start += len(span) - len(name)
        if len(name) < 3 or NOT_A_NAME.search(name[:-2]) or (start, end) in seen:
            return
        studio = MEMBERS_STUDIO.search(name)
        if studio and studio.group(1)[0] in SURNAMES:
            name = name.replace(studio.group(1), "")  # 委员季杜宇工作室: an instance of 委员工作室
        seen.add((start, end))
        out.append((start, end, name, "mechanism", rule, conf))

    region_ends = {h.end for h in actors.hits}
    for m in MEMBER_LED.finditer(text):
        start = m.start()
        if text.startswith("界别", start):
            start = sector_before(text, start, region_ends)
        add(start, m.end(), "initiative.institution", 0.6)
    for m in VERB_LED.finditer(text):
        if m.group(1).startswith(("委员", "政协委员")) or len(m.group(1)) < 3:
            continue  # MEMBER_LED has it
        add(m.start(1), m.end(1), "initiative.institution.verb", 0.6)
    for m in PRESENTED.finditer(text):
        if not m.group(1).startswith(("委员", "政协委员")):  # MEMBER_LED has it
            add(m.start(1), m.end(1), "initiative.institution.presented", 0.6)
    for m in _founded(text):
        if m.group(1).startswith(("委员", "政协委员")):
            continue  # MEMBER_LED has it
        if COMMITTEE_WORK.search(m.group(1)):  # 新时代文明实践中心揭牌, 爱心驿站揭牌: someone else's
            add(m.start(1), m.end(1), "initiative.institution.founded", 0.6)
    for m in FORUM_OPENED.finditer(text):
        if not NOT_A_NAME.search(m.group(1)):
            out.append((m.start(1), m.end(1), m.group(1), "brand", "initiative.institution.forum", 0.6))
    for m in PERIODIC.finditer(text):
        # held (召开季度协商座谈会) or owned (中原区政协季度协商座谈会); 本次季度协商座谈会 repeats one
        if PERIODIC_HELD.search(text, max(0, m.start() - 10), m.start()) or actors.regions_before(m.start()):
            out.append((m.start(), m.end(), m.group(), "mechanism", "initiative.institution.periodic", 0.6))
    for h in actors.hits:
        # 县政协新时代协商民主实践中心, 鹿城政协讲坛, 咸阳市智慧政协平台: an owner written before it
        after = OWNED_PHRASE.match(text[h.end : h.end + 16])
        if after is None:
            continue
        phrase, offset = after.group(1), after.start(1)
        if phrase in INSTITUTION_HEADS and offset == 2:
            phrase, offset = "政协" + phrase, 0  # 鹿城政协讲坛: not a bare head, the committee's
        if not OWNER_HEADS.search(phrase) or NOT_A_NAME.search(phrase) or len(phrase) < 4:
            continue
        if phrase.startswith(("委员", "政协委员")):
            continue
        start = h.end + offset
        add(start, start + len(phrase), "initiative.institution.owner", 0.6)
    return out


SECTOR_OPENS_AFTER = re.compile(r"(?:政协|委员会|设立|组建|建立|建成|成立|开设|打造|走访|观摩|参观)了?$")


def sector_before(text: str, start: int, region_ends: set[int]) -> int:
    """Where the sector's name before 界别 starts (安塞区经济界别委员工作室, 、文艺新闻界别…):
    two to four characters after a region, a list mark, 政协 or a verb; else ``start``."""
    for n in (4, 3, 2):
        i = start - n
        if i <= 0 or not all("\u4e00" <= ch <= "\u9fff" and ch not in _STOP for ch in text[i:start]):
            continue
        if NOT_A_NAME.search(text, i, start):
            continue
        if i in region_ends or text[i - 1] in _STOP or SECTOR_OPENS_AFTER.search(text, max(0, i - 3), i):
            return i
    return start


def partly_quoted(text: str) -> list[tuple[int, int, str]]:
    """Names partly inside quotes: (start, end, name) with ``start`` at the opening mark."""
    return [(m.start(), m.end(), m.group(1) + m.group(2)) for m in PARTLY_QUOTED.finditer(text)]


def list_items(text: str) -> list[tuple[int, str, EntityKind]]:
    """Items of lists closed by their count (开通A、B、C三个协商子平台): (start, name, kind)."""
    out: list[tuple[int, str, EntityKind]] = []
    for closer in COUNT_CLOSER.finditer(text):
        window = max(0, closer.start() - 80)
        m = LIST_CLOSED_BY_COUNT.search(text, window, closer.end())
        while m is not None and m.end() != closer.end():
            m = LIST_CLOSED_BY_COUNT.search(text, m.start() + 1, closer.end())
        if m is None:
            continue
        pos = m.start(1)
        items = m.group(1).split("、")
        # the last verb of the first item opens the list (凤冈县政协先后开通界别协商、…)
        verb = next(reversed(list(ADOPT_IN.finditer(items[0]))), None)
        if verb is not None:
            pos += verb.end()
            items[0] = items[0][verb.end() :]
        elif not ADOPT_BEFORE.search(text, max(0, m.start(1) - 4), m.start(1)):
            continue  # the verb stands outside the list
        kind: EntityKind = "brand" if m.group(2) in ("品牌", "载体") else "mechanism"
        for item in items:
            if 2 <= len(item) <= 10 and not NOT_A_NAME.search(item):
                out.append((pos, item, kind))
            pos += len(item) + 1
    return out


ADOPT_IN = re.compile(
    r"(?:设立|组建|建立|建起|建成|搭建|开通|打造|创建|推出|推行|实行|开展|开设|构建|完善|健全)(?:了|起)?"
)


def siblings(text: str, known: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Items of an enumeration that holds a known institution or quoted name (``known``, spans):
    the others are the same kind of thing (建立委员工作室、活动站、基层联系点)."""
    out: list[tuple[int, int]] = []
    windows: list[tuple[int, int]] = []
    for a, b in sorted(known):  # the clause around each known item
        opener = max(CLAUSE_START.finditer(text, max(0, a - 80), a), key=lambda x: x.end(), default=None)
        stop = CLAUSE_STOP.search(text, b)
        window = (opener.end() if opener else max(0, a - 80), stop.start() if stop else len(text))
        if not windows or window[0] >= windows[-1][1]:
            windows.append(window)
    for m in (m for lo, hi in windows for m in ENUMERATION.finditer(text, lo, hi)):
        items: list[tuple[int, int]] = []
        pos = m.start(1)
        for part in m.group(1).split("、"):
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
        for i, (s, e) in enumerate(items):
            cut = text.find("等", s, e)
            if cut > s:  # 协商驿站等县、乡、村三级…: the list ends at 等
                items = [*items[:i], (s, cut)]
                break
        start, end = items[-1]
        tail = COUNT_TAIL.search(text, start, end)
        if tail:
            items[-1] = (start, tail.start())
        if not ADOPT_BEFORE.search(text, max(0, m.start(1) - 4), m.start(1)):
            # 逐步建立委员工作室、活动站…: the last verb of the first item opens the list
            s0, e0 = items[0]
            verb = next(reversed(list(ADOPT_INSIDE.finditer(text, s0, e0))), None)
            if verb is None:
                continue
            items[0] = (verb.end(), e0)
        if not any((a <= s and e <= b) or (s <= a and b <= e) for s, e in items for a, b in known):
            continue
        for s, e in items:
            part = text[s:e]
            if 2 <= len(part) <= 10 and not NOT_A_NAME.search(part) and "“" not in part and "”" not in part:
                out.append((s, e))
    return out


CLAUSE_START = re.compile(r"[,;:。!?,;:!?\n]")
CLAUSE_STOP = re.compile(r"[,;:。!?,;:!?\n]")
# A 、-list after a verb, its items plain or quoted with a head: 委员工作室、活动站、基层联系点
ENUMERATION = re.compile(
    r"((?:(?:“[^“”]{1,12}”)?[\u4e00-\u9fff]{0,10}、){1,10}(?:“[^“”]{1,12}”)?[\u4e00-\u9fff]{2,10})"
)


# 一是全力推进高层办理协商。二是全力推进联合办理协商。…: numbered practices of one kind. Read
# only when three or more items name forms with one tail of a committee's working vocabulary
# (…办理协商, …民主监督): numbered aims (一是推进X建设) share generic tails and are no names,
# and what is held to (一是坚持民主协商) is a principle.
ORDINAL_ITEM = re.compile(
    r"[一二三四五六七八九十其](?:(?<=[一二三四五六七八九十])是|(?<=其)[一二三四五六七八九十])[,,]?"  # (as MEMBER_LED)
    r"(?:全力|积极|着力|大力|深入|扎实|持续|进一步|不断)?"
    r"(?:推进|推行|实行|建立|健全|完善|开展|实施|创新|探索|构建)"
    r"([\u4e00-\u9fff]{3,10})(?=[。;;,,\n])"
)
FORM_TAILS = ("协商", "监督", "议事", "机制", "制度", "模式", "工作法", "评议", "考评", "考核")
# the heading that names the practices together, just before the first (构建多层次…协商体系)
ORDINAL_HEADING = re.compile(r"(?:构建|建立|健全|完善|创新)([\u4e00-\u9fff]{4,14}(?:体系|机制|制度))\s*$")


def numbered_practices(text: str) -> list[tuple[int, str]]:
    """(start, name) of the numbered practices of one kind (see ORDINAL_ITEM), with their heading."""
    items = [(m.start(1), m.group(1)) for m in ORDINAL_ITEM.finditer(text)]
    out: list[tuple[int, str]] = []
    for tail in FORM_TAILS:
        run = [(start, name) for start, name in items if name.endswith(tail) and len(name) > len(tail) + 1]
        if len(run) < 3 or len({name for _, name in run}) < 3:
            continue
        out.extend(run)
        first = min(start for start, _ in run)
        opened = text.rfind("是", 0, first)
        heading = ORDINAL_HEADING.search(text, max(0, opened - 32), max(0, opened - 1))
        if heading:
            out.append((heading.start(1), heading.group(1)))
    return out
