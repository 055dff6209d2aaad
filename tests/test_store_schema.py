"""The store's schema: migration of older stores, and the indexes the adoption queries rely on."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEED, run_cli
from tests.graph_data import build_store
from zxkg.graph.models import TERM_KINDS, Filters
from zxkg.graph.names import Names
from zxkg.graph.query import adopters, adoption_table, region_profile
from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.store import ADOPTION_COLUMNS, RelationQuery, Store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, gaz: Gazetteer) -> Path:
    return build_store(tmp_path_factory.mktemp("schema") / "data", gaz)


class Explaining:
    """A connection that keeps the query plan of every adoption query (or every query) run through it."""

    def __init__(self, conn: sqlite3.Connection, everything: bool = False) -> None:
        self.conn = conn
        self.everything = everything
        self.plans: list[str] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if self.everything or "first_ref" in sql or "FROM adoption_pairs p" in sql:
            self.plans.append("\n".join(r[3] for r in self.conn.execute("EXPLAIN QUERY PLAN " + sql, params)))
        return self.conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


@pytest.fixture
def plans(store_dir: Path, gaz: Gazetteer) -> Iterator[tuple[Names, list[str]]]:
    """Names over the store, and the query plans of every adoption query it runs."""
    with Store.open(store_dir, readonly=True) as store:
        spy = Explaining(store.conn)
        store.conn = spy  # type: ignore[assignment]
        try:
            yield Names(store, gaz), spy.plans
        finally:
            store.conn = spy.conn


def test_adoption_questions_read_one_row_per_answer(plans: tuple[Names, list[str]]) -> None:
    """Not a timing: at 100k articles grouping the relations of a common term took 100 ms."""
    names, seen = plans
    adopters(names, "两力两率")
    region_profile(names, "长沙市")
    list(adoption_table(names))
    assert len(seen) == 3
    assert "SEARCH p USING PRIMARY KEY (term_key=?)" in seen[0]
    assert "SEARCH p USING INDEX idx_adoption_pairs_region (region_key=?)" in seen[1]
    assert "SCAN p USING INDEX idx_adoption_pairs_region" in seen[2]  # in (region, term) order, no sort
    assert all("relations" not in plan for plan in seen)


def test_filtered_adoption_questions_read_relations_through_a_covering_index(
    plans: tuple[Names, list[str]],
) -> None:
    names, seen = plans
    since = Filters(since="2000")
    adopters(names, "两力两率", since)
    region_profile(names, "长沙市", since)
    list(adoption_table(names, since))
    assert len(seen) == 3
    assert "USING COVERING INDEX idx_relations_adopted_by_object" in seen[0]
    assert "USING COVERING INDEX idx_relations_adopted_by_subject" in seen[1]
    assert "USING COVERING INDEX idx_relations_adopted_by_subject" in seen[2]
    assert "TEMP B-TREE FOR GROUP BY" not in seen[2]  # rows come grouped by (region, term)


def _rounded(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [{**dict(zip(ADOPTION_COLUMNS, r, strict=True)), "confidence": round(r[12], 9)} for r in rows]


def _whole(store: Store, merge: bool = False, by_date: bool = True, **where: Any) -> list[dict[str, Any]]:
    """The adoption table as the pairs answer it, confidences rounded."""
    return _rounded(store.adoptions(RelationQuery(**where), TERM_KINDS, merge_terms=merge, by_date=by_date))


def _grouped(store: Store, merge: bool = False, by_date: bool = True, **where: Any) -> list[dict[str, Any]]:
    """The same question answered by grouping the relations (a filter that keeps them all)."""
    q = RelationQuery(min_confidence=1e-9, **where)
    return _rounded(store.adoptions(q, TERM_KINDS, merge_terms=merge, by_date=by_date))


def _most_shared_terms(table: list[dict[str, Any]], n: int) -> tuple[str, ...]:
    """The ``n`` terms adopted by most regions: merged, several regions hold more than one."""
    counts = Counter(row["term_key"] for row in table)
    return tuple(key for key, _ in counts.most_common(n))


@pytest.fixture(scope="module")
def ingested_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example article and the corpus beside it (when present), ingested once a module."""
    corpus = ROOT.parent / "shared" / "corpus"
    paths = [str(SEED)] + ([str(corpus)] if corpus.is_dir() else [])
    data = tmp_path_factory.mktemp("real") / "data"
    result = run_cli("ingest", "--data", str(data), *paths)
    assert result.returncode == 0, result.stderr
    return data


@pytest.fixture
def real_store(ingested_once: Path, tmp_path: Path) -> Path:
    """A copy of that store of the test's own (a test may write to it): a copied file, not
    another ingest of the same articles."""
    return Path(shutil.copytree(ingested_once, tmp_path / "data"))


def test_the_pairs_answer_what_grouping_the_relations_answers(real_store: Path) -> None:
    with Store.open(real_store, readonly=True) as store:
        assert store.stale_adoption_pairs() == []
        table = _whole(store)
        assert len(table) > 10 and table == _grouped(store)
        region = table[0]["region_key"]
        assert _whole(store, subjects=(region,)) == _grouped(store, subjects=(region,))
        term = table[-1]["term_key"]
        assert _whole(store, objects=(term,), min_articles=1) == _grouped(store, objects=(term,), min_articles=1)


def test_terms_merged_into_one_read_from_the_pairs_answer_what_grouping_answers(real_store: Path) -> None:
    """A term and its aliases: one row per region, its articles counted once across the terms."""
    with Store.open(real_store, readonly=True) as store:
        table = _whole(store)
        terms = _most_shared_terms(table, 6)
        holders = Counter(row["region_key"] for row in table if row["term_key"] in terms)
        shared = [region for region, n in holders.items() if n > 1]
        assert len(shared) >= 3  # regions whose articles must not be counted twice
        merged = _whole(store, merge=True, objects=terms)
        assert len(merged) == len(holders) and merged == _grouped(store, merge=True, objects=terms)
        assert any(r["articles"] < sum(t["articles"] for t in table if t["region_key"] == r["region_key"]
                                       and t["term_key"] in terms) for r in merged)  # fmt: skip
        for where in ({"min_articles": 2}, {"subjects": tuple(shared[:2])}, {"objects": terms[:2]}):
            where = {"objects": terms, **where}
            assert _whole(store, merge=True, **where) == _grouped(store, merge=True, **where), where
        spy = Explaining(store.conn, everything=True)
        store.conn = spy  # type: ignore[assignment]
        list(store.adoptions(RelationQuery(objects=terms), TERM_KINDS, merge_terms=True))
        store.conn = spy.conn
        # Not a timing: at 100k articles grouping the relations of 医联体 and its alias took
        # 26 ms. The pairs are read, and the terms' relations through the covering index by
        # object, to count the articles of the regions that hold several terms (and the few
        # rows of the ingests' roots, which turn file names into paths, and two probes of the
        # reviews: with none to show, rows read no review; with none rejected, the relations
        # are not tested against the rejections).
        spy.plans.remove("SCAN runs")
        probes = [p for p in spy.plans if p.startswith("SCAN CONSTANT ROW") and "SEARCH reviews" in p]
        assert len(probes) == 2 and not any("SEARCH v USING" in p for p in spy.plans)
        for probe in probes:
            spy.plans.remove(probe)
        assert len(spy.plans) == 2
        assert "SEARCH p USING PRIMARY KEY (term_key=?)" in spy.plans[0]
        assert "SEARCH r USING COVERING INDEX idx_relations_adopted_by_object (object=?" in spy.plans[1]
        assert "reviews" not in spy.plans[1]
        by_region = _whole(store, merge=True, by_date=False, objects=terms)
        assert by_region == _grouped(store, merge=True, by_date=False, objects=terms)
        assert [r["region_key"] for r in by_region] == sorted(holders)


def test_first_adoptions_are_the_merged_adoptions_first_dates(real_store: Path) -> None:
    """What a timeline reads, with or without the pairs, agrees with the full rows."""
    with Store.open(real_store, readonly=True) as store:
        terms = _most_shared_terms(_whole(store), 4)
        for where in ({"objects": terms}, {"objects": terms[:1]}, {"objects": terms, "since": "2000"},
                      {"objects": terms, "min_articles": 2}, {"objects": terms, "subjects": ()}):  # fmt: skip
            q = RelationQuery(**where)
            full = [(r[0], r[1], r[9]) for r in store.adoptions(q, TERM_KINDS, merge_terms=True)]
            assert list(store.first_adoptions(q, TERM_KINDS)) == full, where
            assert full or "subjects" in where


def test_replaced_findings_keep_the_pairs_exact(real_store: Path) -> None:
    """Findings replaced with fewer relations, other dates and no relation at all, one by one."""
    with Store.open(real_store) as store:
        extractions = list(store.extractions(sorted(store.article_ids())))
        for i, ex in enumerate(extractions):
            kept = tuple(r for j, r in enumerate(ex.relations) if (i + j) % 3)
            article = dataclasses.replace(ex.article, date=["", "2001-01-01", "2099-12", ex.article.date][i % 4])
            store.replace(dataclasses.replace(ex, article=article, relations=kept if i % 5 else ()))
            assert store.stale_adoption_pairs() == [], f"after replacing article {i}"
        for ex in extractions[::2]:  # and back again
            store.replace(ex)
        assert store.stale_adoption_pairs() == []
        assert _whole(store) == _grouped(store)


def test_a_page_of_adopters_is_that_slice_of_all_of_them(real_store: Path) -> None:
    """One term's page is counted and cut in SQL, several terms' (a term and its aliases) from the
    whole answer: either way it is the slice of the full list, with the full count."""
    with Store.open(real_store, readonly=True) as store:
        table = _whole(store)
        busiest = Counter(row["term_key"] for row in table).most_common(1)[0][0]
        for objects in ((busiest,), _most_shared_terms(table, 3)):
            for where in ({}, {"min_articles": 2}):
                q = RelationQuery(objects=objects, **where)  # type: ignore[arg-type]
                full = list(store.adoptions(q, TERM_KINDS, merge_terms=True))
                assert len(full) >= (1 if where else 5), objects
                for limit, offset in ((2, 0), (2, 3), (50, 0), (3, len(full) - 1), (5, len(full) + 1)):
                    assert store.adoption_page(q, TERM_KINDS, limit, offset) == (
                        len(full),
                        full[offset : offset + limit],
                    )
