"""The files a finished render depended on, found from what its process loaded (a course build's depfile).

``convanim render --sources-out FILE`` (a course job) writes them once the render is done: the scene file, every
module of convanim or of the scene file's folder that the process loaded, convanim's data files beside them, and
the caption catalogues.  :mod:`convanim.manim.course.jobs` hashes them into the job's key.
"""
from __future__ import annotations

import sys
from pathlib import Path

#: Files beside convanim's modules that a render may read (weights, catalogues); their contents join the key.
DATA_SUFFIXES = (".npz", ".po", ".json", ".png", ".npy")
PACKAGE = Path(__file__).resolve().parents[2]  # the convanim package folder


def loaded_sources(scene_file: str) -> list[str]:
    """The files a finished render depends on, from this process's loaded modules: the scene file, every loaded
    module of convanim or of the scene file's folder, and convanim's data files beside them (sorted)."""
    scene = Path(scene_file).resolve()
    files = {scene}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = Path(path).resolve()
        if path.suffix != ".py":
            continue
        if path.is_relative_to(PACKAGE) or (path.is_relative_to(scene.parent) and "site-packages" not in path.parts):
            files.add(path)
    for folder in {f.parent for f in files if f.is_relative_to(PACKAGE)}:
        files.update(p for p in folder.iterdir() if p.suffix in DATA_SUFFIXES)
    if "convanim.languages" in sys.modules:  # the caption catalogues, one folder down per language
        files.update((PACKAGE / "languages").glob("*/LC_MESSAGES/*.po"))
    return sorted(str(f) for f in files)


__all__ = ["DATA_SUFFIXES", "PACKAGE", "loaded_sources"]
