"""Pages of regions and terms for the API's lists, filtered by part of a name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .records import RegionListing, TermListing
from .session import Session


class Listings(Session):
    """Lists a page at a time, with the total."""

    def region_list(self, name_like: str, limit: int, offset: int) -> tuple[int, list[RegionListing]]:
        """Regions named in at least one article, most articles first: (total, page)."""
        where = "e.kind = 'region' AND e.code != ''" + (" AND e.name LIKE ? ESCAPE '\\'" if name_like else "")
        params: list[Any] = [_contains(name_like)] if name_like else []
        total = self.conn.execute(
            f"SELECT count(*) FROM entities e WHERE {where} AND EXISTS"
            " (SELECT 1 FROM mentions m WHERE m.entity = e.id)",
            params,
        ).fetchone()[0]
        rows = self.conn.execute(
            "SELECT e.name, e.code, e.level, e.province, e.parent, count(DISTINCT m.article) AS articles"
            f" FROM entities e JOIN mentions m ON m.entity = e.id WHERE {where}"
            " GROUP BY e.id ORDER BY articles DESC, e.code LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        page = [
            RegionListing(name, code, level or "", province or "", parent or "", articles)
            for name, code, level, province, parent, articles in rows
        ]
        return int(total), page

    def term_list(self, kinds: Sequence[str], name_like: str, limit: int, offset: int) -> tuple[int, list[TermListing]]:
        """Mechanisms/brands/documents with how many regions adopted them and in how many articles."""
        marks = ", ".join("?" for _ in kinds)
        where = f"e.kind IN ({marks})" + (" AND e.name LIKE ? ESCAPE '\\'" if name_like else "")
        params: list[Any] = [*kinds, *([_contains(name_like)] if name_like else [])]
        total = self.conn.execute(
            f"SELECT count(*) FROM entities e WHERE {where} AND EXISTS"
            " (SELECT 1 FROM mentions m WHERE m.entity = e.id)",
            params,
        ).fetchone()[0]
        rows = self.conn.execute(
            "SELECT e.key, e.name, e.kind, e.attrs,"
            " (SELECT count(*) FROM adoption_pairs p WHERE p.term_key = e.key) AS adopters,"
            " (SELECT count(DISTINCT m.article) FROM mentions m WHERE m.entity = e.id) AS articles"
            f" FROM entities e WHERE {where} AND EXISTS (SELECT 1 FROM mentions m WHERE m.entity = e.id)"
            " ORDER BY adopters DESC, articles DESC, e.name LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        out = [TermListing(*row) for row in rows]
        aliases: dict[str, list[str]] = {}
        keys = [r.key for r in out]
        if keys:
            marks = ", ".join("?" for _ in keys)
            for alias, key in self.conn.execute(
                f"SELECT x.alias, e.key FROM aliases x JOIN entities e ON e.id = x.entity"
                f" WHERE e.key IN ({marks}) ORDER BY x.alias",
                keys,
            ):
                aliases.setdefault(key, []).append(alias)
        return int(total), [r._replace(aliases=tuple(aliases.get(r.key, ()))) for r in out]


def _contains(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) for names containing ``text`` as typed: a % or _
    in it matches itself, not any characters."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
