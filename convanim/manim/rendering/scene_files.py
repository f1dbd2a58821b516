"""Scene files: find one (a path, or a name in the installed gallery), load it, list its scenes, and the exit
code of a refused or failed render.

Shared by ``render`` (one process), ``segments`` (its workers) and the ``convanim`` command, so that none of
them imports another for it.  Loading a scene file imports manimlib: set ``sys.argv`` first.
"""
from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path


class SceneNotFoundError(LookupError):
    """The scene file has no scene of that name; the message lists the ones it has."""


def gallery_folder() -> Path:
    """The gallery's scene files as installed with the package (``convanim.scenes``: the repository's
    ``scenes/`` folder, mapped by ``pyproject.toml``)."""
    import importlib.util

    spec = importlib.util.find_spec("convanim.scenes")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the gallery (convanim.scenes) is not installed with this convanim")
    return Path(next(iter(spec.submodule_search_locations)))


def gallery_files() -> list[Path]:
    """Every scene file of the gallery, sorted by name (``conv3x3.py``, ``pooling.py``, ...)."""
    return sorted(p for p in gallery_folder().glob("*.py") if not p.name.startswith("_"))


def resolve_scene_file(name: str) -> Path:
    """``name`` as a path when such a file exists; otherwise the gallery file it names (``conv3x3``,
    ``conv3x3.py`` or ``scenes/conv3x3.py``).  Neither: FileNotFoundError whose one line lists the gallery."""
    path = Path(name)
    if path.is_file():
        return path
    files = gallery_files()
    stem = path.name[:-3] if path.name.endswith(".py") else path.name
    if path.parent in (Path("."), Path("scenes")):
        for file in files:
            if file.stem == stem:
                return file
    raise FileNotFoundError(f"scene file not found: {name} (neither a file nor one of the gallery's: "
                            f"{', '.join(f.stem for f in files)})")


def load_scene_module(scene_file: str, name: str = "convanim_scene_file"):
    """Import a scene file by path (manimlib must already be importable: sys.argv set)."""
    spec = importlib.util.spec_from_file_location(name, Path(scene_file).resolve())
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def scene_classes(module) -> dict[str, type]:
    """The scenes a scene file defines (its SCENES_IN_ORDER first, then any other Scene subclass)."""
    from manimlib import Scene

    listed = list(getattr(module, "SCENES_IN_ORDER", []))
    others = [obj for obj in vars(module).values() if inspect.isclass(obj) and issubclass(obj, Scene)
              and obj.__module__ == module.__name__ and obj not in listed]
    return {cls.__name__: cls for cls in listed + others}


def scene_description(scene_class: type) -> str:
    """A scene's description (``convanim list``, the gallery): the first paragraph of its docstring, or of the
    nearest base class's, joined into one line and never cut."""
    doc = next((c.__doc__ for c in scene_class.__mro__ if c.__doc__), "") or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def exit_code(err: Exception) -> int:
    """2 for what the user asked wrongly (file, scene, option, a layer the scene refuses), 1 for a render
    that failed (a missing tool, manimgl's own error)."""
    return 2 if isinstance(err, (ValueError, LookupError, FileNotFoundError)) else 1


__all__ = ["SceneNotFoundError", "gallery_folder", "gallery_files", "resolve_scene_file", "load_scene_module",
           "scene_classes", "scene_description", "exit_code"]
