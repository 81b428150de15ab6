"""The import structure, read from the source with `ast` (imports inside functions included):
no cycle between modules or between packages, nothing imports upward (cli, then the package
root's create_app, then web, sit on top), and the Zalo API client stays Flask-free."""
import ast
import graphlib
import shutil
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1]
ROOT = "zalo_oa"
CLI, WEB = f"{ROOT}.cli", f"{ROOT}.web"


def modules(src):
    """{dotted name: path} of every module under src/zalo_oa (a package by its own name)."""
    found = {}
    for path in sorted((src / ROOT).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(src):
    """{module: names it imports}: modules of the tree, or outside ones (flask, json, ...)."""
    known = modules(src)
    return {name: set(_targets(name, path, known)) for name, path in known.items()}


def _targets(name, path, known):
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            start = base[:len(base) - node.level + 1] if node.level else []
            prefix = ".".join(start + ([node.module] if node.module else []))
            for alias in node.names:
                # `from .. import x` names the submodule x when there is one, else a name in ..
                submodule = f"{prefix}.{alias.name}"
                yield submodule if submodule in known else prefix


def internal(graph):
    """The graph with only the edges between modules of the tree."""
    return {name: {t for t in targets if t in graph} for name, targets in graph.items()}


def package_of(module):
    """The package, or shared leaf module, a module is part of: intake, cases, config, ..."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def packages(graph):
    """The graph between packages (and shared leaves): an edge where any module imports."""
    found = {}
    for name, targets in internal(graph).items():
        found.setdefault(package_of(name), set()).update(
            package_of(t) for t in targets if package_of(t) != package_of(name))
    return found


def cycle(graph):
    """One cycle of `graph` as a list of nodes, or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return error.args[1]
    return None


def _inside(name, package):
    return name == package or name.startswith(package + ".")


def may_import(module, target):
    """False for an import that runs upward: only cli imports cli or the package root
    (create_app), and only those two and web itself import web."""
    if _inside(target, CLI) or target == ROOT:
        return _inside(module, CLI)
    if _inside(target, WEB):
        return module == ROOT or _inside(module, CLI) or _inside(module, WEB)
    return True


def problems(src):
    """Every broken rule of the tree under `src`, as readable lines."""
    graph = imports(src)
    found = [f"import cycle: {' -> '.join(c)}" for c in [cycle(internal(graph))] if c]
    found += [f"package cycle: {' -> '.join(c)}" for c in [cycle(packages(graph))] if c]
    for module, targets in sorted(graph.items()):
        found += [f"upward import: {module} imports {t}" for t in sorted(targets)
                  if t in graph and not may_import(module, t)]
        if _inside(module, f"{ROOT}.zalo"):
            found += [f"{module} imports {t}: zalo/ stays Flask-free" for t in sorted(targets)
                      if _inside(t, "flask")]
    return found


def test_the_package_keeps_its_layout():
    assert problems(SRC) == []


def write(tree, files):
    for name, text in files.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_imports_resolve_to_the_module_they_load(tmp_path):
    write(tmp_path, {
        "zalo_oa/__init__.py": "def create_app():\n    from . import web\n",
        "zalo_oa/leaf.py": "", "zalo_oa/web/__init__.py": "", "zalo_oa/pkg/__init__.py": "",
        "zalo_oa/pkg/other.py": "THING = 1\n",
        "zalo_oa/pkg/mod.py": ("import json\nfrom .. import create_app, leaf\n"
                               "from .other import THING\nimport zalo_oa.pkg.other\n"),
    })
    graph = imports(tmp_path)
    # `from .. import create_app, leaf`: a name of the package root, and a module.
    assert graph["zalo_oa.pkg.mod"] == {"json", ROOT, "zalo_oa.leaf", "zalo_oa.pkg.other"}
    assert graph[ROOT] == {WEB}  # an import inside a function counts
    assert problems(tmp_path) == ["upward import: zalo_oa.pkg.mod imports zalo_oa"]


def test_the_packages_form_layers():
    layers = packages(imports(SRC))
    assert "web" not in layers["cases"] and "cases" in layers["web"]
    assert cycle(layers) is None


@pytest.fixture
def tree(tmp_path):
    """A copy of the package's Python files to break on purpose."""
    shutil.copytree(SRC / ROOT, tmp_path / ROOT,
                    ignore=shutil.ignore_patterns("templates", "static", "__pycache__"))
    return tmp_path


@pytest.mark.parametrize("module, line, problem", [
    ("cases/rules.py", "from ..web import access", "upward import: zalo_oa.cases.rules"),
    ("cases/rules.py", "from .. import create_app", "upward import: zalo_oa.cases.rules"),
    ("web/forms.py", "from ..cli import context", "upward import: zalo_oa.web.forms"),
    ("cases/params.py", "def later():\n    from ..intake import chat", "import cycle"),
    ("delivery/ratelimit.py", "from ..broadcasts import audience_query", "package cycle"),
    ("zalo/errors.py", "import flask", "zalo.errors imports flask"),
])
def test_a_broken_rule_is_caught(tree, module, line, problem):
    path = tree / ROOT / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{line}\n", encoding="utf-8")
    assert any(problem in found for found in problems(tree)), problems(tree)
