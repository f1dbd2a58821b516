"""Uniform values remembered per program object, not per ``id()``: a fix for frames drawn with stale uniforms.

manimgl 1.7.2 skips setting a shader program's uniform when it remembers
having set the same value before (``set_program_uniform``), and it remembers
in a dict keyed by ``id(program)`` that is never cleared.  Programs come from
an ``lru_cache`` of 128 entries keyed by context; in a process that draws
many scenes (a notebook, the test suite: each scene has its own OpenGL
context), old programs are evicted and freed, and a new program can get the
``id`` of a freed one.  manimgl then believes the new program already holds
the old one's values and leaves its uniforms (the frame's shape and scale,
the pixel size) unset, so whatever that program draws comes out wrong or not
at all.  Seen as a frame with nothing but the background, now and then, in
the test suite.

:func:`use_program_keyed_uniform_mirror` installs, where manimgl's shader
wrappers call it, a ``set_program_uniform`` with the same behaviour whose
memory under an ``id`` also holds a weak reference to its program: a new
program found under a freed one's id starts with an empty memory.  (A plain
dict by id with that check costs less per call than a WeakKeyDictionary;
manimgl sets every uniform of every program each frame.)
"""
from __future__ import annotations

import weakref

import numpy as np

from . import _gl  # noqa: F401  (must come before manimlib)
import manimlib.shader_wrapper as shader_wrapper
from manimlib.utils.shaders import set_program_uniform as _manimgl_set_program_uniform

#: id(program) -> (weak reference to that program, {uniform name: the value last set})
UNIFORM_MIRRORS: dict[int, tuple[weakref.ref, dict]] = {}


def mirror_of(program) -> dict:
    """The uniform values last set on ``program`` (an empty dict for a program not seen before)."""
    entry = UNIFORM_MIRRORS.get(id(program))
    if entry is None or entry[0]() is not program:
        entry = UNIFORM_MIRRORS[id(program)] = (weakref.ref(program), {})
    return entry[1]


def set_program_uniform(program, name: str, value) -> bool:
    """Set ``program[name]`` to ``value`` unless this program already holds it; True when it was set
    (False also when the program has no such uniform), as manimgl's function returns."""
    mirror = mirror_of(program)
    if type(value) is np.ndarray and value.ndim > 0:
        value = tuple(value.flatten())
    if mirror.get(name, None) == value:
        return False
    try:
        program[name].value = value
    except KeyError:
        return False
    mirror[name] = value
    return True


def use_program_keyed_uniform_mirror() -> None:
    shader_wrapper.set_program_uniform = set_program_uniform


def use_manimgl_uniform_mirror() -> None:
    """manimgl's own function back (for tests that show what it does)."""
    shader_wrapper.set_program_uniform = _manimgl_set_program_uniform


use_program_keyed_uniform_mirror()
