"""The whoosh engine (the default): our records in, whoosh documents and queries inside.

This is the only module that imports whoosh. The fields receive text the Segmenter has
already cut: ``PresegmentedTokenizer`` reads it back (positions separated by ``\\x1f``,
a token and its sub-words by ``\\x1e``), so whoosh never segments anything itself. Queries
are built from our query tree with terms, phrases and filters, never by whoosh's parser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh import sorting
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError

from zxkg.ingest.errors import StoreBusy, ZxkgError, choices
from zxkg.ingest.lifetime import forked_children_die_with_this_process

from .models import (
    And,
    EvidenceSentence,
    Facet,
    Filter,
    IndexDoc,
    Node,
    Not,
    Or,
    Phrase,
    Positions,
    SearchHit,
    SearchRequest,
    SearchResult,
    Words,
)

POSITION = "\x1f"
ALTERNATIVE = "\x1e"
TEXT_FIELDS = {"title": "title", "body": "body", "source": "source", "evidence": "evidence"}
FILTER_FIELDS = {"region": "region_tree", "province": "provinces", "year": "year"}
FACET_FIELDS = {"region": "regions", "province": "provinces", "year": "year"}
ENTITY_PREFIX = "e_"  # e_mechanism, e_brand, e_document …: one field per entity kind
TITLE_BOOST = 2.0


class PresegmentedTokenizer(Tokenizer):  # type: ignore[misc]
    """Reads positions encoded by ``encode``; ordinal positions, sub-words share their word's."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        groups = value.split(POSITION) if tokenize else [value]
        pos = start_pos
        for group in groups:
            if group:
                for text in group.split(ALTERNATIVE):
                    token.text = text
                    token.boost = 1.0
                    token.stopped = False
                    if keeporiginal:
                        token.original = text
                    if positions:
                        token.pos = pos
                    if chars:
                        token.startchar = token.endchar = start_char
                    yield token
            pos += 1


def encode(positions: Positions) -> str:
    return POSITION.join(ALTERNATIVE.join(group) for group in positions)


def encode_values(values: tuple[str, ...]) -> str:
    return POSITION.join(v.lower() for v in values)


def schema() -> Schema:
    words = PresegmentedTokenizer()
    s = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=words, phrase=True, stored=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=words, phrase=True),
        source=TEXT(analyzer=words, phrase=True, stored=True),
        evidence=TEXT(analyzer=words, phrase=True),
        sentences=STORED,
        date=ID(stored=True, sortable=True),
        year=ID(sortable=True),
        file=STORED,
        regions=KEYWORD(analyzer=words, stored=True),
        region_tree=KEYWORD(analyzer=words),
        provinces=KEYWORD(analyzer=words),
    )
    s.add(ENTITY_PREFIX + "*", KEYWORD(analyzer=words), glob=True)
    return s


def prepare(doc: IndexDoc) -> dict[str, Any]:
    """What a writer adds for ``doc`` (plain values: built in ingest's workers)."""
    return document(doc)


def document(doc: IndexDoc) -> dict[str, Any]:
    """The whoosh document of ``doc`` (stored values given apart from the indexed ones)."""
    fields: dict[str, Any] = {
        "id": doc.id,
        "title": encode(doc.title_terms),
        "_stored_title": doc.title,
        "body": encode(doc.body_terms),
        "source": encode(doc.source_terms),
        "_stored_source": doc.source,
        "evidence": encode(doc.evidence_terms),
        "sentences": [_sentence_row(s) for s in doc.evidence],
        "file": doc.file,
        "regions": encode_values(doc.regions),
        "_stored_regions": list(doc.regions),
        "region_tree": encode_values(doc.region_tree),
        "provinces": encode_values(doc.provinces),
    }
    if doc.date:
        fields["date"] = doc.date
        fields["year"] = doc.year
    for kind, names in doc.entities:
        fields[ENTITY_PREFIX + kind] = encode_values(names)
    return fields


def _sentence_row(s: EvidenceSentence) -> tuple[str, str, str, str, str, str, int, int]:
    return (s.predicate, s.subject, s.subject_kind, s.object, s.object_kind, s.quote, s.start, s.end)


class WhooshWriter:
    def __init__(self, writer: Any, bulk: bool) -> None:
        self._w = writer
        self._bulk = bulk

    def add(self, doc: IndexDoc) -> None:
        self.add_prepared(document(doc))

    def add_prepared(self, prepared: Any) -> None:
        if self._bulk:
            self._w.add_document(**prepared)
        else:
            self._w.update_document(**prepared)

    def delete(self, article_id: str) -> None:
        self._w.delete_by_term("id", article_id)

    def commit(self) -> None:
        self._w.commit()

    def cancel(self) -> None:
        self._w.cancel()


class WhooshEngine:
    name = "whoosh"

    def __init__(self, ix: Any, path: Path) -> None:
        self._ix = ix
        self.path = path

    @staticmethod
    def exists(path: Path) -> bool:
        return path.is_dir() and bool(windex.exists_in(str(path)))

    @classmethod
    def create(cls, path: Path) -> WhooshEngine:
        path.mkdir(parents=True, exist_ok=True)
        return cls(windex.create_in(str(path), schema()), path)

    @classmethod
    def open(cls, path: Path) -> WhooshEngine:
        try:
            return cls(windex.open_dir(str(path)), path)
        except (windex.EmptyIndexError, OSError) as exc:
            raise ZxkgError(f"cannot open the search index in {path}: {exc}") from None

    def close(self) -> None:
        self._ix.close()

    def writer(self, bulk: bool = False, fresh: bool = False) -> WhooshWriter:
        # fresh: whoosh's indexing (pure Python) is what bounds an ingest, so it gets the
        # second process too: measured 1.6x faster at 3k articles
        try:
            if bulk or fresh:
                procs = min(2, os.cpu_count() or 1)
                if procs > 1:  # whoosh forks its sub-writers: they must not outlive a killed ingest
                    forked_children_die_with_this_process()
                w = self._ix.writer(procs=procs, multisegment=procs > 1, limitmb=256)
            else:
                w = self._ix.writer(limitmb=128)
        except LockError:
            raise StoreBusy(f"another process is writing to the search index in {self.path}") from None
        return WhooshWriter(w, bulk or fresh)

    def count(self) -> int:
        return int(self._ix.doc_count())

    def ids(self) -> frozenset[str]:
        with self._ix.reader() as reader:
            return frozenset(fields["id"] for _, fields in reader.iter_docs())

    def search(self, request: SearchRequest) -> SearchResult:
        text_fields = ("evidence",) if request.scope == "evidence" else ("title", "body")
        q = _query(request.query, text_fields)
        filters = [_filter(f) for f in request.filters]
        if request.since or request.until:
            filters.append(
                wq.TermRange("date", request.since or None, request.until + "\uffff" if request.until else None)
            )
        facets = {}
        for name in request.facets:
            field = _facet_field(name)
            facets[name] = sorting.FieldFacet(field, allow_overlap=field != "year", maptype=sorting.Count)
        limit = None if request.limit <= 0 else request.offset + request.limit
        options: dict[str, Any] = {"limit": limit}
        if filters:
            options["filter"] = wq.And(filters) if len(filters) > 1 else filters[0]
        if request.sort == "date":
            options["sortedby"] = sorting.FieldFacet("date", reverse=True)
        if facets:
            options["groupedby"] = facets
        with self._ix.searcher() as searcher:
            results = searcher.search(q, **options)
            end = len(results) if limit is None else min(limit, len(results))
            hits = tuple(_hit(results[i]) for i in range(min(request.offset, end), end))
            counted = tuple(Facet(name, _top(results.groups(name), request.facet_size)) for name in request.facets)
            total = len(results)
        return SearchResult(total=total, hits=hits, facets=counted, offset=request.offset, limit=request.limit)


def _facet_field(name: str) -> str:
    if name in FACET_FIELDS:
        return FACET_FIELDS[name]
    if name.isidentifier() and name.islower():
        return ENTITY_PREFIX + name
    raise choices("facet", name, (*FACET_FIELDS, "mechanism", "brand", "document"))


def _top(groups: dict[Any, int], size: int) -> tuple[tuple[str, int], ...]:
    counts = [(str(k), int(v)) for k, v in groups.items() if k not in (None, "")]
    counts.sort(key=lambda kv: (-kv[1], kv[0]))
    return tuple(counts[:size] if size > 0 else counts)


def _hit(hit: Any) -> SearchHit:
    stored = hit.fields()
    evidence = tuple(
        EvidenceSentence(p, s, sk, o, ok, q, a, b) for p, s, sk, o, ok, q, a, b in stored.get("sentences") or ()
    )
    return SearchHit(
        id=stored["id"],
        title=stored.get("title", ""),
        date=stored.get("date", ""),
        source=stored.get("source", ""),
        file=stored.get("file", ""),
        score=float(hit.score or 0.0),
        regions=tuple(stored.get("regions") or ()),
        evidence=evidence,
    )


def _query(node: Node, text_fields: tuple[str, ...]) -> wq.Query:
    if isinstance(node, Words | Phrase):
        fields = (TEXT_FIELDS[node.field],) if node.field else text_fields
        if isinstance(node, Phrase) and len(node.tokens) > 1:
            return _any(wq.Phrase(f, list(node.tokens)) for f in fields)
        every = wq.And([_any(wq.Term(f, t) for f in fields) for t in node.tokens])
        if len(node.tokens) == 1:
            return every.subqueries[0]
        # all the words must occur; side by side they rank higher
        return wq.AndMaybe(every, _any(wq.Phrase(f, list(node.tokens)) for f in fields))
    if isinstance(node, Filter):
        return _filter(node)
    if isinstance(node, Not):
        return wq.And([wq.Every(), wq.Not(_query(node.child, text_fields))])
    if isinstance(node, And):
        positive = [c for c in node.children if not isinstance(c, Not)]
        negative = [c.child for c in node.children if isinstance(c, Not)]
        if not positive:
            base: wq.Query = wq.Every()
        elif len(positive) == 1:
            base = _query(positive[0], text_fields)
        else:
            base = wq.And([_query(c, text_fields) for c in positive])
        if not negative:
            return base
        return wq.AndNot(base, _any(_query(c, text_fields) for c in negative))
    if isinstance(node, Or):
        return _any(_query(c, text_fields) for c in node.children)
    raise TypeError(f"not a query node: {node!r}")


def _any(queries: Iterator[wq.Query] | Any) -> wq.Query:
    items = list(queries)
    return items[0] if len(items) == 1 else wq.Or(items)


def _filter(f: Filter) -> wq.Query:
    field = FILTER_FIELDS.get(f.field, ENTITY_PREFIX + f.field)
    if f.field in TEXT_FIELDS:
        raise ValueError(f"{f.field} is a text field, not a filter")
    options: list[wq.Query] = []
    for value in f.values:
        v = value.lower()
        options.append(wq.Term(field, v))
        if f.contains:
            pattern = v.replace("*", "").replace("?", "")
            if pattern:
                options.append(wq.Wildcard(field, f"*{pattern}*"))
    return _any(options) if options else wq.NullQuery
