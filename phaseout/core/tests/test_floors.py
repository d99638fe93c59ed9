"""The floors (STYLE decision 7): apps import only the floors below them, at module top level,
and no production module imports a test module. The contract is written once, in
pyproject.toml [tool.importlinter]; import-linter enforces it (also in .ci/run), and these
tests prove that it holds, that a wrong import breaks it with a message naming both modules
and the rule, that no import hides inside a function, and that docs/apps.md lists the same
floors."""

import ast
import importlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONTRACT_NAME = "Floors: every app imports only the floors below it"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Imports of project modules that may sit inside a function, each with its reason.
ALLOWED_INNER_IMPORTS = {
    # Panels of lower floors' pages register when the app registry is ready; importing the
    # module at the top of apps.py would load models before Django is set up.
    ("phaseout/standards/apps.py", "phaseout.standards"),  # from phaseout.standards import panels
}


def _layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["name"] == CONTRACT_NAME)
    return [{m.strip().removeprefix("phaseout.") for m in re.split(r"[|:]", layer)}
            for layer in contract["layers"]]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _production_modules():
    for path in sorted((ROOT / "phaseout").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "config").rglob("*.py")):
        yield path.relative_to(ROOT), ast.parse(path.read_text(encoding="utf-8"))


def _project_module(node: ast.AST) -> str | None:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [node.module]
    elif isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        return None
    return next((n for n in names if n.split(".")[0] in ("phaseout", "config")), None)


def _inner_imports(tree: ast.Module):
    """Project imports inside a function or method (module-level `if` blocks are top level)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if (module := _project_module(inner)) is not None:
                    yield inner.lineno, module


def test_the_floors_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_a_wrong_import_breaks_the_contract_naming_both_modules_and_the_rule(tmp_path):
    for part in ("phaseout", "config"):
        shutil.copytree(ROOT / part, tmp_path / part,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    # The registry reaching up into cases: exactly the kind of import the floors forbid.
    views = tmp_path / "phaseout" / "registry" / "views.py"
    views.write_text(views.read_text(encoding="utf-8")
                     + "\nfrom phaseout.cases.models import Case  # noqa\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"{CONTRACT_NAME} BROKEN" in result.stdout
    assert "phaseout.registry is not allowed to import phaseout.cases" in result.stdout
    assert "phaseout.registry.views -> phaseout.cases.models" in result.stdout


def test_no_project_import_hides_inside_a_function():
    hidden = [f"{path}:{line} imports {module}"
              for path, tree in _production_modules()
              for line, module in _inner_imports(tree)
              if (str(path), module) not in ALLOWED_INNER_IMPORTS]
    assert hidden == [], "move these imports to the top of their module:\n" + "\n".join(hidden)


def test_no_production_module_imports_a_test_module():
    wrong = []
    for path, tree in _production_modules():
        for node in ast.walk(tree):
            module = _project_module(node)
            if module and ".tests" in module:
                wrong.append(f"{path}:{node.lineno} imports {module}")
    assert wrong == []


def test_every_app_stands_on_a_floor():
    apps = {app.removeprefix("phaseout.") for app in settings.INSTALLED_APPS
            if app.startswith("phaseout.")}
    on_floors = set().union(*_layers())
    assert apps <= on_floors, f"put these apps on a floor in pyproject.toml: {apps - on_floors}"


def test_docs_apps_lists_the_floors_of_the_contract():
    """docs/apps.md has a table of the floors, top first; each row names the floor's apps
    in backticks. It must match the contract, so the map never drifts from the code."""
    text = (ROOT / "docs" / "apps.md").read_text(encoding="utf-8")
    table = text.split("## Floors", 1)[1].split("\n\n", 2)[1]
    documented = []
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        documented.append(set(re.findall(r"`([a-z_]+)`", cells[1])))
    assert documented == _layers()


def test_every_production_module_imports():
    """A module that names a function moved elsewhere fails here, not in production (the
    benchmarks and management commands are imported by no other test)."""
    failed = []
    for path, _tree in _production_modules():
        module = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
        try:
            importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 (every failure is reported)
            failed.append(f"{module}: {exc!r}")
    assert failed == []
