"""The shape of the package: one import package, lanes between its parts, no import cycles,
small store modules, and a command line that starts without the extraction stack."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import ROOT

PACKAGES = ("ingest", "graph", "search", "api")  # the folders zxkg installs; nothing else is walked
STORE_MODULE_LINES = 450
HEAVY = ("jieba", "rjieba", "tantivy", "whoosh", "fastapi", "uvicorn", "networkx", "lxml", "zxkg.ingest.extract")


def _modules() -> dict[str, Path]:
    """Every module of the package by its installed name (zxkg.ingest.store.session …)."""
    out: dict[str, Path] = {}
    for folder in PACKAGES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(["zxkg", *parts])] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports at run time, anywhere in its body
    (imports inside functions count: a late import hides a cycle, it does not remove it)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            # from PKG import SUBMODULE depends on the submodule; from PKG import NAME on PKG
            subs = {f"{target}.{a.name}" for a in node.names} & modules.keys()
            found.update(subs)
            if target in modules and len(subs) < len(node.names):
                found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def _import_graph() -> nx.DiGraph[str]:
    modules = _modules()
    g: nx.DiGraph[str] = nx.DiGraph()
    for name, path in modules.items():
        g.add_node(name)
        for target in _imports(name, path, modules):
            g.add_edge(name, target)
    return g


def test_the_package_has_no_import_cycle() -> None:
    g = _import_graph()
    assert g.number_of_edges() > 100  # the walk sees the package's imports
    cycles = list(nx.simple_cycles(g))
    assert not cycles, "import cycles: " + "; ".join(" → ".join([*c, c[0]]) for c in cycles[:5])


def test_the_cycle_check_finds_a_cycle(tmp_path: Path) -> None:
    """The walk resolves relative imports, so a cycle written with them is seen."""
    (tmp_path / "a.py").write_text("from . import b\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("def f():\n    from .a import x\n", encoding="utf-8")
    modules = {"p.a": tmp_path / "a.py", "p.b": tmp_path / "b.py"}
    assert _imports("p.a", modules["p.a"], modules) == {"p.b"}
    assert _imports("p.b", modules["p.b"], modules) == {"p.a"}


@pytest.mark.parametrize(
    ("part", "never"),
    [
        ("ingest", {"search", "graph", "api"}),
        ("graph", {"search", "api"}),
        ("search", {"graph", "api"}),
    ],
)
def test_packages_keep_their_lanes(part: str, never: set[str]) -> None:
    """Data flows ingest → store → graph | search → api; only api combines packages."""
    g = _import_graph()
    for name in g:
        if name.split(".")[1] != part:
            continue
        crossed = {t.split(".")[1] for t in g.successors(name)} & never
        assert not crossed, f"{name} imports {crossed}"


def test_only_the_store_runs_sql_and_each_engine_stays_in_its_module() -> None:
    for name, path in _modules().items():
        tops: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                tops.add(node.module.split(".")[0])
        if not name.startswith("zxkg.ingest.store"):
            assert not tops & {"sqlite3", "sqlite_utils"}, name
        for engine in ("whoosh", "tantivy"):
            if name != f"zxkg.search.{engine}_engine":
                assert engine not in tops, name


def test_store_modules_hold_one_idea_each() -> None:
    store = sorted((ROOT / "ingest" / "store").glob("*.py"))
    assert len(store) >= 8
    for path in store:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= STORE_MODULE_LINES, f"{path.name}: {lines} lines"


def test_help_starts_without_the_extraction_stack() -> None:
    """``zxkg --help`` (and a command's --help) import the command modules only."""
    probe = (
        "import sys\n"
        "from zxkg.api.cli import main\n"
        "for args in (['--help'], ['adopters', '--help'], ['ingest', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Commands:" in result.stdout and "ingest" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
def test_the_wheel_installs_only_zxkg(tmp_path: Path) -> None:
    """``pip install .`` puts one import package into site-packages, and its data files."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("zxkg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {
        "zxkg",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }
    for needed in ("zxkg/api/cli/__init__.py", "zxkg/ingest/store/session.py", "zxkg/ingest/data/divisions.csv",
                   "zxkg/api/static/app.js", "zxkg/api/web/app.py"):  # fmt: skip
        assert needed in names
    assert not any(n.startswith("zxkg/__init__") for n in names)  # a namespace package
