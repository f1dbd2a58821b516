"""What a BatchedScene remembers between frames while it renders, created afresh for each run.

Kept in one object with declared fields (not as class attributes of the
scene): the render groups' split into the still layer and the live part
(:mod:`convanim.manim.speed.still_layer`), the fades and shifts drawn as sprites
(:mod:`convanim.manim.speed.sprites`), and what the last frame drew.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RenderState:
    #: True when mobjects were added or removed, or began or stopped moving, since the render groups were made.
    groups_stale: bool = True
    #: id of a fading or sliding mobject drawn as a sprite -> its OpacityFade or Shift (set per animation).
    sprites: dict = field(default_factory=dict)
    #: ids of the parts the running animations ask to be drawn each as a unit of its own (``drawn_apart``).
    apart_ids: set = field(default_factory=set)
    #: Whether a sprite's data may wait for its animation's end (nothing in the play reads it meanwhile).
    sprites_may_hold: bool = True
    #: Sprites (the textures), made at the first sprite.
    sprite_textures: Any = None
    #: The families' ids of what the running animations and updaters move.
    moving_ids: set = field(default_factory=set)
    #: The leading render groups drawn into the still layer (set by arrange).
    still_count: int = 0
    #: Mobjects before the first moving one, in drawing order.
    before_cut: list = field(default_factory=list)
    #: (mobject, moves) from the first moving one on, in drawing order.
    after_cut: list = field(default_factory=list)
    #: Ids of the still mobjects and of each live cluster's, as last arranged.
    arranged: tuple = ((), ())
    #: How often new still groups were made (the still layer's key).
    arrangements: int = 0
    #: id of a still mobject after the cut -> its (box, hole) in pixels, and the camera view they were measured in.
    still_boxes: dict = field(default_factory=dict)
    boxes_view: tuple | None = None
    #: The camera as last refreshed: (camera_inputs, camera_key, pixel_mapping); refreshed when its inputs change.
    camera_view: tuple = (None, None, None)
    #: The StillLayer (made at the first frame drawn).
    still_layer: Any = None
    #: Frames drawn so far, whether the framebuffer holds the layer unchanged (its key), the live boxes drawn over
    #: the layer in the last frame, and the last frame's bytes (frames_drawn, bytes).
    frames_drawn: int = 0
    frame_holds: Any = None
    drawn_over_layer: list | None = None
    last_frame: tuple = (None, None)


__all__ = ["RenderState"]
