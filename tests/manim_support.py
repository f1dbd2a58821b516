"""Run convanim scenes inside pytest without a display.

manimlib parses ``sys.argv`` when it is first imported, so the import
happens here with a neutral argv; convanim.manim then switches pyglet to
headless mode and OpenGL to EGL (see convanim/manim/headless.py).
"""
import sys

_saved = sys.argv
sys.argv = ["manimgl"]
try:
    import convanim.manim._gl  # noqa: F401,E402
finally:
    sys.argv = _saved

from convanim.manim.numbers import format_value, make_number, shown_string, shown_value  # noqa: E402


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
    fresh = make_number(int(shown_value(mob)) if "." not in shown_string(mob) else shown_value(mob),
                        getattr(mob, "num_decimal_places", 0), mob.font_size, "#FFFFFF")
    fresh.move_to(mob)
    a = [sm.get_points() for sm in mob.family_members_with_points()]
    b = [sm.get_points() for sm in fresh.family_members_with_points()]
    if len(a) != len(b):
        return False
    import numpy as np
    return all(x.shape == y.shape and np.allclose(x, y, atol=1e-3) for x, y in zip(a, b))


__all__ = ["run", "glyphs_match", "format_value", "shown_value", "shown_string"]
