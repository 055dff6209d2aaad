"""Documents in 《》: status, type, normative or not, and who issued them."""

from __future__ import annotations

import pytest

from zxkg.ingest.extract.actors import Actors
from zxkg.ingest.extract.documents import extract_documents, status_of, type_of
from zxkg.ingest.extract.regions import extract_regions
from zxkg.ingest.link import Context


def issued(text: str, ctx: Context) -> list[tuple[str, str | None, str]]:
    hits = extract_regions(text, ctx.gazetteer, ctx.segmenter)
    docs = extract_documents(text, ctx.gazetteer, ctx.segmenter, hits, Actors(text, hits))
    return [
        (d.entity.name, d.issuer.entity.name if d.issuer else None, dict(d.entity.attrs).get("status", ""))
        for d in docs
    ]


@pytest.mark.parametrize(
    ("title", "before", "status"),
    [
        ("政协某市委员会委员履职考勤考绩工作实施办法(修订)", "", "修订"),
        ("某某党支部评比办法(试行)", "", "试行"),
        ("关于发挥专干作用的意见(草案)", "并已拟定", "草案"),
        ("关于发挥专干作用的意见", "已起草", "起草"),
        ("委员履职考核暂行办法", "", "暂行"),
        ("2026年工作要点(送审稿)", "", "送审稿"),
        ("关于发挥委员作用的意见", "制订实施", ""),
    ],
)
def test_status(title: str, before: str, status: str) -> None:
    assert status_of(title, before) == status


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("某市政协委员履职考勤考绩工作实施办法", "实施办法"),
        ("关于充分发挥专干作用的指导意见", "指导意见"),
        ("评比办法(试行)", "办法"),
        ("政协工作报告", ""),
        ("人民政协报", ""),
        ("习近平谈治国理政", ""),
        ("协商在某地", ""),
    ],
)
def test_type(title: str, doc_type: str) -> None:
    assert type_of(title) == doc_type


def test_issuer_from_title_beats_the_actor(ctx: Context) -> None:
    text = "长沙市政协学习了《政协湘潭市委员会委员管理办法》。"
    assert issued(text, ctx) == [("政协湘潭市委员会委员管理办法", "湘潭市", "")]


def test_issuer_from_the_acting_committee_of_the_sentence(ctx: Context) -> None:
    text = "怀化市政协制订实施《关于发挥中共党员委员先锋模范作用的工作办法》,完善落实《委员履职管理办法》。"
    assert issued(text, ctx) == [
        ("关于发挥中共党员委员先锋模范作用的工作办法", "怀化市", ""),
        ("委员履职管理办法", "怀化市", ""),
    ]


def test_issuer_from_the_paragraph_subject(ctx: Context) -> None:
    text = "娄底市政协强化制度建设。同时已起草《关于充分发挥专干作用的意见》,推动工作。"
    assert issued(text, ctx) == [("关于充分发挥专干作用的意见", "娄底市", "起草")]


@pytest.mark.parametrize(
    "text",
    [
        "株洲市政协认真学习《中共中央关于加强和改进人民政协工作的意见》。",
        "株洲市政协组织委员学习《习近平谈治国理政》第四卷。",
        "株洲市政协主席在《人民政协报》发表文章。",
        "株洲市政协听取《政协工作报告》。",
        "宝应县政协根据《中国人民政治协商会议章程》制定本办法。",
        "株洲市政协按照《中共株洲市委关于加强委员管理的意见》开展工作。",  # cited, another body's
        "株洲市政协依照《中共中央关于加强政协工作的意见》《政协章程》开展工作。",  # a chain of higher titles
        "株洲市林业局印发《古树名木保护工作指引》,市政协委员参与宣传。",  # a bureau's
        "国务院办公厅印发《关于加强基层治理的实施意见》,株洲市政协组织学习。",
    ],
)
def test_not_the_regions_document(text: str, ctx: Context) -> None:
    assert all(issuer is None for _, issuer, _ in issued(text, ctx))


def test_no_issuer_without_an_acting_committee(ctx: Context) -> None:
    text = "长沙市和株洲市的委员参加了活动。会议传达了《关于加强委员管理的意见》。"
    assert issued(text, ctx) == [("关于加强委员管理的意见", None, "")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # d1: 通则, 规范, 指南 are normative; a chain after 依照 is read alike; a local title cited is its own
        (
            "汇川区政协出台了《界别活动规范》和《提案工作指南》,并修订了《委员履职通则》。",
            [("界别活动规范", "汇川区", ""), ("提案工作指南", "汇川区", ""), ("委员履职通则", "汇川区", "修订")],
        ),
        (
            "汇川区政协委员工作室依照《委员值班制度》《委员接访办法》运行。",
            [("委员值班制度", "汇川区", ""), ("委员接访办法", "汇川区", "")],
        ),
        ("株洲市政协按照《关于加强委员管理的意见》开展工作。", [("关于加强委员管理的意见", "株洲市", "")]),
    ],
)
def test_documents_of_a_chain_and_cited_local_titles(
    text: str, expected: list[tuple[str, str, str]], ctx: Context
) -> None:
    assert issued(text, ctx) == expected
