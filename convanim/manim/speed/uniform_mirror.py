"""A new shader program starts with no remembered uniforms: a fix for frames drawn with stale uniforms.

manimgl 1.7.2 skips setting a shader program's uniform when it remembers
having set the same value before (``set_program_uniform``), and it remembers
in ``PROGRAM_UNIFORM_MIRRORS``, a dict keyed by ``id(program)`` that is never
cleared.  Programs come from ``get_shader_program``, an ``lru_cache`` of 128
entries keyed by context; in a process that draws many scenes (a notebook,
the test suite: each scene has its own OpenGL context), old programs are
evicted and freed, and a new program can get the ``id`` of a freed one.
manimgl then believes the new program already holds the old one's values
and leaves its uniforms (the frame's shape and scale, the pixel size) unset,
so whatever that program draws comes out wrong or not at all.  Seen as a
frame with nothing but the background, now and then, in the test suite.

:func:`use_fresh_uniforms_for_new_programs` wraps ``get_shader_program``
where manimgl's shader wrappers call it: the first time a program comes out
of it, whatever manimgl remembers under its id (a freed program's values) is
dropped.  manimgl's memory and ``set_program_uniform`` are kept as they are,
and the check runs when a shader wrapper is made, not per frame.
"""
from __future__ import annotations

import weakref

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
import manimlib.shader_wrapper as shader_wrapper
from manimlib.utils.shaders import PROGRAM_UNIFORM_MIRRORS
from manimlib.utils.shaders import get_shader_program as _manimgl_get_shader_program

_programs_seen: "weakref.WeakSet" = weakref.WeakSet()


def get_shader_program(*args, **kwargs):
    """manimgl's cached program for these arguments (passed on as given: they are its cache's key); when the
    program is new, manimgl's remembered uniforms under its id belong to a freed program and are dropped."""
    program = _manimgl_get_shader_program(*args, **kwargs)
    if program not in _programs_seen:
        PROGRAM_UNIFORM_MIRRORS.pop(id(program), None)
        _programs_seen.add(program)
    return program


def use_fresh_uniforms_for_new_programs() -> None:
    shader_wrapper.get_shader_program = get_shader_program


def use_manimgl_shader_programs() -> None:
    """manimgl's own function back (for tests that show what it does)."""
    shader_wrapper.get_shader_program = _manimgl_get_shader_program


use_fresh_uniforms_for_new_programs()
