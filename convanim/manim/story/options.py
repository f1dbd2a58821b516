"""The narration options every scene has, and their check (no manim import: the command checks them first).

- ``narration``: ``"off"`` (the silent video, frame for frame as without
  narration), ``"tts"`` (a draft voice, see :mod:`convanim.narration.voices`)
  or the path of a folder of the lecturer's recordings, ``<step id>.wav``;
- ``tts_command``: another TTS engine, a template with ``{text}``,
  ``{language}`` and ``{out}`` (empty: espeak-ng);
- ``normalize_voice``: loudness-normalise every clip to −16 LUFS;
- ``voice_pause``: seconds of quiet after each clip before the next step;
- ``subtitles``: languages of subtitle tracks, ``"en,th"`` (a narrated video
  always has its own language's);
- ``narration_script``: a WebVTT file from ``convanim script``, edited: its
  texts replace the generated ones (every cue id must be the scene's).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from convanim.languages import LANGUAGES

from convanim.manim.options.option_kinds import Flag, FreeText, Number, Refused
from convanim.manim.options.options import Option


class NarrationOptions:
    """Scene mixin: the narration options (class attributes) and the family's narrator."""

    narration: str = Option("off", FreeText("'off', 'tts' or a folder of recordings"),
                            "the voice: 'off' (silent), 'tts' (a draft voice) or a folder of <step id>.wav recordings")
    tts_command: str = Option("", FreeText("a command with {text}, {language}, {voice} and {out}"),
                              "another text-to-speech engine (empty: espeak-ng)")
    normalize_voice: bool = Option(True, Flag(), "loudness-normalise every voice clip to -16 LUFS")
    voice_pause: float = Option(0.4, Number(0, 10), "seconds of quiet after each clip before the next step")
    subtitles: str = Option("", FreeText("languages separated by commas, such as en,th"),
                            "the languages of the subtitle tracks (a narrated video always has its own)")
    narration_script: str = Option("", FreeText("the path of a WebVTT file"),
                                   "an edited `convanim script` file whose texts replace the generated narration")

    def narrator(self, language: str):
        """An object whose ``narrate(steps)`` gives a StepText per story step in ``language`` (see
        :mod:`convanim.narration.story`); None for a family that has no spoken story yet."""
        return None


@dataclass(frozen=True)
class NarrationRequest:
    """What a render was asked to add: a ``voice`` (``"tts"`` or a recordings folder; None for a silent video),
    subtitle ``languages`` (the scene's own first when there is a voice), and the options that go with them."""

    scene: str
    language: str
    voice: str | None
    languages: tuple[str, ...]
    tts_command: str
    normalize_voice: bool
    voice_pause: float
    script: Path | None

    @property
    def recordings(self) -> Path | None:
        return None if self.voice in (None, "tts") else Path(self.voice)

    def input_files(self) -> list[Path]:
        """The files the narrated video is made from besides the scene's code: every recording in the
        recordings folder and the edited script (a course build hashes them into the video's key)."""
        from convanim.narration.voices import AUDIO_SUFFIXES

        files = [self.script] if self.script is not None else []
        if self.recordings is not None:
            files += sorted(p for p in self.recordings.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)
        return [p.resolve() for p in files]


def narration_request(scene_class: type, options: dict) -> NarrationRequest | None:
    """The narration a render of ``scene_class`` with ``options`` (parsed ``--set`` values) asks for, checked;
    None for a plain silent render.  ValueError naming ``Scene.option``, the value and the rule."""
    if not issubclass(scene_class, NarrationOptions):  # a plain manimgl scene: nothing to narrate
        return None
    scene = scene_class.__name__
    value = {name: options.get(name, getattr(scene_class, name)) for name in
             ("narration", "tts_command", "normalize_voice", "voice_pause", "subtitles", "narration_script",
              "language")}
    voice = value["narration"]
    if not isinstance(voice, str) or not voice.strip():
        raise ValueError(f"{scene}.narration = {voice!r}: expected 'off', 'tts' or a folder of recordings")
    voice = voice.strip()
    if voice not in ("off", "tts") and not Path(voice).is_dir():
        raise ValueError(f"{scene}.narration = {voice!r}: expected 'off', 'tts' or a folder of recordings "
                         "(no such folder)")
    codes = [c.strip() for c in str(value["subtitles"]).split(",") if c.strip()]
    for code in codes:
        if code not in LANGUAGES:
            raise ValueError(f"{scene}.subtitles = {value['subtitles']!r}: {code!r} is not one of "
                             f"{', '.join(LANGUAGES)}")
    pause = value["voice_pause"]
    kind = vars(NarrationOptions)["voice_pause"].kind  # the declared rule, checked here before any scene runs
    try:
        kind.accept(pause)
    except Refused:
        raise ValueError(f"{scene}.voice_pause = {pause!r}: expected {kind.rule} (seconds)") from None
    script = str(value["narration_script"]).strip()
    if script and not Path(script).is_file():
        raise ValueError(f"{scene}.narration_script = {script!r}: no such file")
    if script and voice == "off":
        raise ValueError(f"{scene}.narration_script = {script!r}: needs narration='tts' or a recordings folder")
    tts = str(value["tts_command"]).strip()
    if tts and not all(field in tts for field in ("{text}", "{out}")):
        raise ValueError(f"{scene}.tts_command = {tts!r}: the template must hold {{text}} and {{out}}")
    if voice == "off" and not codes:
        return None
    language = value["language"]
    languages = tuple(dict.fromkeys(([language] if voice != "off" else []) + codes))
    return NarrationRequest(scene, language, None if voice == "off" else voice, languages, tts,
                            bool(value["normalize_voice"]), float(pause), Path(script) if script else None)


__all__ = ["NarrationOptions", "NarrationRequest", "narration_request"]
