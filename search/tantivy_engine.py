"""The tantivy engine: our records in, tantivy documents and queries inside.

This is the only module that imports tantivy. Each text field is two fields, made from
the Segmenter's positions (``Positions``):

- ``body`` holds the word at each position, joined by spaces and split again by
  tantivy's whitespace tokenizer, so positions stay ordinal and phrases match words side
  by side; a gap between sentences is a ``¶`` (never a query term: it has no letter).
- ``body_sub`` holds the rest of each position's terms (the sub-words inside a long word,
  a learned word beside its first piece) without positions.

A word is looked up in both fields, a phrase in the first; that finds what whoosh finds
from the same positions, where the sub-words share their word's position. Why not
tantivy's pre-tokenized text, which can express shared positions: it takes one Python
object per term (about 1,200 an article), and building and converting them was a third
of the writer's time in an ingest; the joined strings cost a few microseconds.
Exact-value fields (regions, provinces, entities, year) hold one raw term per value.
Queries are built from our query tree, never by tantivy's parser.

Differences from whoosh, handled here:

- The schema is fixed when an index is created, so entity fields are made for every
  kind ``ingest.models.EntityKind`` knows (whoosh's ``e_*`` glob); a new kind needs
  ``zxkg reindex``, and opening an index of another schema says so.
- Sorting needs a numeric fast field: ``date_key`` is the date as YYYYMMDD with missing
  parts as 00 (``2024-05`` → 20240500, no date → 0), which orders and ranges like the
  date strings. When sorted by date, tantivy gives no score, so the page's scores are
  computed apart (``Query.explain``).
- Facets are terms aggregations, whose buckets tantivy caps per request (65,000); each
  facet gets an equal share, so its counts are exact up to that many distinct values.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import tantivy

from zxkg.ingest.errors import StoreBusy, ZxkgError, choices
from zxkg.ingest.models import EntityKind

from .date_keys import date_bound, date_key
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

TEXT_FIELDS = ("title", "body", "source", "evidence")
SUB = "_sub"  # body_sub …: a text field's terms beyond the word at each position
GAP = "¶"  # the word at an empty position: a phrase cannot run across it
FILTER_FIELDS = {"region": "region_tree", "province": "provinces", "year": "year"}
FACET_FIELDS = {"region": "regions", "province": "provinces", "year": "year"}
ENTITY_PREFIX = "e_"  # e_mechanism, e_brand, e_document …: one field per entity kind
ENTITY_KINDS = tuple(k for k in get_args(EntityKind) if k not in ("region", "article"))
TITLE_BOOST = 2.0
MAX_BUCKETS = 60_000  # tantivy refuses an aggregation of more than 65,000 buckets
MUST, SHOULD, MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


def schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        b.add_text_field(name, tokenizer_name="whitespace", index_option="position")
        b.add_text_field(name + SUB, tokenizer_name="whitespace", index_option="freq")
    for name in ("regions", "region_tree", "provinces", "year"):
        b.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=name != "region_tree")
    for kind in ENTITY_KINDS:
        b.add_text_field(ENTITY_PREFIX + kind, tokenizer_name="raw", index_option="basic", fast=True)
    b.add_unsigned_field("date_key", indexed=True, fast=True)
    b.add_bytes_field("record", stored=True)  # what a hit shows: title, date, source, file, regions, sentences
    return b.build()


def split_positions(positions: Positions) -> tuple[str, str]:
    """The word at each position (``GAP`` for none), and every other term, each joined by spaces.

    Terms hold no whitespace (the Segmenter cuts whitespace apart and the index drops it).
    """
    words = " ".join([group[0] if group else GAP for group in positions])
    rest = " ".join([term for group in positions if len(group) > 1 for term in group[1:]])
    return words, rest


# A document as plain values: (field, value) pairs, an int for the unsigned field and bytes
# for the stored record, so ingest's workers build it and the writer only hands it over.
Prepared = list[tuple[str, str | int | bytes]]


def prepare(doc: IndexDoc) -> Prepared:
    """The (field, value) pairs of ``doc``'s tantivy document."""
    out: Prepared = [("id", doc.id)]
    for name, positions in (
        ("title", doc.title_terms),
        ("body", doc.body_terms),
        ("source", doc.source_terms),
        ("evidence", doc.evidence_terms),
    ):
        if positions:
            words, rest = split_positions(positions)
            out.append((name, words))
            if rest:
                out.append((name + SUB, rest))
    for name, values in (("regions", doc.regions), ("region_tree", doc.region_tree), ("provinces", doc.provinces)):
        out += _values(name, values)
    for kind, names in doc.entities:
        if kind in ENTITY_KINDS:
            out += _values(ENTITY_PREFIX + kind, names)
    if doc.date:
        out.append(("year", doc.year))
    out.append(("date_key", date_key(doc.date)))
    record = {
        "title": doc.title,
        "date": doc.date,
        "source": doc.source,
        "file": doc.file,
        "regions": list(doc.regions),
        "sentences": [_sentence_row(s) for s in doc.evidence],
    }
    out.append(("record", json.dumps(record, ensure_ascii=False).encode("utf-8")))
    return out


def document(prepared: Prepared) -> tantivy.Document:
    d = tantivy.Document()
    for name, value in prepared:
        if isinstance(value, str):
            d.add_text(name, value)
        elif isinstance(value, int):
            d.add_unsigned(name, value)
        else:
            d.add_bytes(name, value)
    return d


def _values(name: str, values: tuple[str, ...]) -> Prepared:
    return [(name, value) for value in dict.fromkeys(v.lower() for v in values)]


def _sentence_row(s: EvidenceSentence) -> list[str | int]:
    return [s.predicate, s.subject, s.subject_kind, s.object, s.object_kind, s.quote, s.start, s.end]


class TantivyWriter:
    """Holds tantivy's writer (and its directory lock) until ``commit`` or ``cancel``."""

    def __init__(self, engine: TantivyEngine, writer: tantivy.IndexWriter, bulk: bool) -> None:
        self._engine = engine
        self._w = writer
        self._bulk = bulk

    def add(self, doc: IndexDoc) -> None:
        self.add_prepared(prepare(doc))

    def add_prepared(self, prepared: Any) -> None:
        if not self._bulk:
            self._w.delete_documents_by_term("id", prepared[0][1])
        self._w.add_document(document(prepared))

    def delete(self, article_id: str) -> None:
        self._w.delete_documents_by_term("id", article_id)

    def commit(self) -> None:
        self._w.commit()
        self._finish()
        self._engine.reload()

    def cancel(self) -> None:
        self._w.rollback()
        self._finish()

    def _finish(self) -> None:
        # ends the writer: waits for its merges and releases the index's lock
        self._w.wait_merging_threads()


class TantivyEngine:
    name = "tantivy"

    def __init__(self, ix: tantivy.Index, path: Path) -> None:
        self._ix = ix
        self._ix.config_reader(reload_policy="manual")
        self._schema = ix.schema
        self.path = path
        self._counted = _Counted()  # facets of the index as this engine reads it; new at every reload

    @staticmethod
    def exists(path: Path) -> bool:
        return path.is_dir() and bool(tantivy.Index.exists(str(path)))

    @classmethod
    def create(cls, path: Path) -> TantivyEngine:
        path.mkdir(parents=True, exist_ok=True)
        return cls(tantivy.Index(schema(), path=str(path), reuse=False), path)

    @classmethod
    def open(cls, path: Path) -> TantivyEngine:
        if not cls.exists(path):
            raise ZxkgError(f"cannot open the search index in {path}: no tantivy index there")
        try:
            return cls(tantivy.Index(schema(), path=str(path), reuse=True), path)
        except ValueError as exc:
            raise ZxkgError(
                f"cannot open the search index in {path}: {exc} (run `zxkg reindex --engine tantivy`)"
            ) from None

    def close(self) -> None:
        del self._ix

    def reload(self) -> None:
        self._ix.reload()
        self._counted = _Counted()  # after the reload: a search that read the old state files its counts away

    def writer(self, bulk: bool = False, fresh: bool = False) -> TantivyWriter:
        # fresh: one indexing thread still keeps up with ingest's workers, which need the cores
        try:
            if bulk:
                w = self._ix.writer(heap_size=256_000_000, num_threads=2)
            else:
                w = self._ix.writer(heap_size=64_000_000, num_threads=1)
        except ValueError as exc:
            if "LockBusy" in str(exc):
                raise StoreBusy(f"another process is writing to the search index in {self.path}") from None
            raise
        return TantivyWriter(self, w, bulk or fresh)

    def count(self) -> int:
        return int(self._ix.searcher().num_docs)

    def ids(self) -> frozenset[str]:
        # the term dictionary keeps deleted documents' terms until a merge; the filter drops them
        terms = self._ix.searcher().terms_with_prefix("id", "", filter_query=tantivy.Query.all_query())
        return frozenset(term for term, _ in terms)

    def search(self, request: SearchRequest) -> SearchResult:
        s = self._schema
        text_fields = ("evidence",) if request.scope == "evidence" else ("title", "body")
        q = _query(s, request.query, text_fields)
        filters = [_filter(s, f) for f in request.filters]
        if request.since or request.until:
            low = max(date_bound(request.since, upper=False), 1) if request.since else 1  # 0 is "no date"
            high = date_bound(request.until, upper=True) if request.until else None
            filters.append(tantivy.Query.range_query(s, "date_key", tantivy.FieldType.Unsigned, low, high))
        if filters:
            # filters select without changing the ranking
            q = tantivy.Query.boolean_query(
                [(MUST, q), *((MUST, tantivy.Query.const_score_query(f, 0.0)) for f in filters)]
            )
        counted = self._counted  # before the searcher: counts of an older state never land in a newer one's
        searcher = self._ix.searcher()
        limit = request.limit if request.limit > 0 else max(searcher.num_docs, 1)
        offset = request.offset if request.limit > 0 else 0
        options: dict[str, Any] = {"limit": limit, "offset": offset, "count": True}
        by_date = request.sort == "date"
        if by_date:
            options.update(order_by_field="date_key", order=tantivy.Order.Desc)
        found = searcher.search(q, **options)
        hits = tuple(
            _hit(searcher.doc(address), _score(q, searcher, address) if by_date else float(score))
            for score, address in found.hits
        )
        facets: tuple[Facet, ...] = ()
        if request.facets:
            asked = _facet_key(request)
            held = counted.get(asked)
            facets = held if held is not None else counted.put(asked, self._facets(searcher, q, request))
        total = int(found.count)  # type: ignore[attr-defined]  # given with count=True; not in the stub
        return SearchResult(total=total, hits=hits, facets=facets, offset=request.offset, limit=request.limit)

    def _facets(self, searcher: tantivy.Searcher, q: tantivy.Query, request: SearchRequest) -> tuple[Facet, ...]:
        """The facets' top values, counted exactly.

        Every segment hands over all its values (``segment_size``), so the merged counts are
        exact; only the top few come back to Python (``_asked``), where a whole list of
        regions cost more to convert and sort than counting it. A facet whose last value
        shown ties with the last one returned may have more of that count beyond: it is
        asked again in full, so ties still break by value.
        """
        fields = {name: field for name in request.facets if (field := _facet_field(name)) is not None}
        every = MAX_BUCKETS // max(len(fields), 1)

        def asked(size: int, names: Iterable[str]) -> dict[str, Any]:
            aggs = {n: {"terms": {"field": fields[n], "size": size, "segment_size": every}} for n in names}
            return searcher.aggregate(q, aggs) if aggs else {}

        shown = request.facet_size
        size = _asked(shown, every)
        result = asked(size, fields)
        again = [n for n in fields if size < every and _may_tie(result.get(n, {}).get("buckets", ()), shown, size)]
        if again:
            result.update(asked(every, again))
        return tuple(Facet(name, _top(result.get(name, {}).get("buckets", ()), shown)) for name in request.facets)


FACETS_KEPT = 512  # facet answers an engine keeps (a few kilobytes each)


def _facet_key(request: SearchRequest) -> SearchRequest:
    """What facet counts depend on: the request without its page and order."""
    return replace(request, sort="relevance", offset=0, limit=0)


class _Counted:
    """Facet counts an engine computed, by what they depend on, most recently used kept.

    Counting the facets of a common word (every segment's values of four fields) was two
    thirds of a search's time, and a reader paging through the hits or sorting them by date
    asks for the same counts again. The counts depend on the query, its filters and the
    index's state only; an engine reads one state (its reader reloads only by ``reload``,
    which starts a new ``_Counted``; ``search.index`` opens a new engine when the index
    directory changes), so a kept answer is the one counting it again would give.
    """

    def __init__(self) -> None:
        self._kept: OrderedDict[SearchRequest, tuple[Facet, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: SearchRequest) -> tuple[Facet, ...] | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: SearchRequest, facets: tuple[Facet, ...]) -> tuple[Facet, ...]:
        with self._lock:
            self._kept[key] = facets
            self._kept.move_to_end(key)
            while len(self._kept) > FACETS_KEPT:
                self._kept.popitem(last=False)
        return facets


def _asked(shown: int, every: int) -> int:
    """How many values to ask a facet for when ``shown`` are shown (0: all of them)."""
    return every if shown <= 0 else min(every, 2 * shown + 10)


def _may_tie(buckets: Any, shown: int, size: int) -> bool:
    """True when values beyond the ``size`` returned may tie with the last one shown."""
    counts = sorted((int(b["doc_count"]) for b in buckets if b["key"] not in (None, "")), reverse=True)
    return len(buckets) >= size and len(counts) >= shown and counts[shown - 1] <= counts[-1]


def _facet_field(name: str) -> str | None:
    """The field counted for facet ``name``; None for an entity kind the schema does not hold."""
    if name in FACET_FIELDS:
        return FACET_FIELDS[name]
    if name.isidentifier() and name.islower():
        return ENTITY_PREFIX + name if name in ENTITY_KINDS else None
    raise choices("facet", name, (*FACET_FIELDS, "mechanism", "brand", "document"))


def _top(buckets: Any, size: int) -> tuple[tuple[str, int], ...]:
    counts = [(str(b["key"]), int(b["doc_count"])) for b in buckets if b["key"] not in (None, "")]
    counts.sort(key=lambda kv: (-kv[1], kv[0]))
    return tuple(counts[:size] if size > 0 else counts)


def _score(q: tantivy.Query, searcher: tantivy.Searcher, address: tantivy.DocAddress) -> float:
    return float(json.loads(q.explain(searcher, address).to_json())["value"])


def _hit(doc: tantivy.Document, score: float) -> SearchHit:
    raw = doc.get_first("record")
    record: dict[str, Any] = json.loads(bytes(raw)) if raw else {}
    evidence = tuple(
        EvidenceSentence(p, s, sk, o, ok, q, int(a), int(b))
        for p, s, sk, o, ok, q, a, b in record.get("sentences") or ()
    )
    return SearchHit(
        id=str(doc.get_first("id")),
        title=record.get("title", ""),
        date=record.get("date", ""),
        source=record.get("source", ""),
        file=record.get("file", ""),
        score=score,
        regions=tuple(record.get("regions") or ()),
        evidence=evidence,
    )


def _field_query(s: tantivy.Schema, field: str, tokens: tuple[str, ...], phrase: bool) -> tantivy.Query:
    if phrase and len(tokens) > 1:
        q = tantivy.Query.phrase_query(s, field, list(tokens))
    else:  # the word at a position, or one inside a word there
        q = _any(tantivy.Query.term_query(s, name, tokens[0]) for name in (field, field + SUB))
    return tantivy.Query.boost_query(q, TITLE_BOOST) if field == "title" else q


def _query(s: tantivy.Schema, node: Node, text_fields: tuple[str, ...]) -> tantivy.Query:
    if isinstance(node, Words | Phrase):
        fields = (node.field,) if node.field else text_fields
        if isinstance(node, Phrase) and len(node.tokens) > 1:
            return _any(_field_query(s, f, node.tokens, phrase=True) for f in fields)
        every = [_any(_field_query(s, f, (t,), phrase=False) for f in fields) for t in node.tokens]
        if len(every) == 1:
            return every[0]
        # all the words must occur; side by side they rank higher
        side_by_side = _any(_field_query(s, f, node.tokens, phrase=True) for f in fields)
        return tantivy.Query.boolean_query([*((MUST, q) for q in every), (SHOULD, side_by_side)])
    if isinstance(node, Filter):
        return _filter(s, node)
    if isinstance(node, Not):
        return tantivy.Query.boolean_query(
            [(MUST, tantivy.Query.all_query()), (MUST_NOT, _query(s, node.child, text_fields))]
        )
    if isinstance(node, And):
        positive = [c for c in node.children if not isinstance(c, Not)]
        negative = [c.child for c in node.children if isinstance(c, Not)]
        if not positive:
            clauses = [(MUST, tantivy.Query.all_query())]
        else:
            clauses = [(MUST, _query(s, c, text_fields)) for c in positive]
        if not negative and len(clauses) == 1:
            return clauses[0][1]
        clauses += [(MUST_NOT, _query(s, c, text_fields)) for c in negative]
        return tantivy.Query.boolean_query(clauses)
    if isinstance(node, Or):
        return _any(_query(s, c, text_fields) for c in node.children)
    raise TypeError(f"not a query node: {node!r}")


def _any(queries: Any) -> tantivy.Query:
    items = list(queries)
    if len(items) == 1:
        return items[0]  # type: ignore[no-any-return]
    return tantivy.Query.boolean_query([(SHOULD, q) for q in items])


def _filter(s: tantivy.Schema, f: Filter) -> tantivy.Query:
    if f.field in TEXT_FIELDS:
        raise ValueError(f"{f.field} is a text field, not a filter")
    if f.field not in FILTER_FIELDS and f.field not in ENTITY_KINDS:
        return tantivy.Query.empty_query()  # a kind this index has no field for holds nothing
    field = FILTER_FIELDS.get(f.field, ENTITY_PREFIX + f.field)
    options: list[tantivy.Query] = []
    for value in f.values:
        v = value.lower()
        options.append(tantivy.Query.term_query(s, field, v))
        if f.contains:
            pattern = v.replace("*", "").replace("?", "")
            if pattern:
                options.append(tantivy.Query.regex_query(s, field, f".*{_escape(pattern)}.*"))
    return _any(options) if options else tantivy.Query.empty_query()


REGEX_META = set("\\.+*?()|[]{}^$#&-~")


def _escape(text: str) -> str:
    """``text`` as a literal in tantivy's regular expressions (Rust ``regex`` syntax)."""
    return "".join("\\" + ch if ch in REGEX_META else ch for ch in text)
