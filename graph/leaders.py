"""Which regions lead: how early they adopt what others adopt later.

For each dated adoption of a term with other dated adopters, its *precedence* is the share
of the term's other adopters that adopted strictly after it (partial dates compare as in
``graph.cascade``: before means ended before the other began). An adoption *leads* when
it precedes more than half of the others. A region's standing is the number of its
adoptions that lead, then their share of its counted adoptions, then its mean precedence:
a region that led once in one adoption does not outrank one that led in twenty of
twenty-five.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

from .cascade import date_span
from .models import Filters
from .names import Names
from .query import adoption_table


@dataclass(frozen=True, slots=True)
class Leader:
    """A region's record as an early adopter."""

    region_key: str
    region: str
    code: str
    level: str
    province: str
    adoptions: int  # dated adoptions of terms that others adopted too
    leads: int  # of them, those that came before more than half of the term's other adopters
    first: int  # of them, those no other adopter preceded
    precedence: float  # mean share of the other adopters that came later

    @property
    def lead_share(self) -> float:
        return self.leads / self.adoptions if self.adoptions else 0.0


def leaders(names: Names, filters: Filters = Filters(), min_adoptions: int = 1, limit: int = 50) -> tuple[Leader, ...]:
    """Regions ranked by how early they adopt what others adopt later (see the module)."""
    spans: dict[str, list[tuple[str, date, date]]] = {}
    info: dict[str, tuple[str, str, str, str]] = {}
    for a in adoption_table(names, filters):
        span = date_span(a.first_date)
        if span is None:
            continue
        info.setdefault(a.region_key, (a.region, a.code, a.level, a.province))
        spans.setdefault(a.term_key, []).append((a.region_key, *span))
    counted: dict[str, list[float]] = {}
    firsts: dict[str, int] = {}
    for rows in spans.values():
        if len(rows) < 2:
            continue
        starts = sorted(start for _, start, _ in rows)
        ends = sorted(end for _, _, end in rows)
        others = len(rows) - 1
        for key, start, end in rows:
            later = len(starts) - bisect.bisect_right(starts, end)
            counted.setdefault(key, []).append(later / others)
            if bisect.bisect_left(ends, start) == 0:  # nobody ended before it began
                firsts[key] = firsts.get(key, 0) + 1
    out = []
    for key, shares in counted.items():
        if len(shares) < min_adoptions:
            continue
        region, code, level, province = info[key]
        leads = sum(1 for s in shares if s > 0.5)
        precedence = sum(shares) / len(shares)
        out.append(Leader(key, region, code, level, province, len(shares), leads, firsts.get(key, 0), precedence))
    out.sort(key=lambda r: (-r.leads, -r.lead_share, -r.precedence, r.code, r.region_key))
    return tuple(out[:limit])
