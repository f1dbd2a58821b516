"""Render a scene to a file without a display: ``python -m convanim.manim.render``.

    python -m convanim.manim.render scenes/conv3x3.py Conv3x3 --quality 1080p --out media/videos/Conv3x3.mp4
    python -m convanim.manim.render scenes/conv3x3.py Conv3x3 --still --out media/conv3x3.png

It checks for ffmpeg and the OpenGL libraries first (and says what to
install), renders through EGL when there is no display, and writes into a
temporary folder, moving the result to ``--out`` only when the render
finished: a failed render leaves no half-written file behind.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np

from convanim.manim.headless import RenderSetupError, check_render_tools, prepare_environment
from convanim.manim.options.options import OptionError, declared_options, parse_options
from convanim.manim.rendering.scene_files import (SceneNotFoundError, exit_code, load_scene_module, resolve_scene_file,
                                                  scene_classes)
from convanim.manim.rendering.segments import default_jobs, render_segments
from convanim.manim.rendering.stopping import RenderStopped, stopping_cleanly
from convanim.manim.speed.raster_threads import raster_threads
from convanim.manim.speed.settings import SpeedSettings, speed_environment

QUALITY_FLAGS = {"480p": "-l", "720p": "-m", "1080p": "--hd", "4k": "--uhd"}
#: manimgl's frame size (pixels) at each quality.
QUALITY_SIZES = {"480p": (854, 480), "720p": (1280, 720), "1080p": (1920, 1080), "4k": (3840, 2160)}
#: manimgl's frame rate at every quality above (the segments are balanced by frame counts at this rate).
FPS = 30


def build_argv(scene_file: str, scene: str, quality: str, folder: str, still: bool, gif: bool,
               extra: list[str]) -> list[str]:
    """manimgl's command line for this render."""
    argv = ["manimgl", scene_file, scene, "-w", QUALITY_FLAGS[quality], "--video_dir", folder,
            "--file_name", scene]
    if still:
        argv.append("-s")
    if gif:
        argv.append("-i")
    return argv + extra


def variant_source(scene_file: str, scene: str, options: dict, deck_folder: str | None = None,
                   voice_waits: list[int] | None = None, notes: list[str] | None = None) -> str:
    """A scene file whose only scene is ``scene`` with ``options`` as class attributes (as a slide deck
    writing to ``deck_folder`` when given, each slide with its ``notes``; waiting ``voice_waits[k]`` frames at
    the end of story step ``k`` when given: a narrated render)."""
    lines = ["import sys", "import numpy as np",
             "from convanim.manim.rendering.scene_files import load_scene_module",
             "_module = sys.modules.get('convanim_scene_file') or "
             f"load_scene_module({str(Path(scene_file).resolve())!r})",
             f"_base = getattr(_module, {scene!r})",
             *([] if not voice_waits else ["from convanim.manim.story.voiced import voiced",
                                           f"_base = voiced(_base, {list(voice_waits)!r})"]),
             *([] if deck_folder is None else ["from convanim.manim.lecture.slides import deck_of",
                                               f"_base = deck_of(_base, {deck_folder!r}, {tuple(notes or ())!r})"]),
             "", "", f"class {scene}(_base):",
             "    __doc__ = _base.__doc__"]
    for name, value in options.items():
        text = f"np.array({value.tolist()!r})" if isinstance(value, np.ndarray) else repr(value)
        lines.append(f"    {name} = {text}")
    return "\n".join(lines) + "\n"


def render(scene_file: str, scene: str, out: str, quality: str = "1080p", still: bool = False,
           gif: bool = False, extra: list[str] | None = None, settings: list[str] | None = None,
           deck_folder: str | None = None, jobs: int | None = None, *,
           voice_waits: list[int] | None = None, speed: list[str] | None = None) -> Path:
    """Render ``scene`` from ``scene_file`` to ``out``; returns the path written.

    ``settings`` are ``NAME=VALUE`` texts that set the scene's declared
    options (see :mod:`convanim.manim.options.options`); ``speed`` are ``NAME=VALUE``
    speed switches (see :mod:`convanim.manim.speed.settings`), for this
    render and the processes it starts.  Checked before anything
    is drawn: the file (FileNotFoundError), the scene (SceneNotFoundError),
    the settings (OptionError), ffmpeg and OpenGL (RenderSetupError).  Only
    a finished render reaches ``out``.  A video renders in ``jobs`` parallel
    segments (default: one per two cores; see :mod:`convanim.manim.rendering.segments`),
    joined into exactly the frames of a one-process render.  A video whose
    scene asks for narration or subtitles is narrated (see
    :mod:`convanim.manim.story.narrate`): the voices, the waits for them, the
    sound track, subtitle files beside ``out`` and inside it, chapters.
    ``voice_waits`` (internal: a segment's worker) are the frames a narrated
    render adds at the end of each story step.  SIGTERM or SIGINT stop it cleanly (RenderStopped; see
    :mod:`convanim.manim.rendering.stopping`): its children stop, its temporary files go, nothing is written.
    """
    with stopping_cleanly(), speed_environment(speed), raster_threads(
            *QUALITY_SIZES.get(quality, (0, 0)), SpeedSettings.from_environment().raster_in_render_thread):
        return render_with_speed(scene_file, scene, out, quality, still, gif, extra, settings, deck_folder, jobs,
                                 voice_waits)


def render_with_speed(scene_file: str, scene: str, out: str, quality: str, still: bool, gif: bool,
                      extra: list[str] | None, settings: list[str] | None, deck_folder: str | None,
                      jobs: int | None, voice_waits: list[int] | None) -> Path:
    """:func:`render`, its speed switches in the environment."""
    if quality not in QUALITY_FLAGS:
        raise OptionError(f"quality must be one of {', '.join(QUALITY_FLAGS)}; got {quality!r}")
    scene_file = str(resolve_scene_file(scene_file))
    jobs = default_jobs() if jobs is None else jobs
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise OptionError(f"jobs must be a positive int; got {jobs!r}")
    prepare_environment()
    out_path = Path(out)
    extra = list(extra or [])
    video = not (still or gif)
    if jobs > 1 and video and not deck_folder and not any(a.startswith("-n") or "animation_number" in a
                                                          for a in extra):
        scene_class, options = check_scene(scene_file, scene, settings or [])
        check_render_tools(need_ffmpeg=True)
        plan = narration_plan(scene_class, options, scene_file, scene, settings or [], voice_waits)
        if plan is None:
            return render_segments(scene_file, scene, out_path, quality, settings or [], jobs, FPS, extra, voice_waits)
        with tempfile.TemporaryDirectory(prefix="convanim-narrated-") as folder:
            silent = render_segments(scene_file, scene, Path(folder, "video.mp4"), quality, settings or [], jobs, FPS,
                                     extra, plan.waits)
            finish_narration(silent, plan, out_path)
        return out_path
    with tempfile.TemporaryDirectory(prefix="convanim-render-") as folder:
        variant = Path(folder, "scene_variant.py")
        # manimlib reads sys.argv once, on import: set it for the render before anything imports it.
        sys.argv = build_argv(str(variant), scene, quality, folder, still, gif, extra or [])
        import convanim.manim._gl  # noqa: F401

        scenes = scene_classes(load_scene_module(scene_file))
        if scene not in scenes:
            raise SceneNotFoundError(f"{scene_file} has no scene {scene!r}; its scenes: {', '.join(scenes)}")
        options = parse_options(scenes[scene], settings or [])
        if still and "show_code" in declared_options(scenes[scene]) and "show_code" not in options:
            options["show_code"] = False  # a still is a picture of the layer; --set show_code=true for the card
        check_render_tools(need_ffmpeg=not still)
        plan = narration_plan(scenes[scene], options, scene_file, scene, settings or [], voice_waits) if (
            video and not deck_folder) else None
        language, notes = deck_notes(scenes[scene], options, scene_file, scene, settings or []) if deck_folder \
            else (None, None)
        waits = plan.waits if plan is not None else voice_waits
        variant.write_text(variant_source(scene_file, scene, options, deck_folder, waits, notes))
        from manimlib.__main__ import main

        main()
        suffix = ".png" if still else ".gif" if gif else ".mp4"
        produced = sorted(Path(folder).rglob(f"*{suffix}"), key=lambda p: p.stat().st_mtime)
        if not produced:
            raise RuntimeError(f"manimgl finished but wrote no {suffix} file for {scene} (see its output above)")
        if deck_folder:  # beside the finished deck, for the handout: its language and notes
            from convanim.manim.lecture.handout import write_notes_file

            write_notes_file(deck_folder, scene, language, notes)
        if plan is not None:
            finish_narration(produced[-1], plan, out_path)
            return out_path
        out_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced[-1]), out_path)
    return out_path


def narration_plan(scene_class: type, options: dict, scene_file: str, scene: str, settings: list[str],
                   voice_waits: list[int] | None):
    """The NarrationPlan of a render whose scene asks for narration or subtitles; None for a silent one (and for
    a segment's worker, which gets its waits from the parent)."""
    from convanim.manim.story.narrate import plan_narration
    from convanim.manim.story.options import narration_request

    request = narration_request(scene_class, options) if voice_waits is None else None
    return None if request is None else plan_narration(request, scene_file, scene, settings)


def finish_narration(video: Path, plan, out: Path) -> None:
    from convanim.manim.story.narrate import finish_narration as finish

    finish(video, plan, out)


def deck_notes(scene_class: type, options: dict, scene_file: str, scene: str, settings: list[str]
               ) -> tuple[str, list[str]]:
    """The scene's language and each story step's narration in it, as its slide's speaker notes (none for a
    scene without a spoken story)."""
    from convanim.manim.story.timeline import story_timeline

    language = options.get("language", getattr(scene_class, "language", "en"))
    try:
        return language, [t.text for t in story_timeline(scene_file, scene, settings, [language]).texts[language]]
    except ValueError:
        return language, []


def check_scene(scene_file: str, scene: str, settings: list[str]) -> tuple[type, dict]:
    """The scene exists and takes ``settings`` (SceneNotFoundError, OptionError), checked in this process
    before any worker starts (manimlib imported with a neutral command line: nothing renders here); returns
    the scene class and the parsed options."""
    if "manimlib" not in sys.modules:
        sys.argv = ["manimgl"]
    import convanim.manim._gl  # noqa: F401

    scenes = scene_classes(load_scene_module(scene_file))
    if scene not in scenes:
        raise SceneNotFoundError(f"{scene_file} has no scene {scene!r}; its scenes: {', '.join(scenes)}")
    return scenes[scene], parse_options(scenes[scene], settings)


def failure_message(err: Exception, scene: str) -> str:
    """One line; the scene's name in front of a scene's own error (the others name what they are about)."""
    own = isinstance(err, (OptionError, SceneNotFoundError, FileNotFoundError, RenderSetupError))
    return f"{err}" if own else f"{scene}: {err}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m convanim.manim.render", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scene_file")
    parser.add_argument("scene")
    parser.add_argument("--quality", choices=sorted(QUALITY_FLAGS), default="1080p", help="default: 1080p")
    parser.add_argument("--out", required=True, help="file to write (.mp4, .png with --still, .gif with --gif)")
    parser.add_argument("--still", action="store_true", help="write the last frame as PNG")
    parser.add_argument("--gif", action="store_true", help="write a GIF instead of an MP4")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="change a class attribute of the scene (repeatable)")
    parser.add_argument("--speed", action="append", default=[], metavar="NAME=VALUE",
                        help="turn a speed switch off, to compare with manimgl's own path (repeatable)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="render the video in this many parallel segments (default: one per two cores of the machine)")
    parser.add_argument("--verbose", action="store_true", help="print the whole traceback when the render fails")
    # A narrated render's segment workers get the frames to wait at the end of each story step (JSON list).
    parser.add_argument("--voice-waits", default=None, help=argparse.SUPPRESS)
    # A course build's job: once the render is done, the files it loaded (JSON list), for the job's key.
    parser.add_argument("--sources-out", default=None, help=argparse.SUPPRESS)
    args, extra = parser.parse_known_args(argv)
    waits = json.loads(args.voice_waits) if args.voice_waits else None
    code = render_and_report("render", args.verbose, args.scene_file, args.scene, out=args.out, quality=args.quality,
                             still=args.still, gif=args.gif, extra=extra, settings=args.set, jobs=args.jobs,
                             voice_waits=waits, speed=args.speed)
    if code == 0 and args.sources_out:
        Path(args.sources_out).write_text(json.dumps(job_sources(args.scene_file, args.scene, args.set)))
    return code


def job_sources(scene_file: str, scene: str, settings: list[str]) -> list[str]:
    """After a render in this process: the files its video depends on (a course job's key): the modules it
    loaded (:func:`convanim.manim.rendering.sources.loaded_sources`) and the narration's recordings and script."""
    from convanim.manim.rendering.sources import loaded_sources
    from convanim.manim.story.options import narration_request

    scene_file = str(resolve_scene_file(scene_file))
    files = loaded_sources(scene_file)
    request = narration_request(*check_scene(scene_file, scene, settings))
    if request is not None:
        files += [str(path) for path in request.input_files()]
    return sorted(set(files))


def render_and_report(prog: str, verbose: bool, scene_file: str, scene: str, quiet: bool = False,
                      **keywords) -> int:
    """:func:`render`, then ``wrote PATH`` (exit 0; not when ``quiet``) or one line on stderr and
    :func:`exit_code`; the whole traceback too with ``verbose``."""
    try:
        path = render(scene_file, scene, **keywords)
    except RenderStopped as stopped:  # SIGTERM or Ctrl-C: the temporary files are gone, nothing was written
        print(f"{prog}: {scene}: {stopped}", file=sys.stderr)
        return stopped.exit_code
    except Exception as err:  # one line for the lecturer; --verbose for the developer
        if verbose:
            traceback.print_exc()
        print(f"{prog}: {failure_message(err, scene)}", file=sys.stderr)
        return exit_code(err)
    if not quiet:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
