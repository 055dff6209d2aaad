"""Find input files, read their bytes, and decode them.

Why its own module: reading is where real corpora are most hostile (GBK dumps, BOMs,
binary files named ``.txt``, symlink loops). Everything that can go wrong here becomes a
``Failure`` with the path and a reason, so one broken file never stops a batch.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import InputError
from .models import Failure, Source

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

# Files that describe a folder rather than being an article of it (corpus/README.md).
SKIPPED_NAMES = ("readme", "license", "licence", "changelog", "copying")

# One article is a few kilobytes; anything past these limits is not an article and would
# only hold memory and time. JSONL dumps are streamed line by line, so they may be large.
MAX_BYTES = 4 * 1024 * 1024  # one text/HTML/JSON file
MAX_RECORD_BYTES = 4 * 1024 * 1024  # one JSONL line


def discover(paths: list[str]) -> Iterator[Path | Failure | str]:
    """Yield files to read (``"-"`` for stdin) or failures, in a stable order.

    Directories are walked recursively without following symlinked directories, so a
    symlink loop cannot make the walk endless. Files named on the command line are read
    whatever their suffix; in a walked directory only known suffixes are taken.
    """
    for raw in paths:
        if raw == "-":
            yield "-"
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield path
        elif path.exists():
            yield Failure(str(path), "not a regular file")
        else:
            yield Failure(str(path), "no such file or directory")


def _walk(root: Path) -> Iterator[Path | Failure]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or name.lower().startswith(SKIPPED_NAMES):
                continue
            path = Path(dirpath) / name
            if path.suffix.lower() in SUFFIXES:
                found.append(path)
    yield from sorted(found)


def read_sources(item: Path | str, fields: dict[str, str] | None = None) -> Iterator[Source | Failure]:
    """Read one discovered item into sources; JSON files give one source per record."""
    try:
        if item == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            origin, name = "<stdin>", "stdin"
            if len(data) > MAX_BYTES:
                yield Failure(
                    origin,
                    f"input too large for an article (more than {MAX_BYTES:,} bytes); "
                    "save a dump as a .jsonl file and ingest the file",
                )
                return
        else:
            assert isinstance(item, Path)
            info = item.stat()
            if not stat.S_ISREG(info.st_mode):  # a named pipe would block the batch for ever
                yield Failure(str(item), "not a regular file (a pipe, socket or device)")
                return
            if item.suffix.lower() in (".jsonl", ".ndjson"):
                yield from _jsonl_sources(item, fields or {})
                return
            size = info.st_size
            if size > MAX_BYTES:
                yield Failure(str(item), f"file too large for an article ({size:,} bytes; limit {MAX_BYTES:,})")
                return
            data = item.read_bytes()
            origin, name = str(item), item.name
    except OSError as exc:
        yield Failure(str(item), f"cannot read: {exc.strerror or exc}")
        return
    suffix = Path(name).suffix.lower()
    if suffix in JSON_SUFFIXES or (item == "-" and data.lstrip()[:1] in (b"{", b"[")):
        yield from _json_sources(origin, name, data, fields or {})
    else:
        yield Source(origin=origin, file=name, data=data)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.

    A handful of invalid bytes inside otherwise valid UTF-8 does not make a file GBK:
    decoding such a file as GB18030 would turn every character into mojibake, so up to
    one bad byte in a thousand is replaced instead. Returns ``(text, encoding)``.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid UTF-16: {exc.reason}") from exc
    if b"\x00" in data[:8192]:
        raise InputError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lossy = data.decode("utf-8", errors="replace")
    if lossy.count("\ufffd") <= max(1, len(data) // 1000):
        return lossy, "utf-8 (repaired)"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError("cannot detect the text encoding (tried UTF-8, UTF-16, GB18030)")
    return str(best), best.encoding


def _jsonl_sources(path: Path, fields: dict[str, str]) -> Iterator[Source | Failure]:
    """One source per line, read as a stream: a dump of any size holds one line in memory."""
    encoding: str | None = None
    with path.open("rb") as fh:
        for n, (raw, size) in enumerate(_lines(fh, MAX_RECORD_BYTES), 1):
            origin = f"{path}:{n}"
            if size > MAX_RECORD_BYTES:
                yield Failure(origin, f"line too long for an article ({size:,} bytes; limit {MAX_RECORD_BYTES:,})")
                continue
            if not raw.strip():
                continue
            try:
                if encoding is None:
                    text, encoding = decode(raw)
                    encoding = "utf-8" if encoding.startswith("utf-8") else encoding
                else:
                    text = raw.decode(encoding, errors="replace")
                obj = json.loads(text.lstrip("\ufeff"))
            except InputError as exc:
                yield Failure(origin, str(exc))
                continue
            except (json.JSONDecodeError, RecursionError) as exc:
                yield Failure(origin, f"not valid JSON: {getattr(exc, 'msg', 'too deeply nested')}")
                continue
            if not isinstance(obj, dict):
                yield Failure(origin, f"expected a JSON object, found {type(obj).__name__}")
                continue
            yield Source(origin=origin, file=f"{path.name}:{n}", data=b"", fields=tuple(_pick_fields(obj, fields)))


def _lines(fh: BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """Each line of ``fh`` with its length in bytes; a line longer than ``limit`` is skipped
    a chunk at a time and given as ``b""``, so no line past the limit is held in memory."""
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        size = len(raw)
        if size > limit and not raw.endswith(b"\n"):
            while True:
                chunk = fh.readline(1 << 20)
                size += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            raw = b""
        yield raw, size


def _json_sources(origin: str, name: str, data: bytes, fields: dict[str, str]) -> Iterator[Source | Failure]:
    try:
        text, _ = decode(data)
    except InputError as exc:
        yield Failure(origin, str(exc))
        return
    stripped = text.strip()
    if not stripped:
        yield Failure(origin, "empty file")
        return
    records: list[tuple[str, object]] = []
    try:
        whole = json.loads(stripped)
    except RecursionError:
        yield Failure(origin, "not valid JSON: too deeply nested")
        return
    except json.JSONDecodeError as exc:
        if "\n" not in stripped:
            yield Failure(origin, f"not valid JSON: {exc.msg}")
            return
        whole = None  # perhaps JSON lines under a .json name
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append((f"{origin}:{n}", json.loads(line)))
            except (json.JSONDecodeError, RecursionError) as exc:
                yield Failure(f"{origin}:{n}", f"not valid JSON: {getattr(exc, 'msg', 'too deeply nested')}")
    else:
        items = _unwrap(whole)
        if items is None:
            yield Failure(origin, "JSON is neither an article object nor a list of them")
            return
        records = [(f"{origin}:{i}" if len(items) > 1 else origin, obj) for i, obj in enumerate(items, 1)]
    for rec_origin, obj in records:
        if not isinstance(obj, dict):
            yield Failure(rec_origin, f"expected a JSON object, found {type(obj).__name__}")
            continue
        flat = tuple(_pick_fields(obj, fields))
        suffix = rec_origin[len(origin) :]
        yield Source(origin=rec_origin, file=name + suffix, data=b"", fields=flat)


def _unwrap(whole: object) -> list[object] | None:
    if isinstance(whole, list):
        return whole
    if isinstance(whole, dict):
        for key in ("articles", "data", "items", "records", "results"):
            inner = whole.get(key)
            if isinstance(inner, list):
                return inner
        return [whole]
    return None


FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题", "headline", "name"),
    "text": ("content", "text", "body", "article", "正文", "内容", "html", "content_html"),
    "date": ("date", "publish_time", "pubdate", "pub_date", "published", "publish_date", "time", "日期", "发布时间"),
    "url": ("url", "link", "href", "链接"),
    "source": ("source", "site", "来源", "media"),
    "author": ("author", "作者", "editor"),
}


def _pick_fields(obj: dict[str, object], mapping: dict[str, str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, names in FIELD_NAMES.items():
        candidates = (mapping[key],) if key in mapping else names
        for cand in candidates:
            value = obj.get(cand)
            if value not in (None, ""):
                out.append((key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))
                break
    return out
