"""Narration: what a scene says at each step of its story, and the files that carry it (numpy only).

- ``.story``: story steps (:class:`Call`, :class:`StepText`) and the narrator's words;
- ``.conv_layer``: the conv layer's spoken story from its trace;
- ``.cues``: WebVTT and SRT cue files (the narration script, subtitles).

The voices, the sound track and the MP4's subtitle and chapter streams are in
``convanim.narration.voices`` and ``convanim.narration.soundtrack``
(they run espeak-ng and ffmpeg; nothing here imports manim).
"""
from .cues import Cue, ScriptError, read_srt, read_webvtt, write_srt, write_webvtt
from .story import BEGIN, Call, StepText

__all__ = ["Cue", "ScriptError", "read_webvtt", "read_srt", "write_webvtt", "write_srt", "BEGIN", "Call",
           "StepText"]
