"""The README tells the truth about the command line and the store."""

from __future__ import annotations

import re

import click

from tests.conftest import ROOT
from zxkg.api.cli import COMMANDS, main
from zxkg.ingest.store import SCHEMA

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _table_after(heading: str) -> list[str]:
    """The rows of the first Markdown table under ``heading`` (a run of lines starting with |)."""
    rest = README[README.index(heading) :]
    lines = rest.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows[2:]  # past the header and the rule


def _commands() -> dict[str, click.Command]:
    ctx = click.Context(main)
    out: dict[str, click.Command] = {}
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None, name
        out[name] = command
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                found = command.get_command(ctx, sub)
                assert found is not None
                out[f"{name} {sub}"] = found
    return out


def test_every_command_is_a_row_of_the_command_table() -> None:
    rows = _table_after("## Command line")
    assert set(COMMANDS) <= set(_commands())
    missing = [name for name in COMMANDS if not any(row.startswith(f"| `zxkg {name}") for row in rows)]
    assert not missing, f"commands that are not rows of the README's command table: {missing}"


def test_every_option_of_every_command_is_documented() -> None:
    undocumented = []
    for name, command in _commands().items():
        for param in command.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            flags = [f for f in param.opts if f.startswith("--")]
            if flags and not any(re.search(rf"`[^`]*{re.escape(f)}\b", README) for f in flags):
                undocumented.append(f"zxkg {name} {flags[0]}")
    assert not undocumented, f"options the README never names: {undocumented}"


def test_the_data_model_table_names_every_table() -> None:
    tables = set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))
    rows = _table_after("## Data model")
    named = {m.group(1) for row in rows if (m := re.match(r"\| `(\w+)`", row))}
    assert tables and tables <= named, f"tables missing from the README's data model: {tables - named}"


def test_relations_help_points_at_the_scorer() -> None:
    command = _commands()["relations"]
    assert "../shared/eval/score.py" in (command.help or "")
    assert (ROOT.parent / "shared" / "eval" / "score.py").exists() or "shared" in (command.help or "")
