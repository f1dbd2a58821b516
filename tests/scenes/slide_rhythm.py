"""A deck whose every slide has a wait between two animations: the rhythm of manim-slides #527 and #609.

Each slide: a square fades in (0.5 s), a wait (0.5 s), a circle fades in
(0.5 s) = 45 frames at 30 fps.  With ManimGL, manim-slides counted only
play() calls, so such a deck cut its slides before the circle and lost the
last one's frames.
"""
from manimlib import DOWN, RIGHT, Circle, FadeIn, Scene, Square


class SlideRhythm(Scene):
    """Three slides of square, wait, circle."""
    slide_cuts = ("show_pair",)

    def construct(self) -> None:
        for n in range(3):
            self.show_pair(n)

    def show_pair(self, n: int) -> None:
        shapes = [Square().shift(RIGHT * (3 * n - 3)), Circle().shift(RIGHT * (3 * n - 3) + 2 * DOWN)]
        self.play(FadeIn(shapes[0]), run_time=0.5)
        self.wait(0.5)
        self.play(FadeIn(shapes[1]), run_time=0.5)
