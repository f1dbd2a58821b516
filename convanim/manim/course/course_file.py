"""A course file: which scenes, in which languages and qualities, into which folder (TOML).

    output = "course"              # relative to the course file's folder, or absolute
    languages = ["en", "th"]
    qualities = ["480p", "1080p"]
    narration = "tts"              # optional, for every scene: as --set narration=tts, or a recordings folder
    subtitles = "en,th"            # optional, for every scene: as --set subtitles=en,th
    segment_seconds = 30           # optional: a longer silent video renders as segments of about 30 s, each a job

    [[scenes]]
    file = "scenes/pooling.py"     # relative to the course file's folder, then a gallery name
    scene = "MaxPool2x2"           # left out: every scene of the file
    set = { stride = 1 }           # optional, as --set
    name = "MaxPoolStride1"        # optional: the video's name (default: the scene's)

A path in ``narration`` (a folder of recordings) or ``narration_script``, at the top or in a ``set`` table, is
relative to the course file's folder and may hold ``{language}`` and ``{name}``, filled for each video with its
language and its name: ``narration = "recordings/{language}/{name}"`` gives every video its own recordings.

Every key is checked here, before anything renders: an unknown key, a wrong type, an unknown language or
quality, a missing file, two videos of one name: :class:`CourseError`, one line naming the key.  Needs no manim.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from convanim.languages import LANGUAGES

#: The qualities a course may ask for (convanim render's --quality).
QUALITIES = ("480p", "720p", "1080p", "4k")
TOP_KEYS = {"output", "languages", "qualities", "narration", "narration_script", "subtitles", "segment_seconds",
            "scenes"}
#: Options whose value names a file or folder (besides the words below): relative to the course file's folder.
PATH_OPTIONS = {"narration": ("off", "tts"), "narration_script": ("",)}
#: What a path may hold, filled for each video (:func:`fill_placeholders`).
PLACEHOLDERS = ("language", "name")
SCENE_KEYS = {"file", "scene", "set", "name"}


class CourseError(ValueError):
    """A course file that cannot be built as written (one line, naming the key)."""


@dataclass(frozen=True)
class CourseEntry:
    """One ``[[scenes]]`` table: ``file`` (resolved), ``scene`` (None: every scene of the file), ``settings``
    (``NAME=VALUE`` texts, as ``--set`` takes them) and the video's ``name`` (None: the scene's)."""

    file: Path
    scene: str | None
    settings: tuple[str, ...] = ()
    name: str | None = None


@dataclass(frozen=True)
class Course:
    """A read course file: its ``path``, the ``output`` folder (absolute), ``languages``, ``qualities``,
    ``settings`` for every scene (narration, subtitles), its ``entries`` and ``segment_seconds`` (0: every video
    is one job; else a silent video longer than that renders as segments of about that length, each a job of its
    own, joined when all are done)."""

    path: Path
    output: Path
    languages: tuple[str, ...]
    qualities: tuple[str, ...]
    entries: tuple[CourseEntry, ...]
    settings: tuple[str, ...] = field(default=())
    segment_seconds: float = 0.0


def setting_text(name: str, value: object, where: str, folder: Path | None = None) -> str:
    """A TOML value as ``--set`` writes it: ``stride=1``, ``input_size=5,5``, ``use_bias=false``; a path option's
    relative path joined to ``folder`` (:func:`path_setting`)."""
    if name in PATH_OPTIONS and isinstance(value, str) and folder is not None:
        return path_setting(name, value, folder, where)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float, str)):
        text = str(value)
    elif isinstance(value, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        text = ",".join(str(v) for v in value)
    else:
        raise CourseError(f"{where}.{name} = {value!r}: expected a number, a string, true/false or a list of "
                          f"numbers")
    return f"{name}={text}"


def path_setting(name: str, value: str, folder: Path, where: str) -> str:
    """A path option's ``NAME=VALUE`` with a relative path made absolute against the course file's ``folder``
    (its words, such as ``tts``, unchanged); CourseError for a placeholder other than {language} and {name}."""
    for field in re.findall(r"{([^{}]*)}", value):
        if field not in PLACEHOLDERS:
            raise CourseError(f"{where}.{name} = {value!r}: {{{field}}} is not a placeholder (the placeholders: "
                              f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)})")
    text = value.strip()
    if text not in PATH_OPTIONS[name] and not Path(text).is_absolute():
        text = str(folder / text)
    return f"{name}={text}"


def fill_placeholders(setting: str, language: str, name: str) -> str:
    """``setting`` (``NAME=VALUE``) with {language} and {name} filled, when it is a path option's."""
    option, _, value = setting.partition("=")
    if option not in PATH_OPTIONS:
        return setting
    return f"{option}={value.replace('{language}', language).replace('{name}', name)}"


def _strings(data: dict, key: str, allowed: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(key, list(default))
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise CourseError(f"{key} = {value!r}: expected a list of strings such as {list(default)!r}")
    for v in value:
        if v not in allowed:
            raise CourseError(f"{key}: {v!r} is not one of {', '.join(allowed)}")
    if len(set(value)) != len(value):
        raise CourseError(f"{key} = {value!r}: a value appears twice")
    return tuple(value)


def scene_file_of(text: str, folder: Path, where: str) -> Path:
    """A ``file`` key: relative to the course file's ``folder`` (or absolute), else a gallery name."""
    from convanim.manim.rendering.scene_files import resolve_scene_file

    path = Path(text)
    candidate = path if path.is_absolute() else folder / path
    if candidate.is_file():
        return candidate.resolve()
    try:
        return resolve_scene_file(text).resolve()
    except FileNotFoundError:
        raise CourseError(f"{where}.file = {text!r}: no such file beside the course file, nor a gallery "
                          f"file of that name") from None


def read_course(path: str | Path) -> Course:
    """The course in the TOML file at ``path`` (FileNotFoundError, CourseError: one line)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"course file not found: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise CourseError(f"{path}: not a TOML file: {err}") from None
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise CourseError(f"{path}: unknown key {unknown[0]!r} (the keys: {', '.join(sorted(TOP_KEYS))})")
    folder = path.resolve().parent
    output = data.get("output", "course")
    if not isinstance(output, str) or not output:
        raise CourseError(f"output = {output!r}: expected a folder's path")
    languages = _strings(data, "languages", tuple(LANGUAGES), ("en",))
    qualities = _strings(data, "qualities", QUALITIES, ("480p",))
    segment_seconds = data.get("segment_seconds", 0)
    if isinstance(segment_seconds, bool) or not isinstance(segment_seconds, (int, float)) or segment_seconds < 0:
        raise CourseError(f"segment_seconds = {segment_seconds!r}: expected seconds, 0 or more (0: no segments)")
    settings = tuple(setting_text(key, data[key], "course", folder) for key in ("narration", "narration_script",
                                                                               "subtitles") if key in data)
    tables = data.get("scenes")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        raise CourseError(f"{path}: no [[scenes]] tables (each names a file, and a scene or none for all)")
    entries = []
    for k, table in enumerate(tables):
        where = f"scenes[{k}]"
        unknown = sorted(set(table) - SCENE_KEYS)
        if unknown:
            raise CourseError(f"{where}: unknown key {unknown[0]!r} (the keys: {', '.join(sorted(SCENE_KEYS))})")
        if not isinstance(table.get("file"), str):
            raise CourseError(f"{where}.file: expected the path of a scene file")
        scene, name, sets = table.get("scene"), table.get("name"), table.get("set", {})
        for key, value in (("scene", scene), ("name", name)):
            if value is not None and (not isinstance(value, str) or not value.isidentifier()):
                raise CourseError(f"{where}.{key} = {value!r}: expected a name such as MaxPool2x2")
        if name is not None and scene is None:
            raise CourseError(f"{where}.name: a name needs one scene (scene = ...)")
        if not isinstance(sets, dict):
            raise CourseError(f"{where}.set = {sets!r}: expected a table such as {{ stride = 1 }}")
        entries.append(CourseEntry(scene_file_of(table["file"], folder, where), scene,
                                   tuple(setting_text(n, v, f"{where}.set", folder) for n, v in sets.items()), name))
    out = Path(output)
    return Course(path.resolve(), out if out.is_absolute() else folder / out, languages, qualities, tuple(entries),
                  settings, float(segment_seconds))


__all__ = ["Course", "CourseEntry", "CourseError", "QUALITIES", "read_course", "setting_text", "fill_placeholders"]
