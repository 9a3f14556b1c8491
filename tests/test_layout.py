"""The code's shape, checked: no import cycles between storyweave's modules, not even through
imports hidden inside functions, and no module importing another module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "storyweave"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, list[tuple[str, list[str]]]]:
    """Per module: every ``from X import names`` it runs, wherever it stands, with X made absolute."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                found.append((target, [a.name for a in node.names]))
        out[name] = found
    return out


def test_no_import_cycles() -> None:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, found in _imports(modules).items():
        for target, names in found:
            for candidate in [target, *(f"{target}.{n}" for n in names)]:
                # A package's own __init__ runs before its modules anyway: not an edge of its own.
                if candidate in modules and candidate != name and not name.startswith(candidate + "."):
                    graph[name].add(candidate)
    cycles = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_private_names_imported_across_modules() -> None:
    modules = _modules()
    private = [
        f"{name} imports {target}.{imported}"
        for name, found in _imports(modules).items()
        for target, names in found
        if target.startswith("storyweave")
        for imported in names
        if imported.startswith("_") and not imported.startswith("__")
    ]
    assert not private, "\n".join(private)


def test_only_the_store_package_runs_sql() -> None:
    """Outside ``storyweave/store/`` no module imports a database driver or runs a statement: every
    read and write is an operation of the ``Store`` interface, so another engine can take SQLite's
    place without touching callers.  Nothing is allowed outside: the SQLite-only pieces (the
    online backup API, the cluster command's scratch spool) live in the store package too."""
    drivers = {"sqlite3", "psycopg", "psycopg_pool", "apsw"}
    found = []
    for name, path in sorted(_modules().items()):
        if name == "storyweave.store" or name.startswith("storyweave.store."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [f"{name} imports {a.name}" for a in node.names if a.name.split(".")[0] in drivers]
            elif isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] in drivers:
                found.append(f"{name} imports from {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr in {"execute", "executemany", "executescript", "cursor"}:
                found.append(f"{name} line {node.lineno}: .{node.attr}")
    assert not found, "SQL outside storyweave/store/:\n" + "\n".join(found)
