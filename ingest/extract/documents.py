"""Documents in 《》: title, status, type, and the committee that issued them.

Every 《…》 span is a document mention. It becomes ``region issues document`` only when
the title is a normative text (办法, 规定, 意见, 方案 …) and an issuer is known: first
the committee the title itself names (《政协永州市委员会…》, 《怀化市政协…》), else the
committee acting in the sentence or paragraph (``怀化市政协制订实施《…》``). Titles of a
higher body (《中共中央关于…》) and books, newspapers, reports and speeches never are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..gazetteer import Gazetteer
from ..models import Entity
from ..segment import Segmenter
from .actors import Actors
from .regions import RegionHit, extract_regions

TITLE = re.compile(r"《([^《》\n]{2,200})》")
STATUS_IN_TITLE = re.compile(r"[((](修订|修订稿|修正|试行|草案|暂行|送审稿|征求意见稿|讨论稿|初稿)[))]\s*$")
STATUS_CANON = {"修订稿": "修订", "修正": "修订", "征求意见稿": "草案", "讨论稿": "草案", "初稿": "草案"}
VERB_STATUS = (
    (re.compile(r"(?:已|正在|着手)?(?:起草|草拟)(?:了|完成)?$"), "起草"),
    (re.compile(r"(?:已|正在)?拟定(?:了)?$"), "草案"),
    (re.compile(r"修订(?:完善)?(?:印发)?(?:了)?$"), "修订"),
)
# Normative types, longest first so 实施办法 wins over 办法.
DOC_TYPES = (
    "实施细则 实施办法 实施意见 指导意见 实施方案 工作方案 工作规则 议事规则 工作要点 工作计划 管理办法 "
    "办法 规定 意见 方案 细则 规则 通知 制度 条例 决定 章程 守则 准则 规程 指引 措施 标准 要点 计划 机制 "
    "规划 纲要 决议 清单 公约 导则 通则 规范 指南 须知 工作指引 合作协议 协议"
).split()
NOT_NORMATIVE = (
    "报告",
    "讲话",
    "报",
    "杂志",
    "讲义",
    "读本",
    "选编",
    "文集",
    "汇编",
    "丛书",
    "栏目",
    "专栏",
    "日报",
    "晚报",
)
HIGHER_BODY = re.compile(
    r"^(?:中共中央|中央|国务院|全国人大|全国政协|中国人民政治协商会议(?:全国委员会|章程)|政协章程|中国共产党|中华人民共和国)"
)
CITED = re.compile(r"(?:根据|依据|按照|依照|遵照|对照|参照|贯彻|学习)(?:了)?$")
# 依照《A》《B》, 根据《A》和《B》: every title of a chain is cited alike
CHAIN_GAP = re.compile(r"》(?:[、和及与]|以及)?《$")
# A body that is not the committee issues it: 中共中央《…》, 国务院办公厅印发《…》, 林业局印发《…》
OTHER_ISSUER = re.compile(
    r"(?:中共中央|中央|国务院|全国人大|党中央|中办|国办|省委|市委|县委|区委|州委|党委|政府|人大|局|厅|部|办公室|委员会办公室)"
    r"(?:办公厅)?(?:联合)?(?:印发|出台|制定|发布|颁布|公布|下发|出台了|印发了)?(?:的)?$"
)


@dataclass(frozen=True, slots=True)
class DocumentHit:
    start: int  # of the title inside the brackets
    end: int
    entity: Entity
    issuer: RegionHit | None
    rule: str
    confidence: float


def normalise_title(title: str) -> str:
    """Widths are folded by text normalisation already; fold bracket and space variants here."""
    title = title.strip().replace("〈", "《").replace("〉", "》").replace("【", "[").replace("】", "]")
    return re.sub(r"\s+", "", title)


def status_of(title: str, before: str) -> str:
    m = STATUS_IN_TITLE.search(title)
    if m:
        return STATUS_CANON.get(m.group(1), m.group(1))
    for pattern, status in VERB_STATUS:
        if pattern.search(before):
            return status
    if "暂行" in title:
        return "暂行"
    if "试行" in title:
        return "试行"
    return ""


def type_of(title: str) -> str:
    core = STATUS_IN_TITLE.sub("", title)
    core = re.sub(r"[((][^()()]*[))]$", "", core)
    if core.endswith(NOT_NORMATIVE):
        return ""
    for t in DOC_TYPES:
        if core.endswith(t):
            return t
    return ""


# A南岸区政协主席与B邛崃市政协主席签署《…合作协议》: each committee that signs is a party to it
SIGNED = re.compile(r"(?:签署|签订|签约)(?:了)?$")
CLAUSE_OPEN = re.compile(r"[,;:。!?,;:!?\n]")


def _signatories(text: str, start: int, hits: list[RegionHit]) -> list[RegionHit]:
    """The committees named in the clause of a signed agreement (whose title opens at ``start``)."""
    if not SIGNED.search(text, max(0, start - 4), start - 1):
        return []
    clause = max((m.end() for m in CLAUSE_OPEN.finditer(text, max(0, start - 80), start)), default=max(0, start - 80))
    if OTHER_BODY_IN_CLAUSE.search(text, clause, start):
        return []
    named = {h.entity.code: h for h in hits if clause <= h.start < start and h.committee and h.entity.code}
    return list(named.values())


OTHER_BODY_IN_CLAUSE = re.compile(
    r"(?:党委|省委|市委|州委|县委|区委|政府|人大|局|公司|企业|学校|医院)(?!书记|副书记|常委|员)"
)


def extract_documents(
    text: str, gaz: Gazetteer, seg: Segmenter, hits: list[RegionHit], actors: Actors
) -> list[DocumentHit]:
    out: list[DocumentHit] = []
    for m in TITLE.finditer(text):
        title = normalise_title(m.group(1))
        before = text[max(0, m.start() - 8) : m.start()]
        doc_type = type_of(title)
        status = status_of(title, before)
        issuer: RegionHit | None = None
        rule = "document.title"
        if doc_type and not HIGHER_BODY.match(title):
            issuer, rule = _issuer(title, m.start(1), gaz, seg, hits, actors)
        attrs = tuple((k, v) for k, v in (("status", status), ("doc_type", doc_type)) if v)
        if issuer is not None:
            attrs += (("issuer", issuer.entity.name),)
        entity = Entity(kind="document", name=title, attrs=attrs)
        conf = 0.9 if rule == "document.issuer_in_title" else 0.75 if issuer else 0.5
        out.append(DocumentHit(m.start(1), m.end(1), entity, issuer, rule, conf))
        if doc_type.endswith("协议") and issuer is not None:
            for party in _signatories(text, m.start(1), hits):
                if party.entity.code != issuer.entity.code:
                    out.append(DocumentHit(m.start(1), m.end(1), entity, party, "document.signatory", 0.75))
    return out


def title_document(title: str, hits: list[RegionHit]) -> DocumentHit | None:
    """An article that *is* a normative text (its headline is 《…办法》 without brackets).

    The headline opens the article text, so its offsets are ``0:len(title)``. The issuer is
    the committee the headline names (or the home committee behind a bare 市政协).
    """
    if not title or "《" in title or not type_of(title) or HIGHER_BODY.match(title):
        return None
    if re.search(r"[\s::!?!?“”]", title):
        return None  # a news headline about a document, not the document itself
    committees = [h for h in hits if h.end <= len(title) and h.committee and h.entity.code]
    if not committees:
        return None
    issuer = committees[-1]
    attrs = (
        *((k, v) for k, v in (("status", status_of(title, "")), ("doc_type", type_of(title))) if v),
        ("issuer", issuer.entity.name),
    )
    entity = Entity(kind="document", name=normalise_title(title), attrs=attrs)
    return DocumentHit(0, len(title), entity, issuer, "document.headline", 0.8)


def _local(title: str) -> bool:
    """A title that names no higher body and no other organ: a committee's own rules (委员值班制度)."""
    return HIGHER_BODY.match(title) is None and not re.match(
        r"^(?:中共|中国共产党|国务院|全国|国家|.{0,8}(?:人民政府|党委|市委|省委))", title
    )


def _issuer(
    title: str, start: int, gaz: Gazetteer, seg: Segmenter, hits: list[RegionHit], actors: Actors
) -> tuple[RegionHit | None, str]:
    """The committee that issued a normative document, from its title or from who acts."""
    in_title = [h for h in hits if start <= h.start < start + len(title) and h.committee and h.entity.code]
    if in_title and in_title[0].start - start <= 20:
        return in_title[-1] if in_title[-1].start - start <= 20 else in_title[0], "document.issuer_in_title"
    if re.match(r"^(?:中共|中国共产党)", title):
        return None, "document.party_body"
    opening = start - 1
    while True:  # the first title of a chain (依照《A》《B》)
        chain = CHAIN_GAP.search(actors.text, max(0, opening - 4), opening + 1)
        if chain is None:
            break
        opening = actors.text.rfind("《", 0, chain.start())
        if opening < 0:
            break
    if OTHER_ISSUER.search(actors.text, max(0, opening - 10), opening):
        return None, "document.other_body"
    if CITED.search(actors.text, max(0, opening - 8), opening):
        # 根据《…》: the basis of an action; a local title cited by the committee is its own
        if not _local(title):
            return None, "document.cited"
        found = actors.actor_at(start)
        return (found[0], "document.cited_local") if found else (None, "document.cited")
    found = actors.actor_at(start)
    if found is None:
        return None, "document.no_issuer"
    return found[0], "document.issuer_" + found[1].split(".")[-1]


__all__ = [
    "DocumentHit",
    "extract_documents",
    "extract_regions",
    "normalise_title",
    "status_of",
    "title_document",
    "type_of",
]
