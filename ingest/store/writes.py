"""What the writer does: runs and failures, saving an article whole, replacing its findings.

Writes go through ``save`` one article per transaction (a savepoint inside a batch): an
article, its mentions and its relations land together or not at all, and the adoption
pairs (``pairs``) change in the same transaction. The writer keeps the store's integer
keys of entities and rules it has met (``Session._entity_ids``, ``_rule_ids``), so an
article's rows are written without looking them up again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import AlreadyStored, ZxkgError
from ..lexicon import fold
from ..models import Entity, Extraction, Failure
from . import dates, originals, pairs, reviews
from .connection import Connection
from .dialect import Dialect
from .schema import PREDICATE_IDS
from .session import Session, now


@dataclass(frozen=True, slots=True)
class Known:
    """An article already in the store with the same content."""

    id: str
    file: str
    origin: str


class Writes(Session):
    """The writer's part of the store."""

    def start_run(self, paths: list[str]) -> int:
        """Record a run (and mark the runs of stopped processes interrupted)."""
        self.interrupt_runs()
        with self.transaction() as c:
            row = c.execute(
                "INSERT INTO runs (started_at, status, paths) VALUES (?, 'running', ?) RETURNING id",
                (now(), json.dumps(paths, ensure_ascii=False)),
            ).fetchone()
        run_id = int(row[0])
        self.hold_run(run_id)
        return run_id

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished_at = ?, status = 'done', read = ?, ingested = ?, unchanged = ?,"
                " duplicates = ?, failed = ? WHERE id = ?",
                (
                    now(),
                    counts.get("read", 0),
                    counts.get("ingested", 0),
                    counts.get("unchanged", 0),
                    counts.get("duplicates", 0),
                    counts.get("failed", 0),
                    run_id,
                ),
            )
        self.let_go_of_run(run_id)

    def interrupt_runs(self) -> list[int]:
        """Mark the runs left 'running' by a process that stopped as interrupted; returns their ids."""
        running = [row[0] for row in self.conn.execute("SELECT id FROM runs WHERE status = 'running' ORDER BY id")]
        ids = self.stopped_runs(running)
        if ids:
            with self.transaction() as c:
                c.executemany("UPDATE runs SET status = 'interrupted' WHERE id = ?", [(i,) for i in ids])
        return ids

    def record_failure(self, run_id: int | None, failure: Failure) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO failures (run_id, origin, reason, at) VALUES (?, ?, ?, ?)",
                (run_id, failure.origin, failure.reason, now()),
            )

    def known(self, content_hash: str) -> Known | None:
        row = self.conn.execute(
            "SELECT id, file, origin FROM articles WHERE id = ? AND content_hash = ?",
            (content_hash[:16], bytes.fromhex(content_hash)),
        ).fetchone()
        return Known(*row) if row else None

    def add_file(self, article_id: str, origin: str, file: str) -> tuple[bool, int]:
        """Remember another file with the same text: whether it is new to the article, and
        how many articles went because the file held another text before (see ``save``)."""
        with self.transaction() as c:
            d = self.sql
            cur = c.execute(
                f"{d.insert_ignore} INTO article_files (article, origin, file, seen_at)"
                f" SELECT key, ?, ?, ? FROM articles WHERE id = ? {d.on_conflict_ignore}",
                (origin, file, now(), article_id),
            )
            gone = _release(c, d, origin, article_id) if cur.rowcount > 0 else 0
        if gone:
            self._entity_ids.clear()  # the article entities that went
        return cur.rowcount > 0, gone

    def save(self, ex: Extraction, run_id: int | None = None) -> int:
        """Write one article with its mentions and relations in one transaction.

        Every evidence is checked against the article text first; a mismatch is a bug in
        an extractor and aborts this article only.

        A file (or JSON record) read before with another text — edited at its source, or
        read differently by a newer zxkg — now holds this text only: the article it held
        goes, unless another file still holds it (``_forget``). Returns how many went.

        Where writers run at once and another stored the same text first, ``AlreadyStored``.
        """
        _check(ex)
        return self.retried(lambda: self._save(ex, run_id))

    def _save(self, ex: Extraction, run_id: int | None) -> int:
        a = ex.article
        stamp = now()
        with self.transaction() as c:
            d = self.sql
            gone = 0 if self._origins_new else _release(c, d, a.origin, a.id)
            if gone:
                self._entity_ids.clear()  # the article entities that went
            row = c.execute(
                "INSERT INTO articles (id, content_hash, file, origin, url, title, source, author, date, text,"
                " original, encoding, ingested_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING RETURNING key",
                (
                    a.id, bytes.fromhex(a.content_hash), a.file, a.origin, a.url, a.title, a.source, a.author,
                    a.date, a.text, originals.deflate(a.original, a.text), a.encoding, stamp, run_id,
                ),
            ).fetchone()  # fmt: skip
            if row is None:
                raise AlreadyStored(f"{a.origin}: the same text was stored meanwhile by another writer")
            key = int(row[0])
            c.execute(
                f"{d.insert_ignore} INTO article_files (article, origin, file, seen_at) VALUES (?, ?, ?, ?)"
                f" {d.on_conflict_ignore}",
                (key, a.origin, a.file, stamp),
            )
            pairs.add_article(c, d, key, self._write_findings(c, key, ex, stamp))
        return gone

    def replace(self, ex: Extraction) -> None:
        """Re-extraction: an article's mentions and relations become ``ex``'s, in one transaction."""
        _check(ex)
        self.retried(lambda: self._replace(ex))

    def _replace(self, ex: Extraction) -> None:
        with self.transaction() as c:
            row = c.execute("SELECT key FROM articles WHERE id = ?", (ex.article.id,)).fetchone()
            if row is None:
                raise ZxkgError(f"no stored article {ex.article.id} to extract again")
            _drop_findings(c, self.sql, row[0])
            # the aliases it taught go too: the extraction teaches them again, to the entity of
            # today's kind, and an alias left to yesterday's would keep that entity alive
            c.execute("DELETE FROM aliases WHERE article = ?", (row[0],))
            pairs.add_article(c, self.sql, row[0], self._write_findings(c, row[0], ex, now()))

    def prune_entities(self) -> int:
        """Remove entities nothing points at any more (after re-extraction); returns how many."""
        with self.transaction() as c:
            cur = c.execute(
                "DELETE FROM entities WHERE id NOT IN (SELECT entity FROM mentions)"
                " AND id NOT IN (SELECT subject FROM relations) AND id NOT IN (SELECT object FROM relations)"
                " AND id NOT IN (SELECT entity FROM aliases)"
            )
        self._entity_ids.clear()
        return int(cur.rowcount)

    def _write_findings(self, c: Connection, key: int, ex: Extraction, stamp: str) -> tuple[int, int]:
        """Entities, mentions, relations and aliases of one extraction (inside the caller's transaction).

        Returns the ids of the article's first and last relation: its relations are found
        by that range (no index by article is needed while a bulk load defers it).
        """
        a = ex.article
        entities = {m.entity.key: m.entity for m in ex.mentions}
        for rel in ex.relations:
            entities.setdefault(rel.subject.key, rel.subject)
            entities.setdefault(rel.object.key, rel.object)
        for al in ex.aliases:
            entities.setdefault(al.entity.key, al.entity)
        for child, parent in ex.part_of:
            entities.setdefault(child.key, child)
            entities.setdefault(parent.key, parent)
        ids = self._entity_keys(c, entities.values())
        rules = self._rule_keys(c, {m.rule for m in ex.mentions} | {r.evidence.rule for r in ex.relations})
        c.executemany(
            "INSERT INTO mentions (article, entity, span_start, span_end, rule, confidence) VALUES (?, ?, ?, ?, ?, ?)",
            [(key, ids[m.entity.key], m.start, m.end, rules[m.rule], _thousandths(m.confidence)) for m in ex.mentions],
        )
        # The article's relations are found again by their ids: one writer gives them the next
        # ones in a row; where writers run at once (PostgreSQL) the range is every id.
        first = 0 if self.concurrent else int(c.execute("SELECT coalesce(max(id), 0) FROM relations").fetchone()[0]) + 1
        date = dates.day(a.date)
        c.executemany(
            "INSERT INTO relations (article, subject, predicate, object, date, sentence_start, sentence_end,"
            " span_start, span_end, rule, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    key, ids[r.subject.key], PREDICATE_IDS[r.predicate], ids[r.object.key], date, r.evidence.start,
                    r.evidence.end, r.evidence.span_start, r.evidence.span_end, rules[r.evidence.rule],
                    _thousandths(r.confidence),
                )
                for r in ex.relations
            ],
        )  # fmt: skip
        d = self.sql
        # The reviews of the article judge its new relations; those a reviewer added follow its own.
        added = reviews.attach(c, d, key)
        last = ALL_IDS if self.concurrent else first + len(ex.relations) + added - 1
        c.executemany(
            f"{d.insert_ignore} INTO aliases (alias, entity, provenance, article, seen_at, form)"
            f" VALUES (?, ?, ?, ?, ?, ?) {d.on_conflict_ignore}",
            [(al.alias, ids[al.entity.key], al.provenance, key, stamp, fold(al.alias)) for al in ex.aliases],
        )
        if ex.part_of:
            divisions = self._rule_keys(c, {"divisions"})["divisions"]
            c.executemany(
                f"{d.insert_ignore} INTO relations (article, subject, predicate, object, date, sentence_start,"
                " sentence_end, span_start, span_end, rule, confidence)"
                f" VALUES (NULL, ?, ?, ?, NULL, 0, 0, 0, 0, ?, 1000) {d.on_conflict_ignore}",
                [(ids[ch.key], PREDICATE_IDS["part_of"], ids[pa.key], divisions) for ch, pa in ex.part_of],
            )
        return first, last

    def _entity_keys(self, c: Connection, entities: Iterable[Entity]) -> dict[str, int]:
        """The store's integer key of each entity, adding the ones it lacks (in key order, so
        that writers running at once on PostgreSQL take their locks in one order)."""
        known, d = self._entity_ids, self.sql
        missing = sorted((e for e in entities if e.key not in known), key=lambda e: e.key)
        if missing:
            c.executemany(
                f"{d.insert_ignore} INTO entities (key, kind, name, code, level, parent, province, attrs)"
                f" VALUES (?, ?, ?, ?, ?, ?, ?, ?) {d.on_conflict_ignore}",
                [_entity_row(e) for e in missing],
            )
            keys = json.dumps([e.key for e in missing], ensure_ascii=False)
            known.update(c.execute(f"SELECT key, id FROM entities WHERE {d.any_of('key')}", (keys,)))
        return known

    def _rule_keys(self, c: Connection, names: set[str]) -> dict[str, int]:
        known, d = self._rule_ids, self.sql
        missing = names - known.keys()
        if missing:
            c.executemany(
                f"{d.insert_ignore} INTO rules (name) VALUES (?) {d.on_conflict_ignore}",
                [(n,) for n in sorted(missing)],
            )
            listed = json.dumps(sorted(missing), ensure_ascii=False)
            known.update(c.execute(f"SELECT name, id FROM rules WHERE {d.any_of('name')}", (listed,)))
        return known


def _thousandths(value: float) -> int:
    """A confidence as the store keeps it: thousandths, the precision ``zxkg relations`` prints."""
    return round(value * 1000)


def _check(ex: Extraction) -> None:
    a = ex.article
    for rel in ex.relations:
        ev = rel.evidence
        if a.text[ev.start : ev.end] != ev.quote or not (0 <= ev.span_start <= ev.span_end <= len(a.text)):
            raise ZxkgError(f"evidence offsets do not match the text of {a.origin} (rule {ev.rule})")
    for m in ex.mentions:
        if not (0 <= m.start <= m.end <= len(a.text)):
            raise ZxkgError(f"mention offsets out of range in {a.origin} (rule {m.rule})")


def _entity_row(e: Entity) -> tuple[str, str, str, str, str, str, str, str]:
    return (e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, json.dumps(dict(e.attrs), ensure_ascii=False))


ALL_IDS = 2**62

# Origins that name no file: two texts read from standard input are two articles.
UNNAMED_ORIGINS = frozenset({"<stdin>"})


def _drop_findings(c: Connection, d: Dialect, key: int) -> None:
    """Delete an article's relations and mentions, its adoption pairs kept exact."""
    redo = pairs.remove_article(c, d, key)
    reviews.detach(c, key)  # orphaned until the article's findings are written again
    c.execute("DELETE FROM relations WHERE article = ?", (key,))
    c.execute("DELETE FROM mentions WHERE article = ?", (key,))
    pairs.recompute(c, d, redo)


def _release(c: Connection, d: Dialect, origin: str, keep: str) -> int:
    """``origin`` holds ``keep``'s text now: every other article it held lets go of it.

    Returns how many of those went (no other origin held them).
    """
    if origin in UNNAMED_ORIGINS:
        return 0
    held = [
        r[0]
        for r in c.execute(
            "SELECT f.article FROM article_files f JOIN articles a ON a.key = f.article"
            " WHERE f.origin = ? AND a.id != ?",
            (origin, keep),
        )
    ]
    return sum(_forget(c, d, old, origin) for old in held)


def _forget(c: Connection, d: Dialect, key: int, origin: str) -> bool:
    """``origin`` no longer holds the article; True when no origin does and the article went.

    Going means its relations (and their adoption pairs), mentions, article node and the
    aliases it taught are deleted: the text is nowhere any more, and the lexicon learns
    from the store. Entities nothing points at any more are left to ``prune_entities``.
    """
    c.execute("DELETE FROM article_files WHERE article = ? AND origin = ?", (key, origin))
    other = c.execute(
        "SELECT origin, file FROM article_files WHERE article = ? ORDER BY seen_at, origin LIMIT 1", (key,)
    ).fetchone()
    if other is not None:
        c.execute("UPDATE articles SET origin = ?, file = ? WHERE key = ? AND origin = ?", (*other, key, origin))
        return False
    _drop_findings(c, d, key)
    c.execute("DELETE FROM aliases WHERE article = ?", (key,))
    (public_id,) = c.execute("SELECT id FROM articles WHERE key = ?", (key,)).fetchone()
    c.execute("DELETE FROM articles WHERE key = ?", (key,))
    c.execute("DELETE FROM entities WHERE key = ?", (f"article:{public_id}",))
    return True
