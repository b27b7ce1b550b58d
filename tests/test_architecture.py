"""The package's structure, checked: layers, no import cycles, no private names shared.

The layers are the import-linter contract in pyproject.toml (README,
Architecture); these tests run it, so ``make test`` fails on a violation.
"""

import ast
import pathlib
import shutil
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).parents[1] / "forecast"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path, ast.parse(path.read_text(), str(path))


def _imports(name, path, tree):
    """Every import in the module, at any depth (function-local ones too), as module names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")
                base = ".".join(up[: len(up) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                yield node, base, alias.name


def test_the_layers_contract_holds():
    lint = shutil.which("lint-imports", path=str(pathlib.Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency (pip install -e '.[test]')"
    run = subprocess.run([lint], capture_output=True, text=True, timeout=300,
                         cwd=PACKAGE.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_no_import_cycles_counting_function_local_imports():
    modules = {name: (path, tree) for name, path, tree in _modules()}
    graph = {name: set() for name in modules}
    for name, (path, tree) in modules.items():
        for _, base, alias in _imports(name, path, tree):
            target = f"{base}.{alias}" if alias and f"{base}.{alias}" in modules else base
            # importing forecast.a.b runs forecast.a first, but a package __init__ that
            # only re-exports its own modules adds no cycle: count the module itself
            if target in modules and target != name and target != "forecast":
                graph[name].add(target)
    # Tarjan's strongly connected components: any component of two or more is a cycle
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


def test_no_private_name_is_imported_across_modules():
    found = []
    for name, path, tree in _modules():
        for node, base, alias in _imports(name, path, tree):
            if not base.startswith("forecast"):
                continue
            private = [p for p in ([*base.split(".")[1:]] + ([alias] if alias else []))
                       if p.startswith("_") and not p.startswith("__")]
            if not private:
                continue
            # the private kernel module and its twin are shared inside sampling/ only
            same_package = base.rpartition(".")[0] == name.rpartition(".")[0] or (
                alias is not None and base == name.rpartition(".")[0])
            if set(private) <= {"_kernels", "_reference"} and same_package:
                continue
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: "
                         f"{base}{'.' + alias if alias else ''}")
    assert found == []


@pytest.mark.parametrize("name", [n for n, _, _ in _modules()])
def test_modules_stay_small(name):
    """No module over about 600 lines unless it is one cohesive thing (the kernels)."""
    path = dict((n, p) for n, p, _ in _modules())[name]
    lines = path.read_text().count("\n")
    assert name in {"forecast.sampling._kernels"} or lines <= 650, f"{name}: {lines} lines"


LAZY = {"numba", "matplotlib", "pandas", "jinja2", "holidays", "scipy"}
"""Libraries a module may import inside a function, to keep them out of start-up."""


def test_function_local_imports_only_keep_heavy_libraries_out_of_start_up():
    """A local import stays only where it keeps numba, matplotlib or pandas out of start-up.

    The command line (cli/) imports the library inside its commands, so that
    ``forecast --help`` and argument errors never load numpy or pandas; the
    kernels (``sampling._kernels``, numba) are imported on the first simulation.
    """
    found = []
    for name, path, tree in _modules():
        if name.startswith("forecast.cli"):
            continue
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import):
                    roots = [alias.name.split(".")[0] for alias in node.names]
                    mods = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    roots = [(node.module or "").split(".")[0]]
                    mods = [f"{node.module}.{alias.name}" for alias in node.names]
                else:
                    continue
                if all(r in LAZY for r in roots) or all(m.endswith("._kernels") for m in mods):
                    continue
                if roots == ["datetime"] or roots == ["csv"] or roots == ["io"]:
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: stdlib")
                    continue
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: "
                             f"{', '.join(mods)}")
    assert found == []
