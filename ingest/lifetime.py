"""Child processes that end with the process that started them.

A process killed with ``kill -9`` cannot tell its children to stop. A child that waits on
a pipe its siblings keep open then waits for ever, and it keeps what it inherited: for a
forked child, the data directory's write lock, so that every later ingest is refused.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_registered = False


def _exit_with(parent_pid: int) -> None:
    """Block until ``parent_pid`` is no longer this process's parent, then exit (a thread's target)."""
    while os.getppid() == parent_pid:
        time.sleep(1)
    os._exit(1)


def watch_parent(parent_pid: int) -> None:
    """End this process when ``parent_pid`` ends: at once on Linux, within a second elsewhere."""
    with contextlib.suppress(OSError, AttributeError):
        if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
            if os.getppid() != parent_pid:  # it ended before the signal was asked for
                os._exit(1)
            return
    threading.Thread(target=_exit_with, args=(parent_pid,), daemon=True, name="zxkg-orphan-watch").start()


def forked_children_die_with_this_process() -> None:
    """From now on, every child this process forks ends when this process ends.

    For children that libraries fork for us (whoosh's sub-writers), where there is no
    initializer to pass. Forked, not spawned: ``os.register_at_fork`` runs in the child
    before the library's code does.
    """
    global _registered
    if _registered:
        return
    _registered = True
    parents: dict[str, int] = {}
    os.register_at_fork(
        before=lambda: parents.__setitem__("pid", os.getpid()),
        after_in_child=lambda: watch_parent(parents["pid"]),
    )
