"""A scene's story on the silent video's clock: each step's frames and what it says in each language.

:func:`story_timeline` runs the scene with animations skipped (no frame is
drawn) in a child process (``python -m convanim.manim.story.timeline``), its
step methods cut as a slide deck cuts them (:mod:`convanim.manim.story.steps`),
and counts the frames every animation writes (``run_time × fps`` of them,
as manimgl does), so the step times are those of the rendered video.  The
family's narrator then says each step in every language asked for.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from convanim.narration.story import StepText

from convanim.manim.story.options import NarrationOptions
from convanim.manim.story.steps import StorySteps, with_story_steps

#: The worker's error output kept in a failure's message.
ERROR_TAIL = 1500


@dataclass(frozen=True)
class StoryTimeline:
    """``starts[k]`` the first frame of step ``k``; ``frames`` the video's frame count; ``texts[language][k]``
    step ``k``'s StepText in that language; ``fps``."""

    fps: int
    frames: int
    starts: tuple[int, ...]
    texts: dict[str, tuple[StepText, ...]]

    @property
    def ends(self) -> tuple[int, ...]:
        return self.starts[1:] + (self.frames,)

    def ids(self, language: str) -> list[str]:
        return [t.id for t in self.texts[language]]

    def to_json(self) -> str:
        return json.dumps({"fps": self.fps, "frames": self.frames, "starts": list(self.starts),
                           "texts": {lang: [[t.id, t.title, t.text] for t in texts]
                                     for lang, texts in self.texts.items()}}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "StoryTimeline":
        data = json.loads(text)
        return cls(data["fps"], data["frames"], tuple(data["starts"]),
                   {lang: tuple(StepText(*t) for t in texts) for lang, texts in data["texts"].items()})


def frame_count(run_time: float, fps: int) -> int:
    from convanim.manim.rendering.segments import frame_count as count

    return count(run_time, fps)


class RecordedSteps(StorySteps):
    """Notes the frame each step starts at: frames counted per animation from its exact run time, as manimgl
    writes them (``len(arange(0, run_time, 1/fps))``; differences of the scene's clock would drift by float
    rounding)."""

    def start_story(self) -> None:
        super().start_story()
        self.step_starts, self.frames_so_far = [0], 0

    def get_time_progression(self, run_time: float, *args, **kwargs):
        self.frames_so_far += frame_count(run_time, self.camera.fps)  # once per play or wait
        return super().get_time_progression(run_time, *args, **kwargs)

    def end_story_step(self) -> None:
        super().end_story_step()  # a narrated step's wait first: the next step starts after it
        self.step_starts.append(self.frames_so_far)


class NoNarration(LookupError):
    """The scene's family has no spoken story yet."""


def record(scene_file: str, scene: str, settings: list[str], languages: list[str], waits: list[int]) -> StoryTimeline:
    """In this process (argv neutral): run the scene skipped and return its timeline (see the module)."""
    sys.argv = ["manimgl"]
    import convanim.manim._gl  # noqa: F401
    from convanim.manim.options.options import parse_options
    from convanim.manim.rendering.scene_files import load_scene_module, scene_classes
    from convanim.manim.story.voiced import VoicedSteps

    base = scene_classes(load_scene_module(scene_file))[scene]
    options = parse_options(base, settings)
    recorded = type("RecordedVoicedSteps", (RecordedSteps, VoicedSteps), {})
    cls = with_story_steps(base, recorded, {**options, "voice_waits": tuple(waits)})
    instance = cls(skip_animations=True)
    instance.run()
    texts = {}
    for language in languages:
        narrator = instance.narrator(language) if isinstance(instance, NarrationOptions) else None  # plain manimgl
        if narrator is None:
            raise NoNarration(f"{scene}.narration: this scene's family has no spoken story yet (it defines no "
                              "narrator(); see convanim.narration)")
        texts[language] = tuple(narrator.narrate(instance.story_calls))
    return StoryTimeline(int(instance.camera.fps), instance.frames_so_far, tuple(instance.step_starts), texts)


def story_timeline(scene_file: str, scene: str, settings: list[str], languages: list[str],
                   waits: list[int] | None = None) -> StoryTimeline:
    """The scene's timeline (see the module) from a skipped run in a child process; ``waits``: frames added at
    the end of each step (a narrated render's).  ValueError (one line) when the scene refuses its options or has
    no spoken story; RuntimeError when the run fails otherwise."""
    command = [sys.executable, "-m", "convanim.manim.story.timeline", scene_file, scene,
               "--languages", ",".join(languages), "--waits", json.dumps(waits or []),
               *[arg for s in settings for arg in ("--set", s)]]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode == 2:
        raise ValueError(result.stderr.strip().splitlines()[-1])
    if result.returncode != 0:
        raise RuntimeError(f"the story of {scene} could not be timed: {result.stderr[-ERROR_TAIL:].strip()}")
    return StoryTimeline.from_json(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="print a scene's story timeline as JSON")
    parser.add_argument("scene_file")
    parser.add_argument("scene")
    parser.add_argument("--languages", default="en")
    parser.add_argument("--waits", default="[]")
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args()
    try:
        timeline = record(args.scene_file, args.scene, args.set, args.languages.split(","), json.loads(args.waits))
    except Exception as err:  # one line; 2 for what the user asked wrongly, as the render command
        from convanim.manim.rendering.scene_files import exit_code

        print(str(err), file=sys.stderr)
        sys.exit(exit_code(err))
    print(timeline.to_json())
