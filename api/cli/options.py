"""What the commands share: the options every command takes, the graph filters, and the
one way errors leave (``Error: <message>`` on stderr and the error's exit code).

Light on purpose: ``zxkg --help`` imports this and every command module, and nothing here
loads the store, the extraction stack or a search engine.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from zxkg.ingest.errors import ZxkgError
from zxkg.search.engine import DEFAULT_ENGINE, ENGINES, POSTGRES_ENGINE

if TYPE_CHECKING:
    from zxkg.graph.models import Filters

F = TypeVar("F", bound=Callable[..., Any])

data_option = click.option(
    "--data",
    "--store",
    "data",
    envvar=["ZXKG_STORE", "ZXKG_DATA"],
    default=None,
    metavar="DIR|URL",
    help="The store: a data directory (default ./zxkg-data) or a postgresql:// URL (env ZXKG_STORE or ZXKG_DATA).",
)

engine_option = click.option(
    "--engine",
    default=None,
    envvar="ZXKG_SEARCH_ENGINE",
    help=f"Search engine of a data directory ({', '.join(ENGINES)}; default {DEFAULT_ENGINE}); a PostgreSQL "
    f"store searches with its own tables ({POSTGRES_ENGINE}) (env ZXKG_SEARCH_ENGINE).",
)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def location(value: str | None) -> str:
    """The store of ``--data``/``--store``: a data directory, or a ``postgresql://`` URL."""
    from zxkg.ingest.store import location_from

    return location_from(value)


def data_dir(value: str | None) -> Path:
    """The data directory of ``--data`` for the commands that work on one (SQLite's)."""
    from zxkg.ingest.errors import UsageError
    from zxkg.ingest.store import is_postgres, location_from

    where = location_from(value)
    if is_postgres(where):
        raise UsageError("this command works on a data directory, not on a PostgreSQL store")
    return Path(where)


def handle_errors(fn: F) -> F:
    """zxkg's errors become ``Error: …`` and their exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ZxkgError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


def filter_options(fn: F) -> F:
    """The options every graph command shares; ``make_filters`` turns them into ``Filters``."""
    options = [
        click.option("--kind", "kinds", multiple=True, help="Only entities of this kind (repeatable)."),
        click.option("--predicate", "predicates", multiple=True, help="Only this predicate (repeatable)."),
        click.option("--region", "region", default="", help="Only this region and everything under it."),
        click.option("--since", default="", metavar="DATE", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", default="", metavar="DATE", help="Up to this date, inclusive."),
        click.option("--min-articles", default=0, type=click.IntRange(min=0), help="Relations in at least N articles."),
        click.option(
            "--min-confidence", default=0.0, type=click.FloatRange(0, 1), help="Relations of at least this confidence."
        ),
        click.option(
            "--include-rejected",
            is_flag=True,
            help="Keep the relations a reviewer rejected (marked rejected in the review column).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def make_filters(kw: dict[str, Any], terms: Sequence[str] = ()) -> Filters:
    """The ``Filters`` of ``filter_options``' values (taken out of ``kw``)."""
    from zxkg.graph.models import KINDS, PREDICATES, Filters
    from zxkg.ingest.datespec import check_date
    from zxkg.ingest.errors import choices

    # checked here, as the API checks them, before any command may drop what it does not use
    for kind in kw.get("kinds", ()):
        if kind not in KINDS:
            raise choices("kind", kind, KINDS)
    for predicate in kw.get("predicates", ()):
        if predicate not in PREDICATES:
            raise choices("predicate", predicate, PREDICATES)
    for name in ("since", "until"):
        check_date(kw.get(name, ""), f"--{name}")
    return Filters(
        kinds=tuple(kw.pop("kinds", ())),
        predicates=tuple(kw.pop("predicates", ())),
        region=kw.pop("region", ""),
        since=kw.pop("since", ""),
        until=kw.pop("until", ""),
        min_articles=kw.pop("min_articles", 0),
        min_confidence=kw.pop("min_confidence", 0.0),
        terms=tuple(terms),
        include_rejected=kw.pop("include_rejected", False),
    )
