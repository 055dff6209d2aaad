"""One error base class, a few subclasses; each edge maps them once.

The CLI turns any ``ZxkgError`` into ``Error: <message>`` and its ``exit_code``; the API
turns it into one JSON shape with ``status``. Messages name the valid choices, because a
user who typed ``gml`` wants to read ``graphml`` in the answer.
"""

from __future__ import annotations


class ZxkgError(Exception):
    exit_code = 1
    status = 500


class UsageError(ZxkgError):
    """The caller asked for something that does not exist or does not fit."""

    exit_code = 2
    status = 400


class NotFound(ZxkgError):
    """Nothing by that name; ``closest`` lists known names that look like it."""

    exit_code = 1
    status = 404

    def __init__(self, message: str, closest: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.closest = closest


class InputError(ZxkgError):
    """An input file cannot be read or parsed. Recorded as a failure, never fatal to a batch."""

    exit_code = 1
    status = 422


class StoreBusy(ZxkgError):
    """Another process is writing to the same data directory."""

    exit_code = 3
    status = 503


class StoreUnavailable(ZxkgError):
    """The database server went away (restarted, unreachable) in the middle of a command."""

    exit_code = 4
    status = 503


class StoreNotReady(ZxkgError):
    """The store is not there to read yet: a first ingest is creating it, or it is being
    replaced. It passes by itself; the API answers 503 with ``Retry-After``."""

    exit_code = 3
    status = 503
    retry_after = 2  # seconds


class AlreadyStored(ZxkgError):
    """Another writer stored the same text first (two ingesters racing on one article)."""

    exit_code = 1
    status = 409


def choices(name: str, value: str, valid: list[str] | tuple[str, ...]) -> UsageError:
    """Build the standard message for an unknown choice."""
    return UsageError(f"unknown {name} {value!r}; expected one of {', '.join(valid)}")
