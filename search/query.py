"""The query language a researcher types, parsed into our query tree.

    委员工作室                 the words of 委员 工作室, side by side ranking first
    “有事好商量”  "考勤考绩"      a phrase (Chinese or ASCII quotes)
    履职考核 湖南               every word (AND is the default)
    双考 OR 两力两率            either
    工作室 -党建  工作室 NOT 党建  without
    (双考 OR 两力两率) 湖南      grouping
    region:湖南省 province:湖南  field filters (a region finds its cities and counties)
    mechanism:考核 brand:有事好商量 document:办法   entity names containing the value
    title:委员工作室 source:湖南政协 year:2024

A query is normalised like article text (NFKC, traditional → simplified) and cut by the
same Segmenter, so it finds what was indexed. A query that cannot be understood raises
``QueryError`` with a message that says why; it never reaches an engine.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import get_args

from zxkg.ingest.datespec import FORMS, date_problem
from zxkg.ingest.errors import UsageError
from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.models import EntityKind
from zxkg.ingest.text import to_simplified

from .highlight import squeezed
from .models import And, Filter, Node, Not, Or, Phrase, Words
from .terms import Terms

MAX_QUERY_CHARS = 500
MAX_TERMS = 64
TEXT_FIELDS = ("title", "body", "source")
ENTITY_FIELDS = tuple(k for k in get_args(EntityKind) if k not in ("region", "article"))
FIELDS = (*TEXT_FIELDS, "region", "province", "year", *ENTITY_FIELDS)
QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
CLOSING = set(QUOTES.values())
FIELD_PREFIX = re.compile(r"([A-Za-z_]+):")
EXAMPLE = "e.g. 委员工作室 or “有事好商量”"


class QueryError(UsageError):
    """A query that cannot be searched: the message says why and what to type instead."""


class UnknownPlace(QueryError):
    """A region or province filter that names no division: nothing by that name (404), as
    ``/regions/{name}`` answers, not a malformed request."""

    exit_code = 1
    status = 404


@dataclass(frozen=True, slots=True)
class _Lex:
    kind: str  # WORD, PHRASE, FIELD, LP, RP, OR, NOT
    text: str = ""


def normalise_query(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text))


def _lex(text: str) -> list[_Lex]:
    out: list[_Lex] = []
    i, n, depth = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in QUOTES:
            close = text.find(QUOTES[ch], i + 1)
            if close < 0:
                raise QueryError(f"unbalanced quote: the {ch} at character {i + 1} is never closed by {QUOTES[ch]}")
            out.append(_Lex("PHRASE", text[i + 1 : close]))
            i = close + 1
        elif ch in CLOSING:
            raise QueryError(f"unbalanced quote: the {ch} at character {i + 1} closes nothing")
        elif ch == "(":
            out.append(_Lex("LP"))
            depth += 1
            i += 1
        elif ch == ")" and depth > 0:
            out.append(_Lex("RP"))
            depth -= 1
            i += 1
        elif ch == ")":
            raise QueryError(f"unbalanced parenthesis: the ) at character {i + 1} closes nothing")
        elif ch == "-" and (i + 1 < n and not text[i + 1].isspace()):
            out.append(_Lex("NOT"))
            i += 1
        else:
            m = FIELD_PREFIX.match(text, i)
            if m:
                out.append(_Lex("FIELD", m.group(1)))
                i = m.end()
                if i >= n or text[i].isspace():
                    raise QueryError(f"the field {m.group(1)}: has no value, e.g. {m.group(1)}:湖南省")
                continue
            j = i
            while j < n and not text[j].isspace() and text[j] not in QUOTES and text[j] not in CLOSING:
                if text[j] == ")" and depth > 0:
                    break
                if text[j] == "(" and j == i:
                    break
                j += 1
            word = text[i:j]
            if word in ("OR", "AND", "NOT"):
                if word != "AND":
                    out.append(_Lex(word))
            else:
                out.append(_Lex("WORD", word))
            i = j
    if depth:
        raise QueryError("unbalanced parenthesis: a ( is never closed")
    return out


class QueryParser:
    """Parses query strings; holds the Segmenter (through ``Terms``) and the gazetteer."""

    def __init__(self, terms: Terms, gazetteer: Gazetteer) -> None:
        self.terms = terms
        self.gazetteer = gazetteer

    def parse(self, text: str) -> Node:
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
        node = _Grammar(self, _lex(normalise_query(text))).query()
        if node is None:
            raise QueryError(f"empty query: give words to search for, {EXAMPLE}")
        if _count_terms(node) > MAX_TERMS:
            raise QueryError(f"the query has too many words (at most {MAX_TERMS})")
        if _only_negative(node):
            raise QueryError(f"a query needs something to find besides what it excludes, {EXAMPLE}")
        return node

    # -- leaves ------------------------------------------------------------------------

    def words(self, text: str, phrase: bool = False, field: str = "") -> Words | Phrase | None:
        tokens = self.terms.query_tokens(text)
        if not tokens:
            return None
        return Phrase(text, tokens, field) if phrase else Words(text, tokens, field)

    def field(self, name: str, value: str, phrase: bool = False) -> Node | None:
        value = value.strip().strip("《》“”\"'")
        if name in TEXT_FIELDS:
            return self.words(value, phrase=phrase, field=name)
        if name == "region":
            return self.region(value)
        if name == "province":
            return self.province(value)
        if name == "year":
            if not re.fullmatch(r"\d{4}", value):
                raise QueryError(f"year:{value} is not a year; expected four digits, e.g. year:2024")
            return Filter("year", (value,))
        if name in ENTITY_FIELDS:
            return Filter(name, (value,), contains=True) if value else None
        raise QueryError(f"unknown field {name!r}; expected one of {', '.join(FIELDS)}")

    def region(self, value: str) -> Filter:
        """A filter on a region: the division itself and everything under it."""
        gaz = self.gazetteer
        value = normalise_query(value).strip()
        if value in gaz.by_code:
            return Filter("region", (value,))
        found = gaz.find(value)
        if found is not None:
            return Filter("region", (found.code,))
        divisions = sorted({a.division for a in gaz.lookup(value)}, key=lambda d: d.code)
        if not divisions:
            raise UnknownPlace(f"unknown region {value!r}; give a division's name or code, e.g. 湖南省, 长沙, 430100")
        shown = ", ".join(f"{d.name} {d.code} ({_parent_name(gaz, d.parent)})" for d in divisions[:8])
        raise QueryError(f"region {value!r} names several divisions: {shown}; give the code")

    def province(self, value: str) -> Filter:
        gaz = self.gazetteer
        value = normalise_query(value).strip()
        d = gaz.by_code.get(value) or gaz.find(value)
        provinces = [a.division for a in gaz.lookup(value) if a.division.level == "province"]
        if d is None or d.level != "province":
            if len(provinces) == 1:
                d = provinces[0]
            else:
                raise UnknownPlace(f"unknown province {value!r}; give a province-level name, e.g. 湖南省, 湖南, 北京")
        return Filter("province", (d.name,))

    def date(self, value: str, name: str) -> str:
        value = value.strip()
        problem = date_problem(value) if value else ""
        if problem:
            raise QueryError(f"{name} {value!r} is not a date: {problem} ({FORMS})")
        return value


class _Grammar:
    """or := and (OR and)* ; and := unary+ ; unary := NOT unary | primary ; primary := ( or ) | leaf."""

    def __init__(self, parser: QueryParser, items: list[_Lex]) -> None:
        self.parser = parser
        self.items = items
        self.at = 0

    def query(self) -> Node | None:
        return self._or()

    def _peek(self) -> _Lex | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def _or(self) -> Node | None:
        parts = [self._and()]
        while (p := self._peek()) is not None and p.kind == "OR":
            self.at += 1
            parts.append(self._and())
        kept = [x for x in parts if x is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def _and(self) -> Node | None:
        parts: list[Node] = []
        while (p := self._peek()) is not None and p.kind not in ("OR", "RP"):
            node = self._unary()
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def _unary(self) -> Node | None:
        p = self._peek()
        if p is not None and p.kind == "NOT":
            self.at += 1
            if self._peek() is None or self._peek().kind in ("OR", "RP"):  # type: ignore[union-attr]
                raise QueryError("NOT (or -) must be followed by what to exclude")
            child = self._unary()
            return Not(child) if child is not None else None
        return self._primary()

    def _primary(self) -> Node | None:
        p = self._peek()
        assert p is not None
        self.at += 1
        if p.kind == "LP":
            node = self._or()
            self.at += 1  # the ) the lexer guaranteed
            return node
        if p.kind == "FIELD":
            value = self._peek()
            if value is None or value.kind not in ("WORD", "PHRASE"):
                raise QueryError(f"the field {p.text}: has no value, e.g. {p.text}:湖南省")
            self.at += 1
            return self.parser.field(p.text, value.text, phrase=value.kind == "PHRASE")
        if p.kind == "PHRASE":
            return self.parser.words(p.text, phrase=True)
        if p.kind == "WORD":
            return self.parser.words(p.text)
        raise QueryError(f"{p.kind} has nothing to join on its left")


def _parent_name(gaz: Gazetteer, code: str) -> str:
    d = gaz.by_code.get(code)
    return d.name if d else "-"


def _count_terms(node: Node) -> int:
    if isinstance(node, Words | Phrase):
        return len(node.tokens)
    if isinstance(node, Filter):
        return len(node.values)
    if isinstance(node, Not):
        return _count_terms(node.child)
    return sum(_count_terms(c) for c in node.children)


def _only_negative(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(c) for c in node.children)
    if isinstance(node, Or):
        return all(_only_negative(c) for c in node.children)
    return False


def positive_terms(node: Node) -> list[tuple[str, tuple[str, ...]]]:
    """What the query looks for, for highlighting: ``(whole, parts)`` per phrase or chunk.

    A chunk's parts are marked only where the whole is not in the text (``terms_in``).
    """
    out: list[tuple[str, tuple[str, ...]]] = []
    if isinstance(node, Phrase):
        out.append(("".join(node.tokens), ()))
    elif isinstance(node, Words):
        parts = tuple(t for t in node.tokens if len(t) > 1) if len(node.tokens) > 1 else ()
        out.append(("".join(node.tokens), parts))
    elif isinstance(node, And | Or):
        for c in node.children:
            out += positive_terms(c)
    return list(dict.fromkeys(out))


def terms_in(text: str, groups: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """The strings to mark in ``text``: each whole, or its parts when the whole is absent.

    A query of single words has no parts: its text is not read (squeezing a whole article's
    text for each hit on a page was a tenth of a search's own time)."""
    if not any(parts for _, parts in groups):
        return [whole for whole, _ in groups]
    lowered = squeezed(text)
    out: list[str] = []
    for whole, parts in groups:
        out += [whole] if whole in lowered or not parts else list(parts)
    return out


def states(sentence: str, groups: list[tuple[str, tuple[str, ...]]]) -> bool:
    """Whether a sentence holds one of the query's phrases or chunks (whole, or all its parts)."""
    lowered = squeezed(sentence)
    return any(whole in lowered or (parts and all(p in lowered for p in parts)) for whole, parts in groups)
