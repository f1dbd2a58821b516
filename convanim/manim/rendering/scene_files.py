"""Scene files: load one by path, list its scenes, and the exit code of a refused or failed render.

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


def exit_code(err: Exception) -> int:
    """2 for what the user asked wrongly (file, scene, option, a layer the scene refuses), 1 for a render
    that failed (a missing tool, manimgl's own error)."""
    return 2 if isinstance(err, (ValueError, LookupError, FileNotFoundError)) else 1


__all__ = ["SceneNotFoundError", "load_scene_module", "scene_classes", "exit_code"]
