"""What the writer does: runs and failures, saving an article whole, replacing its findings.

Writes go through ``save`` one article per transaction (a savepoint inside a batch): an
article, its mentions and its relations land together or not at all, and the adoption
pairs (``pairs``) change in the same transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from ..errors import ZxkgError
from ..models import Entity, Extraction, Failure
from . import pairs
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
        with self.transaction() as c:
            c.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cur = c.execute(
                "INSERT INTO runs (started_at, status, paths) VALUES (?, 'running', ?)",
                (now(), json.dumps(paths, ensure_ascii=False)),
            )
        return int(cur.lastrowid or 0)

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

    def interrupt_runs(self) -> list[int]:
        """Mark the runs left 'running' by a process that died as interrupted; returns their ids.

        Only call it holding the write lock: then no run is really running.
        """
        with self.transaction() as c:
            ids = [row[0] for row in c.execute("SELECT id FROM runs WHERE status = 'running' ORDER BY id")]
            c.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        return ids

    def record_failure(self, run_id: int | None, failure: Failure) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO failures (run_id, origin, reason, at) VALUES (?, ?, ?, ?)",
                (run_id, failure.origin, failure.reason, now()),
            )

    def known(self, content_hash: str) -> Known | None:
        row = self.conn.execute(
            "SELECT id, file, origin FROM articles WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return Known(*row) if row else None

    def add_file(self, article_id: str, origin: str, file: str) -> tuple[bool, int]:
        """Remember another file with the same text: whether it is new to the article, and
        how many articles went because the file held another text before (see ``save``)."""
        with self.transaction() as c:
            cur = c.execute(
                "INSERT OR IGNORE INTO article_files (article_id, origin, file, seen_at) VALUES (?, ?, ?, ?)",
                (article_id, origin, file, now()),
            )
            gone = _release(c, origin, article_id) if cur.rowcount > 0 else 0
        return cur.rowcount > 0, gone

    def save(self, ex: Extraction, run_id: int | None = None) -> int:
        """Write one article with its mentions and relations in one transaction.

        Every evidence is checked against the article text first; a mismatch is a bug in
        an extractor and aborts this article only.

        A file (or JSON record) read before with another text — edited at its source, or
        read differently by a newer zxkg — now holds this text only: the article it held
        goes, unless another file still holds it (``_forget``). Returns how many went.
        """
        _check(ex)
        a = ex.article
        stamp = now()
        with self.transaction() as c:
            gone = 0 if self._origins_new else _release(c, a.origin, a.id)
            c.execute(
                "INSERT INTO articles (id, file, origin, url, title, source, author, date, text, original, encoding,"
                " content_hash, ingested_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    a.id, a.file, a.origin, a.url, a.title, a.source, a.author, a.date, a.text, a.original,
                    a.encoding, a.content_hash, stamp, run_id,
                ),
            )  # fmt: skip
            c.execute(
                "INSERT OR IGNORE INTO article_files (article_id, origin, file, seen_at) VALUES (?, ?, ?, ?)",
                (a.id, a.origin, a.file, stamp),
            )
            _write_findings(c, ex, stamp)
            pairs.add_article(c, a.id)
        return gone

    def replace(self, ex: Extraction) -> None:
        """Re-extraction: an article's mentions and relations become ``ex``'s, in one transaction."""
        _check(ex)
        with self.transaction() as c:
            _drop_findings(c, ex.article.id)
            _write_findings(c, ex, now())
            pairs.add_article(c, ex.article.id)

    def prune_entities(self) -> int:
        """Remove entities nothing points at any more (after re-extraction); returns how many."""
        with self.transaction() as c:
            cur = c.execute(
                "DELETE FROM entities WHERE key NOT IN (SELECT entity_key FROM mentions)"
                " AND key NOT IN (SELECT subject_key FROM relations) AND key NOT IN (SELECT object_key FROM relations)"
                " AND key NOT IN (SELECT entity_key FROM aliases)"
            )
        return int(cur.rowcount)


def _check(ex: Extraction) -> None:
    a = ex.article
    for rel in ex.relations:
        ev = rel.evidence
        if a.text[ev.start : ev.end] != ev.quote or not (0 <= ev.span_start <= ev.span_end <= len(a.text)):
            raise ZxkgError(f"evidence offsets do not match the text of {a.origin} (rule {ev.rule})")
    for m in ex.mentions:
        if not (0 <= m.start <= m.end <= len(a.text)):
            raise ZxkgError(f"mention offsets out of range in {a.origin} (rule {m.rule})")


def _write_findings(c: sqlite3.Connection, ex: Extraction, stamp: str) -> None:
    """Entities, mentions, relations and aliases of one extraction (inside the caller's transaction)."""
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
    c.executemany(
        "INSERT OR IGNORE INTO entities (key, kind, name, code, level, parent, province, attrs)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [_entity_row(e) for e in entities.values()],
    )
    c.executemany(
        "INSERT INTO mentions (article_id, entity_key, start, end, quote, rule, confidence)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(a.id, m.entity.key, m.start, m.end, a.text[m.start : m.end], m.rule, m.confidence) for m in ex.mentions],
    )
    c.executemany(
        "INSERT INTO relations (article_id, subject_key, predicate, object_key, date, evidence, start, end,"
        " span_start, span_end, span, rule, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                a.id, r.subject.key, r.predicate, r.object.key, a.date, r.evidence.quote, r.evidence.start,
                r.evidence.end, r.evidence.span_start, r.evidence.span_end,
                a.text[r.evidence.span_start : r.evidence.span_end], r.evidence.rule, r.confidence,
            )
            for r in ex.relations
        ],
    )  # fmt: skip
    c.executemany(
        "INSERT OR IGNORE INTO aliases (alias, entity_key, provenance, article_id, seen_at) VALUES (?, ?, ?, ?, ?)",
        [(al.alias, al.entity.key, al.provenance, a.id, stamp) for al in ex.aliases],
    )
    c.executemany(
        "INSERT OR IGNORE INTO relations (article_id, subject_key, predicate, object_key, date, evidence,"
        " start, end, span_start, span_end, span, rule, confidence)"
        " VALUES (NULL, ?, 'part_of', ?, NULL, ?, 0, 0, 0, 0, '', 'divisions', 1.0)",
        [
            (child.key, parent.key, f"{child.name} ({child.code}) is part of {parent.name} ({parent.code})")
            for child, parent in ex.part_of
        ],
    )


def _entity_row(e: Entity) -> tuple[str, str, str, str, str, str, str, str]:
    return (e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, json.dumps(dict(e.attrs), ensure_ascii=False))


# Origins that name no file: two texts read from standard input are two articles.
UNNAMED_ORIGINS = frozenset({"<stdin>"})


def _drop_findings(c: sqlite3.Connection, article_id: str) -> None:
    """Delete an article's relations and mentions, its adoption pairs kept exact."""
    redo = pairs.remove_article(c, article_id)
    c.execute("DELETE FROM relations WHERE article_id = ?", (article_id,))
    c.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
    pairs.recompute(c, redo)


def _release(c: sqlite3.Connection, origin: str, keep: str) -> int:
    """``origin`` holds ``keep``'s text now: every other article it held lets go of it.

    Returns how many of those went (no other origin held them).
    """
    if origin in UNNAMED_ORIGINS:
        return 0
    held = [r[0] for r in c.execute("SELECT article_id FROM article_files WHERE origin = ? AND article_id != ?",
                                    (origin, keep))]  # fmt: skip
    return sum(_forget(c, old, origin) for old in held)


def _forget(c: sqlite3.Connection, article_id: str, origin: str) -> bool:
    """``origin`` no longer holds the article; True when no origin does and the article went.

    Going means its relations (and their adoption pairs), mentions, article node and the
    aliases it taught are deleted: the text is nowhere any more, and the lexicon learns
    from the store. Entities nothing points at any more are left to ``prune_entities``.
    """
    c.execute("DELETE FROM article_files WHERE article_id = ? AND origin = ?", (article_id, origin))
    other = c.execute(
        "SELECT origin, file FROM article_files WHERE article_id = ? ORDER BY seen_at, origin LIMIT 1", (article_id,)
    ).fetchone()
    if other is not None:
        c.execute("UPDATE articles SET origin = ?, file = ? WHERE id = ? AND origin = ?", (*other, article_id, origin))
        return False
    _drop_findings(c, article_id)
    c.execute("DELETE FROM aliases WHERE article_id = ?", (article_id,))
    c.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    c.execute("DELETE FROM entities WHERE key = ?", (f"article:{article_id}",))
    return True
