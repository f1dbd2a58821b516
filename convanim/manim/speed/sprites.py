"""Fading and sliding mobjects drawn once per animation and composited each frame.

While an :class:`~convanim.manim.animations.fades.OpacityFade` or a
:class:`~convanim.manim.animations.shift.Shift` plays, its mobject keeps its
shape and colours: a fade scales every alpha by one share (and may move the
points by a share of a vector), a shift moves every point by one vector.
Drawing it as vectors every frame gathers and uploads every member's
vertices again and runs manimgl's fill pass over its box: a channel stack's
swap (two numbered grids sliding while they fade, and the kernel fading out)
was the costliest part of Conv3x3's frames at 480p (15 ms a frame, measured
with an instrumented render while other work ran on the machine).  Here the mobject is drawn once, at full
opacity where the animation began (the animation's ``as_sprite()``), into
transparent textures of the frame's size (premultiplied colours, as
manimgl's fill pass composites them), and each frame copies them over the
frame moved by the animation's offset and scaled by its share:

    frame = share · sprite(p − offset) + (1 − share · alpha(p − offset)) · frame

The offset is rarely a whole number of pixels: the texture is sampled
bilinearly, so an edge moved by a fraction of a pixel is blended over two
pixels where the vector drawing would have moved its antialiased ramp (a
fill without a border has none: manimgl draws a pixel when its centre is
inside).  The amount of colour is kept; the pixels at moving edges differ
(measured in tests/rendering/test_sprites.py).  At a whole pixel the sprite
is the vector drawing up to rounding.

A fade is linear in the alphas wherever one member covers a pixel; where a
member lies over another (a number over its cell), manimgl fades each one,
so that the lower shows through the upper.  A faded sprite of both would
not, so a fading mobject of two or more colours is drawn as *layers*
(:func:`sprite_layers`): a member goes one layer above every earlier member
of another colour whose pixel box meets its own (members of one colour that
meet share a pass, as in manimgl's), so that each layer is composited
over the ones below it at the share, as manimgl's fades composite the
members (up to a quarter of the background's level where two overlap:
manimgl's one fill pass takes their larger alpha).  A sliding mobject
(share 1) is one layer.  Mobjects with a stroke fade as vectors (a stroke
is blended over its own fill), as do mobjects seen by a turned camera when
they move (their offset in pixels is not one vector).
"""
from __future__ import annotations

from contextlib import contextmanager

import moderngl
import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import VMobject

from convanim.manim.speed.still_layer import PixelMapping, hole_box, meeting, mobject_box, render_within_box

_VERTEX = """
#version 330
in vec2 corner;
void main() { gl_Position = vec4(corner, 0.0, 1.0); }
"""
_FRAGMENT = """
#version 330
uniform sampler2D sprite;
uniform float share;
uniform vec2 offset;
uniform vec2 size;
out vec4 color;
void main() { color = share * texture(sprite, (gl_FragCoord.xy - offset) / size); }
"""


def sprite_ready(mobject, fading: bool = True) -> bool:
    """True when ``mobject`` can be drawn as a sprite: vector mobjects only, not depth tested, no updaters, and
    when ``fading``, no stroke of any width (a stroke is blended over its own fill: faded as one picture it
    would hide that fill)."""
    for member in mobject.get_family():
        if not isinstance(member, VMobject) or member.depth_test or member.has_updaters():
            return False
        if fading and member.get_num_points() and member.data["stroke_width"].max() > 0:
            return False
    return True


def fill_colours(member) -> bytes:
    """The distinct fill colours (RGBA rows) of ``member``'s points, sorted, as bytes: ``np.unique`` of its
    ``fill_rgba`` rows, with the common case of one colour throughout told without sorting."""
    rgba = member.data["fill_rgba"]
    if len(rgba) and (rgba == rgba[0]).all():
        return rgba[0].tobytes()
    return np.unique(rgba, axis=0).tobytes()


def sprite_layers(mapping: PixelMapping, mobject) -> list[list] | None:
    """``mobject``'s members with points in drawing order, as layers that can each be faded whole: a member goes
    one layer above every earlier member of another colour whose pixel box meets its own (a number inside a
    ring's hole does not meet the ring), and no lower than one of its own colour that it meets (those are drawn
    in one fill pass, as manimgl draws them).  So members of two colours in one layer never meet, and every
    pair that meets keeps its order.  A mobject of one colour is one layer.  None when a box cannot be told,
    or a member with points has members with points of its own (a layer draws each member's whole family)."""
    members = mobject.family_members_with_points()
    if any(len(member.family_members_with_points()) > 1 for member in members):
        return None
    colours = [fill_colours(member) for member in members]
    if len(set(colours)) <= 1:
        return [members] if members else []
    boxes = [mobject_box(mapping, member) for member in members]
    if any(box is None for box in boxes):
        return None
    holes = np.array([np.full(4, np.nan) if (h := hole_box(mapping, m)) is None else h for m in members])
    meets = meeting(np.array(boxes), holes)
    _, colour = np.unique(np.array(colours, dtype=object), return_inverse=True)
    levels = np.zeros(len(members), dtype=int)
    for k in range(1, len(members)):
        below = meets[k, :k]
        other = below & (colour[:k] != colour[k])
        same = below & ~other
        levels[k] = max(levels[:k][other].max() + 1 if other.any() else 0,
                        levels[:k][same].max() if same.any() else 0)
    layers: list[list] = [[] for _ in range(int(levels.max()) + 1)] if len(members) else []
    for member, level in zip(members, levels):
        layers[level].append(member)
    return layers


class Sprites:
    """Textures of the frame's size, drawn once per animation (a fading or sliding mobject's layers) and
    composited every frame."""

    def __init__(self, camera) -> None:
        ctx = camera.ctx
        self.ctx = ctx
        self.size = tuple(camera.fbo.size)
        self.program = ctx.program(vertex_shader=_VERTEX, fragment_shader=_FRAGMENT)
        self.program["size"].value = tuple(float(v) for v in self.size)
        corners = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], dtype="f4")
        self.quad = ctx.simple_vertex_array(self.program, ctx.buffer(corners.tobytes()), "corner",
                                            mode=moderngl.TRIANGLE_STRIP)
        self.free: list[moderngl.Framebuffer] = []
        #: framebuffer -> the box drawn into it since it was last cleared whole (None: the whole texture); a
        #: texture taken again is cleared there only (a clear of the whole texture cost 0.4 ms, 600 a render)
        self.drawn_into: dict[int, tuple[int, int, int, int] | None] = {}
        #: id of the mobject -> (its layers: (framebuffer, box), or None when drawn as vectors; the view they were
        #: drawn in; the offset drawn at)
        self.drawn: dict[int, tuple[list, tuple, np.ndarray]] = {}
        self.sprites_drawn = 0  # textures drawn (for tests and benchmarks)
        self.may_hold = True  # whether the members' data may wait for the animation's end (the scene says)

    def forget(self) -> None:
        """Drop every sprite (a new animation begins); their textures are kept for the next ones."""
        self.free.extend(framebuffer for layers, _, _ in self.drawn.values() for framebuffer, _ in layers)
        self.drawn = {}

    def can_draw(self, animation, mapping: PixelMapping) -> bool:
        """Whether ``animation``'s mobject can be composited in this frame: a moving one needs an unturned
        camera (one offset in pixels for every point)."""
        return mapping.view is None or not np.any(animation.sprite_offset())

    def composite(self, camera, group, animation, canvas, mapping: PixelMapping,
                  view: tuple) -> tuple[int, int, int, int] | None:
        """Draw render group ``group`` (whose one member is ``animation``'s mobject) into the frame at the
        animation's share and offset, as sprites drawn once per animation and camera view.  Returns the box
        drawn within, as :func:`~convanim.manim.speed.still_layer.render_within_box` does (None: the whole
        frame; (0, 0, 0, 0): nothing)."""
        key = id(animation.mobject)
        if key not in self.drawn or self.drawn[key][1] != view:
            self.drawn[key] = self.draw(camera, group, animation, canvas, mapping, view)
        layers, _, drawn_at = self.drawn[key]
        if layers is None:  # its layers cannot be told: vectors
            return render_within_box(camera, group, canvas, mapping)
        shift = (np.asarray(animation.sprite_offset()) - drawn_at)[:2] * mapping.per_unit
        share = float(animation.sprite_share())
        boxes = [moved_box(box, shift, self.size) for _, box in layers]
        if share <= 0.0:
            return 0, 0, 0, 0
        self.program["share"].value = share
        self.program["offset"].value = (float(shift[0]), float(shift[1]))
        try:
            self.ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
            for (framebuffer, _), box in zip(layers, boxes):
                if box is not None and box[2] * box[3] == 0:
                    continue
                camera.fbo.scissor = box
                camera.fbo.use()
                framebuffer.color_attachments[0].use(0)
                self.quad.render()
        finally:
            self.ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA  # manimgl's own
            camera.fbo.scissor = None
            camera.fbo.use()
        return union_box(boxes)

    def draw(self, camera, group, animation, canvas, mapping: PixelMapping, view: tuple):
        """The animation's mobject drawn as it looks at full opacity where the animation began: one texture
        for a sliding mobject, one per :func:`sprite_layers` layer for a fading one."""
        layers = []
        with animation.as_sprite():
            drawn_at = np.asarray(animation.sprite_offset(), dtype=float).copy()
            members = sprite_layers(mapping, animation.mobject) if animation.sprite_layered else None
            if animation.sprite_layered and members is None:
                return None, view, drawn_at
            if members is None or len(members) <= 1:  # one picture: the render group as it is
                members = [group.submobjects]
            for layer in members:
                framebuffer = self.free.pop() if self.free else self.new_texture()
                used = self.drawn_into.pop(framebuffer.glo, None)
                if used is None or used[2] * used[3] > 0:  # what the texture's last sprite left
                    framebuffer.clear(0.0, 0.0, 0.0, 0.0, viewport=used)
                with layer_group(group, layer) as drawn:
                    box = render_within_box(camera, drawn, canvas, mapping, target=framebuffer)
                self.drawn_into[framebuffer.glo] = box
                layers.append((framebuffer, box))
                self.sprites_drawn += 1
        # From now on the sprite is what is seen: the members' data need not follow the animation every frame
        # (their boxes come from reach()), when every layer's box is known.
        animation.hold(self.may_hold and all(box is not None for _, box in layers))
        return layers, view, drawn_at

    def reach(self, animation, mapping: PixelMapping) -> np.ndarray | None:
        """The pixel box ``[x0, y0, x1, y1]`` the animation's sprite covers now (as :func:`mobject_box` gives
        it), or None before it is drawn or when a layer's box is not known."""
        drawn = self.drawn.get(id(animation.mobject))
        if drawn is None or drawn[0] is None or any(box is None for _, box in drawn[0]):
            return None
        layers, _, drawn_at = drawn
        shift = (np.asarray(animation.sprite_offset()) - drawn_at)[:2] * mapping.per_unit
        box = union_box([moved_box(box, shift, self.size) for _, box in layers])
        if box[2] * box[3] == 0:
            return np.array([np.inf, np.inf, -np.inf, -np.inf])
        return np.array([box[0], box[1], box[0] + box[2], box[1] + box[3]], dtype=float)

    def new_texture(self) -> moderngl.Framebuffer:
        texture = self.ctx.texture(self.size, 4)
        texture.filter = moderngl.LINEAR, moderngl.LINEAR
        texture.repeat_x = texture.repeat_y = False  # clamp: nothing wraps in from the other side
        return self.ctx.framebuffer(color_attachments=[texture])

    def release(self) -> None:
        self.forget()
        for framebuffer in self.free:
            for attachment in framebuffer.color_attachments:
                attachment.release()
            framebuffer.release()
        self.free, self.drawn_into = [], {}
        self.quad.release()
        self.program.release()


@contextmanager
def layer_group(group, members: list):
    """A render group of ``members`` (the render group ``group`` itself when they are its members), undone after
    drawing."""
    if list(members) == list(group.submobjects):
        yield group
        return
    layer = members[0].get_group_class()(*members)
    try:
        yield layer
    finally:
        layer.clear()


def moved_box(box: tuple[int, int, int, int] | None, shift: np.ndarray, size: tuple[int, int]
              ) -> tuple[int, int, int, int] | None:
    """A drawn box ``(x, y, width, height)`` moved by ``shift`` pixels (a fraction of a pixel reaches the next
    one: one pixel more on each side), clipped to the frame ``size``; None stays None (the whole frame)."""
    if box is None or box[2] * box[3] == 0:
        return box
    if not np.any(shift):
        return box
    x0, y0 = int(np.floor(box[0] + shift[0])) - 1, int(np.floor(box[1] + shift[1])) - 1
    x1, y1 = int(np.ceil(box[0] + box[2] + shift[0])) + 1, int(np.ceil(box[1] + box[3] + shift[1])) + 1
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(size[0], x1), min(size[1], y1)
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def union_box(boxes: list) -> tuple[int, int, int, int] | None:
    """The box around ``boxes`` (None if one is None: the whole frame; (0, 0, 0, 0) when all are empty)."""
    if any(box is None for box in boxes):
        return None
    filled = [box for box in boxes if box[2] * box[3] > 0]
    if not filled:
        return 0, 0, 0, 0
    x0, y0 = min(b[0] for b in filled), min(b[1] for b in filled)
    x1, y1 = max(b[0] + b[2] for b in filled), max(b[1] + b[3] for b in filled)
    return x0, y0, x1 - x0, y1 - y0


__all__ = ["Sprites", "sprite_ready", "sprite_layers", "moved_box", "union_box"]
