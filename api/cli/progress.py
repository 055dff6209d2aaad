"""What a long ``zxkg ingest`` says while it runs.

The file list is known before the first article is read (the walk is quick next to the
extraction), so the bar has a total, a percentage and an estimate of the time left. On a
terminal that is tqdm's bar on stderr; when stderr is a file or a pipe (a job's log, CI),
a short line every ``ZXKG_PROGRESS_SECONDS`` seconds (default 10) says the same, because
a bar's carriage returns make an unreadable log and silence looks like a hang. The last
seconds of an ingest are spent on no file (the store's indexes, the search index's
commit): each of those stages is named as it starts (in a log, once the ingest has run
for that interval: a short ingest's log stays its summary line).
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any

import click

DEFAULT_SECONDS = 10.0


class Progress:
    """Files done out of ``total``, on a bar (a terminal) or as periodic lines (anything else)."""

    def __init__(self, total: int, out: IO[str] | None = None, every: float | None = None) -> None:
        self.total = max(total, 1)
        self.out = out or sys.stderr
        self.started = time.monotonic()
        self.done = 0
        self._last_file = ""
        self._last_line = self.started
        env = os.environ.get("ZXKG_PROGRESS_SECONDS", "")
        self.every = every if every is not None else float(env) if env else DEFAULT_SECONDS
        self.bar: Any = None
        if self.out.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit=" files", desc="ingest", leave=False, file=self.out)

    def tick(self, origin: str) -> None:
        """An article of ``origin`` was read; a JSON file's records (``path:n``) count as one file."""
        file = origin.rpartition(":")[0] if origin.rpartition(":")[2].isdigit() else origin
        if file == self._last_file:
            return
        self._last_file = file
        self.done = min(self.done + 1, self.total)
        if self.bar is not None:
            self.bar.update(1)
        elif time.monotonic() - self._last_line >= self.every:
            self._line(self.status())

    def stage(self, what: str) -> None:
        """The ingest moved on to ``what`` (no more files: indexes, the search index …)."""
        if self.bar is not None:
            self.bar.set_description(what)
            self.bar.refresh()
        elif time.monotonic() - self.started >= self.every:  # a short ingest's log stays one line
            self._line(f"{self.status()}; {what}")

    def status(self) -> str:
        elapsed = time.monotonic() - self.started
        share = self.done / self.total
        left = elapsed / self.done * (self.total - self.done) if self.done else None
        eta = "" if left is None or self.done == self.total else f", about {duration(left)} left"
        return f"ingest: {self.done}/{self.total} files ({share:.0%}), {duration(elapsed)} elapsed{eta}"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def _line(self, text: str) -> None:
        self._last_line = time.monotonic()
        click.echo(text, file=self.out)


def duration(seconds: float) -> str:
    """``4.2 s``, ``3 min 05 s``, ``2 h 07 min``: a span a person reads at a glance."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
