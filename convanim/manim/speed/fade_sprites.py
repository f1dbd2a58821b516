"""Fading mobjects drawn once and composited with their opacity each frame.

While an :class:`~convanim.manim.animations.fades.OpacityFade` plays, its mobject keeps
its shape and colours; only every alpha is scaled by one share.  Drawing it
as vectors every frame gathers and uploads every glyph's vertices again and
runs the fill pass over its box: a caption cross-fade (two captions, about
150 glyphs) cost about 8 ms a frame at 720p.  Here the mobject is drawn
once, at its own opacity, into a transparent texture of the frame's size
(premultiplied colours, as manimgl's fill pass composites them), and each
frame copies that texture over the frame within the mobject's pixel box,
scaled by the share:

    frame = share · sprite + (1 − share · sprite alpha) · frame

which is what drawing the faded vectors gives, up to rounding, wherever
one layer of fill covers a pixel: there manimgl's fill pass is linear in
the alphas (its canvas is composited with ``color *= 1.06``, then clamped).
Where two members overlap it is not, so only mobjects of one colour, fills
only, are drawn this way (:func:`sprite_ready`): a stroke is blended over
the mobject's own fill with the stroke's alpha, and a number over its cell
shows the cell through it while both fade.  Measured against the same fades
drawn as vectors: at most 3 levels apart (tests/test_fades.py).
"""
from __future__ import annotations

import moderngl
import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import VMobject

from convanim.manim.speed.still_layer import PixelMapping, render_within_box

_VERTEX = """
#version 330
in vec2 corner;
void main() { gl_Position = vec4(corner, 0.0, 1.0); }
"""
_FRAGMENT = """
#version 330
uniform sampler2D sprite;
uniform float share;
out vec4 color;
void main() { color = share * texelFetch(sprite, ivec2(gl_FragCoord.xy), 0); }
"""


def sprite_ready(mobject) -> bool:
    """True when ``mobject`` can be drawn as a sprite: vector fills of one colour and opacity (no stroke of any
    width), not depth tested, no updaters.

    One colour, because where two members of other colours overlap (a number over its cell), manimgl's
    faded fills let the lower one show through the upper one, and a sprite faded whole does not: at half
    opacity a white digit over a blue cell is drawn bluish by one and grey by the other (57 levels apart,
    measured).  A caption's glyphs are of one colour and do not overlap.
    """
    colours = set()
    for member in mobject.get_family():
        if not isinstance(member, VMobject) or member.depth_test or member.has_updaters():
            return False
        if member.get_num_points():
            if member.data["stroke_width"].max() > 0:
                return False
            colours.update(map(tuple, np.unique(member.data["fill_rgba"], axis=0)))
    return len(colours) <= 1


class FadeSprites:
    """One texture of the frame's size per fading mobject, drawn once and composited every frame."""

    def __init__(self, camera) -> None:
        ctx = camera.ctx
        self.ctx = ctx
        self.size = tuple(camera.fbo.size)
        self.program = ctx.program(vertex_shader=_VERTEX, fragment_shader=_FRAGMENT)
        corners = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], dtype="f4")
        self.quad = ctx.simple_vertex_array(self.program, ctx.buffer(corners.tobytes()), "corner",
                                            mode=moderngl.TRIANGLE_STRIP)
        self.free: list[moderngl.Framebuffer] = []
        self.drawn: dict[int, tuple[moderngl.Framebuffer, tuple[int, int, int, int] | None, tuple]] = {}
        self.sprites_drawn = 0  # for tests and benchmarks

    def forget(self) -> None:
        """Drop every sprite (a new animation begins); their textures are kept for the next ones."""
        self.free.extend(framebuffer for framebuffer, _, _ in self.drawn.values())
        self.drawn = {}

    def composite(self, camera, group, fade, canvas, mapping: PixelMapping,
                  view: tuple) -> tuple[int, int, int, int] | None:
        """Draw render group ``group`` (whose one member is ``fade``'s mobject) into the frame at the fade's
        share, as a sprite drawn once per animation and camera view.  Returns the box drawn within, as
        :func:`~convanim.manim.speed.still_layer.render_within_box` does (None: the whole frame)."""
        key = id(fade.mobject)
        if key not in self.drawn or self.drawn[key][2] != view:
            self.drawn[key] = self.draw(camera, group, fade, canvas, mapping, view)
        framebuffer, box, _ = self.drawn[key]
        if box is not None and box[2] * box[3] == 0:
            return box
        camera.fbo.scissor = box
        camera.fbo.use()
        try:
            self.ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
            framebuffer.color_attachments[0].use(0)
            self.program["share"].value = float(fade.share)
            self.quad.render()
        finally:
            self.ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA  # manimgl's own
            camera.fbo.scissor = None
            camera.fbo.use()
        return box

    def draw(self, camera, group, fade, canvas, mapping: PixelMapping, view: tuple):
        framebuffer = self.free.pop() if self.free else self.ctx.framebuffer(
            color_attachments=[self.ctx.texture(self.size, 4)])
        framebuffer.clear(0.0, 0.0, 0.0, 0.0)
        with fade.at_full_opacity():
            box = render_within_box(camera, group, canvas, mapping, target=framebuffer)
        self.sprites_drawn += 1
        return framebuffer, box, view

    def release(self) -> None:
        self.forget()
        for framebuffer in self.free:
            for attachment in framebuffer.color_attachments:
                attachment.release()
            framebuffer.release()
        self.free = []
        self.quad.release()
        self.program.release()
