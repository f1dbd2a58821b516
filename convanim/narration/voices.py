"""Voices for a narrated lecture: the lecturer's recordings, or a draft voice from a TTS engine.

Every clip is decoded by ffmpeg to mono float samples at :data:`SAMPLE_RATE`
and, unless asked not to, loudness-normalised with ffmpeg's ``loudnorm``
filter to −16 LUFS (EBU R 128 measurement; the level podcast and video
platforms aim at).  Its length is what the animation waits for.

- **Recordings**: a folder with one file per cue, named by the cue's step
  id, ``<id>.wav`` (or ``.flac``, ``.ogg``, ``.mp3``, ``.m4a``: what ffmpeg
  reads).  A missing, unknown or unreadable file is a :class:`VoiceError`
  naming it, raised before anything is rendered.
- **TTS**: espeak-ng by default (Debian's package; it speaks en, de, th,
  Mandarin for both Chinese scripts, and Japanese from kana, so Japanese
  text is turned into hiragana with pykakasi first).  It is a robotic draft
  voice, good for timing a lecture before it is recorded.  ``tts_command``
  plugs in any other engine: a command template with ``{text}``,
  ``{language}`` (the scene's language code), ``{voice}`` (espeak-ng's name
  for it: ``cmn`` for both Chinese scripts) and ``{out}`` (the WAV file to
  write).  Clips are cached by engine, language and text under
  ``~/.cache/convanim/voices`` (``CONVANIM_CACHE`` moves it), so a second
  render does not synthesise again.
"""
from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from convanim.config import cache_root
from convanim.languages import language_of
from convanim.statements import MINUS

SAMPLE_RATE = 48_000
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a")
#: ffmpeg's loudnorm to −16 LUFS integrated, −1.5 dBTP peak, loudness range 11 LU.
LOUDNORM = "loudnorm=I=-16:TP=-1.5:LRA=11"
DEFAULT_ENGINE = "espeak-ng -v {voice} -w {out} {text}"


class VoiceError(ValueError):
    """A voice that cannot be had: a missing, unknown or unreadable recording, a TTS engine that failed."""


def cache_folder() -> Path:
    return cache_root() / "voices"


def spoken_form(text: str, language: str) -> str:
    """``text`` as a TTS engine should get it: the minus sign U+2212 as ``-`` (engines read that as minus),
    Japanese in hiragana (espeak-ng reads kana only; pykakasi ships its dictionary)."""
    text = text.replace(MINUS, "-")
    if language == "ja":
        try:
            import pykakasi
        except ImportError:
            raise VoiceError("the Japanese draft voice needs pykakasi: pip install \"convanim[voice]\"") from None
        text = "".join(part["hira"] for part in pykakasi.kakasi().convert(text))
    return text


def engine_command(template: str, text: str, language: str, out: Path) -> list[str]:
    """The engine's argv: ``template`` split like a shell line, each word's fields filled in (no shell runs,
    so a text's quotes and semicolons are just text)."""
    voice = language_of(language).espeak
    words = shlex.split(template)
    return [w.format(text=text, language=language, voice=voice, out=str(out)) for w in words]


def synthesize(text: str, language: str, template: str = "") -> Path:
    """A WAV of ``text`` spoken in ``language`` by the engine (``template``; espeak-ng when empty), from the cache
    when it was made before.  VoiceError naming the engine when it fails or writes nothing."""
    template = template or DEFAULT_ENGINE
    spoken = spoken_form(text, language)
    key = hashlib.sha256("\0".join((template, language, spoken)).encode()).hexdigest()[:24]
    cached = cache_folder() / f"{key}.wav"
    if cached.is_file():
        return cached
    program = shlex.split(template)[0]
    if shutil.which(program) is None:
        hint = " (Debian: apt-get install espeak-ng; make demo installs it)" if program == "espeak-ng" else ""
        raise VoiceError(f"tts_command: {program!r} is not installed{hint}")
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cached.parent) as work:
        out = Path(work, "clip.wav")
        result = subprocess.run(engine_command(template, spoken, language, out), capture_output=True, text=True)
        if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            error = (result.stderr or result.stdout).strip().splitlines()
            raise VoiceError(f"tts_command {template!r} failed for {language}: "
                             f"{error[-1] if error else f'exit code {result.returncode}, no file written'}")
        os.replace(out, cached)  # atomic: parallel renders never read half a clip
    return cached


def recordings(folder: str | Path, ids: list[str]) -> dict[str, Path]:
    """The recording of each id in ``folder``: exactly one ``<id>.<audio suffix>`` per id and no file for an id
    the script does not have.  VoiceError naming the first missing or unknown file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise VoiceError(f"narration: {str(folder)!r} is not 'off', 'tts' or a folder of recordings")
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in AUDIO_SUFFIXES:
            found.setdefault(path.stem, []).append(path)
    unknown = sorted(set(found) - set(ids))
    if unknown:
        raise VoiceError(f"narration: {found[unknown[0]][0]} names no cue of the script "
                         f"(cue ids: {', '.join(ids[:6])}{', …' if len(ids) > 6 else ''})")
    for step in ids:
        if step not in found:
            raise VoiceError(f"narration: no recording for cue {step!r} in {folder} "
                             f"(expected {step}.wav, or .flac, .ogg, .mp3, .m4a)")
        if len(found[step]) > 1:
            raise VoiceError(f"narration: two recordings for cue {step!r}: {', '.join(p.name for p in found[step])}")
    return {step: found[step][0] for step in ids}


def decode(path: str | Path, normalize: bool = True) -> np.ndarray:
    """The clip as mono float32 samples at SAMPLE_RATE (loudness-normalised with ``normalize``).
    VoiceError naming the file when ffmpeg cannot read it or it holds no sound."""
    filters = ["-af", f"{LOUDNORM},aresample={SAMPLE_RATE}"] if normalize else []
    result = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), *filters, "-ac", "1",
                             "-ar", str(SAMPLE_RATE), "-f", "f32le", "-"], capture_output=True)
    samples = np.frombuffer(result.stdout, dtype="<f4")
    if result.returncode != 0 or samples.size == 0:
        error = result.stderr.decode(errors="replace").strip().splitlines()
        raise VoiceError(f"narration: cannot read {path}: {error[-1] if error else 'no audio in it'}")
    return samples.copy()


__all__ = ["SAMPLE_RATE", "AUDIO_SUFFIXES", "LOUDNORM", "VoiceError", "cache_folder", "spoken_form",
           "engine_command", "synthesize", "recordings", "decode"]
