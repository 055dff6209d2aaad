"""China's administrative divisions, with the aliases people write in news.

The table (``data/divisions.csv``) lists every province-, prefecture- and county-level
division with its code, level and parent; its provenance is in ``data/README.md``. Aliases
are derived by rule, never listed by hand: suffixes dropped (长沙市 → 长沙), the ethnic
part of autonomous names dropped (湘西土家族苗族自治州 → 湘西州, 湘西; 江华瑶族自治县 →
江华县, 江华). A short alias is weaker evidence than a full name; ``extract.regions``
decides when it is trusted.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from .matcher import FixedFormIndex
from .models import Entity

# The 55 officially recognised minority nationalities, as they appear in autonomous names.
ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 "
    "京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
_ETHNIC_RUN = re.compile("(?:" + "|".join(sorted((e + "族" for e in ETHNIC), key=len, reverse=True)) + ")+$")
# Names of three or more characters are unambiguous without 族 (新疆维吾尔自治区), and news
# often adds it (新疆维吾尔族自治区): both spellings are aliases.
_LONG_ETHNIC_BARE = re.compile("(" + "|".join(e for e in ETHNIC if len(e) >= 3) + ")(?!族)")
LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
# Banners of Inner Mongolia by wing and position: 察哈尔右翼后旗, 土默特左旗, 乌拉特前旗.
BANNER_WING = re.compile(r"([\u4e00-\u9fff]{2,4}?)(左翼|右翼|左|右)?([前中后])?旗")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str
    parent: str


@dataclass(frozen=True, slots=True)
class Alias:
    """One written form of a division. ``full`` is the official name itself."""

    form: str
    division: Division
    full: bool
    suffixed: bool  # the form keeps a level word (湘西州, 江华县): stronger than a bare short form


def _base_of_autonomous(name: str, suffix: str) -> str:
    stem = name[: -len(suffix)]
    m = _ETHNIC_RUN.search(stem)
    return stem[: m.start()] if m else stem


def derive_aliases(name: str, level: str) -> list[tuple[str, bool]]:
    """Written forms of an official name besides itself: ``[(form, keeps_level_word)]``."""
    forms: list[tuple[str, bool]] = []
    for suffix, word in (("自治区", ""), ("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(suffix):
            with_zu = _LONG_ETHNIC_BARE.sub(r"\1族", name)
            if with_zu != name:
                forms.append((with_zu, True))
                name = with_zu
            base = _base_of_autonomous(name, suffix)
            if len(base) >= 2:
                if word:
                    forms.append((base + word, True))
                forms.append((base, False))
            return forms
    if name.endswith("特别行政区"):
        return [(name[:-5], False)]
    if level == "province" and name.endswith(("省", "市")) and len(name) >= 3:
        return [(name[:-1], False)]
    if name.endswith("地区") and len(name) >= 4:
        return [(name[:-2], False)]
    banner = BANNER_WING.fullmatch(name)
    if banner and (banner.group(2) or banner.group(3)):
        # 察哈尔右翼后旗 → 察右后旗, 科尔沁左翼中旗 → 科左中旗, 土默特左旗 → 土左旗
        return [
            (name[:-1], False),
            (banner.group(1)[0] + (banner.group(2) or " ")[0].strip() + (banner.group(3) or "") + "旗", True),
        ]
    if name.endswith(("市", "县", "盟", "旗")) and len(name) >= 3:
        return [(name[:-1], False)]
    if name.endswith("新区") and len(name) >= 4:
        return [(name[:-2], False)]
    if name.endswith("区") and len(name) >= 3:
        # 冷水滩区 → 冷水滩; 金州区 → 金州 (a two-character stem is a weak form: extract.regions
        # wants the same evidence for it as for a county's short name)
        return [(name[:-1], False)]
    return forms


class Gazetteer:
    """Divisions by code and by every written form, built once and passed in."""

    def __init__(self, divisions: list[Division]) -> None:
        self.by_code = {d.code: d for d in divisions}
        forms: dict[str, list[Alias]] = defaultdict(list)
        for d in divisions:
            forms[d.name].append(Alias(d.name, d, full=True, suffixed=True))
            for form, suffixed in derive_aliases(d.name, d.level):
                forms[form].append(Alias(form, d, full=False, suffixed=suffixed))
        self.forms: dict[str, list[Alias]] = dict(forms)
        self.index = FixedFormIndex(self.forms)
        # Asked for again and again (every region an article names, its parents, their
        # entities): each is built once a process; Division and Entity are frozen, so one
        # object serves every article.
        self._ancestors: dict[str, tuple[Division, ...]] = {}
        self._entities: dict[str, tuple[Division, Entity]] = {}

    @classmethod
    def load(cls) -> Gazetteer:
        """The package's table, read once a process (90 ms): every context and command of a
        process (a server following its store, the tests) shares it, as nothing changes it."""
        return _package_gazetteer()

    @cached_property
    def longest_form(self) -> int:
        return max(map(len, self.forms))

    @cached_property
    def lengths_by_pair(self) -> dict[str, tuple[int, ...]]:
        """The lengths of the forms (two characters or more) that start with each pair of
        characters, longest first: where a text's pair starts no form, none is tried."""
        lengths: dict[str, set[int]] = defaultdict(set)
        for form in self.forms:
            if len(form) >= 2:
                lengths[form[:2]].add(len(form))
        return {pair: tuple(sorted(ls, reverse=True)) for pair, ls in lengths.items()}

    @cached_property
    def full_names(self) -> frozenset[str]:
        return frozenset(d.name for d in self.by_code.values())

    def lookup(self, form: str) -> list[Alias]:
        return self.forms.get(form, [])

    def ancestors(self, code: str) -> list[Division]:
        """Parent, grandparent … of a division (nearest first)."""
        known = self._ancestors.get(code)
        if known is None:
            out: list[Division] = []
            d = self.by_code.get(code)
            while d is not None and d.parent:
                d = self.by_code.get(d.parent)
                if d is not None:
                    out.append(d)
            known = self._ancestors[code] = tuple(out)
        return list(known)

    def province_of(self, code: str) -> Division | None:
        d = self.by_code.get(code)
        if d is None:
            return None
        return d if d.level == "province" else self.by_code.get(code[:2] + "0000")

    def entity(self, d: Division) -> Entity:
        known = self._entities.get(d.code)
        if known is not None and (known[0] is d or known[0] == d):
            return known[1]
        entity = self._entity(d)
        self._entities[d.code] = (d, entity)
        return entity

    def _entity(self, d: Division) -> Entity:
        prov = self.province_of(d.code)
        return Entity(
            kind="region",
            name=d.name,
            code=d.code,
            level=d.level,
            parent=d.parent,
            province=prov.name if prov else "",
        )

    def find(self, name: str) -> Division | None:
        """The division a user means by ``name`` (full or short form), if it is unique."""
        aliases = self.lookup(name.strip())
        if not aliases:
            return None
        best = min(LEVEL_RANK[a.division.level] + (0 if a.full else 3) for a in aliases)
        top = {a.division for a in aliases if LEVEL_RANK[a.division.level] + (0 if a.full else 3) == best}
        return next(iter(top)) if len(top) == 1 else None


@functools.cache
def _package_gazetteer() -> Gazetteer:
    ref = resources.files("zxkg.ingest") / "data" / "divisions.csv"
    with ref.open(encoding="utf-8") as fh:
        rows = [Division(r["code"], r["name"], r["level"], r["parent"]) for r in csv.DictReader(fh)]
    return Gazetteer(rows)
