"""Uniforms of a new shader program are set even when a freed program had the same id().

manimgl remembers the uniforms it set in a dict keyed by ``id(program)``; a
program created after another was freed can get its id, and manimgl then
skips its uniforms (a frame with nothing but the background, now and then,
in long test runs).  These tests plant the memory a freed program would have
left under the new program's id and read the uniform back from OpenGL.
"""
import gc
import weakref

import moderngl
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
import manimlib.shader_wrapper as shader_wrapper
from manimlib.utils.shaders import PROGRAM_UNIFORM_MIRRORS

from convanim.manim import uniform_mirror

VERTEX = """
#version 330
uniform vec2 shift;
in vec2 point;
void main() { gl_Position = vec4(point + shift, 0.0, 1.0); }
"""
FRAGMENT = """
#version 330
out vec4 color;
void main() { color = vec4(1.0); }
"""


@pytest.fixture
def ctx():
    context = moderngl.create_standalone_context()
    yield context
    context.release()


def set_through_manimgls_wrapper(program, value) -> None:
    """What a shader wrapper does for each uniform each frame (``update_program_uniforms``)."""
    shader_wrapper.set_program_uniform(program, "shift", value)


def test_a_new_program_with_a_freed_ones_id_gets_its_uniforms(ctx):
    program = ctx.program(vertex_shader=VERTEX, fragment_shader=FRAGMENT)
    # What manimgl's dict holds after a freed program at this id was given the same value.
    PROGRAM_UNIFORM_MIRRORS[id(program)] = {"shift": (0.25, -0.5)}
    try:
        set_through_manimgls_wrapper(program, np.array([0.25, -0.5]))
        assert program["shift"].value == pytest.approx((0.25, -0.5))  # set, not skipped (it starts at 0, 0)
    finally:
        PROGRAM_UNIFORM_MIRRORS.pop(id(program), None)


def test_manimgls_own_function_skips_them_which_is_the_bug_fixed(ctx):
    program = ctx.program(vertex_shader=VERTEX, fragment_shader=FRAGMENT)
    PROGRAM_UNIFORM_MIRRORS[id(program)] = {"shift": (0.25, -0.5)}
    uniform_mirror.use_manimgl_uniform_mirror()
    try:
        set_through_manimgls_wrapper(program, np.array([0.25, -0.5]))
        assert program["shift"].value == pytest.approx((0.0, 0.0))
    finally:
        uniform_mirror.use_program_keyed_uniform_mirror()
        PROGRAM_UNIFORM_MIRRORS.pop(id(program), None)


def test_a_value_already_set_is_not_set_again_and_a_program_under_a_freed_ones_id_starts_afresh(ctx):
    program = ctx.program(vertex_shader=VERTEX, fragment_shader=FRAGMENT)
    assert uniform_mirror.set_program_uniform(program, "shift", np.array([0.5, 0.5])) is True
    assert uniform_mirror.set_program_uniform(program, "shift", np.array([0.5, 0.5])) is False
    assert uniform_mirror.set_program_uniform(program, "shift", (0.5, 0.25)) is True
    assert program["shift"].value == pytest.approx((0.5, 0.25))
    assert uniform_mirror.set_program_uniform(program, "no_such_uniform", 1.0) is False
    assert uniform_mirror.mirror_of(program) == {"shift": (0.5, 0.25)}
    # Our own memory, as a freed program at this id would have left it: the weak reference is dead.
    freed = ctx.program(vertex_shader=VERTEX, fragment_shader=FRAGMENT)
    uniform_mirror.UNIFORM_MIRRORS[id(program)] = (weakref.ref(freed), {"shift": (0.5, 0.5)})
    freed.release()
    del freed
    gc.collect()
    program["shift"].value = (0.0, 0.0)
    assert uniform_mirror.set_program_uniform(program, "shift", (0.5, 0.5)) is True
    assert program["shift"].value == pytest.approx((0.5, 0.5))
