"""The shape of the code, checked like behaviour: the layers' import contracts (import-linter,
configured in pyproject.toml), no import circle, every module placed in a layer, no import
hidden inside a function, no oversized file, and every job named by its dotted path exists."""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "appeals"
MAX_LINES = 600
# Data, not code: the seed's reference tables and the suggestion's training phrases.
DATA_FILES = {"appeals/reference/seed_data.py", "appeals/suggest/corpus.py"}


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("appeals")


def _layer_modules() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return [
        {name.strip() for name in layer.split(":") if name.strip()} for layer in contract["layers"]
    ]


def test_the_import_contracts_are_kept(capsys):
    """Pages and jobs above services, services above rules and models, those above the ground:
    no module imports a layer above its own (the report names the import that breaks it)."""
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0, capsys.readouterr().out


def test_no_import_circle_in_the_package(graph):
    """Strongly connected modules (Tarjan): any group of two or more is an import circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert circles == []


def test_every_module_is_placed_in_exactly_one_layer(graph):
    """A new module must be given its layer in pyproject.toml, or the contract cannot see it."""
    layers = _layer_modules()
    placed = [module for layer in layers for module in layer]
    assert len(placed) == len(set(placed)), "a module is in two layers"
    modules = {
        module
        for module in graph.modules
        if module != "appeals" and not graph.find_children(module)
    }
    assert modules - set(placed) == set(), "modules in no layer"
    assert set(placed) - modules == set(), "layers name modules that do not exist"


def _python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "translations" not in p.parts)


def test_no_import_is_hidden_inside_a_function():
    """Imports at the top of a module show its dependencies (and the contracts see them)."""
    hidden = []
    for path in _python_files():
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert hidden == []


def test_no_file_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _python_files()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
        and str(path.relative_to(ROOT)) not in DATA_FILES
    }
    assert long == {}


def _job_names() -> list[str]:
    """Every dotted path to a job function written in appeals/ ("appeals.x.jobs.name")."""
    names = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("appeals.")
                and ".jobs." in node.value
            ):
                names.add(node.value)
    return sorted(names)


def test_every_job_named_by_its_path_exists():
    """Services name jobs by dotted path instead of importing them: a typo would only show
    when RQ runs the job, so each name is resolved here."""
    names = _job_names()
    assert names, "no job is named by path"
    for name in names:
        module, _, function = name.rpartition(".")
        assert callable(getattr(importlib.import_module(module), function, None)), name
