"""From a saved Extraction to the document every engine indexes.

During ingest the Extraction carries the Segmenter's tokens of the article text, so the
body is segmented once, by ingest. An Extraction read back from the store (reindex, or an
article the index missed) has no tokens and is segmented here.

Entities are indexed generically by kind: whatever kinds the store holds (region,
document, mechanism, brand …) become fields. Regions also bring their ancestors and their
division codes, so that a filter on 湖南省 finds its cities and counties.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.models import Entity, Extraction
from zxkg.ingest.segment import Segmenter

from .models import EvidenceSentence, IndexDoc
from .terms import Terms

NOT_EVIDENCE = frozenset({"mentions", "part_of"})  # every other predicate states something a region did


class DocBuilder:
    """Builds ``IndexDoc`` records; one per process, shared by ingest and reindex."""

    def __init__(self, segmenter: Segmenter, gazetteer: Gazetteer) -> None:
        self.terms = Terms(segmenter)
        self.gazetteer = gazetteer

    def build(self, ex: Extraction) -> IndexDoc:
        a = ex.article
        tokens: tuple[str, ...] = ex.tokens
        if not tokens or sum(map(len, tokens)) != len(a.text):
            tokens = tuple(self.terms.segmenter.cut(a.text))
        entities: dict[str, Entity] = {}
        for m in ex.mentions:
            entities.setdefault(m.entity.key, m.entity)
        for r in ex.relations:
            entities.setdefault(r.subject.key, r.subject)
            entities.setdefault(r.object.key, r.object)
        regions = [e for e in entities.values() if e.kind == "region"]
        by_kind: dict[str, list[str]] = {}
        for e in entities.values():
            if e.kind not in ("region", "article"):
                by_kind.setdefault(e.kind, []).append(e.name)
        evidence = sorted(
            {
                EvidenceSentence(
                    predicate=r.predicate,
                    subject=r.subject.name,
                    subject_kind=r.subject.kind,
                    object=r.object.name,
                    object_kind=r.object.kind,
                    quote=r.evidence.quote,
                    start=r.evidence.start,
                    end=r.evidence.end,
                )
                for r in ex.relations
                if r.predicate not in NOT_EVIDENCE
            },
            key=lambda s: (s.start, s.predicate, s.subject, s.object),
        )
        spans = sorted({(s.start, s.end) for s in evidence})
        return IndexDoc(
            id=a.id,
            title=a.title,
            text=a.text,
            date=a.date,
            source=a.source,
            file=a.file,
            title_terms=self.terms.of_text(a.title),
            body_terms=self.terms.positions(tokens),
            source_terms=self.terms.of_text(a.source),
            evidence_terms=self.terms.sentences(tokens, spans),
            regions=_unique(e.name for e in regions),
            region_tree=self.region_tree(regions),
            provinces=_unique(e.province for e in regions if e.province),
            entities=tuple((kind, _unique(names)) for kind, names in sorted(by_kind.items())),
            evidence=tuple(evidence),
        )

    def region_tree(self, regions: list[Entity]) -> tuple[str, ...]:
        """Names and codes of the regions and of every division above them."""
        out: list[str] = []
        for e in regions:
            out.append(e.name)
            if e.code:
                out.append(e.code)
                for parent in self.gazetteer.ancestors(e.code):
                    out += [parent.name, parent.code]
        return _unique(out)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
