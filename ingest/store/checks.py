"""Consistency checks of the store (``zxkg check``) and the repairs they allow."""

from __future__ import annotations

import json

from . import pairs
from .records import MisplacedReview, OffsetMismatch, RunningRun
from .session import Session


class Checks(Session):
    """Does the store agree with itself?"""

    def integrity_ok(self) -> bool:
        return not self.integrity_problems(1)

    def integrity_errors(self, limit: int = 20) -> list[str]:
        """What the database finds wrong with its own file (at most ``limit`` lines); empty when sound."""
        return self.integrity_problems(limit)

    def running_runs(self) -> list[RunningRun]:
        """Runs still marked 'running' by a process that stopped (``Session.stopped_runs``)."""
        sql = "SELECT id, started_at, paths FROM runs WHERE status = 'running' ORDER BY id"
        rows = list(map(RunningRun._make, self.conn.execute(sql)))
        stopped = set(self.stopped_runs([r.id for r in rows]))
        return [r for r in rows if r.id in stopped]

    def offset_mismatches(self) -> tuple[int, list[OffsetMismatch]]:
        """Relations and mentions whose offsets do not point into their article's text.

        A relation's sentence holds its mention (``start <= span_start <= span_end <= end``),
        and both lie in the text. Returns (findings checked, mismatches): each mismatch names
        the table, row id, article and rule. Reads one article at a time, so a large store is
        checked in bounded memory.
        """
        checked = 0
        bad: list[OffsetMismatch] = []
        with self.snapshot():
            for key, article_id, n in self.conn.execute("SELECT key, id, length(text) FROM articles ORDER BY id"):
                for rid, start, end, s0, s1, rule in self.conn.execute(
                    "SELECT r.id, r.sentence_start, r.sentence_end, r.span_start, r.span_end, u.name FROM relations r"
                    " JOIN rules u ON u.id = r.rule WHERE r.article = ?",
                    (key,),
                ):
                    checked += 1
                    if not (0 <= start <= s0 <= s1 <= end <= n):
                        bad.append(OffsetMismatch("relations", rid, article_id, rule))
                for mid, start, end, rule in self.conn.execute(
                    "SELECT m.id, m.span_start, m.span_end, u.name FROM mentions m JOIN rules u ON u.id = m.rule"
                    " WHERE m.article = ?",
                    (key,),
                ):
                    checked += 1
                    if not (0 <= start <= end <= n):
                        bad.append(OffsetMismatch("mentions", mid, article_id, rule))
        return checked, bad

    def misplaced_reviews(self) -> list[MisplacedReview]:
        """Reviews whose relation's evidence no longer reads as the sentence reviewed, or
        whose mention moved inside it: for a relation added by hand, offsets that no longer
        match the article's text. A review's relation is attached only where they match, so
        any found here was moved behind zxkg's back."""
        sql = """
            SELECT v.id, r.id, a.id, v.status, v.sentence, v.span_start - v.sentence_start,
                   v.span_end - v.sentence_start, r.sentence_start, r.sentence_end, r.span_start, r.span_end,
                   substr(a.text, r.sentence_start + 1, r.sentence_end - r.sentence_start), length(a.text)
            FROM reviews v
            JOIN relations r ON r.id = v.relation
            JOIN articles a ON a.key = r.article
            ORDER BY v.id
        """
        bad: list[MisplacedReview] = []
        for rid, rel, article, status, sentence, p0, p1, s0, s1, q0, q1, quoted, n in self.conn.execute(sql):
            inside = 0 <= s0 <= q0 <= q1 <= s1 <= n
            if not inside or quoted != sentence or (q0 - s0, q1 - s0) != (p0, p1):
                bad.append(MisplacedReview(rid, rel, article, status))
        return bad

    def dangling(self) -> dict[str, int]:
        """Rows whose reference points at nothing, counted by ``table → referenced table``."""
        out: dict[str, int] = {}
        for table, _rowid, parent in self.broken_links():
            key = f"{table} → {parent}"
            out[key] = out.get(key, 0) + 1
        return out

    def repair_dangling(self) -> tuple[dict[str, int], set[str]]:
        """Drop or unlink rows whose reference points at nothing, in one transaction.

        Findings (and files) of an article that is gone are deleted; a lost run or article
        link is set to NULL; aliases of a lost entity are deleted. Returns what was done
        (``"deleted mentions"`` → count …) and the stored articles whose findings pointed at
        a lost entity: their findings were deleted too, and they must be extracted again.
        """
        done: dict[str, int] = {}
        articles: set[int] = set()
        with self.transaction() as c:
            for table, rowid, parent in self.broken_links():
                if (table, parent) in _FINDINGS_OF_LOST_ENTITY:
                    row = c.execute(_FINDINGS_OF_LOST_ENTITY[(table, parent)], (rowid,)).fetchone()
                    if row is not None and row[0] is not None:
                        articles.add(row[0])
                fix = _DANGLING_FIXES.get((table, parent))
                if fix is None:
                    continue
                sql, what = fix
                if c.execute(sql, (rowid,)).rowcount:
                    done[f"{what} {table}"] = done.get(f"{what} {table}", 0) + 1
            again = {
                r[0]
                for r in c.execute(
                    f"SELECT id FROM articles WHERE key IN {self.sql.among()}",
                    (json.dumps(sorted(articles)),),
                )
            }
            if done:
                pairs.rebuild(c, self.sql)  # relations may be gone: the pairs follow
        return done, again

    def stale_adoption_pairs(self, limit: int = 10) -> list[str]:
        """Adoption pairs that differ from their relations (``zxkg check``); empty when sound."""
        return pairs.stale(self.conn, self.sql, limit)

    def rebuild_adoption_pairs(self) -> None:
        with self.transaction() as c:
            pairs.rebuild(c, self.sql)


# How ``repair_dangling`` treats a row whose reference points at nothing: by (table, the
# table it points at), a statement on its rowid and what it did.
_DANGLING_FIXES: dict[tuple[str, str], tuple[str, str]] = {
    ("mentions", "articles"): ("DELETE FROM mentions WHERE rowid = ?", "deleted"),
    ("mentions", "entities"): ("DELETE FROM mentions WHERE rowid = ?", "deleted"),
    ("relations", "articles"): ("DELETE FROM relations WHERE rowid = ?", "deleted"),
    ("relations", "entities"): ("DELETE FROM relations WHERE rowid = ?", "deleted"),
    ("article_files", "articles"): ("DELETE FROM article_files WHERE rowid = ?", "deleted"),
    ("aliases", "entities"): ("DELETE FROM aliases WHERE rowid = ?", "deleted"),
    ("aliases", "articles"): ("UPDATE aliases SET article = NULL WHERE rowid = ?", "unlinked"),
    ("articles", "runs"): ("UPDATE articles SET run_id = NULL WHERE rowid = ?", "unlinked"),
    ("failures", "runs"): ("UPDATE failures SET run_id = NULL WHERE rowid = ?", "unlinked"),
}
# The article of a finding that points at a lost entity (to be extracted again).
_FINDINGS_OF_LOST_ENTITY = {
    ("mentions", "entities"): "SELECT article FROM mentions WHERE rowid = ?",
    ("relations", "entities"): "SELECT article FROM relations WHERE rowid = ?",
}
