"""Turn a decoded source into an Article: title, date, source, author, url and body.

Three shapes of input reach us: text files (with an optional ``key: value`` header ended
by ``---``, or with metadata lines inside the text, as pasted from a web page), HTML
pages (main text among navigation and boilerplate), and JSON records. All end as one
``Article`` whose ``text`` is ``title + "\\n" + body`` normalised: the title is part of
the text, so a region named only in the title is found with valid offsets.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .errors import InputError
from .models import Article, Source
from .sources import HTML_SUFFIXES, decode
from .text import normalise

HEADER_KEYS = {
    "title": "title",
    "标题": "title",
    "source": "source",
    "来源": "source",
    "date": "date",
    "日期": "date",
    "发布时间": "date",
    "author": "author",
    "作者": "author",
    "url": "url",
    "链接": "url",
}
HEADER_LINE = re.compile(r"^\s*([A-Za-z_\u4e00-\u9fff]{1,12})\s*[::]\s?(.*)$")

DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*月?(?!\d)"),
)
# A metadata key with its separator (来源:, 时间 2024-05-24, 文 | ): the words alone are
# ordinary text (居家养老时间银行, 来源于群众) and a short opening paragraph keeps them.
META_LINE = re.compile(
    r"(?:发布时间|发布日期|发表时间|时间|日期|来源|编辑|责任编辑|作者|稿源)\s*(?:[::|丨]|\s(?=\s*(?:19|20)\d{2}))"
    r"|文\s*[|丨/]"
)
SOURCE_FIELD = re.compile(r"(?:来源|稿源|出处)\s*[::]\s*([^\s::|丨]{2,40})")
EDITOR_FIELD = re.compile(r"编辑\s*[::]\s*([^\s::|丨]{2,40})")
AUTHOR_FIELD = re.compile(
    r"(?:^文\s*[|丨/]\s*|作者\s*[::]\s*|记者\s*[::]?\s*)(?:[^\s|丨]*?记者\s+)?([\u4e00-\u9fff·]{2,4})(?=\s|$|[,,、)])"
)


@dataclass(frozen=True, slots=True)
class Parsed:
    title: str
    body: str
    date: str = ""
    source: str = ""
    author: str = ""
    url: str = ""


def parse(src: Source) -> Article:
    """Parse one source into an Article; raises InputError when nothing usable is in it."""
    encoding = "utf-8"
    if src.fields:
        parsed, original = _parse_record(dict(src.fields))
    else:
        original, encoding = decode(src.data)
        if src.file.lower().endswith(tuple(HTML_SUFFIXES)) or _looks_like_html(original):
            from .html import parse_html

            title, body, meta = parse_html(original)
            parsed = _with_text_metadata(Parsed(title=title, body=body, **meta))
        else:
            parsed = parse_text(original)
    title = normalise(parsed.title).replace("\n", " ")
    body = normalise(parsed.body)
    first, _, rest = body.lstrip("\n").partition("\n")
    if title and first.strip() == title:  # the headline repeated as the first line, not 镇江 in 镇江市政协…
        body = rest.lstrip("\n")
    if not body.strip() and not title:
        raise InputError("no article text found (empty or only markup)")
    text = f"{title}\n{body}" if title else body
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(
        id=digest[:16],
        file=src.file,
        origin=src.origin,
        title=title,
        text=text,
        original=original,
        date=normalise_date(parsed.date),
        source=normalise(parsed.source).replace("\n", " "),
        author=normalise(parsed.author).replace("\n", " "),
        url=parsed.url.strip(),
        encoding=encoding,
        content_hash=digest,
    )


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def _parse_record(fields: dict[str, str]) -> tuple[Parsed, str]:
    body = fields.get("text", "")
    meta = {k: fields.get(k, "") for k in ("date", "source", "author", "url")}
    if _looks_like_html(body) or re.search(r"</?(?:p|div|br)\b", body[:2000], re.I):
        from .html import parse_html

        title, body_text, found = parse_html(body)
        for k, v in found.items():
            meta[k] = meta[k] or v
        body = body_text
        title = fields.get("title") or title
    else:
        title = fields.get("title", "")
    return _with_text_metadata(Parsed(title=title, body=body, **meta)), fields.get("text", "")


def parse_text(text: str) -> Parsed:
    """A text file: optional ``key: value`` header ended by ``---``, else metadata in the text."""
    header, body = _split_header(text)
    if header is not None:
        return _with_text_metadata(
            Parsed(
                title=header.get("title", ""),
                body=body,
                date=header.get("date", ""),
                source=header.get("source", ""),
                author=header.get("author", ""),
                url=header.get("url", ""),
            )
        )
    return _with_text_metadata(Parsed(title="", body=text))


def _split_header(text: str) -> tuple[dict[str, str] | None, str]:
    lines = text.lstrip("\ufeff").split("\n")
    header: dict[str, str] = {}
    for i, line in enumerate(lines[:40]):
        if line.strip() == "---":
            if header:
                return header, "\n".join(lines[i + 1 :])
            return None, text
        m = HEADER_LINE.match(line)
        if not m:
            return None, text
        key = HEADER_KEYS.get(m.group(1).lower())
        if key:
            value = m.group(2).strip()
            if key == "source" and value.startswith(("http://", "https://")):
                url, _, rest = value.partition(" ")
                header.setdefault("url", url)
                value = rest.strip().removeprefix("(").removeprefix("(").removesuffix(")").removesuffix(")")
            header[key] = value
    return None, text


def _with_text_metadata(p: Parsed) -> Parsed:
    """Fill missing title/date/source/author from metadata lines near the top of the body.

    Pasted web pages put ``发布时间:2024-05-24 编辑:湖南政协新闻网`` under the title and
    ``文 | 记者 李飞`` at the end. Metadata lines found this way are removed from the body;
    the title is the line just above the first metadata line, or the first short line.
    """
    lines = p.body.split("\n")
    title, date, source, author = p.title, p.date, p.source, p.author
    keep: list[str] = []
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    top = set(nonempty[:6])
    bottom = set(nonempty[-4:])
    title_index = -1
    for i, line in enumerate(lines):
        s = line.strip()
        is_meta = (i in top or i in bottom) and len(s) <= 80 and META_LINE.search(s) is not None
        if is_meta and (i in top or AUTHOR_FIELD.search(s) or SOURCE_FIELD.search(s)):
            if not date:
                date = _find_date(s)
            if not source:
                m = SOURCE_FIELD.search(s) or EDITOR_FIELD.search(s)
                source = m.group(1) if m else ""
            if not author:
                m = AUTHOR_FIELD.search(s)
                author = m.group(1) if m else ""
            if not title and i in top and title_index < 0:
                title_index = _last_kept_title(keep)
            continue
        keep.append(line)
    if not title:
        if title_index >= 0:
            title = keep.pop(title_index).strip()
            # lines above a page's headline are its breadcrumbs and column names (要闻动态)
            head = keep[:title_index]
            if all(len(x.strip()) <= 20 and not x.strip().endswith(("。", "!", "?")) for x in head):
                keep = keep[title_index:]
        else:
            title_index = _first_title_like(keep)
            if title_index >= 0:
                title = keep.pop(title_index).strip()
    if not date:
        date = _find_date("\n".join(keep[:3])) or _find_date("\n".join(keep[-3:]))
    return Parsed(title=title, body="\n".join(keep), date=date, source=source, author=author, url=p.url)


def _last_kept_title(keep: list[str]) -> int:
    for j in range(len(keep) - 1, -1, -1):
        if keep[j].strip():
            return j if len(keep[j].strip()) <= 80 else -1
    return -1


def _first_title_like(keep: list[str]) -> int:
    for j, line in enumerate(keep[:5]):
        s = line.strip()
        if not s:
            continue
        if len(s) <= 60 and not s.endswith(("。", ".", ";", ";")):
            return j
        return -1
    return -1


def _find_date(text: str) -> str:
    for pattern in DATE_PATTERNS:
        m = pattern.search(text)
        if m:
            return normalise_date(m.group(0))
    return ""


def normalise_date(value: str) -> str:
    """ISO date (``YYYY-MM-DD``, or ``YYYY-MM``/``YYYY`` when only that is known), else ``""``."""
    value = (value or "").strip()
    if not value:
        return ""
    m = DATE_PATTERNS[0].search(value)
    if m and 1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31:
        return f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
    m = DATE_PATTERNS[1].search(value)
    if m and 1 <= int(m["m"]) <= 12:
        return f"{m['y']}-{int(m['m']):02d}"
    m = re.search(r"(?:19|20)\d{2}", value)
    return m.group(0) if m else ""
