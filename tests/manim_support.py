"""Run convanim scenes inside pytest without a display.

manimlib parses ``sys.argv`` when it is first imported, so the import
happens here with a neutral argv; convanim.manim then switches pyglet to
headless mode and OpenGL to EGL (see convanim/manim/headless.py).
"""
import importlib.util
import sys
from pathlib import Path
import numpy as np

_saved = sys.argv
sys.argv = ["manimgl"]
try:
    import convanim.manim._gl  # noqa: F401,E402
finally:
    sys.argv = _saved

from convanim.manim.mobjects.numbers import format_value, make_number, shown_string, shown_value  # noqa: E402


def run(scene_class, **kwargs):
    """Build and run a scene with animations skipped (their end states are kept); return it.

    The scene's OpenGL context is released afterwards: its frame buffers hold
    about 110 MB per scene, and the test session keeps dozens of scenes alive
    (test_screen caches them), which took the run past 14 GB.  Tests read
    mobjects and traces, never frames, from these scenes.
    """
    scene = scene_class(skip_animations=True, **kwargs)
    scene.run()
    scene.camera.ctx.release()
    return scene


def sampled_frames(scene_class, sample, **attributes):
    """Render ``scene_class`` (with ``attributes`` set) at 256×144 and return ``(samples, scene)``: what
    ``sample(scene)`` gives after each frame it emits, where it gives anything but None; ``scene.plays``
    counts the plays."""
    samples = []

    class Recording(scene_class):
        plays = 0

        def play(self, *args, **kwargs):
            self.plays += 1
            super().play(*args, **kwargs)

        def emit_frame(self):
            super().emit_frame()
            if not self.skip_animations and (value := sample(self)) is not None:
                samples.append(value)

    for name, value in attributes.items():
        setattr(Recording, name, value)
    scene = Recording(camera_config={"resolution": (256, 144)})
    scene.run()
    scene.camera.ctx.release()
    return samples, scene


def glyphs_match(mob) -> bool:
    """True when ``mob`` draws what its state says: same glyph outlines as a fresh number of its value."""
    return draws(mob, int(shown_value(mob)) if "." not in shown_string(mob) else shown_value(mob))


def draws(mob, value) -> bool:
    """True when ``mob``'s glyphs fill what those of ``value`` fill (written with its places, at its size),
    whatever its state says (a Transform changes the outlines, not the state).  The fills are compared as
    masks on a 96-pixel-high raster (even-odd inside each glyph's subpaths): they may differ on at most 4 % of
    the pixels that either fills (measured: numbers a Transform morphed into DecimalNumber.set_value's digits
    differ from make_number's by 0.12 % at most in ShortConv; numbers of three equal digits differ from each other
    by 37 % or more, tests/test_played_numbers.py)."""
    import numpy as np
    from matplotlib.path import Path as Polygon

    fresh = make_number(value, getattr(mob, "num_decimal_places", 0), mob.font_size, "#FFFFFF")
    fresh.move_to(mob)
    (x0, y0, _), (x1, y1, _) = fresh.get_corner(np.array([-1, -1, 0])), fresh.get_corner(np.array([1, 1, 0]))
    pad = 0.1 * (y1 - y0)
    step = (y1 - y0) / 96
    xs, ys = np.meshgrid(np.arange(x0 - pad, x1 + pad, step), np.arange(y0 - pad, y1 + pad, step))
    grid = np.column_stack([xs.ravel(), ys.ravel()])

    def mask(m) -> np.ndarray:
        filled = np.zeros(len(grid), dtype=bool)
        for sm in m.family_members_with_points():
            if sm.get_fill_opacity() < 0.05:
                continue
            inside = np.zeros(len(grid), dtype=bool)
            for points in sm.get_subpaths():
                t = np.linspace(0, 1, 9)[:, None, None]
                curve = ((1 - t) ** 2 * points[0:-1:2][None] + 2 * t * (1 - t) * points[1::2][None]
                         + t ** 2 * points[2::2][None])
                outline = curve.transpose(1, 0, 2).reshape(-1, 3)[:, :2]
                if len(outline) >= 3:
                    inside ^= Polygon(outline).contains_points(grid)
            filled |= inside
        return filled

    a, b = mask(mob), mask(fresh)
    either = np.count_nonzero(a | b)
    return either > 0 and np.count_nonzero(a ^ b) <= 0.04 * either


__all__ = ["run", "glyphs_match", "draws", "format_value", "shown_value", "shown_string"]


SCENES = Path(__file__).resolve().parents[1] / "scenes"


def load_module(name):
    """The gallery's scene file ``scenes/<name>.py``, imported as a module."""
    spec = importlib.util.spec_from_file_location(f"family_{name}", SCENES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_scene(path, name):
    """Scene ``name`` of the scene file at ``path`` (any file: a test's own scenes, a gallery file)."""
    spec = importlib.util.spec_from_file_location(f"cli_{Path(path).stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def lightness(grid) -> np.ndarray:
    """How light each cell of a shaded grid is drawn, (rows·cols,) in cell order: the sum of its fill's red,
    green and blue (0-765), read from the colour the cell is filled with."""
    return np.array([sum(int(sq.get_fill_color()[k:k + 2], 16) for k in (1, 3, 5)) for sq in grid.squares])
