"""Narration: what a scene says at each step of its story, and the files that carry it (numpy only).

- :mod:`.story`: story steps (:class:`Call`, :class:`StepText`) and the narrator's words;
- :mod:`.conv_layer`: the conv layer's spoken story from its trace;
- :mod:`.cues`: WebVTT and SRT cue files (the narration script, subtitles).

The voices, the sound track and the MP4's subtitle and chapter streams are in
:mod:`convanim.narration.voices` and :mod:`convanim.narration.soundtrack`
(they run espeak-ng and ffmpeg; nothing here imports manim).
"""
from .cues import Cue, ScriptError, read_srt, read_webvtt, write_srt, write_webvtt
from .story import BEGIN, Call, StepText

__all__ = ["Cue", "ScriptError", "read_webvtt", "read_srt", "write_webvtt", "write_srt", "BEGIN", "Call",
           "StepText"]
