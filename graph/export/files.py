"""Writing export files: atomically, and with text every XML parser accepts.

A writer streams into a temporary file beside its target and renames it into place only
when it has finished, so an export that fails or is interrupted never leaves a truncated
file (and never clobbers the previous one).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from zxkg.ingest.errors import UsageError

# Characters XML 1.0 does not allow, even escaped.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Written:
    """What an export wrote: its path and counts (nodes, edges, rows …)."""

    path: str
    counts: tuple[tuple[str, int], ...]

    def summary(self) -> str:
        return ", ".join(f"{n} {what}" for what, n in self.counts)


def file_target(path: str | Path) -> Path:
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{target} is a directory; give a file name")
    return target


def dir_target(path: str | Path) -> Path:
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; this format writes a directory of CSV files")
    target.mkdir(parents=True, exist_ok=True)
    return target


@contextlib.contextmanager
def atomic_open(path: str | Path, bom: bool = False) -> Iterator[IO[str]]:
    """Open a temporary file beside ``path`` (UTF-8 text, with a byte-order mark if ``bom``);
    rename it to ``path`` on success."""
    encoding = "utf-8-sig" if bom else "utf-8"
    with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding, newline="", buffering=1 << 20) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A new, empty temporary file beside ``path`` for a writer to fill; renamed to ``path``
    when the block ends without an error, removed when it does not."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the umask applies, as for any file
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def xml_text(value: object) -> str:
    """``value`` as XML character data (a carriage return kept as a reference: parsers
    would read a bare one as a line feed)."""
    return escape(NOT_XML.sub("", str(value)), {"\r": "&#13;"})


def xml_attr(value: object) -> str:
    """``value`` as a quoted XML attribute value (newlines and tabs kept as references)."""
    return quoteattr(NOT_XML.sub("", str(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
