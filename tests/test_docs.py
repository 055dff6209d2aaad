"""The README tells the truth about the command line and the store."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import click
import pytest

from tests.conftest import ROOT, SEED, run_cli
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


def _node_link_recipe() -> str:
    """The README's Python block that reads the ``json`` export into networkx."""
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    (recipe,) = [b for b in blocks if "node_link_graph" in b]
    return recipe


@pytest.fixture(scope="module")
def node_link_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``json`` export of the seed article, as ``graph.json`` in a folder of its own."""
    where = tmp_path_factory.mktemp("recipe")
    assert run_cli("ingest", "--data", str(where / "data"), "--quiet", str(SEED)).returncode == 0
    ran = run_cli("export", "--data", str(where / "data"), "-f", "json", "-o", str(where / "graph.json"))
    assert ran.returncode == 0, ran.stderr
    return where


def _counts(folder: Path) -> tuple[int, int]:
    data = json.loads((folder / "graph.json").read_text(encoding="utf-8"))
    return len(data["nodes"]), len(data["edges"])


def test_the_node_link_recipe_reads_an_export(node_link_export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recipe, run as written with the installed networkx, gives every node and edge."""
    import networkx as nx

    monkeypatch.chdir(node_link_export)
    scope: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no FutureWarning of a keyword about to change
        exec(compile(_node_link_recipe(), "README.md", "exec"), scope)
    g = scope["g"]
    assert isinstance(g, nx.MultiDiGraph)
    nodes, edges = _counts(node_link_export)
    assert nodes and edges and (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)


@pytest.mark.slow
def test_the_node_link_recipe_runs_on_networkx_before_3_4(node_link_export: Path, tmp_path: Path) -> None:
    """The same recipe under networkx 3.3, installed from the package index into a folder of
    its own and run in a process of its own, where it shadows the installed networkx."""
    old = tmp_path / "nx33"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(old), "networkx==3.3"]
    installed = subprocess.run(pip, capture_output=True, text=True, timeout=300)
    if installed.returncode != 0:
        pytest.skip(f"NOT RUN on networkx 3.3: pip could not install it ({installed.stderr.strip()[-200:]})")
    script = _node_link_recipe() + "\nprint(nx.__version__, g.number_of_nodes(), g.number_of_edges())\n"
    env = {**os.environ, "PYTHONPATH": str(old)}
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=node_link_export, env=env, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    nodes, edges = _counts(node_link_export)
    assert ran.stdout.split() == ["3.3", str(nodes), str(edges)]
