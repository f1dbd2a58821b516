"""No import circle in convanim (issue 33): every module's imports, function-level ones included, read with ast;
a circle means two modules need each other, and the thing they share belongs in a module of its own (as the
scene-file loading that render.py and segments.py shared now lives in scene_files.py)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "convanim"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The convanim modules ``path`` imports, anywhere in it (``from .x import y`` may name a module y)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    found.add(f"{target}.{alias.name}")
                elif target in modules:
                    found.add(target)
    found.discard(here)
    return found


def test_no_module_of_convanim_imports_one_that_imports_it_back():
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    graph = {module_name(p): imports_of(p, modules) for p in paths}
    assert graph["convanim.manim.render"] and "convanim.manim.rendering.segments" in graph["convanim.manim.render"]
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    # A package's __init__ that re-exports its modules is imported by them as their parent, not by name: only
    # imports written in the code count, so a circle here is a real one.
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


def test_the_rendering_layer_keeps_at_most_ten_modules_at_its_top():
    """Issue 33: convanim/manim is grouped by kind (families, mobjects, animations, options, rendering,
    lecture, speed, story); only the commands and the set-up stay at its top."""
    top = PACKAGE / "manim"
    modules = sorted(p.name for p in top.glob("*.py"))
    assert len(modules) <= 10, modules
    folders = {p.name for p in top.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"families", "mobjects", "animations", "options", "rendering", "lecture", "speed", "story"} <= folders
