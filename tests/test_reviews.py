"""Reviews of single relations: they leave or mark every answer, and survive re-extraction
and a changed text. Real stores on both backends."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED, run_cli
from zxkg.graph.models import Filters
from zxkg.graph.names import Names
from zxkg.graph.query import adopters, adoption_table, region_profile, timeline
from zxkg.graph.reviews import COLUMNS, agreement, read_reviews
from zxkg.ingest.errors import UsageError
from zxkg.ingest.link import Context
from zxkg.ingest.models import Entity
from zxkg.ingest.pipeline import ingest
from zxkg.ingest.reextract import reextract
from zxkg.ingest.store import Store


def _table(store: Store, ctx: Context, **kw: object) -> dict[tuple[str, str], str]:
    names = Names(store, ctx.gazetteer)
    return {(a.region_key, a.term_key): a.review for a in adoption_table(names, Filters(**kw))}  # type: ignore[arg-type]


@pytest.fixture
def seeded(location: str, tmp_path: Path, ctx: Context) -> tuple[str, Path]:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    with Store.open(location) as store:
        ingest([str(src)], store, ctx)
    return location, src / "seed.txt"


def _first(store: Store, ctx: Context) -> tuple[str, str]:
    """The adoption pair with exactly one relation: rejecting it takes the row away."""
    rows = list(store.conn.execute("SELECT region_key, term_key FROM adoption_pairs WHERE relations = 1 ORDER BY 1, 2"))
    assert rows, "the seed article has single-relation adoptions"
    return rows[0][0], rows[0][1]


def test_reject_leaves_every_answer_and_survives_reextract(seeded: tuple[str, Path], ctx: Context) -> None:
    location, _ = seeded
    with Store.open(location) as store:
        region, term = _first(store, ctx)
        names = Names(store, ctx.gazetteer)
        term_name = store.entities([term])[0].name
        before = {a.region_key for a in adopters(names, term_name).adoptions}
        assert region in before
        targets = store.review_targets(region=region, terms=[term])
        assert store.review(targets, "rejected", note="a plan, not an adoption", reviewer="lw") == 1
        assert (region, term) not in _table(store, ctx)
        assert _table(store, ctx, include_rejected=True)[(region, term)] == "rejected"
        assert region not in {a.region_key for a in adopters(names, term_name).adoptions}
        code = region.split(":", 1)[1]
        assert term not in {a.term_key for a in region_profile(names, code).adoptions}
        region_name = store.entities([region])[0].name
        assert region_name not in {r for p in timeline(names, term_name).points for r in p.regions}
        edges = {(e.source, e.target) for e in store.graph_edges(names.query(Filters()))}
        assert (region, term) not in edges
        assert store.stale_adoption_pairs() == []

        reextract(store, ctx)  # new relation ids: the review finds its relation again
        assert (region, term) not in _table(store, ctx)
        (row,) = store.reviews()
        assert not row.orphaned and row.status == "rejected" and row.note == "a plan, not an adoption"
        assert store.stale_adoption_pairs() == []

        assert store.reset_reviews(store.review_targets(region=region, terms=[term])) == 1
        assert (region, term) in _table(store, ctx) and store.reviews() == []
        assert store.stale_adoption_pairs() == []


def test_reviews_survive_a_changed_text(seeded: tuple[str, Path], ctx: Context) -> None:
    location, path = seeded
    with Store.open(location) as store:
        region, term = _first(store, ctx)
        target = store.review_targets(region=region, terms=[term])[0]
        store.review([target], "rejected")
        other = [t for t in store.review_targets(relation=None, region=region, terms=[term])]
        assert other == [target]
        old_article = store.reviews()[0].article
    # An edit far from the evidence: a new content hash, the same sentence.
    path.write_text(path.read_text(encoding="utf-8") + "\n（本文有更新。）\n", encoding="utf-8")
    with Store.open(location) as store:
        ingest([str(path.parent)], store, ctx)
        assert store.count("articles") == 1
        (row,) = store.reviews()
        assert not row.orphaned, "the review judges the same sentence in the new text"
        assert row.article == old_article  # keyed by what it judged
        assert (region, term) not in _table(store, ctx)
        assert store.stale_adoption_pairs() == []
    # The sentence itself goes: the review is kept, orphaned.
    sentence = row.sentence
    path.write_text(path.read_text(encoding="utf-8").replace(sentence, "此句已删除。"), encoding="utf-8")
    with Store.open(location) as store:
        ingest([str(path.parent)], store, ctx)
        (row,) = store.reviews()
        assert row.orphaned and row.status == "rejected"


def test_add_a_relation_the_extractor_missed(seeded: tuple[str, Path], ctx: Context) -> None:
    location, _ = seeded
    with Store.open(location) as store:
        article = store.conn.execute("SELECT id, text FROM articles").fetchone()
        text: str = article[1]
        names = Names(store, ctx.gazetteer)
        region = names.region("湖南省")
        region_entity = ctx.gazetteer.entity(ctx.gazetteer.by_code[region.code])
        term = Entity(kind="mechanism", name="试点观察机制")
        with pytest.raises(UsageError, match="not in the text"):
            store.add_relation(region_entity, term, article[0], "这句话不在文章里")
        quote = text[10:40]
        row = store.add_relation(region_entity, term, article[0], quote, note="missed", reviewer="lw")
        assert row.status == "added" and not row.orphaned and row.sentence == quote
        assert _table(store, ctx)[(region.key, term.key)] == "added"
        assert store.stale_adoption_pairs() == []
        reextract(store, ctx)  # written again with the article's findings
        assert _table(store, ctx)[(region.key, term.key)] == "added"
        assert store.stale_adoption_pairs() == []
        (target,) = store.review_targets(region=region.key, terms=[term.key])
        assert store.reset_reviews([target]) == 1
        assert (region.key, term.key) not in _table(store, ctx)
        assert store.stale_adoption_pairs() == []


def test_accept_marks_the_row(seeded: tuple[str, Path], ctx: Context) -> None:
    location, _ = seeded
    with Store.open(location) as store:
        region, term = _first(store, ctx)
        store.review(store.review_targets(region=region, terms=[term]), "accepted", reviewer="lw")
        assert _table(store, ctx)[(region, term)] == "accepted"
        assert _table(store, ctx, since="1900")[(region, term)] == "accepted"  # the grouped reading too
        assert [r.status for r in store.reviews(status="accepted")] == ["accepted"]
        assert store.reviews(status="rejected") == []


def _file(path: Path, statuses: list[str]) -> Path:
    """A hand-made review file: one row per relation, relation i judged statuses[i]."""
    lines = [",".join(COLUMNS)]
    for i, status in enumerate(statuses):
        if status:
            lines.append(f"{'ab' * 32},region:43{i:04d},adopts,mechanism:甲,0,10,2,4,第{i}句,a.txt,{status},,,,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_agreement_of_two_hand_made_files(tmp_path: Path) -> None:
    # Ten relations both coders judged, and one each judged alone (listed, not counted):
    #   A: accepted ×6 (rows 0–5), rejected ×4 (rows 6–9)
    #   B: accepted ×5 (rows 0–4), rejected ×5 (rows 5–9)
    #   alike on 9 (rows 0–4 accepted, 6–9 rejected; row 5 differs): p_o = 9/10 = 0.9
    #   p_e = (6/10)(5/10) + (4/10)(5/10) = 0.30 + 0.20 = 0.5
    #   kappa = (0.9 - 0.5) / (1 - 0.5) = 0.8
    a = ["accepted"] * 6 + ["rejected"] * 4 + ["accepted", ""]
    b = ["accepted"] * 5 + ["rejected"] * 5 + ["", "rejected"]
    fa, fb = _file(tmp_path / "a.csv", a), _file(tmp_path / "b.csv", b)
    result = agreement(read_reviews(fa), read_reviews(fb))
    assert (result.both, result.agreed, result.only_a, result.only_b) == (10, 9, 1, 1)
    assert result.observed == pytest.approx(0.9) and result.expected == pytest.approx(0.5)
    assert result.kappa == pytest.approx(0.8)
    assert [(d.a, d.b, d.judgement.subject_key) for d in result.disagreements] == [
        ("accepted", "rejected", "region:430005"), ("accepted", None, "region:430010"),
        (None, "rejected", "region:430011"),
    ]  # fmt: skip
    ran = run_cli("review", "agreement", str(fa), str(fb))
    assert ran.returncode == 0 and "Cohen's kappa 0.800" in ran.stdout, ran.stderr
    # The same through JSON lines: a file of one format reads as the other
    jl = tmp_path / "a.jsonl"
    jl.write_text(
        "".join(json.dumps(dataclasses.asdict(j), ensure_ascii=False) + "\n" for j in read_reviews(fa)), "utf-8"
    )
    assert agreement(read_reviews(jl), read_reviews(fb)).kappa == pytest.approx(0.8)


def test_the_command_line_walks_a_review(seeded: tuple[str, Path], ctx: Context, tmp_path: Path) -> None:
    location, _ = seeded
    with Store.open(location, readonly=True) as store:
        region, term = _first(store, ctx)
        term_name = store.entities([term])[0].name
        article = store.conn.execute("SELECT id FROM articles").fetchone()[0]
    code = region.split(":", 1)[1]
    data = ("--data", location)
    ran = run_cli("review", "reject", "--region", code, "--term", term_name, "--note", "no", *data)
    assert ran.returncode == 0 and "rejected 1 relation" in ran.stdout, ran.stderr
    listed = run_cli("review", "list", "--status", "rejected", "--json", *data)
    (row,) = json.loads(listed.stdout)["reviews"]
    assert row["article"] == article and row["note"] == "no" and not row["orphaned"]
    out = tmp_path / "adoptions.csv"
    assert run_cli("export", "-f", "adoptions", "-o", str(out), *data).returncode == 0
    assert (code, term_name) not in _csv_pairs(out)
    assert run_cli("export", "-f", "adoptions", "-o", str(out), "--include-rejected", *data).returncode == 0
    assert _csv_pairs(out)[(code, term_name)] == "rejected"
    shared = tmp_path / "mine.jsonl"
    assert run_cli("review", "export", str(shared), *data).returncode == 0
    assert run_cli("review", "reset", "--region", code, "--term", term_name, *data).returncode == 0
    assert run_cli("export", "-f", "adoptions", "-o", str(out), *data).returncode == 0
    assert _csv_pairs(out)[(code, term_name)] == ""
    imported = run_cli("review", "import", str(shared), *data)
    assert imported.returncode == 0 and "imported 1 review" in imported.stdout, imported.stderr
    assert run_cli("export", "-f", "adoptions", "-o", str(out), *data).returncode == 0
    assert (code, term_name) not in _csv_pairs(out)
    missing = run_cli("review", "add", "--region", code, "--term", term_name, "--article", article,
                      "--quote", "没有这句话", *data)  # fmt: skip
    assert missing.returncode == 2 and "not in the text" in missing.stderr


def _csv_pairs(path: Path) -> dict[tuple[str, str], str]:
    with path.open(encoding="utf-8") as fh:
        return {(r["region_code"], r["term"]): r["review"] for r in csv.DictReader(fh)}


def _listed(*args: str) -> dict[int, dict[str, object]]:
    """``zxkg relations`` (JSON lines) by relation id."""
    ran = run_cli("relations", *args)
    assert ran.returncode == 0, ran.stderr
    rows = [json.loads(line) for line in ran.stdout.splitlines()]
    return {int(r["id"]): r for r in rows}


def test_relations_listing_marks_reviews_and_leaves_rejected_out(seeded: tuple[str, Path], ctx: Context) -> None:
    location, _ = seeded
    data = ("--data", location)
    before = _listed(*data)
    assert before and {r["review"] for r in before.values()} == {""}
    adoptions = sorted(i for i, r in before.items() if r["predicate"] == "adopts")
    assert len(adoptions) >= 2, "the seed article has adoptions to review"
    rejected, accepted = adoptions[0], adoptions[1]
    assert run_cli("review", "reject", str(rejected), *data).returncode == 0
    assert run_cli("review", "accept", str(accepted), *data).returncode == 0
    with Store.open(location) as store:
        article = store.conn.execute("SELECT id, text FROM articles").fetchone()
        region = ctx.gazetteer.entity(ctx.gazetteer.by_code[Names(store, ctx.gazetteer).region("湖南省").code])
        store.add_relation(region, Entity(kind="mechanism", name="试点观察机制"), article[0], article[1][10:40])

    after = _listed(*data)
    assert rejected not in after  # left out, as every other read leaves it
    assert after[accepted]["review"] == "accepted"
    (manual,) = [r for r in after.values() if r["review"] == "added"]
    assert manual["rule"] == "manual" and manual["evidence"]["quote"] == article[1][10:40]  # type: ignore[index]
    unreviewed = set(after) - {accepted, int(str(manual["id"]))}
    assert unreviewed == set(before) - {rejected, accepted} and all(after[i]["review"] == "" for i in unreviewed)

    everything = _listed(*data, "--include-rejected")
    assert everything[rejected]["review"] == "rejected" and set(everything) == set(after) | {rejected}

    ran = run_cli("relations", "--format", "csv", "--include-rejected", *data)
    assert ran.returncode == 0, ran.stderr
    marks = {int(r["id"]): r["review"] for r in csv.DictReader(io.StringIO(ran.stdout, newline=""))}
    assert marks == {i: r["review"] for i, r in everything.items()}
