"""Cues: what is said (or subtitled) in one story step, and the WebVTT / SRT files that hold them.

A cue has a stable id (the story step it belongs to, e.g. ``y0-0-0-channel-1``),
its start and end in seconds and its text.  :func:`write_webvtt` and
:func:`write_srt` write the two subtitle formats video players and platforms
read; :func:`read_webvtt` reads a WebVTT file back (a lecturer's edited
script), keeping the ids.  Formats: W3C WebVTT (a ``WEBVTT`` header, blocks of
an optional identifier line, ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` and the text)
and SubRip (numbered blocks, ``HH:MM:SS,mmm``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Cue:
    """One narrated story step: ``id``, ``start`` and ``end`` in seconds, ``text`` (one paragraph)."""

    id: str
    start: float
    end: float
    text: str


class ScriptError(ValueError):
    """A narration script that cannot be read or does not fit the scene; the message names the file and the cue."""


def timestamp(seconds: float, separator: str = ".") -> str:
    """``3.5`` -> ``00:00:03.500`` (``separator`` ``,`` for SRT); rounded to the millisecond."""
    millis = int(round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


#: WebVTT cue setting: the subtitle goes on the first line from the top, over the scene's static title, not at the
#: bottom where the scenes write their arithmetic (players of the MP4's own subtitle streams use the bottom).
CUE_SETTINGS = "line:0"


def webvtt_text(cues: list[Cue]) -> str:
    """The cues as a WebVTT document (identifiers kept; each cue at the top, :data:`CUE_SETTINGS`)."""
    blocks = ["WEBVTT"]
    for cue in cues:
        blocks.append(f"{cue.id}\n{timestamp(cue.start)} --> {timestamp(cue.end)} {CUE_SETTINGS}\n"
                      f"{one_line(cue.text)}")
    return "\n\n".join(blocks) + "\n"


def srt_text(cues: list[Cue]) -> str:
    """The cues as a SubRip document (numbered from 1; SRT has no identifiers)."""
    return "\n".join(f"{n}\n{timestamp(cue.start, ',')} --> {timestamp(cue.end, ',')}\n{one_line(cue.text)}\n"
                     for n, cue in enumerate(cues, 1))


def one_line(text: str) -> str:
    """A cue's text with no blank line in it (a blank line would end the cue)."""
    return " ".join(text.split())


def write_webvtt(cues: list[Cue], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(webvtt_text(cues), encoding="utf-8")
    return path


def write_srt(cues: list[Cue], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(srt_text(cues), encoding="utf-8")
    return path


_TIMING = re.compile(r"^\s*(\d+:)?(\d{2}):(\d{2})[.,](\d{3})\s+-->\s+(\d+:)?(\d{2}):(\d{2})[.,](\d{3})")


def _seconds(hours: str | None, minutes: str, secs: str, millis: str) -> float:
    return (int(hours[:-1]) if hours else 0) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def read_webvtt(path: str | Path) -> list[Cue]:
    """The cues of a WebVTT file, in order; ScriptError (naming the file and the block) if it is not one,
    or a cue has no identifier (the narration script's cues are found by their step ids)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ScriptError(f"narration script {path}: cannot be read ({err.__class__.__name__})") from None
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if b.strip()]
    if not blocks or not blocks[0].startswith("WEBVTT"):
        raise ScriptError(f"narration script {path}: not a WebVTT file (it must start with WEBVTT)")
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing_at is None or not _TIMING.match(lines[timing_at]):
            raise ScriptError(f"narration script {path}: a cue without a valid timing line: {lines[0][:60]!r}")
        if timing_at != 1:
            raise ScriptError(f"narration script {path}: the cue at {lines[timing_at].strip()} has no step id "
                              "(its first line must be the id the script was written with)")
        groups = _TIMING.match(lines[1]).groups()
        cues.append(Cue(lines[0].strip(), _seconds(*groups[:4]), _seconds(*groups[4:]),
                        " ".join(line.strip() for line in lines[2:] if line.strip())))
    return cues


def read_srt(path: str | Path) -> list[Cue]:
    """The cues of an SRT file (ids are the block numbers); for tests and for checking a written file."""
    blocks = [b for b in re.split(r"\n\s*\n", Path(path).read_text(encoding="utf-8").strip()) if b.strip()]
    cues = []
    for block in blocks:
        lines = block.split("\n")
        groups = _TIMING.match(lines[1]).groups()
        cues.append(Cue(lines[0].strip(), _seconds(*groups[:4]), _seconds(*groups[4:]), " ".join(lines[2:]).strip()))
    return cues


__all__ = ["Cue", "ScriptError", "timestamp", "webvtt_text", "srt_text", "write_webvtt", "write_srt",
           "read_webvtt", "read_srt"]
