"""Who acts in an article: one model, built once per article, shared by documents and initiatives.

Committee news says who acts in a few ways, and the model reads them all:

- **Cues**: places where the text names an acting committee. By name (长沙市政协,
  政协永州市委员会); by level (县政协, 省政协, 市、区政协, 市县两级政协), which is the nearest
  region of that level named before it in the sentence, else the article's home or the
  home's division of that level (省政协 in an article about 涿州 is 河北省); collectively
  (全省各级政协, 全市政协系统, 全县政协); in the article's own voice (我县, 我市, 本会). Many
  committees at once (各县政协, 区县政协, 7个区(市)县政协) are a cue that names nobody.
- **The home committee**: the committee an article is written by or about, from its
  masthead (政协X委员会), its title (X政协…; in a visit, the side that writes 我县), and its
  source line (X政协网, X日报); of those on one line of descent, the deepest. It acts
  wherever nobody else is said to.
- **Visits** (X政协…到/赴/来 Y 考察/调研/学习/观摩, X政协…在 Y 调研): what the visitors
  see, hear about or praise is the host's, never the visitor's; among several hosts, the
  one named last before the span. What the visitors say they will do (表示…将) is theirs.
  A visit in the title or the opening sentence frames the whole article, one in a later
  paragraph that paragraph.

The acting region at a place is, in order: the nearest cue in its clause (with the
committees joined to it by 及/和/与); a plain list of regions that opens the clause and acts
(A县、B县等县区还探索了…, 在A县、B县等地,…: each of them when they are the committee's own,
else nobody); the cue that opens its sentence or one of the sentence's clauses; nobody when another body (县委,
市政府) acts there; the subject that opens its paragraph (a committee, or 在X with the most
specific region of X); the host of a visit around it; the home committee. ``owners`` adds
what stands right at a span: regions written before it (道县委员工作室, 湄潭“湄好商量”,
榆次区、介休市等3个县区的20余个协商议事室), with the committee that launches its
counties' programmes as a co-owner; an owner written after it (“晋享协商”这张山西名片,
“协商进万家”行动在涿州落地, or in each region of a list); 两地政协 for both committees named.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..gazetteer import Division, Gazetteer
from ..text import Span, paragraphs, sentences
from .regions import RegionHit, is_masthead

LIST_GAP = re.compile(r"(?:政协)?(?:[、和及与·]|以及)")
_PLACE = r"[\u4e00-\u9fff]{1,8}?(?:村|镇|乡|街道|社区|城|区)"
# A body in whose house an institution stands (南郑区茶业协会委员工作室, 某县第一中学委员联络站):
# the region before it still says whose committee runs the institution.
_BODY = r"[\u4e00-\u9fff]{1,8}?(?:协会|商会|学会|联合会|公司|集团|医院|学校|中学|小学|学院|大学|银行)"
_SITE = rf"(?:{_PLACE}|{_BODY})"
_COUNT = r"(?:\d+|[一二两三四五六七八九十百千几]+)(?:余|多)?(?:个|家|处|所|座|批|名)?"
# What may stand between a region and the term it owns: 道县委员工作室, 资阳市政协“…”,
# 丰县、沛县、贾汪区和贾汪经济开发区协商议事室, 东海县水晶城、高新区、石湖尤塘村协商议事室, a body's house,
# 榆次区、介休市、平遥县等3个县区的20余个协商议事室.
OWNER_GAP = re.compile(
    rf"(?:[、和及与])?(?:{_SITE}(?:[、和及与]{_SITE})*)?"
    rf"(?:等(?:{_COUNT})?(?:地|[省市州县区旗]{{1,4}}|县\(市、区\))?)?(?:政协)?(?:的)?(?:{_COUNT})?"
    r"(?:“[^“”]{1,20}”)?"
)
CLAUSE_BREAK = re.compile(r"[,;:,;:]")
SUBJECT_WINDOW = 8  # characters of a paragraph before a leading 在X may start
# What may stand before the subject of a sentence: a time or a short lead-in (近年来,长沙市政协…;
# 12月19日,沙坪坝区政协…; 今年县政协…), not a clause of its own (叶海燕在听取各县政协…).
OPENING_LEAD = re.compile(r"(?:[^,,。;;]{0,12}[,,])?[^,,。;;]{0,3}")
# Another body acting in the sentence (县委全会审议通过…, 市政府出台…): the committee of the
# paragraph or the article is not the actor there. 县委员工作室 is a county's members' studio.
# The national committee (全国政协召开双月协商座谈会) is such a body: it is no region's committee;
# its members (全国政协委员) are not.
OTHER_BODY = re.compile(
    r"(?:党委|省委|市委|州委|县委|区委|政府|人大|全会)(?!书记|副书记|常委|员)|全国政协(?!委员(?!会))"
)

# Cues that name committees without naming places.
_LEVEL = "省市州县区旗盟"
# The first character is read as a set and each branch follows behind the characters it may
# start with (as PLURAL_CUE below, for the same reason): the level word a branch opens with is
# captured looking back, and the groups that name the branch (pair, two, auto, all, voice,
# one) hold what follows it. Readable form, in tests/test_patterns.py:
#   (?P<pair>(?P<a>L)[、和与及]?(?P<b>L)两级(?:政协)?)|(?P<two>(?P<c>L)[、和与及](?P<d>L)政协)
#   |(?P<auto>自治区政协)|(?P<all>全(?P<e>L)(?:各级政协|政协系统|政协(?!委员会))|全(?P<f>L)[^,。;,;]{0,6}?各级政协)
#   |(?P<voice>(?:我|本)(?P<g>L))|(?P<one>(?P<h>L)政协)
LEVEL_CUE = re.compile(
    rf"[{_LEVEL}自全我本]"
    rf"(?:(?<=(?P<a>[{_LEVEL}]))(?P<pair>[、和与及]?(?P<b>[{_LEVEL}])两级(?:政协)?)"
    rf"|(?<=(?P<c>[{_LEVEL}]))(?P<two>[、和与及](?P<d>[{_LEVEL}])政协)"
    rf"|(?<=自)(?P<auto>治区政协)"
    rf"|(?<=全)(?P<all>(?P<e>[{_LEVEL}])(?:各级政协|政协系统|政协(?!委员会))|(?P<f>[{_LEVEL}])[^,。;,;]{{0,6}}?各级政协)"
    rf"|(?<=[我本])(?P<voice>(?P<g>[{_LEVEL}]))"
    rf"|(?<=(?P<h>[{_LEVEL}]))(?P<one>政协))"
)
# Several committees, none in particular: 各县政协, 区县政协, 县(市、区)政协, 7个区(市)县政协;
# a count before 政协委员 counts what the members run (4个政协委员联系界别群众工作站), not committees
#
# Written as a set of first characters, then each branch behind the character it starts with
# (the branches start with different characters): ``re`` then skips in C to the places where
# a cue can start, where a pattern that opens with a lookahead or a group is tried at every
# character (5× slower here). tests/test_patterns.py holds the readable form, and checks that
# both find the same:
#   (?:各|兄弟|(?P<count>\d+个|[一二两三四五六七八九十]+个))[\u4e00-\u9fff()()、]{0,8}?政协
#   (?(count)(?!委员)|(?!委员会))|(?:区县|县区|市县|县市区|市州|地市|县\(市、区\)|区\(市\)县)政协
_PLURAL_AFTER = r"[\u4e00-\u9fff()()、]{0,8}?政协"
PLURAL_CUE = re.compile(
    r"[各兄\d一二两三四五六七八九十区县市地]"
    rf"(?:(?<=各){_PLURAL_AFTER}(?!委员会)|(?<=兄)弟{_PLURAL_AFTER}(?!委员会)"
    rf"|(?<=\d)\d*个{_PLURAL_AFTER}(?!委员)|(?<=[一二两三四五六七八九十])[一二两三四五六七八九十]*个{_PLURAL_AFTER}(?!委员)"
    r"|(?<=区)(?:县|\(市\)县)政协|(?<=县)(?:区|市区|\(市、区\))政协|(?<=市)(?:县|州)政协|(?<=地)市政协)"
)
TOWN_ORGANS = re.compile(r"乡镇|街道|乡|镇")
TOWN_ORGAN_AFTER = re.compile(r"(?:联络组|工作组|联络处|联络站|工作站|委员小组|活动组|工作委员会)")
PLURAL_BEFORE = set("省各地等个两三区县市州")  # 省市政协, 各县政协: the level word of a plural
WHOLE = re.compile(r"全([省市州县区旗盟])(?!.*全[省市州县区旗盟])")  # the last 全X before 各级政协
OUR_COMMITTEE = re.compile(r"本会|我会")

# A visit: X政协…到/赴/来 Y 考察; X政协…在 Y 调研.
# (first character as a set, as LEVEL_CUE; the character before it is looked at behind both.
# Readable form: (?<![年以…实])(?:到|赴|来到|来|前往|莅临|走进|深入|在(?!于))(?:了)?)
VISIT_GO = re.compile(
    r"[到赴来前莅走深在](?<![年以未近从原后本带起出下上进回将看得受达做听识意提直用遇感存现正所实].)"
    r"(?:(?<=[到赴])|(?<=来)到?|(?<=前)往|(?<=莅)临|(?<=走)进|(?<=深)入|(?<=在)(?!于))(?:了)?"
)
STUDY = re.compile(
    r"考察|调研|学习|观摩|参观|交流|走访|视察|指导|检查|调查|取经|对接|座谈|了解|听取|察看|采访|实地|见学|研讨"
)
# What a committee that only looks at its counties' work does (it does not launch it)
LOOKING = re.compile(r"考察|调研|学习|观摩|参观|走访|视察|了解|听取|察看|检查|座谈")
# What visitors do with what they see (the span belongs to the host) …
SEEING = re.compile(
    r"考察|调研|学习|观摩|参观|走访|视察|了解|听取|察看|来到|走进|深入|实地|一行|考察组|调研组|考察团|率队|带队|肯定|赞赏|评价"
)
# … and what they say they will do at home (the span is theirs).
INTENT = re.compile(
    r"(?:表示|一致认为|纷纷表示)[^。;]*?(?:将|要|回去后|回来后)|回去后|回来后|结合[^,。]{0,8}实际|以此次[^,。]{0,10}为契机"
)
# … and what a visitor presents of its own (平江县政协介绍了“平江有约”经验): its, not the host's.
PRESENTS = re.compile(r"(?:政协)?(?:主席|副主席|负责同志|负责人)?(?:分别)?(?:介绍|分享|汇报|展示)")
# Owners written after a span: “晋享协商”这张山西名片, “协商进万家”行动在涿州落地见效
OWNER_AFTER = re.compile(r"(?:这张|这一|这块|这个)?$")
AFTER_CARD = re.compile(r"(?:这张|这一|这块|这个)")
LANDED_IN = re.compile(r"[\u4e00-\u9fff]{0,4}在$")
LANDED = re.compile(r"落地|落户|推广|实施|开花|生根|铺开|试点|推行|见效")
# A region that opens a clause and acts there (…,其中江永县建成协商议事室23个,宁远县开展“…”活动):
# the lead words an overview puts before it, and the adverbs and verb right after it.
CLAUSE_LEAD = re.compile(r"(?:其中|如|比如|例如|特别是|尤其是)?")
REGION_ACTS = re.compile(
    r"(?:(?:先后|率先|已经|已|还|也|积极|全面|大力|首先|相继|陆续|创新|探索)(?:在[^,,。;;]{1,8})?){0,2}"
    r"(?:建成|建立|设立|开展|推出|打造|推行|实行|成立|组建|开通|搭建|举办|实施|启动|创建|构建|创设|培育|擦亮)"
)
# What a committee does when it launches its counties' programmes (X市政协推出A县“…”、B县“…”)
LAUNCHES = re.compile(
    r"推出|打造|培育|推动|推广|指导|形成|涌现|建立|建成|开展|实施|创建|擦亮|打响|叫响|探索|推行|设立|组建|成立|搭建"
    r"|开通|举办|启动|构建|创设|总结|命名|评选|授予|涵盖|包括|有"
)
# Regions listed and closed by one 政协: 赣州市、吉安市等地政协, 岐山县、扶风县等2个县区政协,
# 遂宁市、内江市两地政协, 汉中市、安康市两市政协 (the places counted: two at least must be listed)
# (first characters as a set, as PLURAL_CUE; readable form: (?:等(?:地|(?:\d+|[两三四五六七八九十]+)个
# [县市区州旗()()、]{1,8}|[县市区州旗]{1,4})?|(?P<places>[两三四五六七八九十])[地市县区])政协(?!委员))
LISTED_COMMITTEES = re.compile(
    r"[等两三四五六七八九十]"
    r"(?:(?<=等)(?:地|(?:\d+|[两三四五六七八九十]+)个[县市区州旗()()、]{1,8}|[县市区州旗]{1,4})?"
    r"|(?<=(?P<places>[两三四五六七八九十]))[地市县区])政协(?!委员)"
)
# A plain list of regions that opens a clause and acts there (A县、B县等县区还探索了…, A市、B市两地均已
# 建成…): what may lead it, join its items, close it and follow it. The verb must follow the list
# at once (its adverbs aside): 来自A、B的委员, 与A、B相比, A、B等地的经验 do not act.
LIST_LEAD = re.compile(
    r"(?:其中|如|比如|例如|特别是|尤其是|目前|同时|此外|另外|近年来|近年|(?:\d{4}|今|去|前|当)年(?:以来|来|初|底)?)?"
)
LIST_JOIN = re.compile(r"[、和及与]|以及")
LIST_CLOSE = re.compile(
    rf"(?:等(?:{_COUNT})?(?:地|[省市州县区旗]{{1,4}}|县\(市、区\))?|[两三四五六七八九十]地|{_COUNT}(?:县区|县市区|区县|[县区市]))?"
)
LIST_ACTS = re.compile(
    r"(?:(?:分别|先后|率先|已经|已|还|也|都|均|各|积极|全面|大力|首先|相继|陆续|纷纷|共同|联合|创新|探索|先行)"
    r"|在[^,,。;;“”]{1,8}?){0,3}"
    r"(?:建成|建立|设立|开展|推出|打造|推行|实行|成立|组建|开通|搭建|举办|实施|启动|创建|构建|创设|培育|擦亮|探索"
    r"|形成|健全|完善|出台|制定|试点|首创|推广)"
)
# Cues that open an overview of many committees (全市各级政协, 各县政协, 市县两级政协, A、B等地政协)
OVERVIEW_CUES = frozenset({"actor.collective", "actor.plural", "actor.committee.list"})
# A committee that has its counties do something (市政协指导A县、B县等县区探索…): they do it, with it
GUIDES = re.compile(r"[^,,。;;“”]{0,6}?(?:指导|推动|帮助|支持|督促|引导|鼓励|带动)(?:了)?")
# An owner named after a span as the one who runs it: “…”行动由A市、B市两地政协联合发起
BY_GAP = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:是|均|都)?由")
ORGANISES = re.compile(r"[^,,。;;“”]{0,6}?(?:发起|主办|承办|推出|打造|举办|开展|创办|实施|组织|牵头|创设|设立)")
JOINED_CUES = re.compile(r"[和及与]|以及")
BOTH_COMMITTEES = re.compile(r"两地政协|双方政协|两地委员")
RESPECTIVELY = re.compile(r"分别")


@dataclass(frozen=True, slots=True)
class Cue:
    """A place where the text names an acting committee, and the regions it stands for.

    No regions: several committees, none in particular (各县政协), or a level the article
    gives no region for (区政协 in a city's article that names no district).
    """

    start: int
    end: int
    regions: tuple[RegionHit, ...]
    rule: str


@dataclass(frozen=True, slots=True)
class Visit:
    """A visit and the span of text it frames."""

    start: int  # the frame's sentence
    end: int  # the end of what it frames (its paragraph, or the article)
    visitors: tuple[RegionHit, ...]
    hosts: tuple[RegionHit, ...]


@dataclass(frozen=True, slots=True)
class Owners:
    """Who owns a span, by which rule."""

    regions: tuple[RegionHit, ...]
    rule: str


def _last_break(text: str, start: int, pos: int) -> int:
    last = start
    for m in CLAUSE_BREAK.finditer(text, start, pos):
        last = m.end()
    return last


def _has_level(hit: RegionHit, word: str) -> bool:
    """Whether a region is of the level a word names (省: any province; 区: a district)."""
    e = hit.entity
    if word == "省":
        return e.level == "province"
    if word == "区":
        return e.level == "county" and e.name.endswith("区")
    if word == "市":
        return e.name.endswith("市")
    return e.name.endswith(word) and e.level != "province"


class Actors:
    """Attribution over one article (see the module docstring)."""

    def __init__(
        self,
        text: str,
        hits: list[RegionHit],
        gazetteer: Gazetteer | None = None,
        home: Division | None = None,
        title_end: int = 0,
    ) -> None:
        self.text = text
        self.gazetteer = gazetteer
        self.hits = [h for h in hits if h.entity.code]
        self.committees = [h for h in self.hits if h.committee]
        self._hit_starts = [h.start for h in self.hits]
        self._sentences = list(sentences(text))
        self._sent_starts = [s.start for s in self._sentences]
        self._paragraphs = list(paragraphs(text))
        self._para_starts = [p.start for p in self._paragraphs]
        self.title_end = title_end
        self.home = self._home(home)
        self.cues = self._cues()
        self._cue_starts = [c.start for c in self.cues]
        self.visits = self._visits()
        if self.home is None:
            # 省政协…来平湖调研: a title that says someone came names the writer's place
            came = [v for v in self.visits if v.start < self.title_end and self._came(v)]
            if came:
                host = came[0].hosts[0]
                self.home = RegionHit(host.start, host.end, host.entity, True, "actor.title.host", 1.0)
                self.cues = self._cues()
                self._cue_starts = [c.start for c in self.cues]
                self.visits = self._visits()
        self.default = self._default()

    # -- places ------------------------------------------------------------------------

    def sentence(self, pos: int) -> Span:
        i = bisect_right(self._sent_starts, pos) - 1
        return self._sentences[max(i, 0)] if self._sentences else Span(0, len(self.text), self.text)

    def paragraph(self, pos: int) -> Span:
        i = bisect_right(self._para_starts, pos) - 1
        return self._paragraphs[max(i, 0)] if self._paragraphs else Span(0, len(self.text), self.text)

    def _hits_between(self, start: int, end: int) -> list[RegionHit]:
        i = bisect_right(self._hit_starts, start - 1)
        out: list[RegionHit] = []
        while i < len(self.hits) and self.hits[i].start < end:
            if self.hits[i].end <= end:
                out.append(self.hits[i])
            i += 1
        return out

    def _cues_between(self, start: int, end: int) -> list[Cue]:
        i = bisect_right(self._cue_starts, start - 1)
        out: list[Cue] = []
        while i < len(self.cues) and self.cues[i].start < end:
            if self.cues[i].end <= end:
                out.append(self.cues[i])
            i += 1
        return out

    # -- the divisions -----------------------------------------------------------------

    def _as_committee(self, hit: RegionHit, d: Division, rule: str) -> RegionHit:
        assert self.gazetteer is not None
        return RegionHit(hit.start, hit.end, self.gazetteer.entity(d), True, rule, hit.confidence)

    def _at_level(self, hit: RegionHit, word: str, rule: str = "actor.level") -> RegionHit | None:
        """``hit`` if it is of the level ``word`` names, else its nearest division above that is."""
        if _has_level(hit, word):
            return hit
        if self.gazetteer is None or not hit.entity.code:
            return None
        for parent in self.gazetteer.ancestors(hit.entity.code):
            probe = RegionHit(hit.start, hit.end, self.gazetteer.entity(parent), True, rule, hit.confidence)
            if _has_level(probe, word):
                return probe
        return None

    def _is_under(self, hit: RegionHit, above: RegionHit) -> bool:
        """Whether ``hit`` is ``above`` or a division under it."""
        if hit.entity.code == above.entity.code:
            return True
        if self.gazetteer is None:
            return False
        return any(d.code == above.entity.code for d in self.gazetteer.ancestors(hit.entity.code))

    # -- the home committee --------------------------------------------------------------

    def _home(self, source_home: Division | None) -> RegionHit | None:
        """The committee the article is written by or about (see the module docstring)."""
        title = [h for h in self.committees if h.end <= self.title_end]
        first_lines = self.paragraph(self.title_end + 1).end if self.title_end else self.paragraph(0).end
        masthead = [
            RegionHit(h.start, h.end, h.entity, True, "actor.masthead", h.confidence)
            for h in self.committees
            if h.start < first_lines and is_masthead(self.text, h.start, h.end)
        ]
        candidates: list[RegionHit] = []
        if masthead:
            candidates.append(masthead[0])
        written = self._title_side(title)
        if written is not None:
            candidates.append(written)
        if source_home is not None and self.gazetteer is not None:
            named = [h for h in self.hits if h.entity.code == source_home.code]
            at = named[0] if named else None
            hit = RegionHit(at.start if at else 0, at.end if at else 0, self.gazetteer.entity(source_home), True,
                            "actor.home", 0.9)  # fmt: skip
            candidates.append(hit)
        if not candidates:
            hosts = [h for h in self.committees if "陪同" not in self.text[h.end : self.sentence(h.start).end]]
            acting = {h.entity.code for h in hosts}
            if len(acting) == 1:
                return hosts[0]
            local = {h.entity.code for h in self.hits if h.entity.level != "province"}
            if len(local) == 1:
                return next(h for h in self.hits if h.entity.level != "province")
            return None
        best = candidates[0]
        for c in candidates[1:]:
            if self._is_under(c, best):
                best = c  # deeper on the same line of descent
            elif not self._is_under(best, c) and c.rule == "actor.home" and best.rule == "actor.title.visitor":
                best = c  # a visit: the source line is the host's own site, and it writes 我县
        return best

    def _title_side(self, title: list[RegionHit]) -> RegionHit | None:
        """The committee a title is about; in a visit, the side that writes it (来我县: the host)."""
        if not title:
            return None
        first = title[0]
        go = VISIT_GO.search(self.text, first.end, self.title_end)
        if go is None or STUDY.search(self.text, go.end(), self.title_end) is None:
            return first
        if go.group().startswith("来"):
            hosts = [h for h in self.hits if go.end() <= h.start < self.title_end]
            if hosts:
                return RegionHit(hosts[-1].start, hosts[-1].end, hosts[-1].entity, True, "actor.title.host", 1.0)
            return None
        return RegionHit(first.start, first.end, first.entity, True, "actor.title.visitor", first.confidence)

    # -- cues ------------------------------------------------------------------------------

    def _cues(self) -> list[Cue]:
        cues = [self._committee_cue(h) for h in self.committees]
        named_ends = {h.end for h in self.hits}
        taken = [(c.start, c.end) for c in cues]
        for m in LISTED_COMMITTEES.finditer(self.text):
            listed = self.regions_before(m.start())
            if listed and listed[-1].end == m.start() and (len(listed) > 1 or not m.group("places")):
                cues.append(Cue(listed[0].start, m.end(), listed, "actor.committee.list"))
                taken.append((listed[0].start, m.end()))
        for m in LEVEL_CUE.finditer(self.text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if m.group("one") and (
                m.start() + 1 in named_ends or self.text[m.start() - 1 : m.start()] in PLURAL_BEFORE
            ):
                continue  # 长沙市政协 (named already); 省市政协, 各县政协, 地市政协 (many committees)
            cue = self._level_cue(m)
            if cue is not None:
                cues.append(cue)
                taken.append((m.start(), m.end()))
        for m in PLURAL_CUE.finditer(self.text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            whole = None
            if m.group().endswith(("各级政协", "政协系统")):
                sent = self.sentence(m.start())
                whole = WHOLE.search(self.text[sent.start : m.start()])
            if whole is not None:
                found = self._resolve_level(whole.group(1), m.start(), "actor.collective")
                regions = (found,) if found is not None else ()
                cues.append(Cue(m.start(), m.end(), regions, "actor.collective"))
            else:
                cues.append(self._plural_cue(m))
            taken.append((m.start(), m.end()))
        for m in OUR_COMMITTEE.finditer(self.text):
            if self.home is not None:
                cues.append(Cue(m.start(), m.end(), (self.home,), "actor.voice"))
        if not any(c.rule != "actor.voice" for c in cues):
            return []  # no committee named anywhere: 我省 is the province, not its committee
        cues.sort(key=lambda c: c.start)
        return cues

    def _committee_cue(self, h: RegionHit) -> Cue:
        """A named committee's cue; regions listed right before it share its 政协 (隆回县、洞口县政协),
        and committees joined by 与/和 act together (张家界市政协与慈利县政协联合开展…)."""
        listed: list[RegionHit] = []
        cur = h.start
        i = bisect_right(self._hit_starts, h.start - 1) - 1
        while i >= 0:
            prev = self.hits[i]
            i -= 1
            if prev.end > cur:
                continue
            if not LIST_GAP.fullmatch(self.text[prev.end : cur]):
                break  # 隆回县、洞口县政协; 张家界市政协与慈利县政协
            listed.insert(0, prev)
            cur = prev.start
        regions = tuple({r.entity.code: r for r in (h, *listed)}.values())  # 县委和县政协: one region
        if len(regions) > 1:
            return Cue(listed[0].start, h.end, tuple(sorted(regions, key=lambda r: r.start)), "actor.committee.list")
        return Cue(h.start, h.end, (h,), "actor.committee")

    def _plural_cue(self, m: re.Match[str]) -> Cue:
        """Many committees name nobody, except a county's own organs in its towns (各乡镇政协联络组,
        各街道政协工作组): towns have no committee, so they are the county's, the home's."""
        home = self.home
        if (
            TOWN_ORGANS.search(m.group())
            and home is not None
            and home.entity.level == "county"
            and TOWN_ORGAN_AFTER.match(self.text, m.end())
        ):
            return Cue(m.start(), m.end(), (RegionHit(m.start(), m.end(), home.entity, True, "actor.towns",
                                                      home.confidence),), "actor.towns")  # fmt: skip
        return Cue(m.start(), m.end(), (), "actor.plural")

    def _level_cue(self, m: re.Match[str]) -> Cue | None:
        if m.group("auto"):
            words, rule = ["省"], "actor.level"
        elif m.group("pair"):
            words, rule = [m.group("a"), m.group("b")], "actor.level"
        elif m.group("two"):
            words, rule = [m.group("c"), m.group("d")], "actor.level"
        elif m.group("all"):
            words, rule = [m.group("e") or m.group("f")], "actor.collective"
        elif m.group("voice"):
            words, rule = [m.group("g")], "actor.voice"
        else:
            words, rule = [m.group("h")], "actor.level"
        out: list[RegionHit] = []
        for word in words:
            found = self._resolve_level(word, m.start(), rule)
            if found is not None:
                out.append(found)
            elif len(words) == 1:
                return Cue(m.start(), m.end(), (), rule) if rule != "actor.voice" else None
        # 市县两级政协 in a city's article: the city; its counties are many and named nowhere here
        if not out:
            return Cue(m.start(), m.end(), (), rule)
        unique = tuple({h.entity.code: h for h in out}.values())
        return Cue(m.start(), m.end(), tuple(RegionHit(m.start(), m.end(), h.entity, True, rule, h.confidence)
                                             for h in unique), rule)  # fmt: skip

    def _resolve_level(self, word: str, pos: int, rule: str) -> RegionHit | None:
        """The region a level word names at ``pos``: the nearest of that level named before it
        in the sentence, else the home (or its division of that level above it)."""
        if rule == "actor.level":
            sent = self.sentence(pos)
            for h in reversed(self._hits_between(sent.start, pos)):
                if _has_level(h, word):
                    return h
        if self.home is None:
            return None
        if word == "区" and self.home.entity.level == "province" and self.home.entity.name.endswith("区"):
            return self.home  # 全区 in an autonomous region's article
        found = self._at_level(self.home, word, rule)
        if found is None and word == "区" and rule != "actor.level" and self.gazetteer is not None:
            province = self.gazetteer.province_of(self.home.entity.code)
            if province is not None and province.name.endswith("自治区"):
                return self._as_committee(self.home, province, rule)  # 全区 in a Guangxi city's article
        return found

    # -- visits ----------------------------------------------------------------------------

    def _visits(self) -> list[Visit]:
        out: list[Visit] = []
        body_first = self.sentence(self.title_end + 1).start if self.title_end else 0
        for sent in self._sentences:
            frame = self._frame(sent)
            if frame is None:
                continue
            visitors, hosts = frame
            if not visitors:
                # 考察团深入湖州市吴兴区: a later leg of the visit that frames it; same visitors
                outer = [v for v in out if v.start <= sent.start < v.end and v.visitors]
                visitors = outer[-1].visitors if outer else ()
            whole = sent.start < self.title_end or sent.start <= body_first
            end = len(self.text) if whole else self.paragraph(sent.start).end
            out.append(Visit(sent.start, end, visitors, hosts))
        return out

    def _frame(self, sent: Span) -> tuple[tuple[RegionHit, ...], tuple[RegionHit, ...]] | None:
        """(visitors, hosts) of a sentence that tells a visit, else None."""
        for go in VISIT_GO.finditer(self.text, sent.start, sent.end):
            study = STUDY.search(self.text, go.end(), min(sent.end, go.end() + 40))
            if study is None:
                continue
            between = self.text[go.end() : study.start()]
            if re.search(r"[。;]", between) or (go.group().startswith("在") and len(between) > 30):
                continue
            hosts = [
                h for h in self._hits_between(go.end(), study.start()) if self.text[h.start - 2 : h.start] != "政协"
            ]
            hosts = self._most_specific(hosts)  # 市政协深圳委员工作室 is a studio of the city, in 深圳
            voices = [c for c in self._cues_between(go.end(), study.start()) if c.rule == "actor.voice"]
            if voices:
                hosts = list(voices[0].regions)
            if not hosts:
                continue
            before = [c for c in self._cues_between(sent.start, go.start()) if c.regions]
            visitors = before[-1].regions if before else ()
            if go.group().startswith("在") and not visitors:
                continue  # 在X调研 is a visit only when a committee travels there
            hosts = [h for h in hosts if not any(h.entity.code == v.entity.code for v in visitors)]
            if hosts:
                return tuple(visitors), tuple(hosts)
        return None

    def _most_specific(self, hits: list[RegionHit]) -> list[RegionHit]:
        """In a chain of regions written one after another (江苏省徐州市), the last one."""
        out: list[RegionHit] = []
        for h in hits:
            if out and out[-1].end == h.start and self._is_under(h, out[-1]):
                out[-1] = h
            else:
                out.append(h)
        return out

    def _came(self, visit: Visit) -> bool:
        go = VISIT_GO.search(self.text, visit.start, visit.hosts[0].start)
        return go is not None and go.group().startswith("来")

    def visit_at(self, pos: int) -> Visit | None:
        inside = [v for v in self.visits if v.start <= pos < v.end]
        return inside[-1] if inside else None

    def _host_at(self, visit: Visit, pos: int) -> tuple[RegionHit, ...]:
        """The host named last before ``pos`` in the visit (the cursor), else all its hosts."""
        for h in reversed(self._hits_between(visit.start, pos)):
            if any(self._is_under(h, v) or self._is_under(v, h) for v in visit.visitors):
                continue
            if any(self._is_under(h, host) for host in visit.hosts):
                return (h,)
        return visit.hosts

    def _visitor_sees(self, visit: Visit, cue: Cue, pos: int) -> bool:
        """Whether a visitor named at ``cue`` is seeing the host's work at ``pos`` (not stating its own)."""
        if not cue.regions or not visit.visitors:
            return False
        if not all(any(r.entity.code == v.entity.code for v in visit.visitors) for r in cue.regions):
            return False
        if PRESENTS.match(self.text, cue.end) and self.sentence(cue.start).start == self.sentence(pos).start:
            return False
        return INTENT.search(self.text, cue.end, pos) is None

    # -- who acts at a place -------------------------------------------------------------

    def _resolve(self, cue: Cue, pos: int, rule: str) -> tuple[tuple[RegionHit, ...], str]:
        visit = self.visit_at(pos)
        if visit is not None and self._visitor_sees(visit, cue, pos):
            return self._host_at(visit, pos), "actor.host"
        return cue.regions, rule

    def actors_at(self, pos: int) -> Owners:
        """Who acts at ``pos`` (see the module docstring); no regions when nobody does."""
        sent = self.sentence(pos)
        clause_start = max(sent.start, _last_break(self.text, sent.start, pos))
        in_clause = self._cues_between(clause_start, pos)
        if in_clause:
            regions, rule = self._resolve(in_clause[-1], pos, "actor.clause")
            joined = self._joined(in_clause)
            if rule == "actor.clause" and joined:
                regions = tuple({h.entity.code: h for h in (*joined, *regions)}.values())
            guided = self._guided(in_clause[-1], pos) if rule == "actor.clause" else ()
            if guided:
                return Owners(guided + regions, "actor.clause.guided")
            return Owners(regions, rule)
        listed = self._list_opens(clause_start, pos)
        if listed is not None:
            return Owners(listed, "actor.clause.list" if listed else "actor.clause.list.other")
        acting = self._region_opens(clause_start, pos)
        if acting is not None:
            return Owners((acting,), "actor.clause.region")
        opening = [c for c in self._cues_between(sent.start, pos) if self._opens_clause(sent, c)]
        earlier = self._list_opens_sentence(sent, clause_start, pos)
        if earlier is not None and (not opening or opening[-1].start < earlier[0]):
            return Owners(earlier[1], "actor.sentence.list" if earlier[1] else "actor.sentence.list.other")
        if opening:
            regions, rule = self._resolve(opening[-1], pos, "actor.sentence")
            return Owners(regions, rule)
        if OTHER_BODY.search(self.text, sent.start, pos):
            return Owners((), "actor.other_body")
        place = self._place_opens(sent, pos)
        if place is not None:
            regions, rule = self._resolve(place, pos, "actor.sentence.place")
            return Owners(regions, rule)
        para = self.paragraph(pos)
        subject = self.subject(para)
        if subject is not None and subject.start <= pos:
            regions, rule = self._resolve(subject, pos, "actor.paragraph")
            return Owners(regions, rule)
        intent = INTENT.search(self.text, sent.start, pos)
        visit = self.visit_at(pos)
        if visit is not None:
            if intent is not None and visit.visitors:
                return Owners(visit.visitors, "actor.visitor")
            return Owners(self._host_at(visit, pos), "actor.host")
        if self.default is not None:
            return Owners((self.default,), "actor.home")
        return Owners((), "actor.none")

    def _region_opens(self, clause_start: int, pos: int) -> RegionHit | None:
        """A region named without 政协 that opens the clause of ``pos`` and does something right
        after it (其中宁远县建成…, 道县开展…), in a sentence that an overview's cue opens (全市各级政协,
        各县政协…): that county's committee acts there, not the whole system; never inside a visit,
        where what is seen is the host's."""
        sent = self.sentence(pos)
        overview = [
            c
            for c in self._cues_between(sent.start, clause_start)
            if c.rule in OVERVIEW_CUES or "两级" in self.text[c.start : c.end]
        ]
        if not overview:
            return None  # 调研组指出,长沙县推出“…”改革: a county's government, not an overview of committees
        lead = CLAUSE_LEAD.match(self.text, clause_start)
        at = lead.end() if lead else clause_start
        chain = self._most_specific(self._hits_between(at, min(pos, at + 20)))
        if not chain or chain[0].start != at or self.visit_at(pos) is not None:
            return None
        first = self._hits_between(at, chain[0].end)[0]  # 长沙市长沙县建成: the chain starts at the clause
        if first.start != at:
            return None
        verb = REGION_ACTS.match(self.text, chain[0].end)
        if verb is None or verb.end() > pos:
            return None
        h = chain[0]
        return RegionHit(h.start, h.end, h.entity, True, "actor.clause.region", h.confidence)

    def _guided(self, cue: Cue, pos: int) -> tuple[RegionHit, ...]:
        """The regions a committee has do something before ``pos`` (X市政协指导A县、B县等县区探索了…):
        each under the committee, listed right after the guiding verb and acting at once."""
        guide = GUIDES.match(self.text, cue.end, pos)
        if guide is None or not cue.regions:
            return ()
        listed, end = self._region_list(guide.end(), pos)
        if not listed or LIST_ACTS.match(self.text, end, pos) is None:
            return ()
        if not all(any(self._is_under(h, r) and h.entity.code != r.entity.code for r in cue.regions) for h in listed):
            return ()
        return tuple(RegionHit(h.start, h.end, h.entity, True, "actor.clause.guided", h.confidence) for h in listed)

    def _organised_by(self, end: int) -> tuple[RegionHit, ...]:
        """The committees named after a span as the ones who run it (“…”行动由A市、B市两地政协联合发起)."""
        stop = self.sentence(end).end
        for cue in self._cues_between(end, min(stop, end + 40)):
            gap = self.text[end : cue.start].lstrip("”’」』")
            if cue.regions and BY_GAP.fullmatch(gap) and ORGANISES.match(self.text, cue.end):
                return cue.regions
        return ()

    def _joined(self, cues: list[Cue]) -> tuple[RegionHit, ...]:
        """The committees joined to the last of ``cues`` by 及/和/与 (A县、B县等县区政协及市政协分别…):
        they act with it."""
        out: list[RegionHit] = []
        last = cues[-1]
        for c in reversed(cues[:-1]):
            if not c.regions or not JOINED_CUES.fullmatch(self.text, c.end, last.start):
                break
            out[:0] = c.regions
            last = c
        return tuple(out)

    def _list_opens(self, clause_start: int, pos: int) -> tuple[RegionHit, ...] | None:
        """A plain list of two regions or more (no 政协 after it) that opens the clause of ``pos``
        and does something right after it (see LIST_CLOSE, LIST_ACTS): the regions are the subject.

        They act when they are ours (see ``_ours``). A list that is someone else's (another city's
        counties in a report heard) is a subject still, so nobody of ours acts there: empty. In
        a visit they act when they are the hosts or under them (see ``_hosted``), else the visit
        decides. None when no list opens the clause.
        """
        lead = LIST_LEAD.match(self.text, clause_start)
        at = lead.end() if lead else clause_start
        listed, end = self._region_list(at, pos)
        if len(listed) < 2:
            return None
        verb = LIST_ACTS.match(self.text, end)
        if verb is None or verb.end() > pos:
            return None
        if OTHER_BODY.search(self.text, self.sentence(pos).start, pos):
            return None  # 县委、县政府高度重视,A县、B县等地推行…: the regions' governments, likely
        regions = tuple(RegionHit(h.start, h.end, h.entity, True, "actor.clause.list", h.confidence) for h in listed)
        visit = self.visit_at(pos)
        if visit is not None:
            return regions if self._hosted(visit, regions) else None
        return regions if self._ours(regions, clause_start) else ()

    def _hosted(self, visit: Visit, regions: tuple[RegionHit, ...]) -> bool:
        """Whether every region is a host of the visit or under one, and no visitor's (赴汉中市考察…
        A县、B县等县区还探索了…: each county shows its own work)."""
        return all(
            any(self._is_under(r, host) for host in visit.hosts)
            and not any(self._is_under(r, v) or self._is_under(v, r) for v in visit.visitors)
            for r in regions
        )

    def _list_opens_sentence(self, sent: Span, clause_start: int, pos: int) -> tuple[int, tuple[RegionHit, ...]] | None:
        """A list of regions that opens an earlier clause of the sentence and acts there (A县、B县等地
        建成…,形成了“…”): the subject of the clauses after it too. Where that clause starts and the
        regions (none when the list is not ours), or None."""
        starts = [sent.start] + [m.end() for m in CLAUSE_BREAK.finditer(self.text, sent.start, clause_start)]
        for start in reversed(starts):
            if start < clause_start:
                listed = self._list_opens(start, pos)
                if listed is not None:
                    return start, listed
        return None

    def _region_list(self, at: int, limit: int) -> tuple[list[RegionHit], int]:
        """The regions listed from ``at`` (joined by 、/和/与/及/以及; of a chain such as 延安市安塞区 the
        most specific), and where the list ends after its closing words (等3个县区, 等地, 两地)."""
        listed: list[RegionHit] = []
        cur = at
        for h in self._hits_between(at, limit):
            if h.start < cur:
                continue
            gap = self.text[cur : h.start]
            if listed and gap == "" and self._is_under(h, listed[-1]):
                listed[-1] = h  # 延安市安塞区: the district is meant
            elif (not listed and gap) or (listed and not LIST_JOIN.fullmatch(gap)):
                break
            else:
                listed.append(h)
            cur = h.end
        if len({h.entity.code for h in listed}) < len(listed):
            return [], at  # a name repeated is no list
        close = LIST_CLOSE.match(self.text, cur)
        return listed, close.end() if close else cur

    def _ours(self, regions: tuple[RegionHit, ...], pos: int) -> bool:
        """Whether every region is under a committee that acts in the article at ``pos`` (the home,
        a committee named before ``pos`` in its sentence, the paragraph's subject), or one of them
        is that committee (it acts with its peers), or the sentence opens an overview of many
        committees (全市各级政协, 各县政协)."""
        sent = self.sentence(pos)
        cues = self._cues_between(sent.start, pos)
        if any(c.rule in OVERVIEW_CUES for c in cues):
            return True
        anchors = [r for c in cues for r in c.regions]
        subject = self.subject(self.paragraph(pos))
        if subject is not None:
            anchors.extend(subject.regions)
        if self.home is not None:
            anchors.append(self.home)
        if any(r.entity.code == a.entity.code for r in regions for a in anchors):
            return True  # 汉阴县、石泉县联合开展… in 汉阴县's article: it acts with its peers
        return any(all(self._is_under(r, a) for r in regions) for a in anchors)

    def actor_at(self, pos: int) -> tuple[RegionHit, str] | None:
        """The (first) acting region at ``pos`` with the rule that decided, if any."""
        found = self.actors_at(pos)
        return (found.regions[0], found.rule) if found.regions else None

    def _opens_clause(self, sent: Span, cue: Cue) -> bool:
        """Whether a cue is the subject of its sentence (after a time or a short lead-in) or of a clause."""
        if OPENING_LEAD.fullmatch(self.text, sent.start, cue.start):
            return True
        return self.text[cue.start - 1] in ",;:,;:"

    def subject(self, para: Span) -> Cue | None:
        """The committee (or ``在X``, the most specific X) that opens a paragraph."""
        for c in self._cues_between(para.start, para.start + SUBJECT_WINDOW + 12):
            if OPENING_LEAD.fullmatch(self.text, para.start, c.start):
                return c
        for h in self._hits_between(para.start, para.start + SUBJECT_WINDOW + 12):
            if h.start > para.start + SUBJECT_WINDOW:
                break
            lead = self.text[para.start : h.start]
            if lead.endswith("在") or self.text[h.end : h.end + 1] in ",,:":
                chain = self._most_specific([x for x in self._hits_between(h.start, h.start + 20)])
                last = chain[0]
                return Cue(h.start, last.end, (RegionHit(last.start, last.end, last.entity, True, "actor.paragraph",
                                                         last.confidence),), "actor.paragraph")  # fmt: skip
        return None

    def _place_opens(self, sent: Span, pos: int) -> Cue | None:
        """在X, opening a sentence of an overview (在长沙,…;在株洲,“…”已覆盖全市): X (the most
        specific region of a chain) is where the sentence's work is done, like a paragraph's."""
        lead = OPENING_LEAD.match(self.text, sent.start)
        for h in self._hits_between(sent.start, min(pos, sent.start + SUBJECT_WINDOW + 12)):
            before = self.text[sent.start : h.start]
            if not before.endswith("在") or (lead is not None and len(before) - 1 > lead.end() - sent.start):
                return None
            listed, end = self._region_list(h.start, min(pos, h.start + 40))
            if len(listed) > 1 and self.text[end : end + 1] in ",,":
                # 在A县、B县等地,…: each region of the list, when they are the committee's own
                hits = tuple(RegionHit(x.start, x.end, x.entity, True, "actor.sentence.place", x.confidence)
                             for x in listed)  # fmt: skip
                return Cue(h.start, end, hits, "actor.sentence.place") if self._ours(hits, sent.start) else None
            chain = self._most_specific(self._hits_between(h.start, h.start + 20))
            last = chain[0]
            if self.text[last.end : last.end + 1] not in ",,":
                return None
            hit = RegionHit(last.start, last.end, last.entity, True, "actor.sentence.place", last.confidence)
            return Cue(h.start, last.end, (hit,), "actor.sentence.place")
        return None

    def _default(self) -> RegionHit | None:
        """The home committee, when the article shows it acting (or names no other committee)."""
        if self.home is None:
            return None
        code = self.home.entity.code
        if any(r.entity.code == code for c in self.cues if c.rule != "actor.voice" for r in c.regions):
            return self.home
        if self.home.rule.startswith(("actor.title", "actor.masthead")):
            return self.home
        return None

    # -- owners of a span --------------------------------------------------------------------

    def regions_before(self, pos: int) -> tuple[RegionHit, ...]:
        """Regions written right before ``pos`` (a list of them joined by 、/和 included); in a
        chain of them (延安市安塞区) the most specific."""
        out: list[RegionHit] = []
        cur = pos
        i = bisect_right(self._hit_starts, pos) - 1
        while i >= 0:
            h = self.hits[i]
            i -= 1
            if h.end > cur:
                continue
            gap = self.text[h.end : cur]
            if out and gap == "" and self._is_under(out[-1], h):
                cur = h.start  # 延安市安塞区: the district is meant
                continue
            # next to the term: 政协, 的, places, a count; between listed regions: 、和及与 only
            if not (OWNER_GAP.fullmatch(gap) if not out else LIST_GAP.fullmatch(gap)):
                break
            out.append(h)
            cur = h.start
        return tuple(reversed(out))

    def committee_before(self, pos: int) -> bool:
        """Whether a committee that stands for a region is named right before ``pos`` (湘西州政协,
        县政协), not one that names nobody (全国政协, 各县政协)."""
        if self.regions_before(pos):
            return True
        i = bisect_right(self._cue_starts, pos) - 1
        return i >= 0 and self.cues[i].end == pos and bool(self.cues[i].regions)

    def owners(self, start: int, end: int) -> Owners:
        """The regions that own the span ``start:end`` (see the module docstring)."""
        adjacent = self.regions_before(start)
        if adjacent and self.text[max(0, adjacent[0].start - 2) : adjacent[0].start] == "政协":
            # 市政协深圳委员工作室: the place says where the committee's studio stands, not whose it is
            adjacent = self.regions_before(adjacent[0].start)
        if adjacent:
            launcher = self._launcher(adjacent, start) or self._showing_host(adjacent, start)
            return Owners(adjacent + launcher, "owner.prefix")
        by = self._organised_by(end)
        if by:
            return Owners(by, "owner.by")
        after = self._owner_after(end)
        if after:
            found = self.actors_at(start)
            return Owners(tuple({h.entity.code: h for h in (*after, *found.regions)}.values()), "owner.after")
        both = self.both_at(start)
        if both is not None:
            return Owners(both, "actor.both")
        return self.actors_at(start)

    def _launcher(self, adjacent: tuple[RegionHit, ...], pos: int) -> tuple[RegionHit, ...]:
        """The committee that launches its counties' programmes (X市政协…推出A县“…”) owns them too;
        one that only visits or studies them (走访, 调研) does not."""
        sent = self.sentence(pos)
        cues = [c for c in self._cues_between(sent.start, adjacent[0].start) if c.regions]
        if not cues:
            return ()
        cue = cues[-1]
        if not (self._opens_clause(sent, cue) or cue.start >= _last_break(self.text, sent.start, adjacent[0].start)):
            return ()
        if LOOKING.search(self.text, cue.end, adjacent[0].start) or re.search(
            r"来到|走进|深入|陪同|率队|带队|一行|考察组|调研组", self.text[cue.end : pos]
        ):
            return ()
        gap = self.text[cue.end : adjacent[0].start]
        if gap.endswith(("、", ",", ",")) and not LAUNCHES.search(gap):
            return ()  # 郑州市政协提案交办会、中原区政协…: a list of items, each its own committee's
        launchers = tuple(r for r in cue.regions if all(self._is_under(a, r) and a.entity.code != r.entity.code
                                                         for a in adjacent))  # fmt: skip
        return launchers

    def _showing_host(self, adjacent: tuple[RegionHit, ...], pos: int) -> tuple[RegionHit, ...]:
        """In a visit to a committee, what the visitors see in its counties (X政协赴Y市考察…到A县、
        B县协商议事室参观) is shown by the host too: the host owns it with each county."""
        visit = self.visit_at(pos)
        if visit is None:
            return ()
        return tuple(
            host
            for host in visit.hosts
            if all(self._is_under(a, host) and a.entity.code != host.entity.code for a in adjacent)
            and not any(self._is_under(host, v) or self._is_under(v, host) for v in visit.visitors)
        )

    def _owner_after(self, end: int) -> tuple[RegionHit, ...]:
        """An owner written after a span: “晋享协商”这张山西名片, “…”行动在涿州落地见效."""
        stop = min(self.sentence(end).end, end + 16)
        for h in self._hits_between(end, stop):
            gap = self.text[end : h.start].lstrip("”’」』")
            tail = self.text[h.end : h.end + 3]
            if AFTER_CARD.fullmatch(gap) and (tail.startswith(("名片", "品牌", "招牌", "金字"))):
                return (h,)
            if LANDED_IN.fullmatch(gap):
                # “…”在A县、B县等地落地见效: every region of the list
                listed = [h]
                for nxt in self._hits_between(h.end, stop + 20):
                    if nxt.start < listed[-1].end or not LIST_JOIN.fullmatch(self.text, listed[-1].end, nxt.start):
                        break
                    listed.append(nxt)
                close = LIST_CLOSE.match(self.text, listed[-1].end) if len(listed) > 1 else None
                at = close.end() if close else listed[-1].end
                if LANDED.match(self.text, at, at + 3):
                    return tuple(listed)
        return ()

    def both_at(self, pos: int) -> tuple[RegionHit, ...] | None:
        """The two committees named before 两地政协 (in its sentence, its paragraph or the title), when the
        sentence of ``pos`` says both act (before or after ``pos``)."""
        sent = self.sentence(pos)
        marks = [m.start() for m in BOTH_COMMITTEES.finditer(self.text, sent.start, sent.end)]
        if not marks:
            return None
        limit = max(pos, marks[-1])
        title_mark = BOTH_COMMITTEES.search(self.text, 0, self.title_end) if self.title_end else None
        named: dict[str, RegionHit] = {}
        # the two named last before it: in its sentence, else earlier in its paragraph
        # (A政协与B政协签署…。两地政协将…)
        opened = sent.start
        if sum(1 for h in self._hits_between(sent.start, limit) if h.committee) < 2:
            opened = self.paragraph(pos).start
        for h in self.hits:
            in_sentence = opened <= h.start and h.end <= limit and h.committee
            in_title = title_mark is not None and h.end <= title_mark.start()
            if in_sentence or in_title:
                named.pop(h.entity.code, None)
                named[h.entity.code] = h
        if len(named) < 2:
            return None
        first, second = list(named.values())[-2:]
        return (first, second)

    def respectively(self, pos: int) -> tuple[RegionHit, ...] | None:
        """两地政协分别介绍了“A”、“B”: the committees in the order they are named, when 分别 says so."""
        sent = self.sentence(pos)
        if not RESPECTIVELY.search(self.text, sent.start, pos):
            return None
        both = self.both_at(pos)
        if both is None:
            # 隆回县、洞口县政协…分别介绍了“A”“B”: the committees listed last before it
            listed = [c for c in self._cues_between(sent.start, pos) if len(c.regions) > 1]
            if listed:
                return listed[-1].regions
            # 岐山县以及扶风县分别推出“A”“B”: the regions that open the clause
            return self._list_opens(max(sent.start, _last_break(self.text, sent.start, pos)), pos) or None
        return tuple(sorted(both, key=lambda h: h.start))
