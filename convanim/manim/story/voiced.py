"""A narrated scene waits for its voice: each step holds its last frame until the step's clip and the pause
after it are over.

``voice_waits[k]`` is the number of frames added at the end of step ``k``
(worked out before the render from the silent video's step lengths and the
clips' lengths, :mod:`convanim.manim.story.narrate`).  They are whole frames,
added by a ``wait`` after the step's last animation, so every animation
keeps its frames: the narrated video is the silent one with held frames
put in between the steps.
"""
from __future__ import annotations

from convanim.manim.story.steps import StorySteps, with_story_steps


class VoicedSteps(StorySteps):
    """Adds ``voice_waits[k]`` frames at the end of step ``k`` (at the next cut, or after ``construct``)."""

    voice_waits: tuple[int, ...] = ()

    def end_story_step(self) -> None:
        super().end_story_step()
        self.wait_for_voice(len(self.story_calls) - 1)

    def construct(self) -> None:
        super().construct()
        self.wait_for_voice(len(self.story_calls) - 1)

    def wait_for_voice(self, step: int) -> None:
        frames = self.voice_waits[step] if step < len(self.voice_waits) else 0
        if frames > 0:
            # manimgl writes len(arange(0, t, 1/fps)) frames for a wait of t seconds: half a frame short of
            # `frames` gives exactly `frames`, whatever the rounding of frames / fps.
            self.wait((frames - 0.5) / self.camera.fps)


def voiced(scene_class: type, waits: list[int]) -> type:
    """``scene_class`` waiting ``waits[k]`` frames at the end of each story step ``k``."""
    return with_story_steps(scene_class, VoicedSteps, {"voice_waits": tuple(waits)})


__all__ = ["VoicedSteps", "voiced"]
