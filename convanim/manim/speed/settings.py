"""The speed switches in one object: each shortcut of :mod:`convanim.manim.speed` on (the default) or off.

They are not scene options (they change how fast frames are drawn, never
what they show); benchmarks and tests turn them off to compare with
manimgl's own path::

    convanim render scenes/conv3x3.py Conv3x3 --speed fill_canvas=manimgl --speed wide_movie_pipe=off
    CONVANIM_SPEED="fill_canvas=manimgl,wide_movie_pipe=off" manimgl scenes/conv3x3.py Conv3x3

``--speed`` sets ``CONVANIM_SPEED`` for the render and the processes it
starts (segments, the narration timeline); a scene reads it when it runs
(``BatchedScene.speed_settings``, which a subclass may override).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace

#: The environment variable holding the switches, ``NAME=VALUE`` separated by commas.
ENVIRONMENT = "CONVANIM_SPEED"
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}
_WORDS = {"fill_canvas": ("frame", "manimgl"), "shader_ids": ("fast", "manimgl"), "shifts": ("fast", "manimgl")}


@dataclass(frozen=True)
class SpeedSettings:
    """Each switch with what it does when on; off gives manimgl's own way, for comparison."""

    #: Mobjects an animation does not touch are drawn once per animation (see still_layer.py).
    draw_still_parts_once: bool = True
    #: "frame": fills drawn through a frame-sized canvas (fill_canvas.py); "manimgl": its double-size canvas.
    fill_canvas: str = "frame"
    #: "fast": shader ids hashed from the uniforms' values (shader_ids.py); "manimgl": from their printed form.
    shader_ids: str = "fast"
    #: No stroke pass for render groups with nothing to stroke (empty_strokes.py).
    skip_empty_strokes: bool = True
    #: An animation's start and end recompute joint angles only for members whose data changed (joint_angles.py).
    skip_unchanged_joint_angles: bool = True
    #: A still layer drawn anew is drawn only where it differs from the one it holds (layer_changes.py).
    redraw_layer_changes: bool = True
    #: Depth-tested mobjects (the 3-D scenes' blocks) are drawn within their pixel boxes, as the rest are
    #: (still_layer.box_depth_tested).
    box_depth_tested: bool = True
    #: Mobjects fading with an OpacityFade (and nothing else moving them) are drawn once and composited with
    #: their opacity (and shift) each frame (sprites.py).  Either way each is drawn in a pass of its own.
    draw_fades_once: bool = True
    #: Mobjects sliding with a Shift (and nothing else moving them) are drawn once and composited where the
    #: shift has moved them each frame (sprites.py).
    draw_shifts_once: bool = True
    #: While a sprite shows an animation, the mobject's points and alphas wait for its end instead of being
    #: written every frame (sprites.py; never when the play has updaters or manimgl's update animations).
    sprite_data_waits: bool = True
    #: "fast": a shift, alone (animations/shift.py) or with a fade (a channel stack's swap, animations/fades.py),
    #: moves the points in place; "manimgl": manimgl's Transforms (MoveToTarget, FadeIn/FadeOut with a shift).
    shifts: str = "fast"
    #: At 480p and below, Mesa's llvmpipe rasterises in the rendering thread (raster_threads.py).
    raster_in_render_thread: bool = True
    #: A render group's vertices are gathered by joining their bytes, not by numpy's structured concatenate
    #: (vertex_bytes.py).
    join_vertex_bytes: bool = True
    #: A Transform's alignment splits curves with numpy arrays, manimgl's points bit for bit (curve_insertion.py).
    vectorise_curve_insertion: bool = True
    #: Converted text glyphs are kept on disk and read back by later processes (glyph_store.py).
    glyph_disk_cache: bool = True
    #: Frames go to ffmpeg through a pipe widened to hold a frame, up to Linux's limit (movie_pipe.py).
    wide_movie_pipe: bool = True
    #: ffmpeg is not asked for manimgl's eq filter when its saturation and gamma are 1 (movie_pipe.py).
    drop_identity_filter: bool = True
    #: Frames are written into that pipe by a thread of their own (movie_pipe.py).
    background_movie_pipe: bool = True

    @classmethod
    def parse(cls, assignments: list[str] | tuple[str, ...]) -> "SpeedSettings":
        """``["fill_canvas=manimgl", "wide_movie_pipe=off"]`` as settings; ValueError naming the switch, the value
        and the rule (one line)."""
        names = [f.name for f in fields(cls)]
        changes: dict[str, object] = {}
        for text in assignments:
            name, sep, value = (part.strip() for part in text.partition("="))
            if not sep or name not in names:
                raise ValueError(f"--speed {text!r}: expected NAME=VALUE with NAME one of {', '.join(names)}")
            if name in _WORDS:
                if value not in _WORDS[name]:
                    raise ValueError(f"--speed {name}={value!r}: expected one of {', '.join(_WORDS[name])}")
                changes[name] = value
            elif value.lower() in _TRUE | _FALSE:
                changes[name] = value.lower() in _TRUE
            else:
                raise ValueError(f"--speed {name}={value!r}: expected on or off")
        return replace(cls(), **changes)

    @classmethod
    def from_environment(cls) -> "SpeedSettings":
        """The settings ``CONVANIM_SPEED`` holds (all on when it is unset or empty)."""
        text = os.environ.get(ENVIRONMENT, "").strip()
        return cls.parse([part for part in text.split(",") if part.strip()])

    def as_text(self) -> str:
        """The switches that differ from the defaults, as ``CONVANIM_SPEED`` spells them."""
        default = SpeedSettings()
        changed = [(f.name, getattr(self, f.name)) for f in fields(self)
                   if getattr(self, f.name) != getattr(default, f.name)]
        return ",".join(f"{n}={v if isinstance(v, str) else ('on' if v else 'off')}" for n, v in changed)


@contextmanager
def speed_environment(assignments: list[str] | None):
    """``CONVANIM_SPEED`` set to ``assignments`` (checked: ValueError) while the block runs, then put back; the
    environment is left alone when there are none."""
    if not assignments:
        yield
        return
    text = SpeedSettings.parse(assignments).as_text()
    previous = os.environ.get(ENVIRONMENT)
    os.environ[ENVIRONMENT] = text
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(ENVIRONMENT, None)
        else:
            os.environ[ENVIRONMENT] = previous


__all__ = ["ENVIRONMENT", "SpeedSettings", "speed_environment"]
