"""Main text, title and metadata of an HTML news page.

Committee sites are built from a few CMS templates: the article sits in one container
full of ``<p>`` text, surrounded by navigation, link lists and footers. We score each
container by the Chinese text of its paragraphs minus the text inside links and take the
best; that is enough for these pages and keeps us free of a heavy extraction library.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from .errors import InputError

DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "select", "button")
BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "td", "center"}
META_DATE = (
    "article:published_time",
    "pubdate",
    "publishdate",
    "publish_date",
    "PubDate",
    "date",
    "dc.date",
    "og:release_date",
)
META_SOURCE = ("source", "contentsource", "og:site_name", "sitename", "site_name")
META_AUTHOR = ("author", "article:author")
HAN = re.compile(r"[\u4e00-\u9fff]")


def parse_html(markup: str) -> tuple[str, str, dict[str, str]]:
    """Return ``(title, body, {date, source, author, url})`` of a page."""
    if not markup.strip():
        raise InputError("empty HTML document")
    try:
        doc = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"unparseable HTML: {exc}") from exc
    meta = _meta(doc)
    title = _title(doc, meta.pop("title", ""))
    for bad in list(doc.iter(*DROP_TAGS, etree.Comment)):
        _drop(bad)
    body = _main_text(doc)
    return title, body, meta


def _drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text (lxml's drop_tree, typed)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _meta(doc: lxml.html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in doc.iter("meta"):
        name = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip()
        content = (el.get("content") or "").strip()
        if not name or not content:
            continue
        low = name.lower()
        if low in {n.lower() for n in META_DATE}:
            found.setdefault("date", content)
        elif low in META_SOURCE:
            found.setdefault("source", content)
        elif low in META_AUTHOR:
            found.setdefault("author", content)
        elif low in ("og:title", "articletitle", "headline"):
            found.setdefault("title", content)
        elif low == "og:url":
            found.setdefault("url", content)
    return found


def _title(doc: lxml.html.HtmlElement, meta_title: str) -> str:
    if meta_title:
        return meta_title
    for tag in ("h1", "h2"):
        for el in doc.iter(tag):
            text = _text(el).strip()
            if len(HAN.findall(text)) >= 4:
                return text
    el = doc.find(".//title")
    if el is not None and el.text:
        # "标题 - 网站名" / "标题_网站名": keep the longest part.
        parts = re.split(r"\s*[-_|—]+\s*", el.text.strip())
        return max(parts, key=len)
    return ""


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(t.strip() for t in el.itertext() if t.strip())


def _score(el: lxml.html.HtmlElement) -> int:
    text = "".join(el.itertext())
    links = "".join("".join(a.itertext()) for a in el.iter("a"))
    return len(HAN.findall(text)) - 2 * len(HAN.findall(links))


def _main_text(doc: lxml.html.HtmlElement) -> str:
    """The container with the most non-link Chinese text, narrowed to the innermost one
    that still holds 85% of it (so the page's outer wrapper and its sidebars drop out)."""
    body = doc.find("body")
    root = body if body is not None else doc
    scored = [(el, _score(el)) for el in root.iter("div", "article", "section", "td", "main")]
    scored = [(el, s) for el, s in scored if s >= 20]
    if not scored:
        return _block_text(root)
    best, best_score = max(scored, key=lambda pair: pair[1])
    for el, s in scored:
        if s >= 0.85 * best_score and _is_descendant(el, best):
            best = el
    return _block_text(best)


def _is_descendant(el: lxml.html.HtmlElement, ancestor: lxml.html.HtmlElement) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def _block_text(el: lxml.html.HtmlElement) -> str:
    """Text with a line break at every block element, so paragraphs stay paragraphs."""
    out: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in BLOCK_TAGS:
            out.append("\n")
        if node.text and tag:
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if tag in BLOCK_TAGS:
            out.append("\n")

    walk(el)
    return "".join(out)
