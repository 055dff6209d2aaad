"""Reads of whole records: relations for export, articles for re-extraction and re-indexing,
one article for its page, entities by key or name, and what the store holds."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..lexicon import fold
from ..models import Article, Entity, EntityKind, Evidence, Extraction, Mention, Relation
from . import dates, originals, pairs
from .dialect import Dialect
from .paths import relative_path, stored_roots
from .records import (
    ArticlePage,
    CorpusTerm,
    EntityName,
    EntityRow,
    FailureRow,
    HeardTerm,
    MentionRow,
    RelationRow,
    RunRow,
    StoreStats,
)
from .session import Session

EXTRACTIONS_AT_ONCE = 200  # articles ``extractions`` reads together
# The columns of an Article, in the order of its fields (``_article``).
ARTICLE_COLUMNS = "id, file, origin, title, text, original, date, source, author, url, encoding, {hash}"
# An entity's columns, in the order ``_entity`` reads them, of the table alias given.
ENTITY_COLUMNS = "{0}.kind, {0}.name, {0}.code, {0}.level, {0}.parent, {0}.province, {0}.attrs"


class Reads(Session):
    """Records read back from the store."""

    def relations(self, include_rejected: bool = False) -> Iterator[RelationRow]:
        """Every relation, joined with its entities and article, in a stable order.

        The evidence sentence and the mention are cut from the article's text here, once an
        article: a relation stores their offsets only. Each row carries its review
        (``accepted``, ``rejected``, ``added`` by hand, or ""); without ``include_rejected``
        the relations a reviewer rejected are left out, as every other read leaves them.
        """
        sql = f"""
            SELECT r.id, a.id, s.key, pr.name, o.key, r.date, r.article,
                   r.sentence_start, r.sentence_end, r.span_start, r.span_end,
                   u.name, r.confidence / 1000.0, a.file,
                   s.kind, s.name, s.code, s.attrs, o.kind, o.name, o.code, o.attrs,
                   coalesce((SELECT max(v.status) FROM reviews v WHERE v.relation = r.id), '') AS review
            FROM relations r
            JOIN entities s ON s.id = r.subject
            JOIN entities o ON o.id = r.object
            JOIN predicates pr ON pr.id = r.predicate
            JOIN rules u ON u.id = r.rule
            LEFT JOIN articles a ON a.key = r.article
            WHERE {"1 = 1" if include_rejected else pairs.KEPT}
            ORDER BY r.article IS NULL, a.file, a.id, r.id
        """
        held, text = None, ""
        for rid, aid, sk, pred, ok, date, key, start, end, s0, s1, rule, conf, file, *ends in self.conn.execute(sql):
            if key is None:  # the division table: no article, the statement is the evidence
                evidence, span = f"{ends[1]} ({ends[2]}) is part of {ends[5]} ({ends[6]})", ""
            else:
                if key != held:
                    held, text = key, self.conn.execute("SELECT text FROM articles WHERE key = ?", (key,)).fetchone()[0]
                evidence, span = text[start:end], text[s0:s1]
            yield RelationRow(
                rid, aid, sk, pred, ok, dates.text(date), evidence, start, end, s0, s1, span, rule, conf, file, *ends
            )

    def articles(self) -> Iterator[Article]:
        """Every stored article as a record (for re-extraction and re-indexing), oldest first."""
        yield from map(
            _article, self.conn.execute(f"SELECT {self._article_columns()} FROM articles ORDER BY ingested_at, id")
        )

    def _article_columns(self) -> str:
        return ARTICLE_COLUMNS.format(hash=self.sql.hex("content_hash"))

    def corpus_terms(self) -> list[CorpusTerm]:
        """Mechanisms, brands and slogans found so far: (name, kind, articles, {alias: provenance})."""
        aliases: dict[str, dict[str, str]] = {}
        for alias, key, provenance in self.conn.execute(
            "SELECT x.alias, e.key, x.provenance FROM aliases x JOIN entities e ON e.id = x.entity"
        ):
            aliases.setdefault(key, {})[alias] = provenance
        rows = self.conn.execute(
            "SELECT e.key, e.name, e.kind, count(DISTINCT m.article) FROM entities e"
            " JOIN mentions m ON m.entity = e.id JOIN rules u ON u.id = m.rule"
            " WHERE e.kind IN ('mechanism', 'brand') AND u.name LIKE 'initiative.quoted%'"
            " GROUP BY e.id, e.key, e.name, e.kind ORDER BY e.name, count(DISTINCT m.article) DESC"
        )
        return [CorpusTerm(name, kind, n, aliases.get(key, {})) for key, name, kind, n in rows]

    def mention_mark(self) -> int:
        """The id of the last mention stored: ``terms_since`` asks from it."""
        mark: int = self.conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0]
        return mark

    def terms_since(self, mark: int) -> tuple[int, list[HeardTerm]]:
        """Terms quoted by the mentions stored after ``mark`` (a mention id), each with the
        kind of its last mention and whether a head word decided it there, and all their
        aliases; and the mark to ask from next time.

        Worker processes of an ingest ask between batches, so a term one of them learnt
        reaches the others through the store rather than not at all (``pipeline``).
        """
        top = self.mention_mark()
        if top <= mark:
            return mark, []
        # ids written into the SQL (integers of the store's own): a join on rules and a LIKE
        # on every mention of the range cost five times as much
        quoted = dict(self.conn.execute("SELECT id, name FROM rules WHERE name LIKE 'initiative.quoted%'").fetchall())
        rules = [str(int(r)) for r in quoted]
        heads = {r for r, name in quoted.items() if name.endswith(".head")}
        heard: dict[str, tuple[int, EntityKind, bool]] = {}
        for entity, name, kind, rule in self.conn.execute(
            # CROSS JOIN: SQLite reads the mentions' range first (else it walks every term's mentions)
            "SELECT e.id, e.name, e.kind, m.rule FROM mentions m CROSS JOIN entities e"
            f" WHERE e.id = m.entity AND m.id > ? AND m.id <= ? AND m.rule IN ({', '.join(rules) or 'NULL'})"
            " AND e.kind IN ('mechanism', 'brand') ORDER BY m.id",
            (mark, top),
        ):
            strong = rule in heads or (name in heard and heard[name][2])
            heard.pop(name, None)  # re-inserted: the order is that of each name's last mention
            heard[name] = (entity, kind, strong)
        aliases: dict[int, dict[str, str]] = {}
        if heard:
            entities = ", ".join(str(int(e)) for e, _, _ in heard.values())
            for alias, entity, provenance in self.conn.execute(
                f"SELECT alias, entity, provenance FROM aliases WHERE entity IN ({entities})"
            ):
                aliases.setdefault(entity, {})[alias] = provenance
        return top, [HeardTerm(name, kind, strong, aliases.get(e, {})) for name, (e, kind, strong) in heard.items()]

    def article(self, article_id: str) -> ArticlePage | None:
        """One article with its mentions (for the article page), or None."""
        cur = self.conn.execute(
            "SELECT id, file, title, date, source, author, url, text, origin FROM articles WHERE id = ?", (article_id,)
        )
        row = cur.fetchone()
        if row is None:
            return None
        mentions = map(
            MentionRow._make,
            self.conn.execute(
                "SELECT m.span_start, m.span_end, e.kind, e.name, u.name"
                " FROM mentions m JOIN articles a ON a.key = m.article"
                " JOIN entities e ON e.id = m.entity JOIN rules u ON u.id = m.rule"
                " WHERE a.id = ? ORDER BY m.span_start, m.span_end DESC",
                (article_id,),
            ),
        )
        id_, file, title, date, source, author, url, text, origin = row
        return ArticlePage(
            id=id_, file=relative_path(origin, stored_roots(self.conn), file), title=title or "",
            date=date or "", source=source or "", author=author or "",
            url=url or "", text=text, mentions=tuple(mentions),
        )  # fmt: skip

    def stats(self) -> StoreStats:
        """What the store holds, every count from the same moment."""
        with self.snapshot():
            by_kind = dict(
                self.conn.execute("SELECT kind, count(*) FROM entities GROUP BY kind ORDER BY kind").fetchall()
            )
            by_pred = dict(
                self.conn.execute(
                    "SELECT p.name, count(*) FROM relations r JOIN predicates p ON p.id = r.predicate"
                    " GROUP BY p.name ORDER BY p.name"
                ).fetchall()
            )
            last = self.conn.execute(
                "SELECT id, started_at, finished_at, status, read, ingested, unchanged, duplicates, failed"
                " FROM runs ORDER BY id DESC LIMIT 1"
            ).fetchone()
            return StoreStats(
                location=self.location,
                articles=self.count("articles"),
                files=self.count("article_files"),
                entities=by_kind,
                relations=by_pred,
                mentions=self.count("mentions"),
                failures=self.count("failures"),
                last_run=RunRow._make(last) if last else None,
                size_bytes=self.size_bytes(),
            )

    def failures(self, limit: int = 100) -> list[FailureRow]:
        """The latest failures, newest first."""
        cur = self.conn.execute("SELECT origin, reason, at FROM failures ORDER BY id DESC LIMIT ?", (limit,))
        return list(map(FailureRow._make, cur))

    def article_ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT id FROM articles")}

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The normalised text of each article in ``ids`` (unknown ids are left out)."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, str] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ", ".join("?" * len(chunk))
            out.update(self.conn.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk).fetchall())
        return out

    def article_paths(self, ids: Iterable[str]) -> dict[str, str]:
        """The file of each article in ``ids`` by its path under the ingested directory
        (``paths.relative_path``); unknown ids are left out."""
        wanted = list(dict.fromkeys(ids))
        roots = stored_roots(self.conn) if wanted else ()
        out: dict[str, str] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT id, origin, file FROM articles WHERE id IN ({marks})", chunk)
            out.update((id_, relative_path(origin, roots, file)) for id_, origin, file in rows)
        return out

    def extractions(self, ids: Iterable[str] | None = None) -> Iterator[Extraction]:
        """Saved articles with their mentions and relations, read back (without tokens), by id.

        Read ``EXTRACTIONS_AT_ONCE`` articles at a time, in three queries: three queries an
        article were most of a PostgreSQL store's reindex that was not building documents."""
        if ids is None:
            wanted = [row[0] for row in self.conn.execute("SELECT id FROM articles ORDER BY id")]
        else:
            wanted = sorted(set(ids))
        for i in range(0, len(wanted), EXTRACTIONS_AT_ONCE):
            yield from self._extractions(wanted[i : i + EXTRACTIONS_AT_ONCE])

    def _extractions(self, ids: list[str]) -> Iterator[Extraction]:
        marks = ", ".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT key, {self._article_columns()} FROM articles WHERE id IN ({marks})", ids)
        articles = {row[0]: _article(row[1:]) for row in rows}
        if not articles:
            return
        keys = list(articles)
        marks = ", ".join("?" * len(keys))
        mentions: dict[int, list[Mention]] = {key: [] for key in keys}
        for r in self.conn.execute(
            f"SELECT m.article, {ENTITY_COLUMNS.format('e')}, m.span_start, m.span_end, u.name, m.confidence"
            " FROM mentions m JOIN entities e ON e.id = m.entity JOIN rules u ON u.id = m.rule"
            f" WHERE m.article IN ({marks}) ORDER BY m.article, m.id",
            keys,
        ):
            mentions[r[0]].append(Mention(_entity(r[1:8]), r[8], r[9], r[10], r[11] / 1000))
        relations: dict[int, list[Relation]] = {key: [] for key in keys}
        for r in self.conn.execute(
            f"SELECT r.article, {ENTITY_COLUMNS.format('s')}, {ENTITY_COLUMNS.format('o')}, p.name,"
            " r.sentence_start, r.sentence_end, r.span_start, r.span_end, u.name, r.confidence"
            " FROM relations r JOIN entities s ON s.id = r.subject JOIN entities o ON o.id = r.object"
            " JOIN predicates p ON p.id = r.predicate JOIN rules u ON u.id = r.rule"
            f" WHERE r.article IN ({marks}) ORDER BY r.article, r.id",
            keys,
        ):
            article = articles[r[0]]
            relations[r[0]].append(
                Relation(
                    subject=_entity(r[1:8]),
                    predicate=r[15],
                    object=_entity(r[8:15]),
                    evidence=Evidence(article.id, r[16], r[17], article.text[r[16] : r[17]], r[18], r[19], r[20]),
                    confidence=r[21] / 1000,
                )
            )
        order = sorted(keys, key=lambda key: articles[key].id)
        for key in order:
            yield Extraction(article=articles[key], mentions=tuple(mentions[key]), relations=tuple(relations[key]))

    def entities(self, keys: Sequence[str]) -> list[EntityRow]:
        """The entity rows of ``keys`` (unknown keys are left out)."""
        sql = (
            f"SELECT e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, {attrs_with_aliases(self.sql)}"
            f" FROM entities e WHERE {self.sql.any_of('e.key')} ORDER BY e.kind, e.name, e.key"
        )
        return list(map(EntityRow._make, self.conn.execute(sql, [json.dumps(list(keys))])))

    def find_entities(
        self, forms: Sequence[str], kinds: Sequence[str], alias_kinds: Sequence[str] = ()
    ) -> list[EntityRow]:
        """Entities of ``kinds`` named one of ``forms``, and of ``alias_kinds`` that carry one
        of them as an alias in any spelling ``lexicon.fold`` compares alike; both looked up in
        an index (entities by kind and name, aliases by their folded form). Callers compare
        the folded names themselves.

        Aliases live only in the aliases table (``attrs_with_aliases`` merges them into the
        attrs a reader sees); a scan of every entity's attrs for them cost a lookup its
        milliseconds and found nothing more.
        """
        forms = [f for f in forms if f]
        if not forms:
            return []
        d = self.sql
        columns = f"e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, {attrs_with_aliases(d)}"
        forms_json = json.dumps(forms)
        sql = f"""
            SELECT {columns} FROM entities e
            WHERE {d.any_of("e.kind")} AND {d.any_of("e.name")}
        """
        params: list[Any] = [json.dumps(list(kinds)), forms_json]
        if alias_kinds:
            # one placeholder per kind, so each kind is read through the (kind, name) index
            marks = ", ".join("?" for _ in alias_kinds)
            sql += f"""
                UNION
                SELECT {columns} FROM entities e
                WHERE e.kind IN ({marks})
                  AND e.id IN (SELECT entity FROM aliases WHERE {d.any_of("form")})
            """
            params += [*alias_kinds, json.dumps(sorted({fold(f) for f in forms}))]
        return list(map(EntityRow._make, self.conn.execute(sql + " ORDER BY 2, 3, 1", params)))

    def entity_names(self, kinds: Sequence[str]) -> Iterator[EntityName]:
        """key, kind, name and attrs of every entity of ``kinds`` (for suggestions)."""
        sql = (
            f"SELECT e.key, e.kind, e.name, {attrs_with_aliases(self.sql)}"
            f" FROM entities e WHERE {self.sql.any_of('e.kind')}"
        )
        yield from map(EntityName._make, self.conn.execute(sql, [json.dumps(list(kinds))]))


def _article(row: Sequence[Any]) -> Article:
    """An Article from the columns ``ARTICLE_COLUMNS``; what is unknown is "" (the encoding utf-8)."""
    id_, file, origin, title, text, original, date, source, author, url, encoding, content_hash = row
    return Article(
        id=id_, file=file, origin=origin or "", title=title or "", text=text,
        original=originals.inflate(original, text), date=date or "", source=source or "", author=author or "",
        url=url or "", encoding=encoding or "utf-8", content_hash=content_hash.lower(),
    )  # fmt: skip


def _entity(row: tuple[Any, ...]) -> Entity:
    """An Entity from its columns (kind, name, code, level, parent, province, attrs)."""
    kind, name, code, level, parent, province, attrs = row
    return Entity(
        kind=kind, name=name, code=code or "", level=level or "", parent=parent or "", province=province or "",
        attrs=tuple((str(k), str(v)) for k, v in json.loads(attrs or "{}").items()),
    )  # fmt: skip


def attrs_with_aliases(d: Dialect) -> str:
    """An entity's attrs with the aliases the lexicon learnt (the aliases table) merged in, so
    a reader finds a term by any of its names."""
    merged = d.with_list("e.attrs", "aliases", "a.alias")
    return f"coalesce((SELECT {merged} FROM aliases a WHERE a.entity = e.id HAVING count(*) > 0), e.attrs) AS attrs"
