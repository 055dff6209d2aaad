"""Normalise article text and cut it into sentences and paragraphs.

One normalised text per article: NFKC (full-width letters, digits and punctuation folded),
traditional characters turned simplified when the text is mostly traditional (OpenCC's
``t2s``; docs/decisions/0010-traditional-conversion.md), pinyin glosses of converter sites
dropped (協(xié)商 → 协商), junk lines dropped. Every offset zxkg stores points into the
result, so this module runs once per article and never afterwards.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import opencc

# Lines that are page furniture, not article text: share and scan prompts, print and
# font controls, navigation. Matched against a whole (stripped) line.
JUNK_LINE = re.compile(
    r"^(?:"
    r"(?:请)?(?:使用)?(?:用)?微信(?:扫一扫|扫描二维码).*|扫一扫.{0,12}|"
    r"分享(?:到|至)?[::]?.{0,20}|"
    r"(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回(?:顶部|首页|列表)?|收藏|"
    r"【?字[体号][::]?\s*[大中小\s]+】?|[【\[]?\s*(?:大|中|小)\s*[】\]]?)(?:\s*[|/]?\s*(?:打印|关闭|收藏|返回))*|"
    r"(?:上一篇|下一篇|相关(?:新闻|阅读|链接)|推荐阅读)[::].*|"
    r"(?:浏览|阅读|点击)(?:次数|量)?[::]?\s*\d*\s*次?"
    r")$"
)
# Print-edition jump markers inside a line: 下转3版①, (上接第2版).
JUMP_MARKER = re.compile(r"[((]?\s*[上下]接?转?\s*第?\s*\d+\s*版\s*[①-⑳\d]?\s*[))]?")
MULTISPACE = re.compile(r"[ \t\u3000\xa0]+")
SENTENCE_END = "。!?;!?;"
CLOSERS = "”’\"')」』》)"
# The marks sentences() acts on: openers and closers of quotes and titles, sentence ends.
SENTENCE_MARK = re.compile("[“‘「『《”’」』》" + re.escape(SENTENCE_END) + "]")


HAN = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.cache
def _traditional_only() -> frozenset[str]:
    """Characters that OpenCC writes differently in simplified script (built on first use).

    Found through OpenCC's public API: the CJK blocks converted once, a character a line
    (4 ms), so the table is the converter's own.
    """
    chars = [chr(c) for c in range(0x3400, 0xA000)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    return frozenset(c for c, s in zip(chars, converted, strict=True) if s != c)


def to_simplified(text: str) -> str:
    """Convert to simplified characters only when the text is in traditional script.

    Converting text that is already simplified can change a few legitimate characters,
    so we convert only when at least 2% of the Chinese characters of the first 4,000 are
    traditional-only. Both counts run in C (a regex, a set lookup mapped over the
    sample): this runs on every article, and a trial conversion cost as much as
    segmenting it.
    """
    sample = text[:4000]
    traditional = _traditional_only()
    if traditional.isdisjoint(sample):
        return text
    han = len(HAN.findall(sample))
    if not han or sum(map(traditional.__contains__, sample)) / han < 0.02:
        return text
    return str(_converter().convert(text))


# 協(xié)商議(yì)事室: sites that convert script add the reading after characters. A gloss
# is a toned pinyin syllable in brackets right after a character; an article with a few of
# them has them throughout, and a toneless one (的(de)) is then a gloss too. Capitals and
# digits in brackets (AED, PLA) are abbreviations and stay.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
TONED_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])\((?=[a-zü{_TONED}]{{1,6}}\))[a-zü]*[{_TONED}][a-zü]*\)")
ANY_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])\([a-zü{_TONED}]{{1,6}}\)")
GLOSSES_TO_TRUST = 3


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Where each character of a shortened text came from: ``cuts`` are (position in the
    result, characters removed before it), in order."""

    cuts: tuple[tuple[int, int], ...] = ()

    def to_source(self, pos: int) -> int:
        """The offset in the text before the removals of the character at ``pos`` after them."""
        removed = 0
        for at, total in self.cuts:
            if at > pos:
                break
            removed = total
        return pos + removed


def strip_glosses(text: str) -> tuple[str, OffsetMap]:
    """The text without pinyin glosses (協(xié)商 → 協商), and the map back to ``text``."""
    if "(" not in text:
        return text, OffsetMap()
    toned = len(TONED_GLOSS.findall(text, 0, 20000))
    if not toned:
        return text, OffsetMap()
    parts: list[str] = []
    cuts: list[tuple[int, int]] = []
    last = removed = 0
    for m in (ANY_GLOSS if toned >= GLOSSES_TO_TRUST else TONED_GLOSS).finditer(text):
        parts.append(text[last : m.start()])
        removed += m.end() - m.start()
        cuts.append((m.end() - removed, removed))
        last = m.end()
    parts.append(text[last:])
    return "".join(parts), OffsetMap(tuple(cuts))


_PRINTABLE: set[str] = set("\n\t")  # characters judged fine already (this process)


def drop_control_characters(text: str) -> str:
    """Without control, format, private-use and unassigned characters (\\n and \\t stay).

    Each distinct character is judged once per process, so an article costs a set
    difference, not a category lookup per character.
    """
    new = set(text)
    new -= _PRINTABLE
    bad = [ch for ch in new if unicodedata.category(ch)[0] == "C"]
    _PRINTABLE.update(new.difference(bad))
    return text.translate(dict.fromkeys(map(ord, bad))) if bad else text


def normalise(text: str) -> str:
    """NFKC, simplified script, one paragraph a line, junk and repeated furniture removed."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = to_simplified(strip_glosses(drop_control_characters(text))[0])
    lines = [MULTISPACE.sub(" ", line).strip() for line in text.split("\n")]
    lines = [JUMP_MARKER.sub("", line).strip() if "版" in line else line for line in lines]
    lines = [line for line in lines if line and not JUNK_LINE.match(line)]
    return "\n".join(_drop_repeated_furniture(lines))


def _drop_repeated_furniture(lines: list[str]) -> list[str]:
    """Drop short lines without sentence punctuation that occur more than once.

    Footers and captions repeated on every page of a scraped article look like this; a
    real sentence that happens to repeat is long or ends with punctuation and stays.
    """
    counts = Counter(line for line in lines if _is_furniture_shape(line))
    return [line for line in lines if counts.get(line, 0) < 2]


def _is_furniture_shape(line: str) -> bool:
    return len(line) <= 30 and not any(ch in line for ch in SENTENCE_END + ",,")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


def paragraphs(text: str) -> Iterator[Span]:
    """Lines of the normalised text, with offsets."""
    pos = 0
    for line in text.split("\n"):
        if line:
            yield Span(pos, pos + len(line), line)
        pos += len(line) + 1


def sentences(text: str) -> Iterator[Span]:
    """Sentences with offsets: cut after 。!?; (and a closing quote that follows), and at line ends.

    Quotes are not cut inside: a sentence end within “…” belongs to the quoted speech.
    """
    for para in paragraphs(text):
        start = 0
        depth = 0
        s = para.text
        resume = 0  # marks before this offset were consumed as closers of a sentence end
        for m in SENTENCE_MARK.finditer(s):
            i = m.start()
            if i < resume:
                continue
            ch = m.group()
            if ch in "“‘「『《":
                depth += 1
            elif ch in "”’」』》":
                depth -= 1 if depth else 0
            elif ch in SENTENCE_END and depth == 0:
                j = i + 1
                while j < len(s) and s[j] in CLOSERS:
                    j += 1
                yield Span(para.start + start, para.start + j, s[start:j])
                start = resume = j
        if start < len(s):
            yield Span(para.start + start, para.end, s[start:])
