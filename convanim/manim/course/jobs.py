"""The jobs of a course (one per scene × language × quality) and whether each is up to date.

A job's key hashes what determines its video: the scene file's source, the source of every module the render
loaded from convanim (and from the scene file's folder) and convanim's data files beside them (found by the render
itself, as a compiler's depfile: :func:`convanim.manim.rendering.sources.loaded_sources`), the scene's name, its options, language and quality,
and the versions of convanim, manimgl and ffmpeg.  The render records those files in a manifest
(``OUT/.build/<language>/<quality>/<Name>.json``) with the key; a job is up to date when its video, its still and
its manifest exist and the key computed now from the same files equals the recorded one.  A render that loaded a
module it did not load before (an option that turns a family's feature on) records the new list.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from convanim.manim.course.course_file import Course, CourseError, fill_placeholders
from convanim.manim.rendering.sources import PACKAGE



@dataclass(frozen=True)
class Job:
    """One video of a course: ``scene`` of ``scene_file`` with ``settings`` (``NAME=VALUE``, the language's
    last) at ``quality``, written to ``video`` with its ``still``; ``manifest`` records its key and sources;
    ``name`` is the video's name, ``language`` its language; ``narrated``: it has a voice or subtitles."""

    scene_file: str
    scene: str
    name: str
    language: str
    quality: str
    settings: tuple[str, ...]
    video: str
    still: str
    manifest: str
    narrated: bool = False

    @property
    def label(self) -> str:
        """``Name [language, quality]``, as reports name a job."""
        return f"{self.name} [{self.language}, {self.quality}]"

    def as_dict(self) -> dict:
        return asdict(self)


def plan_jobs(course: Course) -> list[Job]:
    """Every job of ``course``, in the course's order (entries, then languages, then qualities).  Each scene is
    found and its options checked here (manimlib is imported, nothing is drawn): SceneNotFoundError,
    OptionError, CourseError for two videos of one name."""
    from convanim.manim.render import check_scene
    from convanim.manim.story.options import narration_request

    jobs: list[Job] = []
    seen: dict[tuple[str, str, str], str] = {}
    for k, entry in enumerate(course.entries):
        scenes = [entry.scene] if entry.scene else scenes_of(str(entry.file))
        for scene in scenes:
            name = entry.name or scene
            for language in course.languages:
                settings = tuple(fill_placeholders(s, language, name)
                                 for s in (*course.settings, *entry.settings, f"language={language}"))
                scene_class, options = check_scene(str(entry.file), scene, list(settings))
                try:  # the narration's folder and script exist, its subtitle languages are known
                    narrated = narration_request(scene_class, options) is not None
                except ValueError as err:
                    raise CourseError(f"scenes[{k}] ({name}, {language}): {err}") from None
                for quality in course.qualities:
                    where = (language, quality, name)
                    if where in seen:
                        raise CourseError(f"scenes[{k}]: a second video named {name!r} ({seen[where]} has it); "
                                          f"give one of them name = ...")
                    seen[where] = f"{entry.file.name}:{scene}"
                    folder = course.output / language / quality
                    jobs.append(Job(str(entry.file), scene, name, language, quality, settings,
                                    str(folder / f"{name}.mp4"), str(folder / f"{name}.jpg"),
                                    str(course.output / ".build" / language / quality / f"{name}.json"), narrated))
    return jobs


def scenes_of(scene_file: str) -> list[str]:
    """The scenes a file defines, in its order (``SCENES_IN_ORDER`` when it has one)."""
    from convanim.manim.rendering.scene_files import load_scene_module, scene_classes

    if "manimlib" not in sys.modules:
        sys.argv = ["manimgl"]
    import convanim.manim._gl  # noqa: F401

    module = load_scene_module(scene_file, f"convanim_course_{hashlib.sha1(scene_file.encode()).hexdigest()[:8]}")
    return list(scene_classes(module))


@lru_cache(maxsize=1)
def tool_versions() -> tuple[str, str, str]:
    """The versions of convanim, manimgl and ffmpeg (ffmpeg's first line of ``ffmpeg -version``)."""
    from importlib.metadata import PackageNotFoundError, version

    import convanim

    try:
        manimgl = version("manimgl")
    except PackageNotFoundError:
        manimgl = "?"
    try:
        ffmpeg = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        ffmpeg = "?"
    return convanim.__version__, manimgl, ffmpeg


@lru_cache(maxsize=1)
def draft_voice_version() -> str:
    """The first line of ``espeak-ng --version`` (the draft voice of ``narration = "tts"``)."""
    try:
        return subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        return "?"


def job_key(job: Job, sources: list[str]) -> str | None:
    """The key of ``job`` from the current contents of ``sources``; None when one of them is gone.  A job
    narrated by the draft voice adds the voice's version."""
    digest = hashlib.sha256()
    voice = (draft_voice_version(),) if "narration=tts" in job.settings else ()
    for part in (job.scene, job.quality, job.language, *job.settings, *tool_versions(), *voice):
        digest.update(part.encode() + b"\0")
    for source in sources:
        try:
            content = Path(source).read_bytes()
        except OSError:
            return None
        digest.update(os.path.relpath(source, PACKAGE).encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def read_manifest(job: Job) -> dict | None:
    try:
        return json.loads(Path(job.manifest).read_text())
    except (OSError, ValueError):
        return None


def is_up_to_date(job: Job) -> bool:
    """The job's video, still and subtitle files exist and its recorded key equals the key of its recorded
    sources now."""
    manifest = read_manifest(job)
    if manifest is None or not Path(job.video).is_file() or not Path(job.still).is_file():
        return False
    if not all(Path(path).is_file() for path in manifest.get("subtitles", [])):
        return False
    return manifest.get("key") is not None and job_key(job, manifest.get("sources", [])) == manifest["key"]


def write_manifest(job: Job, sources: list[str], worker: str, subtitles: list[str] = (),
                   segment_workers: list[str] = ()) -> None:
    """Record the job's key, its sources, the worker that rendered it (and the worker of each of its segments),
    and the subtitle files written beside its video (written whole, then renamed)."""
    path = Path(job.manifest)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps({"key": job_key(job, sources), "sources": sources, "worker": worker,
                                   "video": job.video, "subtitles": list(subtitles),
                                   "segments": list(segment_workers)}, indent=1))
    partial.replace(path)


__all__ = ["Job", "plan_jobs", "scenes_of", "job_key", "is_up_to_date", "read_manifest",
           "write_manifest", "tool_versions"]
