"""From what a user types to keys in the store: regions, terms, any entity, filters.

Terms (mechanisms, brands, slogans, documents) match by name or by an alias in their
``attrs``, after folding: NFKC (full/half width), quotes and title marks removed. A name
that matches nothing is an error that lists the closest known names.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence

from zxkg.ingest.datespec import check_date
from zxkg.ingest.errors import NotFound, UsageError, choices
from zxkg.ingest.gazetteer import Division, Gazetteer
from zxkg.ingest.lexicon import fold
from zxkg.ingest.store import RelationQuery, Store
from zxkg.ingest.store.records import EntityName, EntityRow

from .models import GRAPH_KINDS, KINDS, PREDICATES, TERM_KINDS, Filters, Node, node_from_row

ALIAS_KINDS = ("mechanism", "brand", "slogan")  # kinds that carry aliases (documents are titles)


def _aliases(attrs: str | None) -> list[str]:
    try:
        value = json.loads(attrs or "{}").get("aliases", [])
    except (ValueError, AttributeError):
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _names_of(row: EntityRow | EntityName) -> list[str]:
    return [row.name, *_aliases(row.attrs)]


class Names:
    """Resolves names against one store and the division table, built once per request."""

    def __init__(self, store: Store, gazetteer: Gazetteer) -> None:
        self.store = store
        self.gazetteer = gazetteer

    # -- regions -------------------------------------------------------------------------

    def region(self, name: str) -> Node:
        """The region a user means: a code, a full name, or a short form (长沙, 湘西州)."""
        text = name.strip()
        gaz = self.gazetteer
        division = gaz.by_code.get(text) or gaz.find(text) or gaz.find(fold(text))
        if division is not None:
            return self._region_node(division)
        candidates = {a.division for a in gaz.lookup(text)}
        known = {row.key for row in self.store.entities([f"region:{d.code}" for d in candidates])}
        if len(known) == 1:
            return self._region_node(gaz.by_code[known.pop().split(":", 1)[1]])
        if candidates:
            listed = sorted(known) if known else sorted(f"region:{d.code}" for d in candidates)
            shown = ", ".join(f"{gaz.by_code[k.split(':', 1)[1]].name} ({k.split(':', 1)[1]})" for k in listed)
            raise UsageError(f"region {text!r} is ambiguous: {shown}; give the code")
        raise self._not_found(f"unknown region {text!r}", text, ("region",))

    def _region_node(self, d: Division) -> Node:
        rows = self.store.entities([f"region:{d.code}"])
        if rows:
            return node_from_row(rows[0])
        e = self.gazetteer.entity(d)
        return Node(e.key, "region", e.name, e.code, e.level, e.parent, e.province)

    def subtree(self, region: Node) -> tuple[str, ...]:
        """Codes of the region and every division under it."""
        gaz = self.gazetteer
        codes = {region.code}
        for code in gaz.by_code:
            if any(a.code == region.code for a in gaz.ancestors(code)):
                codes.add(code)
        return tuple(sorted(codes))

    # -- terms ---------------------------------------------------------------------------

    def terms(self, name: str, kinds: Sequence[str] = TERM_KINDS) -> tuple[Node, ...]:
        """Every entity of ``kinds`` named ``name`` or carrying it as an alias."""
        kinds = tuple(k for k in kinds if k in TERM_KINDS) or TERM_KINDS
        key = fold(name)
        if not key:  # nothing but quotes, spaces or marks: a name no entity has
            raise NotFound(f"no term is named {name!r}: it holds no letter")
        rows = self.store.find_entities([name.strip(), key], kinds, [k for k in kinds if k in ALIAS_KINDS])
        found = [r for r in rows if any(fold(n) == key for n in _names_of(r))]
        if not found:  # spelled in another width or with quotes inside: compare every name
            named = [r for r in self.store.entity_names(kinds) if any(fold(n) == key for n in _names_of(r))]
            found = self.store.entities([r.key for r in named])
        if not found:
            what = ", ".join(kinds[:-1]) + (" or " if len(kinds) > 1 else "") + kinds[-1]
            raise self._not_found(f"no {what} named {name.strip()!r}", name, kinds)
        return tuple(node_from_row(r) for r in found)

    # -- any entity ----------------------------------------------------------------------

    def entity(self, name: str) -> Node:
        """A store key (``region:430000``), a region, a term, or an article id."""
        text = name.strip()
        kind, sep, _ = text.partition(":")
        if sep and kind in KINDS:
            rows = self.store.entities([text])
            if rows:
                return node_from_row(rows[0])
        try:
            region = self.region(text)
        except NotFound:
            pass
        else:
            return region
        try:
            return self.terms(text)[0]
        except NotFound:
            pass
        rows = self.store.entities([f"article:{text}"])
        if rows:
            return node_from_row(rows[0])
        raise self._not_found(f"unknown entity {text!r}", text, ("region", *TERM_KINDS))

    # -- filters -------------------------------------------------------------------------

    def query(self, filters: Filters) -> RelationQuery:
        """The store query of ``filters``; unknown kinds, predicates or names are errors."""
        for k in filters.kinds:
            if k not in KINDS:
                raise choices("kind", k, KINDS)
        for p in filters.predicates:
            if p not in PREDICATES:
                raise choices("predicate", p, PREDICATES)
        for label, value in (("since", filters.since), ("until", filters.until)):
            check_date(value, label)
        kinds, predicates = _article_selection(tuple(filters.kinds) or GRAPH_KINDS, tuple(filters.predicates))
        codes = self.subtree(self.region(filters.region)) if filters.region else None
        touching = None
        if filters.terms:
            touching = tuple(sorted({n.key for t in filters.terms for n in self.terms(t)}))
        return RelationQuery(
            predicates=predicates,
            kinds=kinds,
            region_codes=codes,
            touching=touching,
            since=filters.since,
            until=filters.until,
            min_articles=filters.min_articles,
            min_confidence=filters.min_confidence,
            include_rejected=filters.include_rejected,
        )

    def _not_found(self, message: str, text: str, kinds: Iterable[str]) -> NotFound:
        """The error for a name that matches nothing, carrying the closest known names."""
        names = self._closest(text, kinds)
        return NotFound(message + (f"; closest: {', '.join(names)}" if names else ""), closest=tuple(names))

    def _closest(self, text: str, kinds: Iterable[str]) -> list[str]:
        key = fold(text)
        by_fold: dict[str, str] = {}
        for row in self.store.entity_names(tuple(kinds)):
            for n in _names_of(row):
                by_fold.setdefault(fold(n), row.name)
        close = difflib.get_close_matches(key, list(by_fold), n=5, cutoff=0.4)
        if not close:  # a long title rarely scores high: try the names that contain it
            close = sorted((f for f in by_fold if key and key in f), key=len)[:5]
        return list(dict.fromkeys(by_fold[c] for c in close))


def _article_selection(kinds: tuple[str, ...], predicates: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Kinds and predicates that give what a selection of articles or mentions asks for.

    An article is an end of ``mentions`` only, and its other end is a region or a term:
    articles alone are their mentions of everything, and mentions need the articles. A
    selection that can hold nothing (articles alone with another predicate) is an error
    that says what to add, never an empty graph.
    """
    if "mentions" in predicates and "article" not in kinds:
        kinds = (*kinds, "article")
    if kinds == ("article",):
        if predicates and "mentions" not in predicates:
            raise UsageError(
                f"articles are linked by mentions only, so kind article with predicate {', '.join(predicates)} "
                "selects nothing; add predicate mentions, or another kind"
            )
        return ("article", *GRAPH_KINDS), predicates or ("mentions",)
    return kinds, predicates
