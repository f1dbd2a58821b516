"""Uniforms of a new shader program are set even when a freed program had the same id().

manimgl remembers the uniforms it set in a dict keyed by ``id(program)``; a
program created after another was freed can get its id, and manimgl then
skips its uniforms (a frame with nothing but the background, now and then,
in long test runs).  These tests plant the memory a freed program would have
left under a just-made program's id, fetch the program as manimgl's shader
wrappers do, and read the uniform back from OpenGL.
"""
import moderngl
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
import manimlib.shader_wrapper as shader_wrapper
from manimlib.utils.shaders import PROGRAM_UNIFORM_MIRRORS
from manimlib.utils.shaders import get_shader_program as manimgls_cached_program

from convanim.manim.speed import uniform_mirror

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


def just_made_program_with_stale_memory(ctx):
    """A program made by manimgl's cache, and under its id what a freed program given (0.25, -0.5) left."""
    program = manimgls_cached_program(ctx, vertex_shader=VERTEX, fragment_shader=FRAGMENT)
    PROGRAM_UNIFORM_MIRRORS[id(program)] = {"shift": (0.25, -0.5)}
    return program


def set_as_a_shader_wrapper_does(ctx, value):
    """What a shader wrapper does: fetch its program when made (``init_program``), then set each uniform each
    frame (``update_program_uniforms``)."""
    program = shader_wrapper.get_shader_program(ctx, vertex_shader=VERTEX, fragment_shader=FRAGMENT)
    shader_wrapper.set_program_uniform(program, "shift", value)
    return program


def test_a_new_program_with_a_freed_ones_id_gets_its_uniforms(ctx):
    program = just_made_program_with_stale_memory(ctx)
    try:
        assert set_as_a_shader_wrapper_does(ctx, np.array([0.25, -0.5])) is program
        assert program["shift"].value == pytest.approx((0.25, -0.5))  # set, not skipped (it starts at 0, 0)
    finally:
        PROGRAM_UNIFORM_MIRRORS.pop(id(program), None)


def test_manimgls_own_function_skips_them_which_is_the_bug_fixed(ctx):
    program = just_made_program_with_stale_memory(ctx)
    uniform_mirror.use_manimgl_shader_programs()
    try:
        set_as_a_shader_wrapper_does(ctx, np.array([0.25, -0.5]))
        assert program["shift"].value == pytest.approx((0.0, 0.0))
    finally:
        uniform_mirror.use_fresh_uniforms_for_new_programs()
        PROGRAM_UNIFORM_MIRRORS.pop(id(program), None)


def test_a_program_seen_before_keeps_its_memory_so_a_value_already_set_is_not_set_again(ctx):
    program = set_as_a_shader_wrapper_does(ctx, np.array([0.5, 0.5]))
    assert program["shift"].value == pytest.approx((0.5, 0.5))
    program["shift"].value = (0.0, 0.0)  # behind manimgl's back: it still remembers (0.5, 0.5)
    assert set_as_a_shader_wrapper_does(ctx, np.array([0.5, 0.5])) is program
    assert program["shift"].value == pytest.approx((0.0, 0.0))  # skipped: the memory was kept
    set_as_a_shader_wrapper_does(ctx, (0.5, 0.25))
    assert program["shift"].value == pytest.approx((0.5, 0.25))
    PROGRAM_UNIFORM_MIRRORS.pop(id(program), None)
