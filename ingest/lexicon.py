"""The lexicon: mechanism and brand names learnt from the corpus, corrected by the user.

Every name found in quotes becomes a known term. Known terms are user words of the
Segmenter (so search finds them whole) and are recognised unquoted in later articles —
and in earlier ones when the store is re-extracted (``zxkg reextract``).

The user corrects it with a plain text file in the data directory, ``lexicon.txt``, one
edit a line, applied in order (``zxkg lexicon add|block|merge|rename`` append to it)::

    add 潭事好商量 brand        # a term, with its kind (mechanism, brand or slogan)
    block 最后一公里            # never a term
    merge 委员双考 双考          # the first is another name of the second
    rename 两力两率评价 两力两率  # the canonical name changes; the old one stays an alias

The file is the user's, never rewritten by zxkg; the corpus part comes from the store.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .errors import UsageError, choices
from .matcher import GrowingFormIndex
from .models import EntityKind

FILE_NAME = "lexicon.txt"
KINDS: tuple[EntityKind, ...] = ("mechanism", "brand", "slogan")
OPERATIONS = ("add", "block", "merge", "rename")
QUOTE_CHARS = frozenset("“”‘’\"'「」『』《》〈〉")


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """The comparison form of a term (and of any name a user types): widths folded, quotes
    and white space dropped.

    >>> fold("“双考”") == fold("双考") == fold(' "双考" ')
    True
    >>> fold("《ＡＢ办法》")
    'AB办法'

    Cached: extraction folds the same few hundred names many times an article.
    """
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if ch not in QUOTE_CHARS and not ch.isspace())


@dataclass(slots=True)
class Term:
    name: str
    kind: EntityKind
    source: str  # "corpus" or "user"
    articles: int = 0
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> provenance
    strong: bool = False  # the kind was decided by a head word, not guessed from a verb


@dataclass(frozen=True, slots=True)
class Edit:
    op: str
    args: tuple[str, ...]
    line: int


def parse_edits(text: str) -> list[Edit]:
    """Parse ``lexicon.txt``; a malformed line is a UsageError naming the line."""
    edits: list[Edit] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        op, *args = line.split()
        if op not in OPERATIONS:
            raise UsageError(f"{FILE_NAME}:{n}: unknown operation {op!r}; expected one of {', '.join(OPERATIONS)}")
        want = {"add": (1, 2), "block": (1, 1), "merge": (2, 2), "rename": (2, 2)}[op]
        if not want[0] <= len(args) <= want[1]:
            raise UsageError(f"{FILE_NAME}:{n}: {op} takes {' or '.join(map(str, sorted(set(want))))} names")
        if op == "add" and len(args) == 2 and args[1] not in KINDS:
            raise choices(f"kind in {FILE_NAME}:{n}", args[1], KINDS)
        edits.append(Edit(op, tuple(args), n))
    return edits


def _findable(form: str) -> bool:
    """Two-character terms are found unquoted only when numbered (双考): 商量 is everywhere."""
    return len(form) >= 3 or any(ch in "一二两三四五六七八九十双" for ch in form)


class Lexicon:
    """Known terms by canonical name, their aliases, and blocked names."""

    def __init__(self) -> None:
        self.terms: dict[str, Term] = {}
        self._alias: dict[str, str] = {}  # folded form -> canonical name
        self.blocked: set[str] = set()
        self._edits: list[Edit] = []
        self._index = GrowingFormIndex()
        # A frozen lexicon learns nothing: what extraction would teach it is noted in
        # ``observed`` instead (``settle_kinds`` and ``zxkg reextract`` say why).
        self.frozen = False
        self.observed: list[tuple[str, EntityKind, bool]] = []

    # -- building ------------------------------------------------------------------------

    @classmethod
    def build(cls, corpus_terms: Iterable[tuple[str, EntityKind, int, dict[str, str]]], edits: str = "") -> Lexicon:
        """Corpus terms (name, kind, articles, aliases) first, then the user's edits on top
        (``edits``: the lines of ``lexicon.txt``, as the store keeps them)."""
        lex = cls()
        for name, kind, articles, aliases in corpus_terms:
            term = lex.learn(name, kind)
            term.articles = max(term.articles, articles)
            for alias, provenance in aliases.items():
                lex.add_alias(alias, term.name, provenance)
        if edits:
            lex._edits = parse_edits(edits)
            lex._apply_edits()
        return lex

    def _apply_edits(self) -> None:
        for e in self._edits:
            if e.op == "add":
                kind: EntityKind = e.args[1] if len(e.args) == 2 else "mechanism"  # type: ignore[assignment]
                term = self.learn(e.args[0], kind, source="user")
                term.kind = kind
            elif e.op == "block":
                self.blocked.add(fold(e.args[0]))
            elif e.op == "merge":
                alias, target = e.args
                self.merge(alias, target, f"{FILE_NAME}:{e.line}")
            elif e.op == "rename":
                old, new = e.args
                self.rename(old, new, f"{FILE_NAME}:{e.line}")

    def learn(self, name: str, kind: EntityKind, source: str = "corpus", strong: bool = False) -> Term:
        """Make ``name`` a known term (or return the term it already belongs to).

        A term keeps one kind everywhere: the first kind seen, replaced once by the first
        kind that a head word decided (“两力两率”评价 is a mechanism whatever verb came first).
        """
        key = fold(name)
        canonical = self._alias.get(key)
        if self.frozen:
            self.observed.append((canonical or key, kind, strong))
            known = self.terms.get(canonical) if canonical is not None else None
            return known or Term(name=key, kind=kind, source=source, strong=strong)
        if canonical is not None and canonical in self.terms:
            term = self.terms[canonical]
            if strong and not term.strong and term.source == "corpus":
                term.kind, term.strong = kind, True
            return term
        term = Term(name=key, kind=kind, source=source, strong=strong)
        self.terms[key] = term
        self._alias[key] = key
        self._index.add(key)
        return term

    def hear(self, terms: Iterable[tuple[str, EntityKind, bool, dict[str, str]]]) -> list[str]:
        """Take terms the store holds from other processes: (name, kind, strong, aliases), the
        kind as the single writer last stored it; returns the forms new to this lexicon (for
        the Segmenter).

        The writer's kind wins over this process's own guess: every process then names a
        term's kind as one process reading the articles in order would (``pipeline``).
        """
        new: list[str] = []
        for name, kind, strong, aliases in terms:
            key = fold(name)
            if key not in self._alias:
                new.append(key)
            term = self.learn(name, kind)
            if term.source == "corpus":
                term.kind, term.strong = kind, term.strong or strong
            for alias, provenance in aliases.items():
                if fold(alias) not in self._alias:
                    new.append(fold(alias))
                self.add_alias(alias, term.name, provenance)
        return [f for f in new if len(f) >= 2 and f.isalnum() and f not in self.blocked]

    def settle_kinds(self) -> None:
        """Give each term learnt from the corpus the kind its ``observed`` quotes name most,
        those decided by a head word first; then forget them.

        Learning in reading order gives a term the first kind seen (replaced once by the
        first a head word decides), so the kind depends on which article came first — on
        the order of files, on which worker or ingester read which. Counted over every
        quote of the corpus it depends on the corpus only. Ties go to the kind that sorts
        first; terms a user gave a kind keep it.
        """
        votes: dict[str, dict[tuple[bool, EntityKind], int]] = {}
        for name, kind, strong in self.observed:
            if kind in ("mechanism", "brand"):
                tally = votes.setdefault(name, {})
                tally[strong, kind] = tally.get((strong, kind), 0) + 1
        for name, tally in votes.items():
            term = self.terms.get(name)
            if term is None or term.source != "corpus":
                continue
            (strong, kind), _ = min(tally.items(), key=lambda kv: (not kv[0][0], -kv[1], kv[0][1]))
            term.kind, term.strong = kind, strong
        self.observed.clear()

    def add_alias(self, alias: str, canonical: str, provenance: str) -> None:
        key, target = fold(alias), fold(canonical)
        if self.frozen:
            return
        if key == target or target not in self.terms:
            return
        self.terms[target].aliases.setdefault(key, provenance)
        self._alias[key] = target
        self._index.add(key)

    def merge(self, alias: str, target: str, provenance: str) -> None:
        """``alias`` becomes another name of ``target`` (its own term, if any, folds into it)."""
        key, tkey = fold(alias), fold(target)
        owner = self._alias.get(tkey)
        if owner is not None and owner != tkey and owner in self.terms:
            # the target is itself an alias of some term today: it becomes a term of its own
            self.terms[owner].aliases.pop(tkey, None)
            del self._alias[tkey]
        if tkey not in self.terms:
            kind = self.terms[key].kind if key in self.terms else "mechanism"
            self.learn(tkey, kind, source="user")
        absorbed = self.terms.pop(key, None) if key != tkey else None
        if absorbed is not None:
            self.terms[tkey].articles += absorbed.articles
            for a, prov in absorbed.aliases.items():
                self.add_alias(a, tkey, prov)
        self.add_alias(key, tkey, provenance)

    def rename(self, old: str, new: str, provenance: str) -> None:
        okey, nkey = fold(old), fold(new)
        term = self.terms.get(self._alias.get(okey, okey))
        if term is None:
            self.learn(nkey, "mechanism", source="user")
            self.add_alias(okey, nkey, provenance)
            return
        self.terms.pop(term.name)
        old_name = term.name
        term.name = nkey
        self.terms[nkey] = term
        self._alias[nkey] = nkey
        for a in [*term.aliases, old_name]:
            self._alias[a] = nkey
        term.aliases.setdefault(old_name, provenance)
        term.aliases.pop(nkey, None)
        self._index.add(nkey)

    # -- using ---------------------------------------------------------------------------

    def canonical(self, name: str) -> str | None:
        """The canonical name of ``name``; None when it is blocked."""
        key = fold(name)
        target = self._alias.get(key, key)
        if key in self.blocked or target in self.blocked:
            return None
        return target

    def kind_of(self, name: str) -> EntityKind | None:
        target = self._alias.get(fold(name))
        term = self.terms.get(target) if target else None
        return term.kind if term else None

    def words(self) -> list[str]:
        """Forms the Segmenter should keep whole (jieba cannot keep words with symbols)."""
        forms = [t.name for t in self.terms.values()] + [a for t in self.terms.values() for a in t.aliases]
        return sorted({f for f in forms if len(f) >= 2 and f.isalnum() and fold(f) not in self.blocked})

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Known forms written in ``text`` (longest first, left to right): ``(start, end, canonical)``."""
        out: list[tuple[int, int, str]] = []
        for start, end in self._index.scan(text):
            form = text[start:end]
            target = self._alias.get(form)
            if target is not None and target in self.terms and target not in self.blocked and _findable(form):
                out.append((start, end, target))
        return out

    def __len__(self) -> int:
        return len(self.terms)
