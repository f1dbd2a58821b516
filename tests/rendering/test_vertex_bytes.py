"""A render group's vertices gathered by joining their bytes: the same vertex bytes as manimgl's structured
concatenate, the same buffers uploaded, and the same frames byte for byte."""
import moderngl
import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import BLUE, RED, WHITE, Circle, Square, VGroup, manim_config
from manimlib.shader_wrapper import ShaderWrapper

from convanim.manim.mobjects.cells import caption_text
from convanim.manim.speed import vertex_bytes
from render_support import assert_switch_swaps, load_short
from test_still_layer import RESOLUTION, byte_equal_either_way


@pytest.fixture(autouse=True)
def resolution_480p(monkeypatch):
    monkeypatch.setitem(manim_config.camera, "resolution", RESOLUTION)


@pytest.fixture
def ctx():
    context = moderngl.create_standalone_context()
    yield context
    context.release()


def members() -> list:
    """Shapes and glyphs of different lengths, strokes and colours: the members of a render group."""
    square = Square(side_length=1.5).set_fill(BLUE, 0.7).set_stroke(WHITE, 4)
    circle = Circle(radius=0.5).set_fill(RED, 1.0).set_stroke(width=0).shift(np.array([2.0, 0, 0]))
    return [square, circle, *caption_text("w × x = 12.5", 26).family_members_with_points()]


def shader_data(mobs) -> list[np.ndarray]:
    """What manimgl's ``get_shader_wrapper_list`` hands ``read_in``: each member's shader data."""
    return [mob.get_shader_data() for mob in mobs]


def test_joined_bytes_are_numpys_concatenation():
    data = shader_data(members())
    assert len(data) > 5 and len({len(d) for d in data}) > 2
    together = vertex_bytes.joined(data, data[0].dtype)
    expected = np.concatenate(data)
    assert together.dtype == expected.dtype and together.tobytes() == expected.tobytes()
    together[0]["point"] = 7.0  # writable, and a copy: the members' data are untouched
    assert not np.any(data[0]["point"] == 7.0)


def test_arrays_that_cannot_be_joined_as_bytes_are_left_to_numpy():
    data = shader_data(members()[:2])
    assert vertex_bytes.joined([data[0][::2], data[1]], data[0].dtype) is None  # not contiguous
    other = np.zeros(3, np.dtype([("point", np.float64, (3,))]))
    assert vertex_bytes.joined([data[0], other], data[0].dtype) is None  # another vertex type


def gathered(ctx, read_in, batches: list[list]) -> list[tuple[bytes, bytes, bool]]:
    """Gather each batch in turn into one wrapper, as a render group does over frames: after each, the bytes
    held, the bytes in the vertex buffer, and whether the array held before was written into."""
    wrapper = members()[0].get_shader_wrapper(ctx)
    seen = []
    for batch in batches:
        held = wrapper.vert_data
        read_in(wrapper, shader_data(batch))
        seen.append((wrapper.vert_data.tobytes(), wrapper.vbo.read(), wrapper.vert_data is held))
    return seen


def test_gathering_keeps_manimgls_buffers_and_writes_into_the_array_held(ctx):
    mobs = members()
    moved = [mob.copy().shift(np.array([0.0, 1.0, 0])) for mob in mobs]
    batches = [mobs, moved, mobs[:3], [Square()]]  # a new gather; the same length again; shorter; one member
    ours = gathered(ctx, vertex_bytes.read_in_joined, batches)
    manimgls = gathered(ctx, vertex_bytes._MANIMGL_READ_IN, batches)
    assert ours == manimgls
    assert [written_into for _, _, written_into in ours] == [False, True, False, False]


def test_frames_with_joined_vertex_bytes_equal_manimgls_byte_for_byte(monkeypatch):
    taken = [0]
    join = vertex_bytes.joined

    def counting(data_list, dtype):
        result = join(data_list, dtype)
        taken[0] += result is not None
        return result

    monkeypatch.setattr(vertex_bytes, "joined", counting)
    joined, concatenated = byte_equal_either_way(load_short("ShortConv"), "join_vertex_bytes", taken)
    assert joined > 0 and concatenated == 0


def test_the_switch_puts_manimgls_method_back():
    assert_switch_swaps(ShaderWrapper, "read_in", vertex_bytes.use_joined_vertex_bytes,
                        vertex_bytes.use_manimgl_vertex_gather, vertex_bytes.read_in_joined,
                        vertex_bytes._MANIMGL_READ_IN)
