"""The lexicon: terms learnt from quotes, found unquoted later, and the user's edits honoured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from zxkg.ingest.errors import UsageError
from zxkg.ingest.lexicon import Lexicon, fold, parse_edits

FIRST = """title: 甲市政协推进“协商在基层”
date: 2024-01-02
---
长沙市政协深入开展“协商在基层”品牌建设,全面推行委员“双考”制度。
"""
SECOND = """title: 乙市政协工作
date: 2024-03-04
---
株洲市政协积极打造协商在基层品牌,并实行委员双考。
"""


def adoptions(data: str) -> set[tuple[str, str]]:
    out = run_cli("relations", "--data", data, "--predicate", "adopts", "--predicate", "runs")
    assert out.returncode == 0, out.stderr
    return {(r["subject"]["name"], r["object"]["name"]) for r in map(json.loads, out.stdout.splitlines())}


def test_fold_strips_quotes_and_widths() -> None:
    assert fold("委员“双考”") == "委员双考"
    assert fold("“两力两率”") == fold("＂两力两率＂") == "两力两率"


def test_parse_edits_names_the_bad_line() -> None:
    assert [e.op for e in parse_edits("add 甲 brand\n# note\nblock 乙\n")] == ["add", "block"]
    with pytest.raises(UsageError, match=r"lexicon\.txt:2: unknown operation 'delete'"):
        parse_edits("add 甲\ndelete 乙\n")
    with pytest.raises(UsageError, match="expected one of mechanism, brand, slogan"):
        parse_edits("add 甲 programme\n")


def test_merge_rename_block_in_memory() -> None:
    lex = Lexicon.build([("两力两率", "mechanism", 3, {}), ("委员双考", "mechanism", 1, {})], None)
    lex.merge("委员双考", "双考", "test")
    assert lex.canonical("委员双考") == "双考" and "委员双考" not in lex.terms
    lex.rename("两力两率", "两力两率评价", "test")
    assert lex.canonical("两力两率") == "两力两率评价"
    lex.blocked.add("双考")
    assert lex.canonical("委员双考") is None
    assert [(s, e, n) for s, e, n in lex.find("开展两力两率评价工作")] == [(2, 8, "两力两率评价")]


def test_heard_terms_take_the_writers_kind_and_say_which_forms_are_new() -> None:
    lex = Lexicon()
    lex.learn("青石议事", "mechanism")  # this process guessed
    lex.learn("渡口夜谈", "brand", strong=True)
    new = lex.hear(
        [
            ("青石议事", "brand", False, {}),
            ("渡口夜谈", "mechanism", False, {"渡口夜话": "initiative.quoted.name@a1"}),
            ("围炉说事", "mechanism", True, {}),
        ]
    )
    assert new == ["渡口夜话", "围炉说事"]
    assert lex.kind_of("青石议事") == "brand"
    assert lex.kind_of("渡口夜话") == lex.kind_of("渡口夜谈") == "mechanism"  # the writer's, though ours was strong
    lex.learn("围炉说事", "brand", strong=True)  # strong already where it was heard: no second change
    assert lex.kind_of("围炉说事") == "mechanism"
    lex.learn("界别协商", "brand", source="user")
    lex.hear([("界别协商", "mechanism", True, {})])
    assert lex.kind_of("界别协商") == "brand", "the user's kind stays"


def test_a_frozen_lexicon_notes_kinds_and_settles_them_by_count_head_words_first() -> None:
    lex = Lexicon()
    for name in ("青石议事", "渡口夜谈", "围炉说事"):
        lex.learn(name, "brand")
    lex.learn("界别协商", "brand", source="user")
    lex.frozen = True
    for name, kind, strong in [
        ("青石议事", "mechanism", False),
        ("青石议事", "mechanism", False),
        ("“青石议事”", "brand", False),
        ("渡口夜谈", "mechanism", False),
        ("渡口夜谈", "mechanism", False),
        ("渡口夜谈", "brand", True),
        ("围炉说事", "mechanism", False),
        ("围炉说事", "brand", False),
        ("界别协商", "mechanism", True),
        ("新来的词", "mechanism", False),
    ]:
        lex.learn(name, kind, strong=strong)  # type: ignore[arg-type]
    lex.add_alias("渡口夜话", "渡口夜谈", "test")
    assert "新来的词" not in lex.terms and lex.canonical("渡口夜话") == "渡口夜话", "a frozen lexicon learns nothing"
    lex.settle_kinds()
    assert lex.kind_of("青石议事") == "mechanism"  # two against one
    assert lex.kind_of("渡口夜谈") == "brand"  # a head word's kind first
    assert lex.kind_of("围炉说事") == "brand"  # a tie: the kind that sorts first
    assert lex.kind_of("界别协商") == "brand"  # the user's
    assert lex.observed == []


def test_round_trip_learn_find_add_merge_block_reextract(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    (tmp_path / "a.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SECOND, encoding="utf-8")
    assert run_cli("ingest", "--data", data, str(tmp_path / "a.txt"), str(tmp_path / "b.txt")).returncode == 0
    # learnt from the quotes of a.txt, found unquoted in the later b.txt
    assert {("株洲市", "协商在基层"), ("株洲市", "双考")} <= adoptions(data)
    listed = json.loads(run_cli("lexicon", "--data", data, "--json").stdout)
    assert {"协商在基层", "双考"} <= {t["name"] for t in listed["terms"]}

    assert run_cli("lexicon", "merge", "--data", data, "协商在基层", "协商在基层品牌").returncode == 0
    assert run_cli("lexicon", "block", "--data", data, "双考").returncode == 0
    assert run_cli("lexicon", "add", "--data", data, "积极打造", "--kind", "brand").returncode == 0
    bad = run_cli("lexicon", "add", "--data", data, "x", "--kind", "programme")
    assert bad.returncode == 2 and "programme" in bad.stderr
    assert (Path(data) / "lexicon.txt").read_text(encoding="utf-8").splitlines() == [
        "merge 协商在基层 协商在基层品牌",
        "block 双考",
        "add 积极打造 brand",
    ]
    result = run_cli("reextract", "--data", data)
    assert result.returncode == 0 and "re-extracted 2 articles" in result.stdout
    after = adoptions(data)
    assert ("长沙市", "协商在基层品牌") in after and ("株洲市", "协商在基层品牌") in after
    assert not any(term in ("双考", "协商在基层") for _, term in after)
    terms = {t["name"]: t for t in json.loads(run_cli("lexicon", "--data", data, "--json").stdout)["terms"]}
    assert terms["积极打造"]["source"] == "user" and terms["积极打造"]["kind"] == "brand"
    assert "协商在基层" in terms["协商在基层品牌"]["aliases"]
