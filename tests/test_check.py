"""``zxkg check``: it passes a sound directory, names each kind of damage, and ``--repair`` mends it."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests import api_data
from tests.conftest import SEED, run_cli
from zxkg.graph.names import Names
from zxkg.ingest.link import Context
from zxkg.ingest.models import Entity
from zxkg.ingest.store import Store
from zxkg.ingest.store.schema import ADOPTING
from zxkg.search.engine import open_engine

CHECKS = ["store", "evidence", "links", "adoptions", "reviews", "runs", "index"]


def index_ids(data: Path) -> frozenset[str]:
    engine = open_engine("whoosh", data / "index" / "whoosh")
    try:
        return engine.ids()
    finally:
        engine.close()


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The API's data directory (store and whoosh index), ingested once for the module."""
    return api_data.build(tmp_path_factory.mktemp("check"))


@pytest.fixture
def sound(built_once: Path, tmp_path: Path) -> Path:
    """A copy of that directory of the test's own, to damage and repair: copied files, not
    another ingest of the same articles."""
    return Path(shutil.copytree(built_once, tmp_path / "data"))


def store_ids(data: Path) -> set[str]:
    with sqlite3.connect(data / "zxkg.db") as db:
        return {r[0] for r in db.execute("SELECT id FROM articles")}


def test_a_sound_directory_checks_clean_and_check_waits_for_no_writer(sound: Path) -> None:
    data = sound
    result = run_cli("check", "--data", str(data))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split()[:2] for line in result.stdout.splitlines()[1:8]] == [["ok", f"{c}:"] for c in CHECKS]
    assert result.stdout.splitlines()[-1] == "consistent"
    report = json.loads(run_cli("check", "--data", str(data), "--json").stdout)
    assert report["ok"] is True and [c["name"] for c in report["checks"]] == CHECKS
    assert report["repairs"] == [] and report["after"] is None
    # while another process writes, check neither judges nor repairs: it says so and stops
    with Store.open(data) as writer:
        writer.acquire()
        busy = run_cli("check", "--data", str(data), "--repair")
    assert busy.returncode == 3
    assert "another zxkg process is writing to" in busy.stderr and "Traceback" not in busy.stderr


def damage(data: Path) -> dict[str, str]:
    """One of each kind of damage a crash, a bug or a hand edit can leave; returns the ids touched."""
    with sqlite3.connect(data / "zxkg.db") as db:  # foreign keys are off in a plain connection
        rows = db.execute("SELECT key, id FROM articles ORDER BY id LIMIT 3").fetchall()
        (gone_key, gone), (shifted_key, shifted), (lost_key, lost_entity) = rows
        db.execute("DELETE FROM article_files WHERE article = ?", (gone_key,))
        db.execute("DELETE FROM articles WHERE key = ?", (gone_key,))
        db.execute(  # a sentence that no longer holds its mention
            "UPDATE relations SET sentence_start = span_end + 1 WHERE id ="
            " (SELECT min(id) FROM relations WHERE article = ? AND predicate <> 6)",
            (shifted_key,),
        )
        db.execute(
            "DELETE FROM entities WHERE id ="
            " (SELECT object FROM relations WHERE article = ? AND predicate = 6 LIMIT 1)",
            (lost_key,),
        )
        db.execute("INSERT INTO runs (started_at, status) VALUES ('2024-01-01T00:00:00+00:00', 'running')")
    engine = open_engine("whoosh", data / "index" / "whoosh")
    try:
        writer = engine.writer()
        writer.delete(shifted)
        writer.commit()
    finally:
        engine.close()
    return {"gone": gone, "shifted": shifted, "lost_entity": lost_entity}


def test_check_names_every_kind_of_damage_and_repair_mends_it(sound: Path) -> None:
    data = sound
    touched = damage(data)
    found = run_cli("check", "--data", str(data))
    assert found.returncode == 1, found.stdout + found.stderr
    lines = {line.split()[1].rstrip(":"): line for line in found.stdout.splitlines()[1:8]}
    assert lines["store"].split()[0] == "ok"
    for name in ("evidence", "links", "adoptions", "runs", "index"):
        assert lines[name].split()[0] == "PROBLEM", lines[name]
    assert f"of article {touched['shifted']}" in lines["evidence"]
    assert "mentions → articles" in lines["links"] and "relations → entities" in lines["links"]
    assert "(started 2024-01-01T00:00:00+00:00)" in lines["runs"]
    assert "(1 missing, 1 not in the store)" in lines["index"]
    assert (
        found.stdout.splitlines()[-1]
        == "5 problems; `zxkg check --repair` fixes evidence, links, adoptions, runs, index"
    )

    repaired = run_cli("check", "--data", str(data), "--repair", "--json")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    report = json.loads(repaired.stdout)
    assert report["ok"] is True and all(c["ok"] for c in report["after"])
    assert [line.split(":")[0] for line in report["repairs"]] == ["links", "evidence", "runs", "index"]
    # the shifted article went back into the index when it was extracted again
    assert report["repairs"][-1].startswith("index: added 0 and removed 1 articles")

    again = run_cli("check", "--data", str(data))
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == "consistent", again.stdout
    assert index_ids(data) == store_ids(data) and touched["gone"] not in store_ids(data)
    with sqlite3.connect(data / "zxkg.db") as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 0
        for n, start, end, s0, s1 in db.execute(
            "SELECT length(a.text), r.sentence_start, r.sentence_end, r.span_start, r.span_end FROM relations r"
            " JOIN articles a ON a.key = r.article"
        ):
            assert 0 <= start <= s0 <= s1 <= end <= n
        # the articles whose findings were dropped were extracted again
        for article in (touched["shifted"], touched["lost_entity"]):
            sql = "SELECT count(*) FROM mentions m JOIN articles a ON a.key = m.article WHERE a.id = ?"
            assert db.execute(sql, (article,)).fetchone()[0] > 0


def test_a_damaged_store_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("ingest", "--data", str(data), str(SEED)).returncode == 0
    db = data / "zxkg.db"
    raw = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(raw), page * 3 + 3000), 7):
        raw[offset] = 0xAB
    db.write_bytes(bytes(raw))
    digest = hashlib.sha256(raw).hexdigest()
    for args in ([], ["--repair"]):
        result = run_cli("check", "--data", str(data), *args)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "PROBLEM  store: PRAGMA integrity_check:" in result.stdout
        assert "sqlite3 zxkg.db .recover" in result.stdout
        assert "Traceback" not in result.stderr
        assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_adoption_pairs_that_drifted_from_their_relations_are_named_and_computed_again(sound: Path) -> None:
    data = sound
    with sqlite3.connect(data / "zxkg.db") as db:
        first, last = (
            db.execute(f"SELECT term_key, region_key FROM adoption_pairs ORDER BY term_key {way} LIMIT 1").fetchone()
            for way in ("ASC", "DESC")
        )
        db.execute("UPDATE adoption_pairs SET articles = articles + 1 WHERE term_key = ? AND region_key = ?", first)
        db.execute("DELETE FROM adoption_pairs WHERE term_key = ? AND region_key = ?", last)
        before = db.execute("SELECT count(*) FROM adoption_pairs").fetchone()[0]
    found = run_cli("check", "--data", str(data))
    assert found.returncode == 1
    line = next(x for x in found.stdout.splitlines() if x.split()[1:2] == ["adoptions:"])
    assert line.split()[0] == "PROBLEM" and "adoption pairs differ from their relations" in line
    repaired = json.loads(run_cli("check", "--data", str(data), "--repair", "--json").stdout)
    assert repaired["ok"] is True
    assert repaired["repairs"] == ["adoptions: computed the adoption pairs again"]
    with sqlite3.connect(data / "zxkg.db") as db:
        assert db.execute("SELECT count(*) FROM adoption_pairs").fetchone()[0] == before + 1


def tamper(location: str, *statements: str) -> None:
    """Run ``statements`` on the store behind zxkg's back, as a hand edit or a bug would."""
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[arg-type]  # test SQL, no parameters
        return
    with sqlite3.connect(Path(location) / "zxkg.db") as db:
        for sql in statements:
            db.execute(sql)


def test_check_and_repair_work_on_either_backend(location: str, tmp_path: Path) -> None:
    """The damage both backends can suffer (PostgreSQL's foreign keys keep links sound):
    evidence that lost its mention, adoption pairs that drifted, a run left running."""
    api_data.build_at(tmp_path, location)
    assert run_cli("check", "--store", location).returncode == 0
    first_pair = "(SELECT min(term_key) FROM adoption_pairs)"
    tamper(
        location,
        "UPDATE relations SET sentence_start = span_end + 1"
        " WHERE id = (SELECT min(id) FROM relations WHERE predicate <> 6)",
        f"UPDATE adoption_pairs SET articles = articles + 1 WHERE term_key = {first_pair}",
        "INSERT INTO runs (started_at, status) VALUES ('2024-01-01T00:00:00+00:00', 'running')",
    )
    found = run_cli("check", "--store", location)
    assert found.returncode == 1, found.stdout + found.stderr
    problems = {line.split()[1].rstrip(":") for line in found.stdout.splitlines() if line.split()[:1] == ["PROBLEM"]}
    assert problems == {"evidence", "adoptions", "runs"}, found.stdout
    repaired = json.loads(run_cli("check", "--store", location, "--repair", "--json").stdout)
    assert repaired["ok"] is True and all(c["ok"] for c in repaired["after"]), repaired
    again = run_cli("check", "--store", location)
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == "consistent", again.stdout


def test_reviews_orphaned_or_moved_off_their_sentence_are_named_and_never_deleted(
    location: str, tmp_path: Path, ctx: Context
) -> None:
    """A review whose relation is no longer produced is named (a note, not a problem); a
    relation added by hand whose offsets no longer match the text is a problem a repair
    mends by writing it again from its review. No repair deletes a review."""
    src = tmp_path / "src"
    src.mkdir()
    seed = src / "seed.txt"
    shutil.copy(SEED, seed)
    assert run_cli("ingest", "--store", location, str(src)).returncode == 0
    with Store.open(location, readonly=True) as store:
        text = store.conn.execute("SELECT text FROM articles").fetchone()[0]
        quote = text[10:40]
        rejected = store.conn.execute(  # an adoption whose sentence lies after the quote added by hand
            "SELECT min(r.id) FROM relations r JOIN entities s ON s.id = r.subject"
            f" WHERE r.predicate IN ({ADOPTING}) AND s.kind = 'region' AND r.sentence_start > 40"
        ).fetchone()[0]
        sentence = store.conn.execute("SELECT sentence_start, sentence_end FROM relations WHERE id = ?", (rejected,))
        start, end = sentence.fetchone()
    assert run_cli("review", "reject", str(rejected), "--store", location).returncode == 0
    with Store.open(location) as store:
        region = ctx.gazetteer.entity(ctx.gazetteer.by_code[Names(store, ctx.gazetteer).region("湖南省").code])
        article = store.conn.execute("SELECT id FROM articles").fetchone()[0]
        store.add_relation(region, Entity(kind="mechanism", name="试点观察机制"), article, quote, reviewer="lw")
    clean = run_cli("check", "--store", location)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "ok       reviews: all 2 reviews judge a stored relation on its sentence" in clean.stdout

    # the rejected sentence leaves the file: its review judges nothing now, and is kept
    seed.write_text(text[:start] + text[end:], encoding="utf-8")
    assert run_cli("ingest", "--store", location, str(src)).returncode == 0
    orphaned = run_cli("check", "--store", location)
    assert orphaned.returncode == 0, orphaned.stdout + orphaned.stderr
    line = next(x for x in orphaned.stdout.splitlines() if x.split()[1:2] == ["reviews:"])
    assert line.split()[0] == "note" and "1 of 2 reviews judge no relation" in line and "rejected" in line, line

    # the relation added by hand moves off its quote behind zxkg's back
    tamper(
        location,
        "UPDATE relations SET sentence_start = sentence_start + 1, sentence_end = sentence_end + 1,"
        " span_start = span_start + 1, span_end = span_end + 1"
        " WHERE rule = (SELECT id FROM rules WHERE name = 'manual')",
    )
    found = run_cli("check", "--store", location)
    assert found.returncode == 1, found.stdout + found.stderr
    problems = {line.split()[1].rstrip(":") for line in found.stdout.splitlines() if line.split()[:1] == ["PROBLEM"]}
    assert problems == {"reviews", "adoptions"}, found.stdout  # its pair cites the moved offsets
    assert (
        "1 of 2 reviews judge a relation that no longer quotes the sentence reviewed"
        " (first: review #2, added, relation #"
        in found.stdout
        and "; 1 orphaned, kept" in found.stdout
    )
    ran = run_cli("check", "--store", location, "--repair", "--json")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    repaired = json.loads(ran.stdout)
    assert repaired["ok"] is True and all(c["ok"] for c in repaired["after"]), repaired
    assert "evidence: extracted 1 articles again" in repaired["repairs"]
    assert "reviews: 1 relation of 1 judged again where their sentence is; no review deleted" in repaired["repairs"]
    assert "reviews: kept 1 orphaned review (a researcher's work is not deleted)" in repaired["repairs"]
    with Store.open(location, readonly=True) as store:
        assert sorted(r.status for r in store.reviews()) == ["added", "rejected"]
        (manual,) = [r for r in store.relations() if r.review == "added"]
        assert manual.evidence == quote
