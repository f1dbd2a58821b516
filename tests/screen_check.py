"""Record what a scene puts in front of a viewer, play by play, and check it.

``recording(SceneClass)`` returns a subclass that, after every ``play`` and
``wait``, notes each visible text and number: its words, its size in pixels
at 480p and 720p, and whether it lies inside the frame, all measured where
the camera draws it (through the frame's view and perspective: a 3D scene's
tilted planes are measured as the viewer sees them).  The checks here
read only those records and the scene's trace.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import numpy as np

from manim_support import run  # noqa: F401  (imports manimlib first)
from manimlib import DecimalNumber, Text
from manimlib.constants import FRAME_HEIGHT, FRAME_WIDTH

#: The smallest height of a digit or letter on screen, in pixels at 480p (the rule of the issue).
MIN_PIXELS_480P = 8.0

#: How many times more examples the scene fuzzing draws than `make test` does (`make fuzz`: 5).
FUZZ_SCALE = float(os.environ.get("CONVANIM_FUZZ_SCALE", "1"))


def fuzz_settings(examples: int):
    """Hypothesis settings for a test that runs whole scenes: ``examples`` (times FUZZ_SCALE), derandomized,
    no deadline."""
    from hypothesis import HealthCheck, settings
    return settings(max_examples=max(1, round(examples * FUZZ_SCALE)), deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@dataclass
class Seen:
    """One text or number as drawn at one moment."""

    play: int
    text: str
    height: float          # the tallest glyph, in frame units as the camera draws it
    inside: bool
    kind: str              # "number" or "text"
    box: tuple = ()        # (x0, y0, x1, y1) of its glyphs on screen, in frame units
    ident: int = 0         # id() of the mobject (one mobject is seen after a play and again after a wait)
    shot: int = 0          # which record: one after each play and one after each wait


@dataclass
class Screen:
    seen: list[Seen] = field(default_factory=list)

    def texts(self) -> list[Seen]:
        return [s for s in self.seen if s.kind == "text"]

    def statements(self) -> list[str]:
        """Every distinct text that states arithmetic (holds " = " or " ≈ ")."""
        out = []
        for s in self.texts():
            if (" = " in s.text or " ≈ " in s.text) and s.text not in out:
                out.append(s.text)
        return out


def camera_projection(scene) -> tuple[np.ndarray, float]:
    """The camera's view matrix (4×4) and its perspective factor (scale / focal distance), as they are now."""
    frame = scene.camera.frame
    return np.array(frame.get_view_matrix()), frame.get_scale() / frame.get_focal_distance()


def on_screen(scene, mob, projection: tuple[np.ndarray, float] | None = None) -> np.ndarray:
    """``mob``'s own points (N, 2) where the camera draws them, in frame units: through the frame's view and
    perspective (manimgl's emit_gl_Position: the view matrix, then x and y over 1 − z·scale/focal distance);
    as they are for a mobject fixed in the frame.  The identity for a 2D scene's unmoved frame.
    ``projection``: :func:`camera_projection`, when the caller took it once for many mobjects."""
    points = mob.get_points()
    if mob.is_fixed_in_frame():
        return points[:, :2]
    view, perspective = projection if projection is not None else camera_projection(scene)
    v = points @ view[:3, :3].T + view[:3, 3]
    w = 1.0 - v[:, 2] * perspective
    return v[:, :2] / w[:, None]


def screen_box(scene, mob, projection: tuple[np.ndarray, float] | None = None) -> tuple[float, float, float, float]:
    projection = projection if projection is not None else camera_projection(scene)
    drawn = np.concatenate([on_screen(scene, m, projection) for m in mob.family_members_with_points()])
    (x0, y0), (x1, y1) = drawn.min(axis=0), drawn.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def glyph_height(scene, mob, projection: tuple[np.ndarray, float] | None = None) -> float:
    """Height on screen of the tallest glyph of a text or number (its submobjects are the glyphs)."""
    projection = projection if projection is not None else camera_projection(scene)
    glyphs = [sm for sm in mob.submobjects if sm.has_points()] or [mob]
    heights = [np.ptp(on_screen(scene, m, projection)[:, 1]) for g in glyphs for m in g.family_members_with_points()]
    return float(max(heights))


def visible(mob) -> bool:
    return any(float(sm.get_fill_opacity()) > 0.05 for sm in mob.family_members_with_points())


def record_screen(scene, screen: Screen, play: int, geometry: bool = True) -> None:
    """Note every visible Text and number of the scene, as one shot (without ``geometry``: their words only,
    no size and place)."""
    shot = screen.seen[-1].shot + 1 if screen.seen else 1
    half_w, half_h = FRAME_WIDTH / 2 + 1e-3, FRAME_HEIGHT / 2 + 1e-3
    projection = camera_projection(scene)  # the camera does not move while the shot is taken
    for mob in scene.get_mobject_family_members():
        if isinstance(mob, DecimalNumber):
            kind, text = "number", mob.num_string
        elif isinstance(mob, Text) and hasattr(mob, "code"):  # a code card's lines: code, not words or statements
            kind, text = "code", mob.code
        elif isinstance(mob, Text) and not any(isinstance(p, DecimalNumber) for p in getattr(mob, "parents", [])):
            kind, text = "text", mob.text.replace("\n", " ")
        else:
            continue
        if not mob.family_members_with_points() or not visible(mob):
            continue
        if not re.search(r"\w", text):  # "=", "×", "+": operator signs are not words
            continue
        if not geometry:
            screen.seen.append(Seen(play, text, 0.0, True, kind, (), id(mob), shot))
            continue
        x0, y0, x1, y1 = screen_box(scene, mob, projection)
        inside = -half_w <= x0 and x1 <= half_w and -half_h <= y0 and y1 <= half_h
        screen.seen.append(Seen(play, text, glyph_height(scene, mob, projection), inside, kind, (x0, y0, x1, y1),
                                id(mob), shot))


def recording(scene_class, geometry: bool = True):
    """A subclass of ``scene_class`` whose ``screen`` attribute collects what each play shows (without
    ``geometry``: the words only, which is quicker)."""

    class Recorded(scene_class):
        def setup(self):
            self.screen = Screen()
            self.plays_seen = 0
            super().setup()

        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            self.plays_seen += 1
            record_screen(self, self.screen, self.plays_seen, geometry)

        def wait(self, *args, **kwargs):
            super().wait(*args, **kwargs)
            record_screen(self, self.screen, self.plays_seen, geometry)

    Recorded.__name__ = scene_class.__name__
    return Recorded


def overlap_problems(screen: Screen, resolution: int = 480) -> list[str]:
    """Two numbers drawn over each other at once (after a play or a wait): their glyph boxes overlap by more
    than a pixel at ``resolution`` each way (digits written over digits)."""
    slack = FRAME_HEIGHT / resolution
    problems = []
    by_shot: dict[int, list[Seen]] = {}
    for s in screen.seen:
        if s.kind == "number":
            by_shot.setdefault(s.shot, []).append(s)
    for numbers in by_shot.values():
        play = numbers[0].play
        for i, a in enumerate(numbers):
            for b in numbers[i + 1:]:
                if (min(a.box[2], b.box[2]) - max(a.box[0], b.box[0]) > slack
                        and min(a.box[3], b.box[3]) - max(a.box[1], b.box[1]) > slack):
                    problems.append(f"numbers {a.text!r} and {b.text!r} overlap (play {play})")
    return sorted(set(problems))


def pixels(height: float, resolution: int) -> float:
    return height * resolution / FRAME_HEIGHT


def size_problems(screen: Screen, resolution: int = 480) -> list[str]:
    """Texts and numbers drawn smaller than the minimum (scaled to ``resolution``), or outside the frame."""
    minimum = MIN_PIXELS_480P * resolution / 480
    problems = []
    for s in screen.seen:
        if pixels(s.height, resolution) < minimum - 1e-6:
            problems.append(f"{s.kind} {s.text!r} is {pixels(s.height, resolution):.1f} px tall at {resolution}p "
                            f"(play {s.play}; minimum {minimum:.0f})")
        if not s.inside:
            problems.append(f"{s.kind} {s.text!r} runs off the frame (play {s.play})")
    return sorted(set(problems))


# -- English left on screen -------------------------------------------------------------------------
#: Latin words kept on screen in every language, and why (every other run of three or more Latin letters on a
#: non-English screen is English left untranslated: issue 32's ConvBackward rule line, Col2Im's dcols caption).
KEPT_NAMES = {
    "NaN", "ReLU", "max", "mean",                                     # formula words: max(…), mean(…), ReLU
    "True", "False", "ceil_mode", "count_include_pad", "divisor_override", "output_padding", "padding_mode",
    "zeros", "reflect", "replicate", "circular", "conv",               # PyTorch's argument names and values
    "col2im", "im2col", "dcols", "dout", "W_col", "cols", "col", "out",  # Saito's functions and matrices
    "chelsea", "scikit-image",                                         # the photo's name and source
    "PyTorch",                                                         # the library the code card is written for
    "mode", "valid", "full",                                           # SciPy's argument name and values
    "var", "labels",                                                   # code cards' variables (var1: σ², the digits' labels)
}
KEPT_TITLES = ["Deep Learning from Scratch"]  # a book's title, as published


def english_left(scene) -> dict[str, str]:
    """Each English word a recorded scene showed (beyond :data:`KEPT_NAMES`, its book titles and the scene's own
    data, such as the sentence a 1-D conv reads), with the text it was in."""
    import re

    data = set(scene.words()) if hasattr(scene, "words") else set()
    left = {}
    for seen in scene.screen.texts():
        text = seen.text
        for title in KEPT_TITLES:
            text = text.replace(title, "")
        for word in re.findall(r"[A-Za-z][A-Za-z_\-]{2,}", text):
            if word not in KEPT_NAMES | data:
                left.setdefault(word, seen.text)
    return left

