"""``zxkg relations``: every relation with its evidence, one a line."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import click

from .options import data_option, handle_errors, location

RELATION_FORMATS = ("jsonl", "csv")
CSV_COLUMNS = (
    "id file article date subject_type subject predicate object_type object evidence start end span rule confidence"
    " review"
).split()


@click.command()
@data_option
@click.option("--format", "fmt", default="jsonl", help="jsonl (default) or csv.")
@click.option("--predicate", "predicates", multiple=True, help="Only these predicates (repeatable).")
@click.option(
    "--include-rejected",
    is_flag=True,
    help="Keep the relations a reviewer rejected (marked rejected in the review field).",
)
@handle_errors
def relations(data: str | None, fmt: str, predicates: tuple[str, ...], include_rejected: bool) -> None:
    """Every relation with its evidence, one a line.

    The JSON lines are what ../shared/eval/score.py scores against gold annotations. Each
    says its review (accepted, rejected, added by hand, or empty when unreviewed); the
    relations a reviewer rejected are left out, as every other answer leaves them, unless
    --include-rejected. The id is what ``zxkg review accept ID`` takes.
    """
    from zxkg.ingest.errors import choices
    from zxkg.ingest.store import Store

    from .. import serialize

    if fmt not in RELATION_FORMATS:
        raise choices("format", fmt, RELATION_FORMATS)
    with Store.open(location(data), readonly=True) as store:
        rows = (
            serialize.relation(r)
            for r in store.relations(include_rejected=include_rejected)
            if not predicates or r.predicate in predicates
        )
        if fmt == "jsonl":
            for rec in rows:
                sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            _write_csv(sys.stdout, rows)


def _write_csv(out: TextIO, rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for rec in rows:
        ev = rec["evidence"]
        writer.writerow(
            [
                rec["id"], rec["file"], rec["article"], rec["date"], rec["subject"]["type"], rec["subject"]["name"],
                rec["predicate"], rec["object"]["type"], rec["object"]["name"], ev["quote"], ev["start"], ev["end"],
                ev["span"]["text"], rec["rule"], rec["confidence"], rec["review"],
            ]
        )  # fmt: skip
