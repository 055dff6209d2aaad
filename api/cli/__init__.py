"""The ``zxkg`` command line: one click group, each command in its own module.

Commands load when they run (``LazyGroup``): ``zxkg --help`` imports only the small
command modules, never the extraction stack, a search engine or the web app. Every
command takes ``--data DIR`` (or ``ZXKG_DATA``; default ``./zxkg-data``). Errors of zxkg
become ``Error: <message>`` on stderr and the error's exit code, never a traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# name → "module:attribute" under zxkg.api.cli, in the order --help lists them
COMMANDS = {
    "ingest": "ingest:ingest",
    "relations": "relations:relations",
    "stats": "stats:stats",
    "search": "search:search",
    "adopters": "graph:adopters_command",
    "region": "graph:region_command",
    "timeline": "graph:timeline_command",
    "diffusion": "diffusion:diffusion_command",
    "leaders": "diffusion:leaders_command",
    "communities": "diffusion:communities_command",
    "similar": "diffusion:similar_command",
    "export": "export:export_command",
    "lexicon": "lexicon:lexicon",
    "reextract": "lexicon:reextract",
    "review": "review:review",
    "reindex": "search:reindex",
    "check": "check:check",
    "migrate": "migrate:migrate",
    "serve": "serve:serve",
}


class LazyGroup(click.Group):
    """A group whose commands are imported by name when they are asked for."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy, *sorted(set(super().list_commands(ctx)) - set(self.lazy))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zxkg")
def main() -> None:
    """zxkg: a knowledge graph and full-text search over Chinese committee (政协) news."""


if __name__ == "__main__":
    main()
