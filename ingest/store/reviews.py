"""A reviewer's judgements of single relations: accepted, rejected, or added by hand.

Why keyed by what a review judges rather than by a relation's id: relations are deleted and
written again whenever an article is extracted again (``reextract``, a lexicon edit, a file
whose text changed), and their ids with them. A review names the article's content hash,
the relation's ends and predicate, and its evidence span; ``relation`` is the relation it
judges now, found again each time the article's findings are written (``attach``) and
NULL while none is produced (the review is orphaned, not lost).

Found again means: in the same text, the relation with the same ends, predicate and
offsets; in a changed text of the same file (a new content hash), the relation with the
same ends and predicate whose evidence sentence reads the same. A relation added by hand
(status ``added``) is written again with the article's findings, wherever its sentence is.

Rejected relations count nowhere (``pairs.KEPT``); a change of review computes the
adoption pairs it touches again, in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import NotFound, UsageError
from ..models import Entity
from . import dates, pairs
from .connection import Connection
from .dialect import Dialect
from .records import ReviewRow
from .schema import ADOPTING, PREDICATE_IDS, PREDICATE_NAMES
from .session import Session, now

STATUSES = ("accepted", "rejected")
MANUAL_RULE = "manual"  # the rule of a relation a reviewer added
KEY_FIELDS = (
    "article_hash",
    "subject_key",
    "predicate",
    "object_key",
    "sentence_start",
    "sentence_end",
    "span_start",
    "span_end",
)


@dataclass(frozen=True, slots=True)
class Judgement:
    """A review as a file holds it (``zxkg review export``): its key, the sentence and file
    it was made on, and what was decided."""

    article_hash: str
    subject_key: str
    predicate: str
    object_key: str
    sentence_start: int
    sentence_end: int
    span_start: int
    span_end: int
    sentence: str
    origin: str
    status: str
    note: str = ""
    reviewer: str = ""
    at: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, int, int, int, int]:
        return (
            self.article_hash,
            self.subject_key,
            self.predicate,
            self.object_key,
            self.sentence_start,
            self.sentence_end,
            self.span_start,
            self.span_end,
        )


@dataclass(frozen=True, slots=True)
class _Target:
    """A stored relation a review is about to judge."""

    relation: int
    article_key: int
    judgement: Judgement


_TARGET_SQL = f"""
    SELECT r.id, a.key, {{hash}}, s.key, r.predicate, o.key, r.sentence_start, r.sentence_end,
           r.span_start, r.span_end, substr(a.text, r.sentence_start + 1, r.sentence_end - r.sentence_start),
           a.origin
    FROM relations r
    JOIN articles a ON a.key = r.article
    JOIN entities s ON s.id = r.subject
    JOIN entities o ON o.id = r.object
    WHERE r.predicate IN ({ADOPTING}) AND s.kind = 'region'
"""


class Reviews(Session):
    """Reviews of single adoption relations, and relations added by hand."""

    def review_targets(
        self, relation: int | None = None, region: str = "", terms: Sequence[str] = (), article: str = ""
    ) -> list[_Target]:
        """The adoption relations a review command names: one by id, or a region's relations
        to ``terms`` (a term and its aliases), in one article (an id or its prefix) or all."""
        sql = _TARGET_SQL.format(hash=self.sql.hex("a.content_hash"))
        params: list[object] = []
        if relation is not None:
            sql += " AND r.id = ?"
            params.append(relation)
        else:
            sql += f" AND s.key = ? AND {self.sql.any_of('o.key')}"
            params += [region, json.dumps(list(terms), ensure_ascii=False)]
            if article:
                sql += " AND a.id LIKE ?"
                params.append(article.lower() + "%")
        sql += " ORDER BY r.id"
        found = [_target(row) for row in self.conn.execute(sql, params)]
        if not found:
            what = f"relation {relation}" if relation is not None else f"{region} → {', '.join(terms)}"
            raise NotFound(f"no adoption relation {what}" + (f" in article {article}" if article else ""))
        return found

    def review(self, targets: Sequence[_Target], status: str, note: str = "", reviewer: str = "") -> int:
        """Accept or reject ``targets`` (a review of the same relation is replaced); returns how many."""
        if status not in STATUSES:
            raise UsageError(f"status {status!r}: one of {', '.join(STATUSES)}")
        stamp = now()
        with self.transaction() as c:
            for t in targets:
                j = t.judgement
                _delete_key(c, j.key)
                _insert(c, j, status, note, reviewer, stamp, t.relation)
            pairs.recompute(c, self.sql, _pairs_of(t.judgement for t in targets))
        return len(targets)

    def reset_reviews(self, targets: Sequence[_Target]) -> int:
        """Take back the reviews of ``targets``: a relation added by hand goes with its review."""
        gone = 0
        with self.transaction() as c:
            for t in targets:
                row = c.execute("SELECT id, status FROM reviews WHERE relation = ?", (t.relation,)).fetchone()
                if row is None:
                    row = c.execute(
                        f"SELECT id, status FROM reviews WHERE {' AND '.join(f'{k} = ?' for k in KEY_FIELDS)}",
                        t.judgement.key,
                    ).fetchone()
                if row is None:
                    continue
                c.execute("DELETE FROM reviews WHERE id = ?", (row[0],))
                if row[1] == "added":
                    c.execute("DELETE FROM relations WHERE id = ?", (t.relation,))
                gone += 1
            pairs.recompute(c, self.sql, _pairs_of(t.judgement for t in targets))
        return gone

    def add_relation(
        self, region: Entity, term: Entity, article: str, quote: str, note: str = "", reviewer: str = ""
    ) -> ReviewRow:
        """State that ``region`` adopts ``term``, as ``quote`` of ``article`` (an id or its prefix) says.

        The quote must be in the article's text: its first place there is the evidence, and
        the term's name inside it the span (the whole quote when the name is not in it).
        """
        if region.kind != "region":
            raise UsageError(f"{region.name} is not a region")
        quote = quote.strip()
        if not quote:
            raise UsageError("the quote is empty")
        rows = self.conn.execute(
            f"SELECT key, id, {self.sql.hex('content_hash')}, text, origin, date FROM articles WHERE id LIKE ?",
            (article.lower() + "%",),
        ).fetchall()
        if len(rows) != 1:
            raise NotFound(f"{'no' if not rows else 'more than one'} article {article!r}")
        key, _aid, content_hash, text, origin, _date = rows[0]
        start = text.find(quote)
        if start < 0:
            raise UsageError(f"the quote is not in the text of article {rows[0][1]}")
        end = start + len(quote)
        inside = quote.find(term.name)
        span = (start + inside, start + inside + len(term.name)) if inside >= 0 else (start, end)
        j = Judgement(
            content_hash.lower(), region.key, "adopts", term.key, start, end, *span, quote, origin, "added",
            note, reviewer, now(),
        )  # fmt: skip
        with self.transaction() as c:
            _ensure_entities(c, self.sql, (region, term))
            _delete_key(c, j.key)
            review_id = _insert(c, j, "added", note, reviewer, j.at, None)
            attach(c, self.sql, key)
            pairs.recompute(c, self.sql, _pairs_of([j]))
        return self.reviews(review_id=review_id)[0]

    def reviews(self, status: str = "", review_id: int | None = None) -> list[ReviewRow]:
        """The reviews (of ``status``, or the one ``review_id``), newest first, with the names of their ends."""
        sql = f"""
            SELECT v.id, substr(v.article_hash, 1, 16), v.article_hash, v.subject_key, coalesce(s.name, ''),
                   v.predicate, v.object_key, coalesce(o.name, ''), v.sentence_start, v.sentence_end,
                   v.span_start, v.span_end, v.sentence, v.origin, v.status, v.note, v.reviewer, v.at, v.relation
            FROM reviews v
            LEFT JOIN entities s ON s.key = v.subject_key
            LEFT JOIN entities o ON o.key = v.object_key
            WHERE {"v.status = ?" if status else "1 = 1"} {"AND v.id = ?" if review_id is not None else ""}
            ORDER BY v.at DESC, v.id DESC
        """
        params: list[object] = [status] if status else []
        if review_id is not None:
            params.append(review_id)
        return [ReviewRow._make(row) for row in self.conn.execute(sql, params)]

    def import_reviews(self, judgements: Iterable[Judgement]) -> int:
        """Store reviews read from a file (one of the same key is replaced), and find the
        relations they judge; a relation added by hand is written where its article is."""
        rows = list(judgements)
        with self.transaction() as c:
            hashes: set[str] = set()
            for j in rows:
                if j.status not in (*STATUSES, "added"):
                    raise UsageError(f"status {j.status!r}: one of accepted, rejected, added")
                if j.predicate not in PREDICATE_IDS:
                    raise UsageError(f"predicate {j.predicate!r} is not one zxkg knows")
                old = c.execute(
                    f"SELECT relation, status FROM reviews WHERE {' AND '.join(f'{k} = ?' for k in KEY_FIELDS)}",
                    j.key,
                ).fetchone()
                if old is not None and old[1] == "added" and old[0] is not None:
                    c.execute("DELETE FROM relations WHERE id = ?", (old[0],))
                _delete_key(c, j.key)
                _insert(c, j, j.status, j.note, j.reviewer, j.at or now(), None)
                hashes.add(j.article_hash.lower())
            for h in sorted(hashes):
                found = c.execute("SELECT key FROM articles WHERE id = ?", (h[:16],)).fetchone()
                if found is not None:
                    attach(c, self.sql, int(found[0]))
            pairs.recompute(c, self.sql, _pairs_of(rows))
        return len(rows)


def _target(row: Sequence[object]) -> _Target:
    rid, akey, h, sk, pid, ok, s0, s1, p0, p1, sentence, origin = row
    j = Judgement(
        str(h).lower(), str(sk), PREDICATE_NAMES[int(str(pid))], str(ok), int(str(s0)), int(str(s1)),
        int(str(p0)), int(str(p1)), str(sentence), str(origin), "",
    )  # fmt: skip
    return _Target(int(str(rid)), int(str(akey)), j)


def _delete_key(c: Connection, key: tuple[object, ...]) -> None:
    c.execute(f"DELETE FROM reviews WHERE {' AND '.join(f'{k} = ?' for k in KEY_FIELDS)}", key)


def _insert(c: Connection, j: Judgement, status: str, note: str, reviewer: str, at: str, relation: int | None) -> int:
    row = c.execute(
        "INSERT INTO reviews (article_hash, subject_key, predicate, object_key, sentence_start, sentence_end,"
        " span_start, span_end, sentence, origin, status, note, reviewer, at, relation)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (*j.key, j.sentence, j.origin, status, note, reviewer, at, relation),
    ).fetchone()
    return int(row[0])


def _pairs_of(judgements: Iterable[Judgement]) -> list[tuple[str, str]]:
    """The adoption pairs (term key, region key) the reviews of these relations touch."""
    return sorted({(j.object_key, j.subject_key) for j in judgements})


def _ensure_entities(c: Connection, d: Dialect, entities: Iterable[Entity]) -> None:
    """Add the entities a relation added by hand needs and the store lacks (a term the
    extractor never saw)."""
    for e in entities:
        c.execute(
            f"{d.insert_ignore} INTO entities (key, kind, name, code, level, parent, province, attrs)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?) {d.on_conflict_ignore}",
            (e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, json.dumps(dict(e.attrs))),
        )


def detach(c: Connection, article: int) -> None:
    """The article's relations are about to be deleted: its reviews judge none of them now."""
    c.execute(
        "UPDATE reviews SET relation = NULL WHERE relation IN (SELECT id FROM relations WHERE article = ?)",
        (article,),
    )


def attach(c: Connection, d: Dialect, article: int) -> int:
    """Find the relations the orphaned reviews of ``article`` (by its content hash, or by its
    file for a text that changed) judge, and write the relations added by hand again.

    Called with the article's findings just written, before its adoption pairs are added,
    so that a rejected relation counts in none. Three index lookups, and not the text, when no review concerns
    the article, which is nearly always.
    """
    # not the text yet: it spans overflow pages, and is needed only where a review waits
    head = c.execute(f"SELECT {d.hex('content_hash')}, origin FROM articles WHERE key = ?", (article,)).fetchone()
    if head is None:
        return 0
    content_hash, origin = head
    content_hash = str(content_hash).lower()
    origins = [o for (o,) in c.execute("SELECT origin FROM article_files WHERE article = ?", (article,))]
    reviews = c.execute(
        "SELECT id, article_hash, subject_key, predicate, object_key, sentence_start, sentence_end, span_start,"
        " span_end, sentence, status FROM reviews"
        f" WHERE relation IS NULL AND (article_hash = ? OR {d.any_of('origin')})"
        " ORDER BY id",
        (content_hash, json.dumps(sorted({origin, *origins}), ensure_ascii=False)),
    ).fetchall()
    if not reviews:
        return 0
    (text,) = c.execute("SELECT text FROM articles WHERE key = ?", (article,)).fetchone()
    found = c.execute(
        "SELECT r.id, s.key, r.predicate, o.key, r.sentence_start, r.sentence_end, r.span_start, r.span_end"
        " FROM relations r JOIN entities s ON s.id = r.subject JOIN entities o ON o.id = r.object"
        " WHERE r.article = ? ORDER BY r.id",
        (article,),
    ).fetchall()
    written = 0
    for rid, h, sk, pred, ok, s0, s1, p0, p1, sentence, status in reviews:
        same = h == content_hash
        if same and text[s0:s1] != sentence:
            continue  # not the text the review was made on
        start = s0 if same else text.find(sentence)
        if start < 0:
            continue  # the sentence is not in the new text: orphaned
        where = (start, start + s1 - s0, start + p0 - s0, start + p1 - s0)
        if status == "added":
            relation = _write_added(c, d, article, (sk, pred, ok), where)
            written += relation is not None
        else:
            pid = PREDICATE_IDS.get(pred)
            relation = next(
                (r[0] for r in found if (r[1], r[2], r[3]) == (sk, pid, ok) and tuple(r[4:8]) == where), None
            )
        if relation is not None:
            c.execute("UPDATE reviews SET relation = ? WHERE id = ?", (relation, rid))
    return written


def _write_added(
    c: Connection, d: Dialect, article: int, ends: tuple[str, str, str], where: tuple[int, int, int, int]
) -> int | None:
    """Write a relation a reviewer added into the article's relations; None when its ends
    are no longer in the store."""
    subject, predicate, obj = ends
    ids = dict(c.execute("SELECT key, id FROM entities WHERE key IN (?, ?)", (subject, obj)).fetchall())
    if subject not in ids or obj not in ids or predicate not in PREDICATE_IDS:
        return None
    c.execute(f"{d.insert_ignore} INTO rules (name) VALUES (?) {d.on_conflict_ignore}", (MANUAL_RULE,))
    (rule,) = c.execute("SELECT id FROM rules WHERE name = ?", (MANUAL_RULE,)).fetchone()
    (day,) = c.execute("SELECT date FROM articles WHERE key = ?", (article,)).fetchone()
    row = c.execute(
        "INSERT INTO relations (article, subject, predicate, object, date, sentence_start, sentence_end,"
        " span_start, span_end, rule, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1000) RETURNING id",
        (article, ids[subject], PREDICATE_IDS[predicate], ids[obj], dates.day(day), *where, rule),
    ).fetchone()
    return int(row[0])
