"""A narrated render, around the plain one: plan the voice, render with the waits, add the streams.

1. :func:`plan_narration`: the story's timeline on the silent clock
   (:mod:`.timeline`), its texts (or the lecturer's edited script), one clip
   per spoken step (TTS or recordings, :mod:`convanim.narration.voices`),
   and the frames each step must wait: a step lasts at least its clip plus
   ``voice_pause``, in whole frames.
2. The render itself (one process or segments) with those waits
   (:mod:`.voiced`).
3. :func:`finish_narration`: one sound track with each clip at its step's
   start on the narrated clock, subtitles ``OUT.<lang>.vtt`` and
   ``OUT.<lang>.srt`` beside the video and inside it, one chapter per step.
"""
from __future__ import annotations

import math
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from convanim.languages import language_of
from convanim.narration.cues import Cue, ScriptError, read_webvtt, write_srt, write_webvtt
from convanim.narration.soundtrack import ffmetadata_chapters, mix, mux, write_wav
from convanim.narration.story import StepText
from convanim.narration.voices import SAMPLE_RATE, decode, recordings, synthesize

from convanim.manim.story.options import NarrationRequest
from convanim.manim.story.timeline import StoryTimeline, story_timeline


@dataclass
class NarrationPlan:
    """The silent ``timeline``, the spoken ``texts`` (scene language, script applied), each spoken step's
    ``clips`` (step index -> samples) and the ``waits`` (frames added at the end of each step)."""

    request: NarrationRequest
    timeline: StoryTimeline
    texts: list[StepText]
    clips: dict[int, np.ndarray] = field(default_factory=dict)
    waits: list[int] = field(default_factory=list)

    @property
    def starts(self) -> list[int]:
        """Each step's first frame in the narrated video."""
        added = np.concatenate([[0], np.cumsum(self.waits)]).astype(int)
        return [int(s + added[k]) for k, s in enumerate(self.timeline.starts)]

    @property
    def frames(self) -> int:
        return self.timeline.frames + int(sum(self.waits))

    @property
    def ends(self) -> list[int]:
        return self.starts[1:] + [self.frames]


def script_texts(texts: list[StepText], path: Path) -> list[StepText]:
    """``texts`` with each spoken step's text replaced by the script's cue of the same id.  ScriptError naming
    the first unknown or missing id."""
    cues = read_webvtt(path)
    spoken = [t.id for t in texts if t.text]
    by_id = {cue.id: cue for cue in cues}
    unknown = [cue.id for cue in cues if cue.id not in spoken]
    if unknown:
        raise ScriptError(f"narration script {path}: cue {unknown[0]!r} is not a step of this scene "
                          f"(its steps: {', '.join(spoken[:6])}{', …' if len(spoken) > 6 else ''})")
    missing = [i for i in spoken if i not in by_id]
    if missing:
        raise ScriptError(f"narration script {path}: cue {missing[0]!r} is missing (keep every cue; "
                          "an empty text makes its step silent)")
    return [StepText(t.id, t.title, by_id[t.id].text) if t.text else t for t in texts]


def plan_narration(request: NarrationRequest, scene_file: str, scene: str, settings: list[str]) -> NarrationPlan:
    """Everything the narrated render needs before its first frame (see the module); errors are ValueErrors
    with one line (the render command's exit 2) and nothing is written."""
    languages = list(dict.fromkeys([request.language, *request.languages]))  # chapter titles: the scene's own
    timeline = story_timeline(scene_file, scene, settings, languages)
    texts = list(timeline.texts[request.language]) if request.voice else []
    if request.script is not None:
        texts = script_texts(texts, request.script)
    plan = NarrationPlan(request, timeline, texts, waits=[0] * len(timeline.starts))
    if request.voice is None:
        return plan
    spoken = {k: t for k, t in enumerate(texts) if t.text}
    if request.recordings is not None:
        files = recordings(request.recordings, [t.id for t in spoken.values()])
        sources = {k: files[t.id] for k, t in spoken.items()}
    else:
        sources = {k: synthesize(t.text, request.language, request.tts_command) for k, t in spoken.items()}
    fps = timeline.fps
    for k, source in sources.items():
        plan.clips[k] = decode(source, request.normalize_voice)
        needed = math.ceil((len(plan.clips[k]) / SAMPLE_RATE + request.voice_pause) * fps - 1e-9)
        plan.waits[k] = max(0, needed - (timeline.ends[k] - timeline.starts[k]))
    return plan


def cues_of(plan: NarrationPlan, language: str) -> list[Cue]:
    """The subtitle cues in ``language``: one per spoken step, from its start to its end on the narrated clock."""
    fps = plan.timeline.fps
    texts = plan.texts if language == plan.request.language and plan.texts else plan.timeline.texts[language]
    return [Cue(t.id, plan.starts[k] / fps, plan.ends[k] / fps, t.text) for k, t in enumerate(texts) if t.text]


def finish_narration(video: Path, plan: NarrationPlan, out: Path) -> list[Path]:
    """``video`` (rendered with the plan's waits) with its sound track, subtitles and chapters, into ``out``;
    the subtitle files beside it.  Returns every path written.  Files reach their places only when all is made."""
    fps = plan.timeline.fps
    written = []
    with tempfile.TemporaryDirectory(prefix="convanim-mux-") as work:
        audio = None
        if plan.request.voice is not None:
            track = mix([(plan.starts[k] / fps, clip) for k, clip in plan.clips.items()], plan.frames / fps)
            audio = write_wav(track, Path(work, "voice.wav"))
        subtitles, files = [], []
        for language in plan.request.languages:
            cues = cues_of(plan, language)
            vtt = write_webvtt(cues, Path(work, f"{language}.vtt"))
            srt = write_srt(cues, Path(work, f"{language}.srt"))
            subtitles.append((language_of(language).iso639_2, srt))
            files += [(vtt, out.with_name(f"{out.stem}.{language}.vtt")), (srt, out.with_name(f"{out.stem}.{language}.srt"))]
        titles = plan.texts or plan.timeline.texts[plan.request.language]
        chapters_file = Path(work, "chapters.txt")
        chapters_file.write_text(ffmetadata_chapters([(plan.starts[k] / fps, plan.ends[k] / fps, t.title or t.id)
                                                      for k, t in enumerate(titles)]), encoding="utf-8")
        muxed = mux(video, Path(work, "narrated.mp4"), audio, subtitles, chapters_file)
        out.parent.mkdir(parents=True, exist_ok=True)
        for made, place in files:
            shutil.move(str(made), place)
            written.append(place)
        shutil.move(str(muxed), out)
        written.insert(0, out)
    return written


__all__ = ["NarrationPlan", "plan_narration", "script_texts", "cues_of", "finish_narration"]
