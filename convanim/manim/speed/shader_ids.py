"""Shader wrapper ids from the uniforms' values, without printing numpy arrays.

manimgl decides which mobjects can be drawn in one pass by a shader
wrapper's id, and computes that id as the hash of ``str`` of its program
code, its mobject's uniforms, depth test, primitive and textures.  ``str`` of
the uniforms prints their numpy arrays (``array2string``, about 60 µs each),
and manimgl recomputes the id of every family member on every ``set_style``,
``set_stroke`` or ``set_fill``: a DecimalNumber counting to a new value
restyles its glyphs each frame, and LearnedFilters spent half its render
there.  :func:`fast_refresh_id` hashes the same things as a tuple of values
instead (arrays as tuples of their numbers).  Two wrappers get the same id
exactly when the things manimgl prints are equal as values; unlike ``str``,
``1``, ``1.0`` and ``np.float64(1.0)`` count as equal, which is what
BatchedScene's ``unify_uniforms`` arranges anyway.

:func:`use_fast_shader_ids` installs it on manimgl's ShaderWrapper (a narrow
override: one method); :func:`use_manimgl_shader_ids` puts manimgl's back.
"""
from __future__ import annotations

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib.shader_wrapper import ShaderWrapper

_MANIMGL_REFRESH_ID = ShaderWrapper.refresh_id


def uniform_value(value) -> object:
    """A uniform (or a dict of them) as a hashable value: arrays and sequences as tuples of their numbers,
    dicts as tuples of their items in order."""
    if isinstance(value, np.ndarray):
        return (value.shape, tuple(value.ravel().tolist()))
    if isinstance(value, dict):
        return tuple((name, uniform_value(v)) for name, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(uniform_value(v) for v in value)
    return value


def fast_refresh_id(self: ShaderWrapper) -> None:
    """ShaderWrapper.refresh_id from the values manimgl prints (see the module docstring)."""
    self.id = hash((
        tuple(self.program_code.values()),
        uniform_value(self.mobject_uniforms),
        self.depth_test,
        self.render_primitive,
        uniform_value(self.texture_paths),
    ))


def use_fast_shader_ids() -> None:
    ShaderWrapper.refresh_id = fast_refresh_id


def use_manimgl_shader_ids() -> None:
    ShaderWrapper.refresh_id = _MANIMGL_REFRESH_ID
