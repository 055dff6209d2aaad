"""How commands print: JSON for programs, aligned tables for people.

Tables are tabulate's (``docs/decisions/0005-maintained-libraries.md``), which counts a
CJK character as two columns wide.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def echo_json(value: Any) -> None:
    click.echo(dumps(value))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Columns aligned by display width; nothing is printed for no rows."""
    if not rows:
        return
    from tabulate import tabulate

    text = tabulate([[str(c) for c in r] for r in rows], headers=list(headers), tablefmt="plain", disable_numparse=True)
    click.echo("\n".join(line.rstrip() for line in text.splitlines()))


def short(text: str, width: int = 48) -> str:
    """``text`` on one line, cut to ``width`` display columns with an ellipsis."""
    from wcwidth import wcswidth, wcwidth

    text = " ".join(text.split())
    if wcswidth(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"
