"""The store's schema: migration of older stores, and the indexes the adoption queries rely on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.names import Names
from graph.query import adopters, adoption_table, region_profile
from ingest.gazetteer import Gazetteer
from ingest.store import SCHEMA_VERSION, Store
from tests.graph_data import build_store


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, gaz: Gazetteer) -> Path:
    return build_store(tmp_path_factory.mktemp("schema") / "data", gaz)


def relation_indexes(db: Path) -> set[str]:
    with sqlite3.connect(db) as c:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'relations'"
        return {r[0] for r in c.execute(sql)}


def test_a_version_2_store_gets_the_covering_indexes_and_keeps_its_rows(tmp_path: Path, gaz: Gazetteer) -> None:
    data = build_store(tmp_path / "data", gaz)
    db = data / "zxkg.db"
    with sqlite3.connect(db) as c:  # make it look like a store written by schema 2
        c.execute("DROP INDEX idx_relations_by_subject")
        c.execute("DROP INDEX idx_relations_by_object")
        c.execute("CREATE INDEX idx_relations_subject ON relations(subject_key, predicate)")
        c.execute("CREATE INDEX idx_relations_object ON relations(object_key, predicate)")
        c.execute("PRAGMA user_version = 2")
        before = c.execute("SELECT count(*) FROM relations").fetchone()[0]
    Store.open(data).close()
    indexes = relation_indexes(db)
    assert {"idx_relations_by_subject", "idx_relations_by_object"} <= indexes
    assert not {"idx_relations_subject", "idx_relations_object"} & indexes
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert c.execute("SELECT count(*) FROM relations").fetchone()[0] == before > 0


@pytest.fixture
def plans(store_dir: Path, gaz: Gazetteer) -> Iterator[tuple[Names, list[str]]]:
    """Names over the store, and the query plans of every adoption query it runs."""
    with Store.open(store_dir, readonly=True) as store:
        seen: list[str] = []
        rows = store._rows

        def explained(sql: str, params: Any) -> Iterator[dict[str, Any]]:
            if "first_ref" in sql:
                seen.append("\n".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params)))
            return rows(sql, params)

        store._rows = explained  # type: ignore[method-assign]
        yield Names(store, gaz), seen


def test_adoption_queries_read_relations_through_a_covering_index(plans: tuple[Names, list[str]]) -> None:
    """Not a timing: at 100k articles reading the relation rows (with their sentences) cost 10×."""
    names, seen = plans
    adopters(names, "双考")
    region_profile(names, "长沙市")
    list(adoption_table(names))
    assert len(seen) == 3
    assert "USING COVERING INDEX idx_relations_by_object" in seen[0]
    assert "USING COVERING INDEX idx_relations_by_subject" in seen[1]
    assert "USING COVERING INDEX idx_relations_by_subject" in seen[2]
    assert "TEMP B-TREE FOR GROUP BY" not in seen[2]  # rows come grouped by (region, term)
