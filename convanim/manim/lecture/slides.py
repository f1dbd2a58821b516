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

from pathlib import Path

from convanim.manim.story.steps import StorySteps, cut_before, with_story_steps


class DeckSteps(StorySteps):
    """A deck's story steps: each cut starts a new slide, with that step's speaker notes (``slide_notes``,
    one text per step, from the narration; none when empty)."""

    deck_folder: Path = Path("slides")
    slide_notes: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("output_folder", self.deck_folder)
        super().__init__(*args, **kwargs)

    def notes_of(self, step: int) -> dict:
        notes = self.slide_notes[step] if step < len(self.slide_notes) else ""
        return {"notes": notes} if notes else {}

    def construct(self) -> None:
        if self.notes_of(0):
            self.next_slide(**self.notes_of(0))  # nothing played yet: it only sets the first slide's notes
        super().construct()

    def end_story_step(self) -> None:
        self.next_slide(**self.notes_of(len(self.story_calls)))

    def wait(self, *args, **kwargs):
        # manimgl writes a partial movie file for each wait() too, but manim-slides counts only play()s,
        # so every slide after a wait would start early and the last ones lose their frames (the cause of
        # manim-slides #527 with ManimGL); count the wait as the animation it is.
        result = super().wait(*args, **kwargs)
        if not self.skip_animations:
            self._current_animation += 1
        return result


def deck_of(scene_class: type, output_folder: str | Path = "slides", notes: tuple[str, ...] = ()) -> type:
    """``scene_class`` as a manim-slides deck writing its slides to ``output_folder``; ``notes``: each story
    step's speaker notes, in order (see :mod:`convanim.manim.story`)."""
    from manim_slides.slide.manimlib import Slide

    return with_story_steps(scene_class, DeckSteps, {"deck_folder": Path(output_folder), "slide_notes": tuple(notes)},
                            bases=(Slide,))


__all__ = ["deck_of", "cut_before", "DeckSteps"]
