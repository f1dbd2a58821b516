"""Shader ids hashed from the uniforms' values: the same batches as manimgl's printed ids (after unifying the
spellings of numbers), without printing arrays."""
import numpy as np

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import Square, Text, VGroup

from convanim.manim.speed import shader_ids
from convanim.manim.rendering.batched_scene import unify_uniforms
from render_support import load_short


def ids(mobjects, refresh, ctx) -> list[int]:
    """Each family member's shader id, computed by ``refresh``."""
    result = []
    for mob in mobjects:
        for sm in mob.get_family():
            wrapper = sm.get_shader_wrapper(ctx)
            refresh(wrapper)
            result.append(wrapper.id)
    return result


def partition(values: list[int]) -> list[int]:
    """Which earlier position each value first appeared at: equal partitions give equal lists."""
    first = {}
    return [first.setdefault(v, i) for i, v in enumerate(values)]


def test_numbers_spelled_differently_get_one_id_and_other_values_another():
    ctx = load_short("ShortConv")(skip_animations=True).camera.ctx
    a, b, c, d = (Square() for _ in range(4))
    a.uniforms["reflectiveness"] = 1
    b.uniforms["reflectiveness"] = 1.0
    c.uniforms["reflectiveness"] = np.float64(1.0)
    d.uniforms["reflectiveness"] = 0.5
    fast = ids([a, b, c, d], shader_ids.fast_refresh_id, ctx)
    assert fast[0] == fast[1] == fast[2] != fast[3]
    manimgl = ids([a, b, c, d], shader_ids._MANIMGL_REFRESH_ID, ctx)
    assert len({manimgl[0], manimgl[1], manimgl[2]}) > 1  # what unify_uniforms works around
    # An array uniform: equal values, equal ids; another value, another id.
    a.uniforms["shading"], b.uniforms["shading"] = np.array([0.0, 0.5, 0.0]), np.array([0.0, 0.5, 0.0])
    c.uniforms["shading"] = np.array([0.0, 0.25, 0.0])
    fast = ids([a, b, c], shader_ids.fast_refresh_id, ctx)
    assert fast[0] == fast[1] != fast[2]


def test_a_scene_batches_as_manimgls_ids_batch_after_unifying():
    scene = load_short("ShortConv")(skip_animations=True)
    scene.run()  # everything it shows at the end, as built and animated
    mobjects = [*scene.mobjects, Text("x = 1"), VGroup(Square(), Square().set_fill(opacity=1))]
    fast = ids(mobjects, shader_ids.fast_refresh_id, scene.camera.ctx)
    unify_uniforms(mobjects)
    manimgl = ids(mobjects, shader_ids._MANIMGL_REFRESH_ID, scene.camera.ctx)
    assert len(fast) > 50 and partition(fast) == partition(manimgl)
