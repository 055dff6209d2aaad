"""An article's file as a person finds it again: its path under the directory that was ingested.

The store keeps the base name of the file (``articles.file``), the path it was read from
as the ingest was told it (``articles.origin``: relative to the working directory then,
or absolute) and the paths the ingest was given (``runs.paths``). A base name alone is
ambiguous as soon as two folders hold a ``1.txt``; the whole origin names the machine's
layout. What a citation needs is in between: the path under the ingested root, e.g.
``2024/05/1.txt`` for ``zxkg ingest /data/news`` — the same on every copy of the corpus.

A file named on the command line is its own root's only file: its path is its base name.
Articles read from stdin, or from paths no run recorded, keep their base name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def relative_path(origin: str | None, roots: tuple[str, ...], file: str) -> str:
    """``origin`` relative to the deepest of ``roots`` it lies under, else ``file``.

    JSON records keep their ``:line`` suffix (``dump/a.jsonl:7``).
    """
    if origin:
        for root in roots:
            if origin.startswith(root):
                return origin[len(root) :]
    return file


def ingested_roots(run_paths: Iterable[str | None]) -> tuple[str, ...]:
    """The directories ingests were given, from ``runs.paths`` (JSON lists), each with its
    trailing separator as the walk wrote its files' origins, the deepest first.

    Every run's roots count, not only the article's own run's: reading which run stored
    an article would cost a read past its text for every row of the adoption table.
    """
    roots: set[str] = set()
    for value in run_paths:
        try:
            given = json.loads(value or "[]")
        except ValueError:
            continue
        for p in given if isinstance(given, list) else ():
            if isinstance(p, str) and p and p != "-":
                # the walk joins Path(root) and the names below it: "corpus/" and "./corpus" read as "corpus"
                roots.add(str(Path(p)).rstrip("/") + "/")
    # a file named on the command line is no directory of its origin, which never starts with "file/"
    return tuple(sorted(roots, key=len, reverse=True))


def stored_roots(conn: Any) -> tuple[str, ...]:
    """``ingested_roots`` of every run the store recorded (a few rows)."""
    return ingested_roots(row[0] for row in conn.execute("SELECT paths FROM runs"))
