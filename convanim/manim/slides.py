"""Scenes as slide decks (manim-slides): the slides are the steps of the scene's story.

``deck_of(SceneClass)`` returns a subclass that is also a manim-slides
``Slide`` and starts a new slide before each call of the step methods the
scene names in ``slide_cuts`` (each call) and ``slide_runs`` (the first of
consecutive calls: a sweep is one slide).  The plain scene is unchanged.
A cut is made only when something was played since the last one, so no
slide is empty, and a ``wait()`` just before a cut stays in its slide.

manim-slides is optional (``pip install "convanim[slides]"``); it is
imported only here.
"""
from __future__ import annotations

import functools
from pathlib import Path


def cut_before(method, run: bool):
    """``method`` wrapped: a new slide starts before it (``run``: unless the last cut was this method too)."""
    name = method.__name__

    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        played = self.num_plays > self._plays_at_cut
        if played and not (run and self._last_cut == name):
            self.next_slide()
            self._plays_at_cut = self.num_plays
        self._last_cut = name
        return method(self, *args, **kwargs)

    return wrapped


def deck_of(scene_class: type, output_folder: str | Path = "slides") -> type:
    """``scene_class`` as a manim-slides deck writing its slides to ``output_folder``."""
    from manim_slides.slide.manimlib import Slide

    folder = Path(output_folder)
    namespace = {"__doc__": scene_class.__doc__, "__module__": scene_class.__module__}
    for names, run in ((getattr(scene_class, "slide_cuts", ()), False), (getattr(scene_class, "slide_runs", ()), True)):
        for name in names:
            namespace[name] = cut_before(getattr(scene_class, name), run)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("output_folder", folder)
        self._plays_at_cut, self._last_cut = 0, None
        super(deck, self).__init__(*args, **kwargs)

    def wait(self, *args, **kwargs):
        # manimgl writes a partial movie file for each wait() too, but manim-slides counts only play()s,
        # so every slide after a wait would start early and the last ones lose their frames (the cause of
        # manim-slides #527 with ManimGL); count the wait as the animation it is.
        result = super(deck, self).wait(*args, **kwargs)
        if not self.skip_animations:
            self._current_animation += 1
        return result

    namespace["__init__"] = __init__
    namespace["wait"] = wait
    deck = type(scene_class.__name__, (Slide, scene_class), namespace)
    return deck


__all__ = ["deck_of", "cut_before"]
