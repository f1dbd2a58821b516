"""The narrated video's extra streams: one sound track, soft subtitles and chapters, muxed by ffmpeg.

The video stream is copied, never re-encoded, so a narrated video shows
exactly the frames rendered.  Subtitles go in as ``mov_text`` streams (what
MP4 players read), each tagged with its language's ISO 639-2 code; chapters
come from an ffmetadata file (``[CHAPTER]`` blocks, ``TIMEBASE=1/1000``).
"""
from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

from .voices import SAMPLE_RATE


def mix(clips: list[tuple[float, np.ndarray]], seconds: float) -> np.ndarray:
    """One mono track ``seconds`` long with each ``(start, samples)`` clip placed at its start (clips that
    overlap add up; the narrated render never lets them)."""
    track = np.zeros(int(round(seconds * SAMPLE_RATE)), dtype=np.float32)
    for start, samples in clips:
        at = int(round(start * SAMPLE_RATE))
        piece = samples[:max(0, len(track) - at)]
        track[at:at + len(piece)] += piece
    return track


def write_wav(samples: np.ndarray, path: str | Path) -> Path:
    """16-bit PCM mono WAV at SAMPLE_RATE."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return Path(path)


def ffmetadata_chapters(chapters: list[tuple[float, float, str]]) -> str:
    """``(start, end, title)`` chapters as an ffmetadata document (times in milliseconds)."""
    def escaped(title: str) -> str:
        for char in "\\=;#\n":
            title = title.replace(char, "\\" + char)
        return title

    blocks = [";FFMETADATA1"]
    for start, end, title in chapters:
        blocks.append(f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={int(round(start * 1000))}\nEND={int(round(end * 1000))}\n"
                      f"title={escaped(title)}")
    return "\n".join(blocks) + "\n"


class MuxError(RuntimeError):
    """ffmpeg could not put the streams together (its last line of error is in the message)."""


def mux(video: Path, out: Path, audio: Path | None, subtitles: list[tuple[str, Path]],
        chapters: Path | None) -> Path:
    """``video`` with ``audio`` (AAC), ``subtitles`` (``(ISO 639-2 code, SRT file)``, mov_text) and
    ``chapters`` (ffmetadata) into ``out``; the video stream is copied."""
    inputs = ["-i", str(video)]
    maps = ["-map", "0:v"]
    codecs = ["-c:v", "copy"]
    n = 1
    if audio is not None:
        inputs += ["-i", str(audio)]
        maps += ["-map", f"{n}:a"]
        codecs += ["-c:a", "aac", "-b:a", "128k"]
        n += 1
    for k, (code, path) in enumerate(subtitles):
        inputs += ["-i", str(path)]
        maps += ["-map", f"{n}:s"]
        codecs += [f"-metadata:s:s:{k}", f"language={code}"]
        n += 1
    if subtitles:
        codecs += ["-c:s", "mov_text"]
    if chapters is not None:
        inputs += ["-f", "ffmetadata", "-i", str(chapters)]
        maps += ["-map_chapters", str(n)]
        n += 1
    result = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *inputs, *maps, *codecs,
                             "-movflags", "+faststart", str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise MuxError(f"ffmpeg could not add the narration's streams: {lines[-1] if lines else result.returncode}")
    return out


__all__ = ["mix", "write_wav", "ffmetadata_chapters", "mux", "MuxError"]
