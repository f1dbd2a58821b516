"""Converted glyphs kept on disk, so that a glyph is converted once per machine, not once per process.

:mod:`convanim.manim.speed.glyph_text` converts each distinct glyph of a
text once per process (about 5 ms each through manimgl's SVG reader and our
outline conversion).  A render process converts every glyph its captions
use anew: about 190 for Conv3x3, 0.8 s of each render, and as much again in
every segment, course job and test process.  Here each converted glyph (its
VMobjects at the origin) is also written to
``<cache_root>/glyphs-<converter>/<key hash>.pickle`` and read back by later
processes (about 0.2 ms).  ``<converter>`` hashes convanim's version, the
source of the modules that convert glyphs, and the versions of manimgl and
svgelements, so a changed conversion never reads an old glyph.  Files are
written to a temporary name and renamed (atomic: parallel processes never
read half a file); a file that cannot be read is converted and written again.
The mobjects read back are the ones written (a test compares their data).

The files are pickles, read only from the user's own cache folder
(:func:`convanim.config.cache_root`).  ``--speed glyph_disk_cache=off`` (or
``CONVANIM_SPEED=glyph_disk_cache=off``) converts in every process, as before.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

from convanim.config import cache_root

#: The modules whose code decides how a glyph is converted (their source goes into the folder's name).
CONVERTING_MODULES = ("convanim.manim.speed.glyph_text", "convanim.manim.mobjects.glyph_outlines")
#: The packages whose versions decide it too.
CONVERTING_PACKAGES = ("manimgl", "svgelements")


@lru_cache(maxsize=1)
def converter_id() -> str:
    """A short hash of what decides a glyph's conversion: convanim's version, the converting modules'
    source and the converting packages' versions."""
    import importlib.util

    from convanim import __version__

    digest = hashlib.sha256(__version__.encode())
    for module in CONVERTING_MODULES:
        digest.update(Path(importlib.util.find_spec(module).origin).read_bytes())
    for package in CONVERTING_PACKAGES:
        try:
            digest.update(f"{package} {importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{package} none".encode())
    return digest.hexdigest()[:16]


def glyph_folder() -> Path:
    """The folder of this converter's glyphs."""
    return cache_root() / f"glyphs-{converter_id()}"


def glyph_file(key: tuple) -> Path:
    """The file of the glyph whose conversion depends on ``key`` (plain values: strings, numbers, tuples)."""
    return glyph_folder() / (hashlib.sha256(repr(key).encode()).hexdigest()[:32] + ".pickle")


def disk_cache_on() -> bool:
    """Whether the speed switch ``glyph_disk_cache`` is on (read from ``CONVANIM_SPEED`` each time)."""
    from convanim.manim.speed.settings import SpeedSettings

    return SpeedSettings.from_environment().glyph_disk_cache


def stored_glyph(key: tuple) -> list | None:
    """The glyph's mobjects as stored, or None when there is no readable file for ``key``."""
    try:
        with open(glyph_file(key), "rb") as file:
            stored = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return stored if isinstance(stored, list) else None


def store_glyph(key: tuple, mobjects: list) -> None:
    """Write the glyph's mobjects for ``key`` (atomically; a folder that cannot be written is left alone)."""
    target = glyph_file(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(mobjects, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full disk: the glyph is converted again next time


__all__ = ["converter_id", "disk_cache_on", "glyph_file", "glyph_folder", "store_glyph", "stored_glyph"]
