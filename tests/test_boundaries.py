"""The boundaries between the domains, as a tool checks them (docs/architecture.md, "Boundaries").

* ``lint-imports`` keeps every contract of pyproject.toml on the real tree, and breaks the right
  one when a copy of ``backend/`` is given a deliberate violation: a domain importing another
  domain's tables, core importing a domain, a layer importing one above it, accounts and
  residents importing each other, a private module of another domain.
* What import-linter cannot see: no module uses a private *name* (``registry._diff``,
  ``core.exchange._as_text``) of another domain or of core; checked here by walking the AST.
* Every domain with tables has its tables contract and its place in the layers, so a new domain
  cannot be added without them.
* No module over 400 lines outside the migrations.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 400

TEMPORARY_PRIVATE_USES: set[str] = set()  # none left; a new exception needs a reason here

TEMPORARY_LONG_MODULES: set[str] = set()  # none left


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` over the tree at ``root`` with the configuration of its pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "300", "NO_COLOR": "1"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def contract_names() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [contract["name"] for contract in config["tool"]["importlinter"]["contracts"]]


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    """A copy of backend/ and pyproject.toml, for deliberate violations."""
    root = tmp_path_factory.mktemp("boundaries")
    shutil.copytree(ROOT / "backend", root / "backend", ignore=shutil.ignore_patterns("__pycache__", "*.mo", "locale"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_real_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in contract_names():
        assert f"{name} KEPT" in result.stdout, f"{name!r} not reported kept:\n{result.stdout}"


VIOLATIONS = [
    # (a new module in the copy, what it imports, the contract it breaks)
    (
        "backend/stipends/_probe.py",
        "from backend.residents.tables import Resident",
        "Only the residents domain reads its tables (others' tables modules: for foreign keys)",
    ),
    (
        "backend/deaths/services/_probe.py",
        "from backend.registry.tables import County",
        "Only the registry reads its tables (others' tables modules: for foreign keys)",
    ),
    (
        "backend/residents/services/_probe.py",
        "from backend.deaths.tables import DeathRecord",
        "Only the deaths domain reads its tables",
    ),
    ("backend/core/_probe.py", "from backend.registry import services", "core imports no domain"),
    (
        "backend/registry/_probe.py",
        "from backend.residents import services",
        "Layers: core, registry, accounts | residents, deaths | staffing, stipends | safety, inspections, reports | notices, then the glue",
    ),
    (
        "backend/accounts/_probe.py",
        "from backend.residents import services",
        "Layers: core, registry, accounts | residents, deaths | staffing, stipends | safety, inspections, reports | notices, then the glue",
    ),
    (
        "backend/stipends/_probe.py",
        "from backend.deaths.services._report import _apply",
        "Private modules stay inside their package",
    ),
]


@pytest.mark.parametrize(("module", "line", "contract"), VIOLATIONS, ids=[v[0] + ": " + v[1] for v in VIOLATIONS])
def test_a_deliberate_violation_breaks_its_contract(tree_copy, module, line, contract):
    probe = tree_copy / module
    probe.write_text(f'"""A deliberate violation."""\n\n{line}  # noqa: F401\n', encoding="utf-8")
    try:
        result = lint_imports(tree_copy)
    finally:
        probe.unlink()
    assert result.returncode != 0, result.stdout
    assert f"{contract} BROKEN" in result.stdout, result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    imported = line.split()[1]
    assert f"{importer} -> {imported}" in result.stdout, result.stdout


def test_a_tables_module_may_import_another_domains_tables_for_a_foreign_key(tree_copy):
    """The documented exception: deaths.tables (FKs to residents and registry) is kept."""
    source = (tree_copy / "backend/deaths/tables.py").read_text(encoding="utf-8")
    assert "from backend.residents.tables import Resident" in source
    assert "from backend.registry.tables import" in source
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout


# --- private names --------------------------------------------------------------------------


def _owner(module: str) -> str:
    """The domain (or core, or one glue module) a module belongs to: its first two parts."""
    return ".".join(module.split(".")[:2])


def _is_private(name: str) -> bool:
    return name.startswith("_") and name != "_" and not (name.startswith("__") and name.endswith("__"))


def _module_of(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(root: Path, dotted: str) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (base := _dotted(node.value)) is not None:
        return f"{base}.{node.attr}"
    return None


def _from_import(root: Path, here: str, node: ast.ImportFrom, uses: set[str], modules: dict[str, str]) -> None:
    """Record the private module or names a ``from backend.… import …`` of another domain uses,
    and the other domains' modules it binds (for ``module._name`` later)."""
    if _owner(node.module) == _owner(here):
        return
    parts = node.module.split(".")
    private_parts = [i for i, part in enumerate(parts) if _is_private(part)]
    if private_parts:
        uses.add(f"{here} -> {'.'.join(parts[: private_parts[0] + 1])}")
    for alias in node.names:
        target = f"{node.module}.{alias.name}"
        if _is_private(alias.name):
            uses.add(f"{here} -> {target}")
        elif _is_module(root, target):
            modules[alias.asname or alias.name] = target


def private_name_uses(root: Path) -> set[str]:
    """``importer -> the private thing`` for every use of a private module or name of another
    domain (``from backend.x.services import _name``, ``from backend.x.services._mod import y``,
    ``x_services._name`` through a module imported from another domain)."""
    uses: set[str] = set()
    for path in sorted((root / "backend").rglob("*.py")):
        if "piccolo_migrations" in path.parts:
            continue
        here = _module_of(root, path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules: dict[str, str] = {}  # local name -> a module of another domain
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("backend."):
                _from_import(root, here, node, uses, modules)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("backend.") and _owner(alias.name) != _owner(here):
                        modules[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _is_private(node.attr) and _dotted(node.value) in modules:
                uses.add(f"{here} -> {modules[_dotted(node.value)]}.{node.attr}")
    return uses


def test_no_private_name_of_another_domain():
    uses = private_name_uses(ROOT)
    assert uses - TEMPORARY_PRIVATE_USES == set(), "private names used across domains"
    assert TEMPORARY_PRIVATE_USES - uses == set(), "gone: remove from TEMPORARY_PRIVATE_USES (and pyproject.toml)"


def test_the_private_name_check_catches_a_violation(tree_copy):
    probe = tree_copy / "backend/deaths/probe.py"
    probe.write_text(
        "from backend.core.exchange import _as_text\n"
        "from backend.registry import services as registry\n"
        "from backend.deaths.services._common import _aware\n"  # the same domain: allowed
        "\n\nasync def f():\n    return await registry._parameter_rows(1), _as_text(1), _aware(None)\n",
        encoding="utf-8",
    )
    try:
        uses = private_name_uses(tree_copy)
    finally:
        probe.unlink()
    assert "backend.deaths.probe -> backend.core.exchange._as_text" in uses
    assert "backend.deaths.probe -> backend.registry.services._parameter_rows" in uses
    assert not any(use.startswith("backend.deaths.probe -> backend.deaths") for use in uses)


# --- no other domain's table through a tables module -----------------------------------------
# A domain's tables.py may import another domain's tables for its foreign keys, so the contracts
# cannot see `from backend.deaths.tables import Resident` in a deaths service: a name imported from
# a domain's tables module must be a table that module defines itself.


def _defined_in(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def tables_borrowed(root: Path) -> set[str]:
    """``module -> tables_module.Name`` for each name taken from a tables module that does not
    define it (another domain's table reached through this domain's tables)."""
    backend = root / "backend"
    defined = {
        _module_of(root, path): _defined_in(ast.parse(path.read_text(encoding="utf-8"))) for path in backend.glob("*/tables.py")
    }
    found = set()
    for path in backend.rglob("*.py"):
        if "piccolo_migrations" in path.parts:
            continue
        here = _module_of(root, path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in defined:
                for alias in node.names:
                    if alias.name not in defined[node.module]:
                        found.add(f"{here} -> {node.module}.{alias.name}")
    return found


def test_no_other_domains_table_through_a_tables_module():
    assert tables_borrowed(ROOT) == set()


def test_borrowing_a_table_through_a_tables_module_is_caught(tree_copy):
    probe = tree_copy / "backend/deaths/services/probe.py"
    probe.write_text(
        "from backend.deaths.tables import DeathRecord, Resident\n\n\nasync def f():\n"
        "    await Resident.update({Resident.name: 'x'}).where(Resident.id == 1)\n",
        encoding="utf-8",
    )
    try:
        borrowed = tables_borrowed(tree_copy)
    finally:
        probe.unlink()
    assert borrowed == {"backend.deaths.services.probe -> backend.deaths.tables.Resident"}


# --- every domain is covered ----------------------------------------------------------------


def test_every_domain_has_its_tables_contract_and_its_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contracts = {contract["id"]: contract for contract in config["contracts"]}
    layers = " ".join(contracts["layers"]["layers"])
    domains = sorted(path.parent.name for path in (ROOT / "backend").glob("*/tables.py") if path.parent.name != "core")
    assert {"registry", "accounts", "residents", "deaths", "stipends"} <= set(domains)
    for domain in domains:
        assert f"backend.{domain}" in layers.replace("|", " ").replace(":", " ").split(), domain
        tables = contracts.get(f"{domain}-tables")
        assert tables is not None and tables["forbidden_modules"] == [f"backend.{domain}.tables"], domain
        others = {f"backend.{other}" for other in domains if other != domain} | {"backend.core"}
        assert others <= set(tables["source_modules"]), domain
    glue = {path.stem for path in (ROOT / "backend").glob("*.py") if path.stem != "__init__"}
    glue |= {path.parent.name for path in (ROOT / "backend").glob("*/__init__.py")} - set(domains) - {"core", "locale"}
    top = contracts["layers"]["layers"][0].split(":")
    assert {f"backend.{name}" for name in glue} == {item.strip() for item in top}


# --- small modules --------------------------------------------------------------------------


def test_no_module_over_400_lines():
    long = {}
    for path in sorted((ROOT / "backend").rglob("*.py")):
        if "piccolo_migrations" in path.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long[path.relative_to(ROOT).as_posix()] = lines
    assert {name: n for name, n in long.items() if name not in TEMPORARY_LONG_MODULES} == {}
    assert TEMPORARY_LONG_MODULES - set(long) == set(), "now short enough: remove from TEMPORARY_LONG_MODULES"
