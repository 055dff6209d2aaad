"""Review files (CSV or JSON lines) and the agreement of two coders.

Two researchers code the same relations independently, each in a store of their own,
export their reviews, and compare: Cohen's kappa is how inter-coder reliability of such a
dataset is reported. A review is matched across files by what it judges (``Judgement.key``:
the article's content hash, the relation's ends, predicate and evidence span), so the
files need no shared ids.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from zxkg.ingest.errors import NotFound, UsageError
from zxkg.ingest.models import Entity
from zxkg.ingest.store import Judgement
from zxkg.ingest.store.records import ReviewRow

from .models import TERM_KINDS
from .names import Names

FORMATS = ("csv", "jsonl")
# What a file holds: the key, the sentence and file it was made on, the decision; and,
# for a reader, the names of the region and term (ignored when read back).
COLUMNS = (*(f.name for f in fields(Judgement)), "region", "term")
_INTS = {"sentence_start", "sentence_end", "span_start", "span_end"}


def judgement(row: ReviewRow) -> Judgement:
    """A stored review as a file holds it."""
    return Judgement(
        row.article_hash, row.subject_key, row.predicate, row.object_key, row.sentence_start, row.sentence_end,
        row.span_start, row.span_end, row.sentence, row.origin, row.status, row.note, row.reviewer, row.at,
    )  # fmt: skip


def file_format(path: str | Path, given: str | None = None) -> str:
    """The format a file is in: ``given``, else its suffix (``.jsonl``/``.json`` or ``.csv``)."""
    fmt = given or ("jsonl" if Path(path).suffix.lower() in (".jsonl", ".json", ".ndjson") else "csv")
    if fmt not in FORMATS:
        raise UsageError(f"review file format {fmt!r}: one of {', '.join(FORMATS)}")
    return fmt


def write_reviews(rows: Iterable[ReviewRow], path: str | Path, fmt: str | None = None) -> int:
    """Write reviews to ``path`` (CSV with a header, or one JSON object a line); returns how many."""
    fmt = file_format(path, fmt)
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh) if fmt == "csv" else None
        if w is not None:
            w.writerow(COLUMNS)
        for row in rows:
            record = {**asdict(judgement(row)), "region": row.region, "term": row.term}
            if w is not None:
                w.writerow([record[c] for c in COLUMNS])
            else:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_reviews(path: str | Path, fmt: str | None = None) -> list[Judgement]:
    """The reviews of a file ``write_reviews`` wrote (or a person, with the same columns)."""
    fmt = file_format(path, fmt)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            records = list(csv.DictReader(fh)) if fmt == "csv" else list(_json_lines(fh))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    out: list[Judgement] = []
    for n, rec in enumerate(records, 2 if fmt == "csv" else 1):
        try:
            values: dict[str, Any] = {f.name: _text(rec.get(f.name)) for f in fields(Judgement)}
            for k in _INTS:
                values[k] = int(str(values[k]))
            out.append(Judgement(**values))
        except (ValueError, TypeError) as exc:
            raise UsageError(f"{path}, {'line' if fmt == 'jsonl' else 'row'} {n}: not a review ({exc})") from exc
        if not (out[-1].article_hash and out[-1].subject_key and out[-1].object_key and out[-1].status):
            raise UsageError(f"{path}, row {n}: article_hash, subject_key, object_key and status are needed")
    return out


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _json_lines(fh: Iterable[str]) -> Iterator[dict[str, object]]:
    for n, line in enumerate(fh, 1):
        if line.strip():
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"line {n}: not JSON ({exc.msg})") from exc
            if not isinstance(value, dict):
                raise UsageError(f"line {n}: not a JSON object")
            yield value


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A relation the two coders judged differently (``None``: one of them did not judge it)."""

    judgement: Judgement
    a: str | None
    b: str | None


@dataclass(frozen=True, slots=True)
class Agreement:
    """Cohen's kappa over the relations both coders judged, and where they differ."""

    both: int  # relations both judged
    agreed: int
    observed: float  # share of agreement, p_o
    expected: float  # agreement by chance from each coder's shares, p_e
    kappa: float | None  # None when chance alone agrees on everything (p_e = 1)
    disagreements: tuple[Disagreement, ...]  # judged differently, then judged by one only
    only_a: int
    only_b: int


def agreement(a: Iterable[Judgement], b: Iterable[Judgement]) -> Agreement:
    """Cohen's kappa of two coders: ``(p_o - p_e) / (1 - p_e)``, over the relations both judged.

    ``p_o`` is the share of those they judged alike, ``p_e`` the sum over statuses of the
    product of each coder's share of it. Relations one coder judged and the other did not
    are listed, not counted.
    """
    first = {j.key: j for j in a}
    second = {j.key: j for j in b}
    both = sorted(first.keys() & second.keys())
    agreed = sum(first[k].status == second[k].status for k in both)
    n = len(both)
    observed = agreed / n if n else 0.0
    share_a = Counter(first[k].status for k in both)
    share_b = Counter(second[k].status for k in both)
    expected = sum(share_a[s] * share_b[s] for s in share_a) / (n * n) if n else 0.0
    kappa = None if not n or expected == 1 else (observed - expected) / (1 - expected)
    differ = [
        Disagreement(first[k], first[k].status, second[k].status) for k in both if first[k].status != second[k].status
    ]
    differ += [Disagreement(first[k], first[k].status, None) for k in sorted(first.keys() - second.keys())]
    differ += [Disagreement(second[k], None, second[k].status) for k in sorted(second.keys() - first.keys())]
    return Agreement(
        n, agreed, observed, expected, kappa, tuple(differ), len(first.keys() - second.keys()),
        len(second.keys() - first.keys()),
    )  # fmt: skip


# -- what the command line and the API share ---------------------------------------------


def targets(
    names: Names, relation: int | None = None, region: str = "", term: str = "", article: str = ""
) -> list[Any]:
    """The adoption relations a reviewer names: one by id, or a region's relations to a term
    (aliases included), in one article (an id or its first digits) or in all."""
    if relation is not None:
        return names.store.review_targets(relation=relation)
    if not (region and term):
        raise UsageError("name a relation by its id, or by --region and --term (and --article)")
    node = names.region(region)
    keys = [n.key for n in names.terms(term)]
    return names.store.review_targets(region=node.key, terms=keys, article=article)


def add(
    names: Names, region: str, term: str, article: str, quote: str, kind: str = "mechanism", note: str = "",
    reviewer: str = "",
) -> ReviewRow:  # fmt: skip
    """Add the relation "``region`` adopts ``term``" that ``quote`` of ``article`` states: a
    known term by its name or alias, else a new one of ``kind``."""
    node = names.region(region)
    gaz = names.gazetteer
    region_entity = gaz.entity(gaz.by_code[node.code])
    try:
        found = names.terms(term)[0]
        term_entity = Entity(kind=found.kind, name=found.name)  # type: ignore[arg-type]
    except NotFound:
        if kind not in TERM_KINDS:
            raise UsageError(f"--kind {kind!r}: one of {', '.join(TERM_KINDS)}") from None
        term_entity = Entity(kind=kind, name=term.strip())  # type: ignore[arg-type]
    return names.store.add_relation(region_entity, term_entity, article, quote, note, reviewer)
