"""Does a store agree with itself and its search index? The checks and repairs behind ``zxkg check``.

What is checked, in this order:

- **store**: ``PRAGMA integrity_check`` finds the SQLite file sound (PostgreSQL keeps its
  own pages and the links between rows sound itself);
- **evidence**: every relation's and mention's offsets point at its quote in the article
  text (``text[start:end] == evidence``);
- **links**: no mention, relation, file or alias points at a missing article, entity or run;
- **adoptions**: the adoption pairs (one row per region and term, kept by the writer for
  fast adoption questions) are the aggregate of their relations;
- **reviews**: every review's relation still quotes the sentence it was made on (a relation
  added by hand included); reviews that judge no relation now (orphaned: the extractor no
  longer produces it) are named, not counted a problem;
- **runs**: no ingest run is still marked running (a process that died leaves it so);
- **index**: the search index holds exactly the store's articles, each once.

``repair`` fixes what can be fixed: findings that point at nothing are dropped and their
articles extracted again (a relation added by hand is written again from its review, where
its sentence is), reviews are never deleted (they are a researcher's work: a repair says
how many are orphaned), the adoption pairs computed again, stale runs are marked
interrupted, the index is synced (or rebuilt when it holds an article twice). A damaged
SQLite file is reported, not touched. It lives in ``search`` because it compares the store
with the index; the command line only parses, calls and prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zxkg.ingest.link import Context, extract
from zxkg.ingest.store import Store
from zxkg.ingest.store.records import MisplacedReview, OffsetMismatch, ReviewRow, RunningRun

from .index import SearchIndex

# How to mend a damaged file by hand: zxkg does not write to it.
RECOVER = "restore zxkg.db from a copy, or salvage it: sqlite3 zxkg.db .recover | sqlite3 recovered.db"


@dataclass(frozen=True, slots=True)
class Finding:
    name: str  # store, evidence, links, adoptions, reviews, runs, index
    ok: bool
    message: str
    repairable: bool = False
    note: bool = False  # ok, but worth a look (orphaned reviews)


@dataclass(slots=True)
class State:
    """What the checks found, with what a repair needs to know."""

    integrity: list[str] = field(default_factory=list)
    sound: str = "PRAGMA integrity_check finds the file sound"  # what a sound store is (Session.sound)
    checked: int = 0
    mismatches: list[OffsetMismatch] = field(default_factory=list)
    dangling: dict[str, int] = field(default_factory=dict)
    running: list[RunningRun] = field(default_factory=list)
    stale_pairs: list[str] = field(default_factory=list)
    reviews: int = 0
    orphaned: list[ReviewRow] = field(default_factory=list)
    misplaced: list[MisplacedReview] = field(default_factory=list)
    index_exists: bool = True
    stored: int = 0
    held: int = 0  # documents in the index
    missing: int = 0
    extra: int = 0

    @property
    def index_ok(self) -> bool:
        return (self.index_exists or self.stored == 0) and not self.missing and not self.extra and not self.twice

    @property
    def twice(self) -> int:
        """Documents beyond one per article."""
        return max(0, self.held - (self.stored - self.missing + self.extra))

    def findings(self, engine: str) -> list[Finding]:
        if self.integrity:
            shown = "; ".join(self.integrity[:3]) + (" …" if len(self.integrity) > 3 else "")
            return [Finding("store", False, f"PRAGMA integrity_check: {shown}; {RECOVER}")]
        out = [Finding("store", True, self.sound)]
        if self.mismatches:
            first = self.mismatches[0]
            out.append(
                Finding(
                    "evidence",
                    False,
                    f"{len(self.mismatches)} of {self.checked} findings, in "
                    f"{count(len({m.article for m in self.mismatches}), 'article')}, do not point at their quote "
                    f"(first: {first.table} #{first.id} of article {first.article}, rule {first.rule})",
                    repairable=True,
                )
            )
        else:
            out.append(Finding("evidence", True, f"all {self.checked} relations and mentions point at their quotes"))
        if self.dangling:
            listed = ", ".join(f"{n} {what}" for what, n in sorted(self.dangling.items()))
            out.append(Finding("links", False, f"rows that point at nothing: {listed}", repairable=True))
        else:
            out.append(Finding("links", True, "every mention, relation, file and alias points at a stored row"))
        if self.stale_pairs:
            shown = ", ".join(self.stale_pairs[:3]) + (" …" if len(self.stale_pairs) > 3 else "")
            out.append(Finding("adoptions", False, f"adoption pairs differ from their relations: {shown}", True))
        else:
            out.append(Finding("adoptions", True, "every adoption pair is the aggregate of its relations"))
        out.append(self._reviews())
        if self.running:
            listed = ", ".join(f"#{r.id} (started {r.started_at})" for r in self.running)
            out.append(Finding("runs", False, f"left running by an ingest that stopped: {listed}", repairable=True))
        else:
            out.append(Finding("runs", True, "no ingest run was left running"))
        if not self.index_exists and self.stored:
            out.append(Finding("index", False, f"no {engine} index for the store's {self.stored} articles", True))
        elif not self.index_ok:
            detail = f"{self.missing} missing, {self.extra} not in the store"
            if self.twice:
                detail += f", {self.twice} held twice"
            out.append(
                Finding(
                    "index",
                    False,
                    f"the {engine} index holds {self.held} documents for the store's {self.stored} articles ({detail})",
                    repairable=True,
                )
            )
        else:
            out.append(Finding("index", True, f"the {engine} index holds the store's {self.stored} articles"))
        return out

    def _reviews(self) -> Finding:
        if self.misplaced:
            moved = self.misplaced[0]
            return Finding(
                "reviews",
                False,
                f"{len(self.misplaced)} of {count(self.reviews, 'review')} judge a relation that no longer quotes"
                f" the sentence reviewed (first: review #{moved.review}, {moved.status}, relation"
                f" #{moved.relation} of article {moved.article});"
                " a repair extracts the article again and writes them from their reviews"
                + (f"; {len(self.orphaned)} orphaned, kept" if self.orphaned else ""),
                repairable=True,
            )
        if self.orphaned:
            first = self.orphaned[0]
            return Finding(
                "reviews",
                True,
                f"{len(self.orphaned)} of {count(self.reviews, 'review')} judge no relation the extractor produces"
                f" now, kept (first: #{first.id}, {first.status}, {first.region or first.subject_key} →"
                f" {first.term or first.object_key} in article {first.article});"
                " `zxkg review list --status orphaned` lists them",
                note=True,
            )
        if not self.reviews:
            return Finding("reviews", True, "no relation has been reviewed")
        return Finding("reviews", True, f"all {count(self.reviews, 'review')} judge a stored relation on its sentence")


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def inspect(store: Store, index: SearchIndex) -> State:
    """Run every check but the file's own (``Store.integrity_errors``), which must pass first."""
    state = State(sound=store.sound)
    state.checked, state.mismatches = store.offset_mismatches()
    state.dangling = store.dangling()
    state.stale_pairs = store.stale_adoption_pairs()
    reviews = store.reviews()
    state.reviews = len(reviews)
    state.orphaned = sorted((r for r in reviews if r.orphaned), key=lambda r: r.id)
    state.misplaced = store.misplaced_reviews()
    state.running = store.running_runs()
    ids = store.article_ids()
    state.stored = len(ids)
    state.index_exists = index.exists()
    if state.index_exists:
        engine = index.open()
        try:
            held = engine.ids()
            state.held = engine.count()
        finally:
            engine.close()
        state.missing, state.extra = len(ids - held), len(held - ids)
    else:
        state.missing = state.stored
    return state


def repair(store: Store, index: SearchIndex, ctx: Context, state: State) -> list[str]:
    """Fix what ``state`` found that can be fixed; returns what was done, one line each."""
    done: list[str] = []
    again: set[str] = {m.article for m in state.mismatches} | {m.article for m in state.misplaced}
    if state.dangling:
        changed, lost = store.repair_dangling()
        done.append("links: " + ", ".join(f"{what} {n}" for what, n in sorted(changed.items())))
        again |= lost
    if again:
        n = 0
        with index.indexer() as indexer:
            for old in store.extractions(again):
                new = extract(old.article, ctx)
                store.replace(new)
                indexer.add(new)
                n += 1
        done.append(f"evidence: extracted {n} articles again")
    if state.stale_pairs and not state.dangling:  # a links repair computes them again already
        store.rebuild_adoption_pairs()
        done.append("adoptions: computed the adoption pairs again")
    if state.misplaced:
        judged = {m.review for m in state.misplaced}
        written = [r for r in store.reviews() if r.id in judged and not r.orphaned]
        done.append(
            f"reviews: {count(len(written), 'relation')} of {len(state.misplaced)} judged again where their sentence"
            " is; no review deleted"
        )
    if state.orphaned:
        done.append(
            f"reviews: kept {count(len(state.orphaned), 'orphaned review')} (a researcher's work is not deleted)"
        )
    if state.running:
        ids = store.interrupt_runs()
        done.append("runs: marked " + ", ".join(f"#{i}" for i in ids) + " interrupted")
    if state.twice:
        held = index.reindex(store)
        done.append(f"index: rebuilt with {held} articles")
    else:
        report = index.sync(store)
        if report.added or report.removed or not state.index_exists:
            done.append(f"index: added {report.added} and removed {report.removed} articles ({report.total} held)")
    return done
